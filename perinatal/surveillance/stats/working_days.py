"""Working days in England, for the MOSS critical safety check due date (spec surveillance.md §1.4).

A check opened on day D is due on the 8th working day after D (D is day 0). Weekends and
England bank holidays (the shipped ``holidays`` calendar, United Kingdom, subdivision ENG)
are not working days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = ["SAFETY_CHECK_WORKING_DAYS", "add_working_days", "is_working_day"]

SAFETY_CHECK_WORKING_DAYS = 8
"""The critical safety check is due on the 8th working day after the signal (§1.4)."""

_COUNTRY = "GB"
_SUBDIVISION = "ENG"
_SATURDAY = 5


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays(_COUNTRY, subdiv=_SUBDIVISION, years=year)
    return frozenset(calendar.keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England bank holiday."""
    return day.weekday() < _SATURDAY and day not in _bank_holidays(day.year)


def add_working_days(*, start: date, n: int) -> date:
    """The n-th working day after ``start`` (``start`` is day 0, whatever day it is).

    ``n = 0`` returns ``start`` itself.
    """
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    day = start
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
