"""England working days: the MOSS safety check (8th working day after, docs/rules/surveillance.md §1.4),
the bodies' deadlines (docs/rules/routing.md §6) and the nominations deadline all count with them."""

from datetime import date

import pytest

from perinatal.kernel.working_days import (
    SAFETY_CHECK_WORKING_DAYS,
    add_working_days,
    is_working_day,
    previous_working_day,
)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # A plain fortnight: Monday 2 June 2025 + 8 working days = Thursday 12 June.
        (date(2025, 6, 2), 8, date(2025, 6, 12)),
        # Start on a Friday: the weekend does not count.
        (date(2025, 6, 6), 1, date(2025, 6, 9)),
        (date(2025, 6, 6), 8, date(2025, 6, 18)),
        # Start on a Saturday (day 0 whatever day it is): day 1 is Monday.
        (date(2025, 6, 7), 1, date(2025, 6, 9)),
        # Christmas, Boxing Day and New Year's Day 2025-26 are skipped.
        (date(2025, 12, 19), 8, date(2026, 1, 5)),
        # Good Friday 3 April and Easter Monday 6 April 2026.
        (date(2026, 4, 1), 8, date(2026, 4, 15)),
        # Early May bank holiday, Monday 5 May 2025.
        (date(2025, 5, 2), 1, date(2025, 5, 6)),
        # Spring bank holiday, Monday 26 May 2025.
        (date(2025, 5, 23), 1, date(2025, 5, 27)),
        # n = 0 is the day itself, even on a holiday.
        (date(2025, 12, 25), 0, date(2025, 12, 25)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start=start, n=n) == expected


def test_england_not_scotland():
    # 2 January and St Andrew's Day are Scottish bank holidays, not English ones.
    assert is_working_day(date(2025, 1, 2))
    assert is_working_day(date(2026, 11, 30))
    # The Summer bank holiday is the last Monday of August in England.
    assert not is_working_day(date(2025, 8, 25))
    assert is_working_day(date(2025, 8, 4))


def test_the_safety_check_is_due_on_the_eighth_working_day():
    assert SAFETY_CHECK_WORKING_DAYS == 8


def test_refuses_negative():
    with pytest.raises(ValueError):
        add_working_days(start=date(2025, 1, 1), n=-1)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 10, 1), True),  # Wednesday
        (date(2025, 10, 4), False),  # Saturday
        (date(2025, 10, 5), False),  # Sunday
        (date(2025, 12, 25), False),
        (date(2025, 12, 26), False),
        (date(2026, 1, 1), False),
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # early May bank holiday
        (date(2026, 8, 31), False),  # summer bank holiday (England, not Scotland's)
        (date(2026, 8, 3), True),  # Scotland's summer bank holiday is a working day in England
        (date(2026, 3, 17), True),  # St Patrick's Day: Northern Ireland only
        (date(2026, 12, 28), False),  # Boxing Day substitute
    ],
)
def test_england_working_days_by_the_routing_deadlines(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2025, 10, 1), 1, date(2025, 10, 2)),
        (date(2025, 10, 1), 7, date(2025, 10, 10)),  # Wednesday -> Friday of the next week
        (date(2025, 10, 3), 7, date(2025, 10, 14)),  # Friday
        (date(2025, 10, 4), 7, date(2025, 10, 14)),  # a Saturday death: Monday is day 1
        (date(2025, 12, 19), 7, date(2026, 1, 2)),  # over Christmas and New Year
        (date(2026, 4, 1), 7, date(2026, 4, 14)),  # over Easter
    ],
)
def test_routing_deadline_working_days(start: date, days: int, due: date) -> None:
    assert add_working_days(start=start, n=days) == due


def test_zero_working_days_is_the_start_whatever_day_it_is() -> None:
    # The boundary the two old copies disagreed on: "day 0" is the start (MOSS rule).
    assert add_working_days(start=date(2025, 10, 1), n=0) == date(2025, 10, 1)
    assert add_working_days(start=date(2025, 10, 4), n=0) == date(2025, 10, 4)  # a Saturday


def test_previous_working_day_skips_weekends_and_bank_holidays() -> None:
    assert previous_working_day(date(2026, 4, 7)) == date(2026, 4, 2)  # over Easter
    assert previous_working_day(date(2025, 10, 6)) == date(2025, 10, 3)  # Monday -> Friday
