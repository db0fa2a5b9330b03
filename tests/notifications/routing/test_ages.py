"""Ages in completed days on aware instants, gestation and maternal days (docs/rules/routing.md §1)."""

from __future__ import annotations

from datetime import date

import pytest

from perinatal.notifications.routing import (
    Baby,
    Gestation,
    MaternalDeath,
    age_at_death_days,
    completed_days,
    days_after_pregnancy_end,
    format_age,
    format_gestation,
    known_gestation_days,
    parse_timestamp,
)


def age(born: str, died: str) -> int:
    return completed_days(start=parse_timestamp(born), end=parse_timestamp(died))


@pytest.mark.parametrize(
    ("born", "died", "days"),
    [
        ("2025-06-01T10:00", "2025-06-01T10:00", 0),
        ("2025-06-01T10:00", "2025-06-02T09:59", 0),
        ("2025-06-01T10:00", "2025-06-02T10:00", 1),
        ("2025-06-01T10:00", "2025-06-08T09:59", 6),
        ("2025-06-01T10:00", "2025-06-08T10:00", 7),
        ("2025-06-01T10:00", "2025-06-29T09:59", 27),
        ("2025-06-01T10:00", "2025-06-29T10:00", 28),
        # Clocks go back on 26 October 2025: born 23:30 BST = 22:30 UTC, so day 7 starts
        # at 22:30 GMT on 1 November. By wall-clock readings 23:15 would still be day 6.
        ("2025-10-25T23:30", "2025-11-01T22:29", 6),
        ("2025-10-25T23:30", "2025-11-01T22:30", 7),
        ("2025-10-25T23:30", "2025-11-01T23:15", 7),
        # Born in the repeated hour (first occurrence, BST).
        ("2025-10-26T01:30", "2025-11-02T00:29", 6),
        ("2025-10-26T01:30", "2025-11-02T00:30", 7),
        # Day 27/28 across the October change: born 00:30 BST on 20 October = 23:30 UTC on 19th.
        ("2025-10-20T00:30", "2025-11-16T23:29", 27),
        ("2025-10-20T00:30", "2025-11-16T23:30", 28),
        # Clocks go forward on 30 March 2025: born 12:00 GMT, day 7 starts at 13:00 BST.
        ("2025-03-29T12:00", "2025-04-05T12:59", 6),
        ("2025-03-29T12:00", "2025-04-05T13:00", 7),
        ("2025-03-10T12:00", "2025-04-07T12:59", 27),
        ("2025-03-10T12:00", "2025-04-07T13:00", 28),
        # Offsets given explicitly are honoured.
        ("2025-06-01T10:00+01:00", "2025-06-08T09:00Z", 7),
    ],
)
def test_completed_days(born: str, died: str, days: int) -> None:
    assert age(born, died) == days


def baby(*, born_alive: bool = True, died_at: str | None = None, gestation: Gestation | None = None) -> Baby:
    return Baby(
        born_at=parse_timestamp("2025-10-25T23:30"),
        born_alive=born_alive,
        died_at=None if died_at is None else parse_timestamp(died_at),
        gestation=gestation,
        birth_weight_g=3000,
    )


def test_age_at_death_only_for_a_live_born_baby_who_died() -> None:
    assert age_at_death_days(baby(died_at="2025-11-01T23:15")) == 7
    assert age_at_death_days(baby()) is None
    assert age_at_death_days(baby(born_alive=False, died_at="2025-10-25T23:30")) is None


@pytest.mark.parametrize(
    ("gestation", "known"),
    [
        (Gestation(weeks=38, days=2, reliable=True), 268),
        (Gestation(weeks=38, days=2, reliable=False), None),
        (Gestation(weeks=38, days=2, reliable=None), None),
        (None, None),
    ],
)
def test_known_gestation(gestation: Gestation | None, known: int | None) -> None:
    assert known_gestation_days(baby(gestation=gestation)) == known


@pytest.mark.parametrize(
    ("weeks", "days", "total"),
    [(37, 0, 259), (34, 0, 238), (30, 0, 210), (27, 0, 189), (24, 0, 168), (22, 0, 154), (20, 0, 140), (36, 6, 258)],
)
def test_gestation_in_days_matches_spec_section_1(weeks: int, days: int, total: int) -> None:
    assert Gestation(weeks=weeks, days=days, reliable=True).total_days == total
    assert format_gestation(total) == f"{weeks}+{days} weeks"


@pytest.mark.parametrize(
    ("days", "words"), [(0, "less than 1 day old"), (1, "1 day old"), (2, "2 days old"), (28, "28 days old")]
)
def test_format_age(days: int, words: str) -> None:
    assert format_age(days) == words


@pytest.mark.parametrize(
    ("died_at", "ended_on", "days"),
    [
        ("2025-10-20T09:00", date(2025, 10, 1), 19),
        ("2025-10-01T09:00", date(2025, 10, 1), 0),
        # 00:30 BST on 12 October is still 11 October in UTC: the date in England counts.
        ("2025-10-12T00:30", date(2025, 10, 1), 11),
        ("2025-11-12T23:30", date(2025, 10, 1), 42),
    ],
)
def test_days_after_pregnancy_end_uses_the_date_in_england(died_at: str, ended_on: date, days: int) -> None:
    death = MaternalDeath(died_at=parse_timestamp(died_at), pregnancy_ended_on=ended_on)
    assert days_after_pregnancy_end(death) == days


def test_days_after_pregnancy_end_unknown() -> None:
    assert days_after_pregnancy_end(MaternalDeath(died_at=parse_timestamp("2025-10-20T09:00"))) is None
