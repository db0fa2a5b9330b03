"""Dates and times in the notification document (spec §1).

"Timestamps are ISO 8601 local time (Europe/London) unless an offset is given. All ages and
durations are computed on time-zone-aware instants (local times localised to Europe/London,
then compared in UTC), so a clock change never moves a day boundary. An ambiguous local time
(the repeated hour in October) takes its first occurrence (BST); a local time that does not
exist (the skipped hour in March) is refused, naming the field."

Parsed instants are held in UTC. Python subtracts two datetimes that share a `ZoneInfo`
by their wall-clock readings, which would move day boundaries at a clock change; holding
UTC makes every subtraction and comparison an honest one between instants.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = [
    "LONDON",
    "InvalidTimestamp",
    "london_date",
    "parse_iso_date",
    "parse_timestamp",
    "timestamp_to_iso",
]

LONDON = ZoneInfo("Europe/London")

# Calendar date and time to at least the minute, optional seconds and fraction, optional
# offset. Stricter than `datetime.fromisoformat`, which also takes week dates, basic format
# and a date alone; ASCII digits only.
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(?P<offset>Z|[+-][0-9]{2}:[0-9]{2})?"
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class InvalidTimestamp(ValueError):
    """`problem` is "format", "not_a_date" or "skipped_hour" (the hour lost in March)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 timestamp as an aware UTC instant; local (London) when no offset."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise InvalidTimestamp("format")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:  # e.g. 2025-02-30T10:00
        raise InvalidTimestamp("not_a_date") from error
    if match.group("offset") is not None:
        return parsed.astimezone(UTC)
    # fold=0 (the default) picks the first occurrence of a repeated hour: BST.
    local = parsed.replace(tzinfo=LONDON, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(LONDON).replace(tzinfo=None) != parsed:
        # The wall-clock time does not exist: it falls in the hour skipped in March.
        raise InvalidTimestamp("skipped_hour")
    return instant


def parse_iso_date(text: str) -> date:
    """An ISO 8601 calendar date, YYYY-MM-DD."""
    if _DATE.fullmatch(text) is None:
        raise InvalidTimestamp("format")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InvalidTimestamp("not_a_date") from error


def london_date(instant: datetime) -> date:
    """The calendar date in England at `instant` (an aware datetime)."""
    return instant.astimezone(LONDON).date()


def timestamp_to_iso(instant: datetime) -> str:
    """Canonical form: London local time with its offset, e.g. 2025-10-01T03:20:00+01:00.

    The offset makes the repeated October hour unambiguous when read back.
    """
    return instant.astimezone(LONDON).isoformat()
