"""Scales, "nice" ticks and the words for numbers, dates and periods on charts.

Value axes use the usual 1-2-5 tick steps; a `floor` (0 for rates and counts) or `ceiling`
(100 for percentages) keeps the axis, and any limit drawn on it, inside what the metric can
be. Date axes tick on whole months (every 1, 2, 3, 6, 12, … months, aligned to January)
or, for spans under about two months, on days. Month names are written from a fixed
English table rather than `strftime`, so output does not depend on the server's locale.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "DAY_TICK_STEPS",
    "DateTick",
    "LinearScale",
    "MONTH_ABBREVIATIONS",
    "MONTH_MODE_MINIMUM_DAYS",
    "MONTH_TICK_STEPS",
    "TimeScale",
    "ValueTicks",
    "date_ticks",
    "day_label",
    "format_count",
    "format_number",
    "is_whole_month",
    "month_label",
    "nice_step",
    "nice_ticks",
    "period_label",
    "plural",
    "span_label",
    "value_ticks",
]

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_TICK_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
"""Month steps that divide a year (or whole years), so ticks land on the same months each year."""
DAY_TICK_STEPS = (1, 2, 7, 14)
MONTH_MODE_MINIMUM_DAYS = 62
"""A date axis spanning at least this many days ticks on months, otherwise on days."""
_NICE_FACTORS = (1, 2, 5, 10)
_TOLERANCE_DIGITS = 9
"""Float noise below 1e-9 of a tick step is ignored when snapping the domain to ticks."""


# --- numbers --------------------------------------------------------------------------------


def format_number(value: float | int | Decimal, *, decimals: int) -> str:
    """``value`` rounded half-up to ``decimals`` places, with thousands separators; never "-0"."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    exact = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,.{decimals}f}"


def format_count(count: int | float | Decimal | str | None) -> str:
    """Counts as given: whole numbers with separators, Decimals (hours) as they are, text
    (a suppression mark such as ``*``) unchanged, ``None`` empty; other floats to 2 places."""
    if count is None:
        return ""
    if isinstance(count, str):
        return count
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    if isinstance(count, (int, Decimal)):
        return f"{count:,}"
    return format_number(count, decimals=2)


def plural(count: int, word: str) -> str:
    """``1 month``, ``3 months``: the count and the word, with an ``s`` unless it is 1."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


# --- value axes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinearScale:
    """Maps ``domain`` (low, high) linearly onto ``range`` (for y, bottom then top)."""

    domain: tuple[float, float]
    range: tuple[float, float]

    def __call__(self, value: float) -> float:
        low, high = self.domain
        start, end = self.range
        if high == low:
            return (start + end) / 2
        return start + (float(value) - low) / (high - low) * (end - start)


@dataclass(frozen=True)
class ValueTicks:
    """Tick values of a value axis, its domain and the decimals its labels need."""

    low: float
    high: float
    values: tuple[float, ...]
    decimals: int

    def label(self, value: float) -> str:
        return format_number(value, decimals=self.decimals)


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 5 or 10 × 10ⁿ that is at least ``raw`` (> 0)."""
    if not raw > 0 or not math.isfinite(raw):
        raise ValueError(f"a tick step must be a positive number, not {raw!r}")
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in _NICE_FACTORS:
        if raw <= factor * magnitude * (1 + 1e-12):
            return factor * magnitude
    return 10 * magnitude


