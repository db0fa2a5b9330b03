"""Local (Europe/London) wall-clock times without the clock-change hour.

Timestamps are local times (docs/rules/dashboard.md §1). On the last Sunday of March 01:00–01:59 does
not exist and on the last Sunday of October it happens twice; demo timestamps move out of
that hour (by +60 minutes) so every one of them names exactly one instant.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .period import DemoPeriod

MINUTES_PER_DAY = 1440
CLOCK_CHANGE_HOUR_MINUTES = (60, 120)  # [01:00, 02:00) local
CLOCK_CHANGE_MONTHS = (3, 10)


def last_sunday(year: int, month: int) -> dt.date:
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last = next_month - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - 6) % 7)


def clock_change_days(period: DemoPeriod) -> np.ndarray:
    """Day indices (from period.start) of the clock-change Sundays near the period."""
    days = [
        period.day_index(last_sunday(year, month))
        for year in range(period.start.year - 1, period.end.year + 2)
        for month in CLOCK_CHANGE_MONTHS
    ]
    return np.array(days, dtype=np.int64)


def avoid_clock_change_hour(period: DemoPeriod, minutes: np.ndarray) -> np.ndarray:
    """Minutes since period.start 00:00, moved out of 01:00–01:59 on clock-change days."""
    minutes = np.asarray(minutes, dtype=np.int64)
    of_day = minutes % MINUTES_PER_DAY
    in_hour = (
        np.isin(minutes // MINUTES_PER_DAY, clock_change_days(period))
        & (of_day >= CLOCK_CHANGE_HOUR_MINUTES[0])
        & (of_day < CLOCK_CHANGE_HOUR_MINUTES[1])
    )
    return np.where(in_hour, minutes + 60, minutes)
