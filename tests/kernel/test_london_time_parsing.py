"""Timestamps (docs/rules/routing.md §1): local Europe/London unless an offset is given; the repeated October
hour takes BST; the skipped March hour is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from perinatal.kernel.london_time import (
    InvalidTimestamp,
    london_date,
    parse_iso_date,
    parse_timestamp,
    timestamp_to_iso,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2025-10-01T03:20", utc(2025, 10, 1, 2, 20)),  # BST
        ("2025-12-01T03:20", utc(2025, 12, 1, 3, 20)),  # GMT
        ("2025-10-01T03:20:15", utc(2025, 10, 1, 2, 20, 15)),
        ("2025-10-01T03:20:15.5", utc(2025, 10, 1, 2, 20, 15, 500000)),
        ("2025-10-01T03:20Z", utc(2025, 10, 1, 3, 20)),
        ("2025-10-01T03:20+01:00", utc(2025, 10, 1, 2, 20)),
        ("2025-10-01T03:20-05:00", utc(2025, 10, 1, 8, 20)),
        # October 2025: 01:00-01:59 happens twice; the first occurrence is BST.
        ("2025-10-26T00:59", utc(2025, 10, 25, 23, 59)),
        ("2025-10-26T01:00", utc(2025, 10, 26, 0, 0)),
        ("2025-10-26T01:30", utc(2025, 10, 26, 0, 30)),
        ("2025-10-26T01:59", utc(2025, 10, 26, 0, 59)),
        ("2025-10-26T02:00", utc(2025, 10, 26, 2, 0)),
        # The second occurrence can still be given with its offset.
        ("2025-10-26T01:30+00:00", utc(2025, 10, 26, 1, 30)),
        # March 2025: 01:00-01:59 does not exist; either side is fine.
        ("2025-03-30T00:59", utc(2025, 3, 30, 0, 59)),
        ("2025-03-30T02:00", utc(2025, 3, 30, 1, 0)),
        ("2025-03-30T01:30+00:00", utc(2025, 3, 30, 1, 30)),
    ],
)
def test_parse_timestamp(text: str, instant: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == instant
    assert parsed.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("text", ["2025-03-30T01:00", "2025-03-30T01:30", "2025-03-30T01:59", "2026-03-29T01:15"])
def test_the_skipped_march_hour_is_refused(text: str) -> None:
    with pytest.raises(InvalidTimestamp) as caught:
        parse_timestamp(text)
    assert caught.value.problem == "skipped_hour"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2025-10-01", "format"),
        ("2025-10-01 03:20", "format"),
        ("2025-10-01T3:20", "format"),
        ("20251001T0320", "format"),
        ("2025-W40-3T03:20", "format"),
        ("2025-10-01T03", "format"),
        ("\u0662025-10-01T03:20", "format"),
        ("2025-10-01T03:20+0100", "format"),
        ("2025-02-30T10:00", "not_a_date"),
        ("2025-10-01T24:00", "not_a_date"),
    ],
)
def test_refused_timestamps(text: str, problem: str) -> None:
    with pytest.raises(InvalidTimestamp) as caught:
        parse_timestamp(text)
    assert caught.value.problem == problem


@pytest.mark.parametrize(
    ("text", "problem"), [("2025-02-29", "not_a_date"), ("20250101", "format"), ("2025-1-1", "format")]
)
def test_refused_dates(text: str, problem: str) -> None:
    with pytest.raises(InvalidTimestamp) as caught:
        parse_iso_date(text)
    assert caught.value.problem == problem


def test_parse_date() -> None:
    assert parse_iso_date("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (utc(2025, 10, 1, 2, 20), "2025-10-01T03:20:00+01:00"),
        (utc(2025, 12, 1, 3, 20), "2025-12-01T03:20:00+00:00"),
        (utc(2025, 10, 26, 0, 30), "2025-10-26T01:30:00+01:00"),
        (utc(2025, 10, 26, 1, 30), "2025-10-26T01:30:00+00:00"),
    ],
)
def test_canonical_form_is_london_time_with_offset_and_reads_back(instant: datetime, text: str) -> None:
    assert timestamp_to_iso(instant) == text
    assert parse_timestamp(text) == instant


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        (utc(2025, 9, 30, 23, 30), date(2025, 10, 1)),  # 00:30 BST
        (utc(2025, 12, 31, 23, 30), date(2025, 12, 31)),  # 23:30 GMT
    ],
)
def test_london_date(instant: datetime, day: date) -> None:
    assert london_date(instant) == day