def nice_ticks(
    *,
    low: float,
    high: float,
    count: int = 5,
    floor: float | None = None,
    ceiling: float | None = None,
) -> ValueTicks:
    """About ``count`` intervals of a 1-2-5 step covering [low, high], within floor/ceiling.

    An empty span (a single value, or an all-zero series) is widened so the axis still
    has ticks: [0, 1] around zero, otherwise ± half the value's size.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("the axis needs finite bounds")
    low, high = min(low, high), max(low, high)
    if floor is not None and ceiling is not None and floor >= ceiling:
        raise ValueError("the floor must be below the ceiling")
    if floor is not None:
        low, high = max(low, floor), max(high, floor)
    if ceiling is not None:
        low, high = min(low, ceiling), min(high, ceiling)
    if low == high:
        half = abs(low) / 2 or 1.0
        low, high = low - half, high + half
        if floor is not None:
            low = max(low, floor)
        if ceiling is not None:
            high = min(high, ceiling)
    step = nice_step((high - low) / count)
    first = math.floor(round(low / step, _TOLERANCE_DIGITS))
    last = math.ceil(round(high / step, _TOLERANCE_DIGITS))
    decimals = max(0, -math.floor(math.log10(step) + 1e-12))
    values = [float(round(index * step, decimals)) for index in range(first, last + 1)]
    values = [value for value in values if (floor is None or value >= floor) and (ceiling is None or value <= ceiling)]
    if not values:  # a floor and ceiling closer together than one step
        values = [low, high]
    # Ticks cover the data except where a floor or ceiling cut the outermost tick off.
    domain_low = float(min(values[0], low))
    domain_high = float(max(values[-1], high))
    return ValueTicks(low=domain_low, high=domain_high, values=tuple(values), decimals=decimals)


def value_ticks(
    *,
    values: Iterable[float],
    floor: float | None = None,
    ceiling: float | None = None,
    include_floor: bool = True,
    count: int = 5,
) -> ValueTicks:
    """Ticks for an axis showing ``values`` (and the floor, when ``include_floor``).

    With no values at all the axis runs from the floor (or 0) up by one step.
    """
    finite = [float(value) for value in values if value is not None and math.isfinite(value)]
    if floor is not None and include_floor:
        finite.append(floor)
    if not finite:
        finite = [0.0 if floor is None else floor]
    return nice_ticks(low=min(finite), high=max(finite), count=count, floor=floor, ceiling=ceiling)


# --- dates ----------------------------------------------------------------------------------


def month_label(day: date) -> str:
    """``Jan 2026``."""
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def day_label(day: date) -> str:
    """``5 Jan 2026``."""
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def _last_day_of_month(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def is_whole_month(*, start: date, end: date) -> bool:
    """True when [start, end] is exactly one calendar month."""
    return start.day == 1 and end == _last_day_of_month(start)


def period_label(*, start: date, end: date | None = None) -> str:
    """Words for a period: ``Jan 2026``, ``Jan to Mar 2026``, ``2026``, or full dates.

    Without an end (or a one-day period) the date itself: ``5 Jan 2026``.
    """
    if end is None or end == start:
        return day_label(start)
    if end < start:
        raise ValueError("a period cannot end before it starts")
    if is_whole_month(start=start, end=end):
        return month_label(start)
    whole_months = start.day == 1 and end == _last_day_of_month(end)
    if whole_months and start.year == end.year:
        if start.month == 1 and end.month == 12:
            return str(start.year)
        return f"{MONTH_ABBREVIATIONS[start.month - 1]} to {month_label(end)}"
    if whole_months:
        return f"{month_label(start)} to {month_label(end)}"
    return f"{day_label(start)} to {day_label(end)}"


def span_label(*, first_start: date, last_start: date, last_end: date | None = None, monthly: bool) -> str:
    """The range a series covers: ``Jan 2022 to Oct 2026`` for months, else full dates."""
    if monthly:
        first, last = month_label(first_start), month_label(last_start)
    else:
        first, last = day_label(first_start), day_label(last_end or last_start)
    return first if first == last else f"{first} to {last}"


@dataclass(frozen=True)
class TimeScale:
    """Maps dates linearly (by day) onto ``range`` (left, right); one date maps to the middle."""

    start: date
    end: date
    range: tuple[float, float]

    def __call__(self, day: date) -> float:
        left, right = self.range
        span = (self.end - self.start).days
        if span == 0:
            return (left + right) / 2
        return left + (day - self.start).days / span * (right - left)


@dataclass(frozen=True)
class DateTick:
    """A tick on a date axis and its label, one or two lines (the year only where it changes)."""

    day: date
    lines: tuple[str, ...]


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _from_month_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _month_ticks(start: date, end: date, max_ticks: int) -> list[DateTick]:
    first = _month_index(start) + (0 if start.day == 1 else 1)
    last = _month_index(end)
    chosen: list[int] = []
    step = MONTH_TICK_STEPS[-1]
    for step in MONTH_TICK_STEPS:
        chosen = list(range(math.ceil(first / step) * step, last + 1, step))
        if len(chosen) <= max_ticks:
            break
    if not chosen:
        chosen = [first]
    ticks = []
    previous_year = None
    for index in chosen:
        day = _from_month_index(index)
        if step >= 12:
            lines: tuple[str, ...] = (str(day.year),)
        else:
            year = str(day.year) if day.year != previous_year else ""
            lines = (MONTH_ABBREVIATIONS[day.month - 1], year) if year else (MONTH_ABBREVIATIONS[day.month - 1],)
        previous_year = day.year
        ticks.append(DateTick(day, lines))
    return ticks


def _day_ticks(start: date, end: date, max_ticks: int) -> list[DateTick]:
    span = (end - start).days
    step = DAY_TICK_STEPS[-1]
    for step in DAY_TICK_STEPS:
        if span // step + 1 <= max_ticks:
            break
    ticks = []
    previous_year = None
    for offset in range(0, span + 1, step):
        day = start + timedelta(days=offset)
        first_line = f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]}"
        lines = (first_line, str(day.year)) if day.year != previous_year else (first_line,)
        previous_year = day.year
        ticks.append(DateTick(day, lines))
    return ticks


def date_ticks(*, start: date, end: date, max_ticks: int = 8) -> tuple[DateTick, ...]:
    """Ticks for a date axis from ``start`` to ``end``, at most ``max_ticks`` of them.

    Spans of two months or more tick on the first of months; shorter spans on days. A
    single date gets one tick, labelled as a month when it is the first of one.
    """
    if end < start:
        raise ValueError("a date axis cannot end before it starts")
    if max_ticks < 1:
        raise ValueError("max_ticks must be at least 1")
    if start == end:
        if start.day == 1:
            return (DateTick(start, (MONTH_ABBREVIATIONS[start.month - 1], str(start.year))),)
        return (DateTick(start, (f"{start.day} {MONTH_ABBREVIATIONS[start.month - 1]}", str(start.year))),)
    if (end - start).days >= MONTH_MODE_MINIMUM_DAYS:
        return tuple(_month_ticks(start, end, max_ticks))
    return tuple(_day_ticks(start, end, max_ticks))
