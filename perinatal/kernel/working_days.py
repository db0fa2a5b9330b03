"""Working days in England: the one calendar every deadline in the platform counts in.

A working day is Monday to Friday and not an England bank holiday (the ``holidays``
package's United Kingdom calendar, subdivision ENG: the bank holidays GOV.UK publishes for
England and Wales, without Scotland's and Northern Ireland's).

Callers:
- the MOSS critical safety check: due on the 8th working day after the signal, the signal's
  day being day 0 (NHS England's MOSS guidance; docs/rules/surveillance.md §1.4);
- the national bodies' deadlines "within N working days of day D" (the Nth working day after
  D; docs/rules/routing.md §6);
- the Head of Midwifery's nominations deadline, moved to the working day before a bank
  holiday (NHS England letter PRN02113, onboarding).

**Zero days.** ``add_working_days(start=D, n=0)`` is D itself, whatever day D is: "the 0th
working day after D" is D, the day counting starts from (day 0 of the MOSS rule). No source
sets a deadline of zero working days, so the *deadline tables* refuse a period below 1
(`perinatal.notifications.routing.due_dates`), while the counting itself accepts 0.
A negative count is refused.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = ["SAFETY_CHECK_WORKING_DAYS", "add_working_days", "is_working_day", "previous_working_day"]

SAFETY_CHECK_WORKING_DAYS = 8
"""The critical safety check is due on the 8th working day after the signal."""

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

    ``n = 0`` returns ``start`` itself; a negative ``n`` is refused.
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


def previous_working_day(day: date) -> date:
    """The last working day strictly before ``day``."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
