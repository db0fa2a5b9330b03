"""Periods: fortnights for the operational metrics, date ranges (whole, or split by month
or quarter) for outcome and survey metrics, and the time rules that depend on them.

Spec: docs/rules/dashboard.md §2 and §4. Instants are time-zone aware; every comparison and duration
is taken in UTC (see datasets/local_time.py), so a fortnight across the October clock
change lasts 337 real hours and one across the March change 335.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from perinatal.kernel.london_time import add_real_time, local_midnight, to_utc

FORTNIGHT_DAYS = 14
#: A woman waiting this long after admission for induction is delayed (docs/rules/dashboard.md §3.3).
INDUCTION_DELAY = timedelta(hours=24)
#: Values for periods less than this many days old are provisional (docs/rules/dashboard.md §2).
PROVISIONAL_DAYS_OPERATIONAL = 14
PROVISIONAL_DAYS_NEONATAL_MORTALITY = 28

PERIOD_FORTNIGHT = "fortnight"  # operational metrics 1–3
PERIOD_OUTCOME = "outcome"  # on born_on, any date range
PERIOD_SURVEY = "survey"  # a survey row belongs to its survey_year

BY_MONTH = "month"
BY_QUARTER = "quarter"
SPLITS = (BY_MONTH, BY_QUARTER)


@dataclass(frozen=True, order=True)
class Period:
    """Dates `start` … `end`, both inclusive; as instants [start 00:00, end + 1 00:00) London."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def start_instant(self) -> datetime:
        return local_midnight(self.start)

    @property
    def end_instant(self) -> datetime:
        """The first instant after the period (exclusive end)."""
        return local_midnight(self.end + timedelta(days=1))

    def contains_date(self, day: date) -> bool:
        return self.start <= day <= self.end

    def contains_instant(self, moment: datetime) -> bool:
        return to_utc(self.start_instant) <= to_utc(moment) < to_utc(self.end_instant)


def fortnight_ending(to: date) -> Period:
    """The fortnight ending on `to`: [to − 13 00:00, to + 1 00:00) Europe/London (docs/rules/dashboard.md §2)."""
    return Period(to - timedelta(days=FORTNIGHT_DAYS - 1), to)


def fortnight_series(*, date_from: date, date_to: date) -> tuple[Period, ...]:
    """Fortnights ending on `date_to`, `date_to` − 14, …, only whole ones starting on or
    after `date_from`; oldest first (docs/rules/dashboard.md §2)."""
    _check_range(date_from=date_from, date_to=date_to)
    series: list[Period] = []
    fortnight = fortnight_ending(date_to)
    while fortnight.start >= date_from:
        series.append(fortnight)
        fortnight = fortnight_ending(fortnight.end - timedelta(days=FORTNIGHT_DAYS))
    return tuple(reversed(series))


def outcome_periods(*, date_from: date, date_to: date, by: str | None = None) -> tuple[Period, ...]:
    """The range as one period, or split by calendar month or quarter (docs/rules/dashboard.md §4 `--by`).

    **policy**: a month or quarter cut by the range's ends is kept, shortened to the range,
    so every day of `[from, to]` is in exactly one period (its dates say so).
    """
    _check_range(date_from=date_from, date_to=date_to)
    if by is None:
        return (Period(date_from, date_to),)
    if by not in SPLITS:
        raise ValueError(f"by must be one of {', '.join(SPLITS)} or None, not {by!r}")
    months_per_period = 1 if by == BY_MONTH else 3
    periods: list[Period] = []
    first_month = (date_from.month - 1) // months_per_period * months_per_period + 1
    start = date(date_from.year, first_month, 1)
    while start <= date_to:
        following = _add_months(start, months_per_period)
        periods.append(Period(max(start, date_from), min(following - timedelta(days=1), date_to)))
        start = following
    return tuple(periods)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _check_range(*, date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ValueError(f"the range ends ({date_to}) before it starts ({date_from})")


def unit_open_during(*, opened_on: date, closed_on: date | None, period: Period) -> bool:
    """docs/rules/dashboard.md §2: `opened_on ≤ to` and (`closed_on` empty or `closed_on > to − 13`); closed_on is
    the first day closed."""
    return opened_on <= period.end and (closed_on is None or closed_on > period.start)


def episode_overlaps(*, started_at: datetime, ended_at: datetime | None, period: Period) -> bool:
    """docs/rules/dashboard.md §2: `started_at` < the period's end and (`ended_at` empty or > the period's start)."""
    return to_utc(started_at) < to_utc(period.end_instant) and (
        ended_at is None or to_utc(ended_at) > to_utc(period.start_instant)
    )


def _effective_end(*, ended_at: datetime | None, period: Period, now: datetime) -> datetime:
    """Where an episode is measured to: its end, or if ongoing the period's end or now."""
    if ended_at is not None:
        return to_utc(ended_at)
    return min(to_utc(period.end_instant), to_utc(now))


def episode_duration(*, started_at: datetime, ended_at: datetime | None, period: Period, now: datetime) -> timedelta:
    """docs/rules/dashboard.md §2: `ended_at − started_at` in real time, whole, even the part outside the period; an
    ongoing episode is measured up to the period's end (or now, if earlier)."""
    return _effective_end(ended_at=ended_at, period=period, now=now) - to_utc(started_at)


def episode_time_within(*, started_at: datetime, ended_at: datetime | None, period: Period, now: datetime) -> timedelta:
    """The part of an episode inside the period (real time; ongoing: to the period's end or
    now, if earlier). **policy** for the `.hours` sub-measure: only the time in the
    fortnight counts, so consecutive fortnights never count the same hour twice."""
    start = max(to_utc(started_at), to_utc(period.start_instant))
    end = min(_effective_end(ended_at=ended_at, period=period, now=now), to_utc(period.end_instant))
    return max(end - start, timedelta(0))


def induction_delay_instant(admitted_at: datetime) -> datetime:
    """docs/rules/dashboard.md §3.3: the instant `admitted_at + 24 h` (real time), in Europe/London."""
    return add_real_time(moment=admitted_at, delta=INDUCTION_DELAY)


def induction_delayed_in(*, admitted_at: datetime, started_at: datetime | None, period: Period, now: datetime) -> bool:
    """docs/rules/dashboard.md §3.3: a woman is delayed in the fortnight containing `admitted_at + 24 h`, provided
    `started_at` is empty or later than that instant. **policy**: an induction not yet
    started is delayed only once that instant has passed (`now`)."""
    delay_at = induction_delay_instant(admitted_at)
    return (
        period.contains_instant(delay_at)
        and to_utc(delay_at) <= to_utc(now)
        and (started_at is None or to_utc(started_at) > to_utc(delay_at))
    )


def survey_year_overlaps(*, survey_year: int, period: Period) -> bool:
    """docs/rules/dashboard.md §2: a survey row belongs to `survey_year`-01-01 … -12-31 and is included when that
    overlaps the period."""
    return period.start.year <= survey_year <= period.end.year


def is_provisional(*, period_end: date, today: date, provisional_days: int | None) -> bool:
    """docs/rules/dashboard.md §2: values for periods less than `provisional_days` days old are provisional; a
    period's age is counted from its last day."""
    return provisional_days is not None and (today - period_end).days < provisional_days
