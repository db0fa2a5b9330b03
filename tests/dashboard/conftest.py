"""Fixtures shared by the dashboard's import tests."""

from __future__ import annotations

import pytest

from perinatal.dashboard.imports import staging


def _counting(monkeypatch, name: str, key) -> list:
    calls = []
    original = getattr(staging, name)

    def counting(**kwargs):
        calls.append(key(kwargs))
        return original(**kwargs)

    monkeypatch.setattr(staging, name, counting)
    return calls


@pytest.fixture
def count_screened(monkeypatch):
    """The first line of each file (or part) that went through the screen (screen.py)."""
    return _counting(monkeypatch, "_stage_screened", lambda kwargs: kwargs["first_line"])


@pytest.fixture
def count_row_by_row(monkeypatch):
    """The dataset of each file (or part) checked row by row through the validator."""
    return _counting(monkeypatch, "_stage", lambda kwargs: kwargs["dataset"])
