"""The date range demo data covers, and the default end date of the command.

`make run` loads "the four complete calendar years before --end's year plus that year to
date". So `--years N` counts calendar years *including* the year of `--end` (a partial year
unless `--end` is 31 December): the data starts on 1 January of (end.year − N + 1) and ends
on `end`, inclusive. `--years 5 --end 2026-10-31` covers 2022-01-01 … 2026-10-31.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPeriod:
    """Inclusive range of birth dates (and of the other datasets' event dates)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def day_index(self, day: dt.date) -> int:
        """Days since `start` (0 for `start`)."""
        return (day - self.start).days


def demo_period(*, years: int, end: dt.date) -> DemoPeriod:
    """1 January of (end.year − years + 1) … end."""
    if years < 1:
        raise ValueError(f"years must be at least 1, not {years}")
    return DemoPeriod(start=dt.date(end.year - years + 1, 1, 1), end=end)


def default_end(today: dt.date) -> dt.date:
    """The last day of the month before `today`'s (the latest complete month)."""
    return today.replace(day=1) - dt.timedelta(days=1)
