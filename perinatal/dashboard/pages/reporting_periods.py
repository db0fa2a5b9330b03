"""The periods the dashboard pages offer, built from the span of the loaded data.

docs/rules/dashboard.md §2: outcome metrics over any date range on `born_on` — "monthly, quarterly,
calendar year and rolling 12 months in the interface"; operational metrics (1–3) by the
fortnight ending on a chosen date; a survey row belongs to its `survey_year`. docs/rules/dashboard.md §5: "Tiles
compare with the previous period of the same length."

**policy** (the pages' reporting grid): the latest date of the loaded births data is the
pages' "as of" date. Fortnights end on it, on it − 14 days, and so on (the series `perinatal
metrics --to AS_OF` prints); months, quarters and years are calendar ones, and only whole
months are shown in monthly series, so a month still being loaded never looks like a
fall. A calendar year or quarter still in progress is offered "to date", labelled so.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from perinatal.core.formatting import MONTH_NAMES, long_date, month_and_year
from perinatal.dashboard.metrics.periods import (
    PERIOD_FORTNIGHT,
    PERIOD_SURVEY,
    Period,
    fortnight_series,
)
from perinatal.dashboard.selectors.births import DataSpan

KIND_FORTNIGHT = "fortnight"
KIND_MONTH = "month"
KIND_QUARTER = "quarter"
KIND_YEAR = "year"
KIND_ROLLING_12 = "rolling"
#: How many of each the period list offers, newest first.
FORTNIGHTS_OFFERED = 26
MONTHS_OFFERED = 24
QUARTERS_OFFERED = 12
ROLLING_OFFERED = 24

GROUP_LABELS = {
    KIND_FORTNIGHT: "Fortnights",
    KIND_MONTH: "Months",
    KIND_QUARTER: "Quarters",
    KIND_YEAR: "Calendar years",
    KIND_ROLLING_12: "12 months ending",
}


@dataclass(frozen=True)
class PeriodChoice:
    """One period a page offers: its key in the query string, words and dates."""

    key: str
    kind: str
    label: str
    period: Period

    @property
    def group(self) -> str:
        return GROUP_LABELS[self.kind]


def last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def latest_whole_month(span: DataSpan) -> Period | None:
    """The last calendar month wholly inside the data, or None when there is none."""
    end = span.last if span.last == last_day_of_month(span.last) else span.last.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    return Period(start, end) if start >= span.first else None


def fortnight_label(period: Period) -> str:
    if period.start.year == period.end.year:
        first = f"{period.start.day} {MONTH_NAMES[period.start.month - 1]}"
        if period.start.month == period.end.month:
            first = str(period.start.day)
        return f"{first} to {long_date(period.end)}"
    return f"{long_date(period.start)} to {long_date(period.end)}"


def period_words(period: Period, *, kind: str | None = None) -> str:
    """Words for a period as the pages name it: "October 2026", "July to September 2026",
    "2025", "12 months to October 2026", or dates."""
    whole_months = period.start.day == 1 and period.end == last_day_of_month(period.end)
    if kind == KIND_FORTNIGHT:
        return fortnight_label(period)
    if whole_months and period.start.replace(day=1) == period.end.replace(day=1):
        return month_and_year(period.start)
    if whole_months and period.start == date(period.start.year, 1, 1) and period.end == date(period.start.year, 12, 31):
        return str(period.start.year)
    if kind == KIND_ROLLING_12 and whole_months:
        return f"12 months to {month_and_year(period.end)}"
    if whole_months and period.start.year == period.end.year:
        return f"{MONTH_NAMES[period.start.month - 1]} to {month_and_year(period.end)}"
    if whole_months:
        return f"{month_and_year(period.start)} to {month_and_year(period.end)}"
    return f"{long_date(period.start)} to {long_date(period.end)}"


def fortnight_choices(span: DataSpan) -> list[PeriodChoice]:
    """The whole fortnights of the data, ending on the as-of date, newest first."""
    series = (
        fortnight_series(date_from=span.first, date_to=span.as_of) if span.as_of - span.first >= timedelta(13) else ()
    )
    return [
        PeriodChoice(f"{KIND_FORTNIGHT}:{p.end.isoformat()}", KIND_FORTNIGHT, fortnight_label(p), p)
        for p in reversed(series[-FORTNIGHTS_OFFERED:])
    ]


def _whole_months(span: DataSpan) -> list[Period]:
    latest = latest_whole_month(span)
    if latest is None:
        return []
    months, start = [], span.first if span.first.day == 1 else add_months(span.first, 1)
    while start <= latest.start:
        months.append(Period(start, last_day_of_month(start)))
        start = add_months(start, 1)
    return months


def outcome_choices(span: DataSpan) -> list[PeriodChoice]:
    """Months, quarters, calendar years and rolling 12 months, newest first in each group.

    Quarters and years still in progress end on the last whole month and say "to date";
    rolling 12 months are offered only where the data hold all 12 months.
    """
    months = _whole_months(span)
    if not months:
        return []
    latest = months[-1]
    choices = [
        PeriodChoice(f"{KIND_MONTH}:{m.start:%Y-%m}", KIND_MONTH, month_and_year(m.start), m)
        for m in reversed(months[-MONTHS_OFFERED:])
    ]
    quarters = []
    for month in months:
        if month.start.month % 3 == 1:
            end = min(last_day_of_month(add_months(month.start, 2)), latest.end)
            label = f"{MONTH_NAMES[month.start.month - 1]} to {month_and_year(end)}"
            if end != last_day_of_month(add_months(month.start, 2)):
                label += " (quarter to date)"
            quarters.append(
                PeriodChoice(
                    f"{KIND_QUARTER}:{month.start.year}-Q{(month.start.month + 2) // 3}",
                    KIND_QUARTER,
                    label,
                    Period(month.start, end),
                )
            )
    choices += list(reversed(quarters[-QUARTERS_OFFERED:]))
    years = []
    for year in range(months[0].start.year, latest.end.year + 1):
        start = max(date(year, 1, 1), months[0].start)
        end = min(date(year, 12, 31), latest.end)
        label = (
            str(year) if (start, end) == (date(year, 1, 1), date(year, 12, 31)) else period_words(Period(start, end))
        )
        if end != date(year, 12, 31):
            label += " (year to date)"
        years.append(PeriodChoice(f"{KIND_YEAR}:{year}", KIND_YEAR, label, Period(start, end)))
    choices += list(reversed(years))
    rolling = []
    for index in range(11, len(months)):
        period = Period(months[index - 11].start, months[index].end)
        rolling.append(
            PeriodChoice(
                f"{KIND_ROLLING_12}:{months[index].start:%Y-%m}",
                KIND_ROLLING_12,
                f"12 months to {month_and_year(months[index].start)}",
                period,
            )
        )
    choices += list(reversed(rolling[-ROLLING_OFFERED:]))
    return choices


def survey_choices(span: DataSpan) -> list[PeriodChoice]:
    """Calendar years: a survey row belongs to its survey_year (docs/rules/dashboard.md §2)."""
    return [
        PeriodChoice(f"{KIND_YEAR}:{year}", KIND_YEAR, str(year), Period(date(year, 1, 1), date(year, 12, 31)))
        for year in range(span.last.year, span.first.year - 1, -1)
    ]


def choices_for(*, period_kind: str, span: DataSpan) -> list[PeriodChoice]:
    if period_kind == PERIOD_FORTNIGHT:
        return fortnight_choices(span)
    if period_kind == PERIOD_SURVEY:
        return survey_choices(span)
    return outcome_choices(span)


def default_choice(choices: list[PeriodChoice], *, period_kind: str) -> PeriodChoice | None:
    """The latest fortnight or survey year; for outcomes the latest 12 months (a month at one
    trust holds too few deaths to compare trusts), else the longest period there is."""
    if not choices:
        return None
    if period_kind in (PERIOD_FORTNIGHT, PERIOD_SURVEY):
        return choices[0]
    rolling = [c for c in choices if c.kind == KIND_ROLLING_12]
    if rolling:
        return rolling[0]
    years = [c for c in choices if c.kind == KIND_YEAR]
    return years[0] if years else choices[0]
