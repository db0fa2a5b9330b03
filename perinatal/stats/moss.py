"""MOSS: per-site Poisson CUSUM with levels and restart, signal summaries, excess events.

docs/rules/surveillance.md §1.1 (events, denominator, reference rate), docs/rules/surveillance.md §1.3 (CUSUM, levels,
reset), docs/rules/surveillance.md §1.4 (daily excess events). Thresholds come from :mod:`.moss_design`
(docs/rules/surveillance.md §1.2). Pure data in and out: the births import, the nightly job and ``perinatal moss``
all call :func:`run_moss` so that they agree with each other and with NHS England.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .months import YearMonth
from .moss_design import (
    METHOD,
    THRESHOLD_DECIMALS,
    DesignFailedError,
    MossThresholds,
    expected_events,
    moss_thresholds,
)
from .r_rounding import round_r

__all__ = [
    "ExcessEventsDay",
    "LEVEL_NONE",
    "LEVEL_1",
    "LEVEL_2",
    "MonthlyCounts",
    "MonthRate",
    "MossCusumMonth",
    "MossMonthInput",
    "MossRun",
    "MossRow",
    "ReferenceRates",
    "SKIP_DESIGN_FAILED",
    "SKIP_NO_DENOMINATOR",
    "SKIP_NO_REFERENCE_RATE",
    "SKIP_TOO_FEW_BIRTHS",
    "SignalSummary",
    "SkippedSiteYear",
    "REFERENCE_YEARS",
    "SUMMARY_WINDOWS",
    "denominators",
    "evaluated_months",
    "excess_events",
    "moss_cusum",
    "reference_rate",
    "run_moss",
    "signal_level",
    "summarise_signals",
]

LEVEL_NONE = 0
LEVEL_1 = 1
LEVEL_2 = 2

REFERENCE_YEARS = 3
"""The reference rate for year Y pools the three years Y−3…Y−1 (docs/rules/surveillance.md §1.1)."""
SUMMARY_WINDOWS = (6, 12)
"""Signals are summarised over the latest month and the 5 / 11 before it (docs/rules/surveillance.md §1.3)."""

SKIP_NO_DENOMINATOR = "no_denominator"
SKIP_NO_REFERENCE_RATE = "no_reference_rate"
SKIP_TOO_FEW_BIRTHS = "too_few_births"
SKIP_DESIGN_FAILED = "design_failed"


# --- docs/rules/surveillance.md §1.3 the CUSUM -------------------------------------------------------------------


@dataclass(frozen=True)
class MossMonthInput:
    """One month of one site: its event count and the parameters of that month's year."""

    month: YearMonth
    events: int
    k: float
    h1: float
    h2: float


@dataclass(frozen=True)
class MossCusumMonth:
    month: YearMonth
    events: int
    cusum: float
    level: int
    reset: int


def signal_level(*, cusum: float, events: int, h1: float, h2: float) -> int:
    """level = 2 if cusum ≥ h2, else 0 if no events, else 1 if cusum ≥ h1, else 0 (docs/rules/surveillance.md §1.3).

    The level-2 test comes first and does not look at the events; a level 1 is never
    raised in a month with no events.
    """
    if cusum >= h2:
        return LEVEL_2
    if events == 0:
        return LEVEL_NONE
    if cusum >= h1:
        return LEVEL_1
    return LEVEL_NONE


def moss_cusum(months: Sequence[MossMonthInput]) -> list[MossCusumMonth]:
    """The MOSS CUSUM of one site, months in ascending order (docs/rules/surveillance.md §1.3).

    The restart test compares the previous month's rounded statistic with *this* month's
    h2, as NHS England's code does; the unrounded statistic is carried forward; a level 1
    is never raised in a month without events, a level 2 can be.
    """
    ordered = [item.month for item in months]
    if ordered != sorted(set(ordered)):
        raise ValueError("months must be distinct and in ascending order")
    statistic = 0.0
    result = []
    for item in months:
        restart = round_r(statistic, digits=THRESHOLD_DECIMALS) >= item.h2
        if restart:
            statistic = item.events - item.k
        else:
            statistic = statistic + item.events - item.k
        statistic = max(0.0, statistic)
        cusum = round_r(statistic, digits=THRESHOLD_DECIMALS)
        level = signal_level(cusum=cusum, events=item.events, h1=item.h1, h2=item.h2)
        result.append(
            MossCusumMonth(month=item.month, events=item.events, cusum=cusum, level=level, reset=int(restart))
        )
    return result


# --- docs/rules/surveillance.md §1.1 denominators and reference rates --------------------------------------------


@dataclass(frozen=True)
class MonthlyCounts:
    """One site-month of births data: term births (live + still) and MOSS events."""

    site_code: str
    year: int
    term_births: float
    events: int = 0


