"""Local time in Europe/London and durations on real instants.

Spec: dashboard.md §1 ("timestamps ... Europe/London; durations are computed on
time-zone-aware instants, as in routing.md §1"). routing.md §1: local times are
localised to Europe/London and compared in UTC, so a clock change never moves a day
boundary; an ambiguous local time (the repeated hour in October) takes its first
occurrence (BST); a local time that does not exist (the skipped hour in March) is refused.

Python subtracts two datetimes that share a tzinfo object as wall-clock times, so every
duration here goes through UTC (`elapsed`): 24 wall-clock hours across the October
change are 25 real hours.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks go forward (routing.md §1: refused)."""


def localise(naive: datetime) -> datetime:
    """Attach Europe/London to a naive local time; ambiguous → first occurrence (BST).

    Raises NonexistentLocalTime for a time in the hour skipped in March.
    """
    if naive.tzinfo is not None:
        raise ValueError("localise() takes a naive local time")
    aware = naive.replace(tzinfo=LONDON, fold=0)  # fold=0 is the first occurrence
    round_trip = aware.astimezone(timezone.utc).astimezone(LONDON)
    if round_trip.replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(naive.isoformat(timespec="minutes"))
    return aware


def to_utc(moment: datetime) -> datetime:
    """The same instant in UTC; refuses naive datetimes (they have no instant)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} is naive: timestamps must be time-zone aware")
    return moment.astimezone(timezone.utc)


def elapsed(*, start: datetime, end: datetime) -> timedelta:
    """Real time from `start` to `end` (negative when `end` is earlier)."""
    return to_utc(end) - to_utc(start)


def add_real_time(*, moment: datetime, delta: timedelta) -> datetime:
    """`moment` plus `delta` of real (elapsed) time, returned in Europe/London."""
    return (to_utc(moment) + delta).astimezone(LONDON)


def local_midnight(day: date) -> datetime:
    """00:00 Europe/London on `day` (midnight always exists: UK clocks change at 01:00 UTC)."""
    return localise(datetime(day.year, day.month, day.day))
