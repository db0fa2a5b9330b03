"""The MOSS safety check's due date: the 8th working day after (spec surveillance.md §1.4)."""

from datetime import date

import pytest

from perinatal.surveillance.stats.working_days import (
    SAFETY_CHECK_WORKING_DAYS,
    add_working_days,
    is_working_day,
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