def denominators(counts: Iterable[MonthlyCounts]) -> dict[tuple[str, int], float]:
    """{(site, Y): mean monthly term births at the site in Y − 1} (docs/rules/surveillance.md §1.1).

    The arithmetic mean of the monthly rows present, so a site that opened mid-year is
    averaged over its open months.
    """
    births: dict[tuple[str, int], list[float]] = defaultdict(list)
    for row in counts:
        births[(row.site_code, row.year + 1)].append(row.term_births)
    return {key: sum(values) / len(values) for key, values in births.items()}


def reference_rate(*, counts: Iterable[MonthlyCounts], year: int, site_code: str | None = None) -> float | None:
    """Events ÷ term births over Y−3…Y−1, nationally or for one site (docs/rules/surveillance.md §1.1).

    ``None`` when there were no term births in those years.
    """
    first_year = year - REFERENCE_YEARS
    events = 0
    births = 0.0
    for row in counts:
        if first_year <= row.year < year and (site_code is None or row.site_code == site_code):
            events += row.events
            births += row.term_births
    if births <= 0:
        return None
    return events / births


@dataclass(frozen=True)
class ReferenceRates:
    """Reference rates by year of the events: national, and per site where loaded (docs/rules/surveillance.md §1.1).

    A per-site rate, when present, wins over the national one (NHS England's
    ``MOSS_Ref_Rate.csv`` carries one per site and period).
    """

    national: Mapping[int, float] = field(default_factory=dict)
    per_site: Mapping[tuple[str, int], float] = field(default_factory=dict)

    def for_site(self, *, site_code: str, year: int) -> float | None:
        rate = self.per_site.get((site_code, year))
        return self.national.get(year) if rate is None else rate


# --- docs/rules/surveillance.md §1.1–1.3 the whole run -------------------------------------------------------------


@dataclass(frozen=True)
class MossRow:
    """One site and evaluated month, as ``perinatal moss`` prints it (docs/rules/surveillance.md §1.6)."""

    site_code: str
    month: YearMonth
    events: int
    expected: float
    k: float
    h1: float
    h2: float
    cusum: float
    level: int
    reset: int
    method: str = METHOD


@dataclass(frozen=True)
class SkippedSiteYear:
    """A site-year MOSS could not monitor, reported rather than silently dropped (docs/rules/surveillance.md §1.2)."""

    site_code: str
    year: int
    reason: str
    message: str


@dataclass(frozen=True)
class MossRun:
    rows: tuple[MossRow, ...]
    skipped: tuple[SkippedSiteYear, ...]
    thresholds: Mapping[tuple[str, int], MossThresholds]
    months: tuple[YearMonth, ...]


def evaluated_months(events: Mapping[tuple[str, YearMonth], int]) -> list[YearMonth]:
    """Every month in which at least one event happened anywhere (docs/rules/surveillance.md §1.1)."""
    totals: dict[YearMonth, int] = defaultdict(int)
    for (_, month), count in events.items():
        totals[month] += count
    return sorted(month for month, total in totals.items() if total > 0)


def _site_year_thresholds(
    *,
    site_code: str,
    year: int,
    denominators: Mapping[tuple[str, int], float],
    reference_rates: ReferenceRates,
) -> MossThresholds | SkippedSiteYear:
    denominator = denominators.get((site_code, year))
    if denominator is None:
        return SkippedSiteYear(site_code, year, SKIP_NO_DENOMINATOR, f"no term births for {year - 1} (denominator)")
    rate = reference_rates.for_site(site_code=site_code, year=year)
    if rate is None:
        return SkippedSiteYear(
            site_code,
            year,
            SKIP_NO_REFERENCE_RATE,
            f"no reference rate for {year - REFERENCE_YEARS}-{year - 1}",
        )
    ic = expected_events(reference_rate=rate, denominator=denominator)
    if ic <= 0:
        return SkippedSiteYear(
            site_code,
            year,
            SKIP_TOO_FEW_BIRTHS,
            f"too few births to monitor (expected events per month {ic} rounds to 0.00)",
        )
    try:
        return moss_thresholds(ic)
    except DesignFailedError as error:
        return SkippedSiteYear(site_code, year, SKIP_DESIGN_FAILED, str(error))


