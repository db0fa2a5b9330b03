"""Dates, times and measured numbers as people read them, in the GOV.UK style, written once for
every page, email, command and message: "1 October 2025", "October 2025", "3:20am", "1 October
2025 at 3:20am" (GOV.UK style guide, "Dates" and "Times": 12-hour clock, am and pm, no leading
zero; midnight and midday say so), and "1,234.57" (:func:`decimal`).

Month names come from an English table rather than ``strftime("%B")``, so the words do not
depend on the server's locale. Instants are shown in England's local time.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from perinatal.charts.scales import format_number
from perinatal.kernel.london_time import LONDON

__all__ = ["DISPLAY_PLACES", "date_and_time", "decimal", "long_date", "month_and_year", "time_of_day"]

DISPLAY_PLACES = 2
"""Decimal places of a measured number on a page or in an email (CUSUM, thresholds, expected
events): the places the charts' own tables show, so a value reads the same beside its chart."""

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: date | datetime | None) -> str:
    """``1 October 2025`` (an instant is taken on England's calendar)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(LONDON).date() if day.tzinfo is not None else day.date()
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def month_and_year(day: date | None) -> str:
    """``October 2025``."""
    return "" if day is None else f"{MONTH_NAMES[day.month - 1]} {day.year}"


def time_of_day(moment: datetime | time) -> str:
    """``3:20am``, ``12:05pm``, ``midnight``, ``midday`` (in England, for an aware instant)."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(LONDON)
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def date_and_time(moment: datetime | None) -> str:
    """``1 October 2025 at 3:20am`` in England's local time."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(LONDON)
    return f"{long_date(moment)} at {time_of_day(moment)}"


def decimal(value: float | int | Decimal | None, *, places: int = DISPLAY_PLACES, trim: bool = False) -> str:
    """A measured number for people: rounded half-up to ``places`` decimal places, thousands
    separated, never "-0": ``1.4444444444444444`` is ``1.44``, ``4`` is ``4.00``; with ``trim``,
    trailing zeros go (``3.10`` is ``3.1``, ``4.00`` is ``4``). None is empty.

    The one rounding for display (the charts' tables use the same rule,
    ``perinatal.charts.scales.format_number``); the analyst commands and their CSV files print
    numbers unrounded instead (docs/rules/surveillance.md §1, "Output").
    """
    if value is None:
        return ""
    text = format_number(value, decimals=places)
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
