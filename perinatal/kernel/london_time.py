"""Local time in England (Europe/London): parsing, the calendar day, and durations between
real instants. The one place the platform turns wall-clock readings into instants.

The rule (docs/rules/routing.md §1, used by docs/rules/dashboard.md §1 for the datasets'
timestamps): timestamps are local time in Europe/London unless an offset is given; ages and
durations are computed on time-zone-aware instants compared in UTC, so a clock change never
moves a day boundary; an ambiguous local time (the repeated hour in October) takes its first
occurrence (BST); a local time that does not exist (the hour skipped in March) is refused.

Python subtracts two datetimes that share a tzinfo object as wall-clock readings, so every
duration here goes through UTC (`elapsed`): 24 wall-clock hours across the October change
are 25 real hours. Parsed instants are held in UTC for the same reason.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "LONDON",
    "InvalidTimestamp",
    "NonexistentLocalTime",
    "add_real_time",
    "elapsed",
    "local_midnight",
    "localise",
    "london_date",
    "parse_iso_date",
    "parse_timestamp",
    "timestamp_to_iso",
    "to_utc",
]

LONDON = ZoneInfo("Europe/London")

# Calendar date and time to at least the minute, optional seconds and fraction, optional
# offset. Stricter than `datetime.fromisoformat`, which also takes week dates, basic format
# and a date alone; ASCII digits only.
# The formats are plain patterns (no named groups) that JSON Schema's regular expressions read
# too: the API's description uses them. The third group is the offset.
TIMESTAMP_FORMAT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
DATE_FORMAT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TIMESTAMP = re.compile(TIMESTAMP_FORMAT)
_TIMESTAMP_OFFSET = 3
_DATE = re.compile(DATE_FORMAT)


class InvalidTimestamp(ValueError):
    """`problem` is "format", "not_a_date" or "skipped_hour" (the hour lost in March)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class NonexistentLocalTime(InvalidTimestamp):
    """A wall-clock time skipped when the clocks go forward: refused."""

    def __init__(self, reading: str) -> None:
        ValueError.__init__(self, reading)
        self.problem = "skipped_hour"


def localise(naive: datetime) -> datetime:
    """Attach Europe/London to a naive local time; ambiguous → first occurrence (BST).

    Raises NonexistentLocalTime for a time in the hour skipped in March.
    """
    if naive.tzinfo is not None:
        raise ValueError("localise() takes a naive local time")
    aware = naive.replace(tzinfo=LONDON, fold=0)  # fold=0 is the first occurrence
    # A skipped time is read with the offset before the change when fold=0 and after it when
    # fold=1 (PEP 495): the clocks went forward, so the first is smaller. Outside a change the
    # two are equal; in the repeated hour the first is larger. (The same test as a round trip
    # through UTC, at a third of its cost: an import reads every timestamp through here.)
    if aware.utcoffset() < naive.replace(tzinfo=LONDON, fold=1).utcoffset():
        raise NonexistentLocalTime(naive.isoformat(timespec="minutes"))
    return aware


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 timestamp as an aware UTC instant; local (London) when no offset."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise InvalidTimestamp("format")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:  # e.g. 2025-02-30T10:00
        raise InvalidTimestamp("not_a_date") from error
    if match.group(_TIMESTAMP_OFFSET) is not None:
        return parsed.astimezone(UTC)
    return localise(parsed).astimezone(UTC)


def parse_iso_date(text: str) -> date:
    """An ISO 8601 calendar date, YYYY-MM-DD."""
    if _DATE.fullmatch(text) is None:
        raise InvalidTimestamp("format")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InvalidTimestamp("not_a_date") from error


def to_utc(moment: datetime) -> datetime:
    """The same instant in UTC; refuses naive datetimes (they have no instant)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} is naive: timestamps must be time-zone aware")
    return moment.astimezone(UTC)


def elapsed(*, start: datetime, end: datetime) -> timedelta:
    """Real time from `start` to `end` (negative when `end` is earlier)."""
    return to_utc(end) - to_utc(start)


def add_real_time(*, moment: datetime, delta: timedelta) -> datetime:
    """`moment` plus `delta` of real (elapsed) time, returned in Europe/London."""
    return (to_utc(moment) + delta).astimezone(LONDON)


def local_midnight(day: date) -> datetime:
    """00:00 Europe/London on `day` (midnight always exists: UK clocks change at 01:00 UTC)."""
    return localise(datetime(day.year, day.month, day.day))


def london_date(instant: datetime) -> date:
    """The calendar date in England at `instant` (an aware datetime)."""
    return instant.astimezone(LONDON).date()


def timestamp_to_iso(instant: datetime) -> str:
    """Canonical form: London local time with its offset, e.g. 2025-10-01T03:20:00+01:00.

    The offset makes the repeated October hour unambiguous when read back.
    """
    return instant.astimezone(LONDON).isoformat()