def run_moss(
    *,
    events: Mapping[tuple[str, YearMonth], int],
    denominators: Mapping[tuple[str, int], float],
    reference_rates: ReferenceRates,
) -> MossRun:
    """MOSS for every site: thresholds per site-year, then each site's CUSUM (docs/rules/surveillance.md §1.1–1.3).

    ``events`` maps (site, month of birth) to the event count, ``denominators`` maps
    (site, Y) to the mean monthly term births in Y − 1 (see :func:`denominators`). Every
    site named in either gets a row for each evaluated month of each year it can be
    monitored in; site-years without a denominator or reference rate, whose IC rounds to
    0.00 or whose design fails are returned in ``skipped`` and left out; the CUSUM of the
    site runs on over its remaining months.
    """
    months = evaluated_months(events)
    years = sorted({month.year for month in months})
    sites = sorted({site for site, _ in events} | {site for site, _ in denominators})
    rows: list[MossRow] = []
    skipped: list[SkippedSiteYear] = []
    thresholds: dict[tuple[str, int], MossThresholds] = {}
    for site_code in sites:
        for year in years:
            outcome = _site_year_thresholds(
                site_code=site_code,
                year=year,
                denominators=denominators,
                reference_rates=reference_rates,
            )
            if isinstance(outcome, SkippedSiteYear):
                skipped.append(outcome)
            else:
                thresholds[(site_code, year)] = outcome
        inputs = []
        for month in months:
            parameters = thresholds.get((site_code, month.year))
            if parameters is not None:
                inputs.append(
                    MossMonthInput(
                        month=month,
                        events=events.get((site_code, month), 0),
                        k=parameters.k,
                        h1=parameters.h1,
                        h2=parameters.h2,
                    )
                )
        for point in moss_cusum(inputs):
            parameters = thresholds[(site_code, point.month.year)]
            rows.append(
                MossRow(
                    site_code=site_code,
                    month=point.month,
                    events=point.events,
                    expected=parameters.ic,
                    k=parameters.k,
                    h1=parameters.h1,
                    h2=parameters.h2,
                    cusum=point.cusum,
                    level=point.level,
                    reset=point.reset,
                    method=parameters.method,
                )
            )
    return MossRun(rows=tuple(rows), skipped=tuple(skipped), thresholds=thresholds, months=tuple(months))


# --- docs/rules/surveillance.md §1.3 signal summaries --------------------------------------------------------------


@dataclass(frozen=True)
class SignalSummary:
    """A site's signals in the last 6 and 12 months (the latest month and the 5 / 11 before it)."""

    site_code: str
    latest_month: YearMonth
    level1_months_6: int
    level2_months_6: int
    highest_level_6: int
    level1_months_12: int
    level2_months_12: int
    highest_level_12: int


def summarise_signals(*, rows: Iterable[MossRow], latest_month: YearMonth | None = None) -> list[SignalSummary]:
    """Per site (in site order), the level-1 and level-2 months within the last 6 and 12 months.

    The windows are calendar months ending at ``latest_month`` (default: the latest month
    in ``rows``), so a site whose recent year was skipped is not shown stale signals as
    recent.
    """
    by_site: dict[str, list[MossRow]] = defaultdict(list)
    for row in rows:
        by_site[row.site_code].append(row)
    if not by_site:
        return []
    if latest_month is None:
        latest_month = max(row.month for site_rows in by_site.values() for row in site_rows)
    summaries = []
    for site_code in sorted(by_site):
        counts = []
        for window in SUMMARY_WINDOWS:
            first = latest_month.shifted(-(window - 1))
            levels = [row.level for row in by_site[site_code] if first <= row.month <= latest_month]
            counts.append((levels.count(LEVEL_1), levels.count(LEVEL_2), max(levels, default=LEVEL_NONE)))
        (l1_6, l2_6, top_6), (l1_12, l2_12, top_12) = counts
        summaries.append(SignalSummary(site_code, latest_month, l1_6, l2_6, top_6, l1_12, l2_12, top_12))
    return summaries


# --- docs/rules/surveillance.md §1.4 excess events (VLAD) ----------------------------------------------------------


@dataclass(frozen=True)
class MonthRate:
    """The denominator and reference rate in force for one evaluated month of a site."""

    month: YearMonth
    denominator: float
    reference_rate: float


@dataclass(frozen=True)
class ExcessEventsDay:
    day: date
    events: int
    expected: float
    excess: float
    cumulative_excess: float


def excess_events(*, months: Sequence[MonthRate], daily_events: Mapping[date, int]) -> list[ExcessEventsDay]:
    """Daily observed − expected events and its running sum, never reset (docs/rules/surveillance.md §1.4).

    Expected per day = (denominator / days in month) × reference rate, unrounded. Only the
    days of ``months`` (the evaluated months, ascending) are charted.
    """
    result = []
    cumulative = 0.0
    for item in sorted(months, key=lambda rate: rate.month):
        expected = item.denominator / item.month.days * item.reference_rate
        for day in item.month.dates():
            count = daily_events.get(day, 0)
            excess = count - expected
            cumulative = cumulative + excess
            result.append(ExcessEventsDay(day, count, expected, excess, cumulative))
    return result
