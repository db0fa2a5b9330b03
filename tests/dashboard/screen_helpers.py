"""Checking one file both ways, screened (imports/screen.py) and row by row, for the tests
of docs/adr/0024-vectorised-import.md: the two outcomes must be equal."""

from __future__ import annotations

from pathlib import Path

from perinatal.dashboard.imports import staging
from perinatal.dashboard.imports.register_snapshot import RegisterSnapshot


def screen_register(only_trust: str | None = None) -> RegisterSnapshot:
    """Two trusts with a site each: R0A (R0A01) and RJ1 (RJ101)."""
    return RegisterSnapshot(
        trust_ids={"R0A": 1, "RJ1": 2},
        site_ids={"R0A01": 10, "RJ101": 20},
        site_trusts={"R0A01": frozenset({"R0A"}), "RJ101": frozenset({"RJ1"})},
        units={},
        only_trust=only_trust,
    )


def staged_outcome(staged: staging.StagedFile) -> tuple:
    """Rows accepted, errors counted and kept, notes, and the staged rows in file order."""
    rows = [line for path in staged.paths for line in path.read_text(encoding="utf-8").splitlines()]
    return staged.rows, staged.error_count, staged.errors, staged.notes, rows


def stage_both_ways(
    path: Path,
    *,
    dataset: str,
    register: RegisterSnapshot | None = None,
    workers: int = 1,
    vendor: str = "sqlite",
) -> tuple[tuple, tuple]:
    """(screened, row by row) outcomes of checking `path`."""
    outcomes = []
    for screen in (True, False):
        staged = staging.stage_file(
            dataset=dataset,
            source=path,
            register=register or screen_register(),
            vendor=vendor,
            workers=workers,
            screen=screen,
        )
        try:
            outcomes.append(staged_outcome(staged))
        finally:
            staged.discard()
    return outcomes[0], outcomes[1]
