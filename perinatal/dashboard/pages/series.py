"""One metric over time for one organisation: the series, its breaks, line and SPC charts.

docs/rules/dashboard.md §2–§4 and docs/rules/surveillance.md §2. Operational metrics are fortnightly series,
outcome metrics monthly (whole months only), the survey yearly. A series of an ICB or a
region breaks where the trusts it holds change (docs/rules/dashboard.md §4: "Series across a boundary change carry
a break marker"; the ICB mergers of 1 April 2026): the line chart marks the break and the
SPC chart is rebased there (docs/rules/surveillance.md §2.9), so limits never mix two different
organisations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from perinatal.charts import Chart, LinePoint, line_chart, spc_chart
from perinatal.dashboard.metrics.definitions import MetricDefinition
from perinatal.dashboard.metrics.periods import PERIOD_OUTCOME
from perinatal.dashboard.metrics.rows import MetricRow
from perinatal.stats.spc import (
    MINIMUM_SEGMENT_POINTS,
    SpcChart,
    SpcInputError,
    SpcPoint,
    xmr_chart,
)

from .reporting_periods import last_day_of_month
from .wording import DECIMALS, anchor, axis_label, count_labels, improvement_of, value_bounds

SPC_TOO_FEW_POINTS = "There are not enough periods with data for an SPC chart (it needs at least 2)."


@dataclass(frozen=True)
class MetricSeries:
    """A metric's rows for one organisation, oldest first, and where the series breaks."""

    definition: MetricDefinition
    rows: tuple[MetricRow, ...]
    breaks: frozenset[date]  # period_start of the first row after each break

    @property
    def latest(self) -> MetricRow | None:
        with_value = [row for row in self.rows if row.value is not None]
        return with_value[-1] if with_value else None


def series_rows(rows: Sequence[MetricRow], *, definition: MetricDefinition) -> tuple[MetricRow, ...]:
    """The rows of one metric, oldest first; outcome metrics keep whole months only (a month
    still being loaded is not shown as a fall)."""
    chosen = [row for row in rows if row.metric_id == definition.id]
    if definition.period_kind == PERIOD_OUTCOME:
        chosen = [
            row for row in chosen if row.period_start.day == 1 and row.period_end == last_day_of_month(row.period_start)
        ]
    return tuple(sorted(chosen, key=lambda row: row.period_start))


def series_breaks(rows: Sequence[MetricRow], *, members_on: Callable[[date], frozenset[str]] | None) -> frozenset[date]:
    """Starts of the periods whose organisation holds other trusts than the period before
    (`members_on(day)`: the trusts the roll-up places in it on that day). None: a trust or
    England, whose series never break."""
    if members_on is None:
        return frozenset()
    breaks, previous = set(), None
    for row in rows:
        members = members_on(row.period_end)
        if previous and members and members != previous:
            breaks.add(row.period_start)
        previous = members or previous
    return frozenset(breaks)


def spc_date(row: MetricRow, *, definition: MetricDefinition) -> date:
    """Months are dated by their first day (the chart labels them as months); fortnights
    and survey years by their last day ("fortnight ending")."""
    return row.period_start if definition.period_kind == PERIOD_OUTCOME else row.period_end


def spc_of(series: MetricSeries) -> SpcChart | None:
    """The XmR chart of the series (improvement from the metric's direction, no target, so
    no assurance icon), rebased at each break; None when it has fewer than 2 values.

    A break that would leave a segment of a single point is not rebased (limits need 2)."""
    points = [
        SpcPoint(spc_date(row, definition=series.definition), float(row.value))
        for row in series.rows
        if row.value is not None
    ]
    if len(points) < MINIMUM_SEGMENT_POINTS:
        return None
    dates = [point.date for point in points]
    rebase_dates = []
    last_start = 0
    for row in series.rows:
        if row.period_start not in series.breaks or row.value is None:
            continue
        index = dates.index(spc_date(row, definition=series.definition))
        if index - last_start >= MINIMUM_SEGMENT_POINTS and len(dates) - index >= MINIMUM_SEGMENT_POINTS:
            rebase_dates.append(dates[index])
            last_start = index
    try:
        return xmr_chart(points=points, improvement=improvement_of(series.definition), rebase_dates=rebase_dates)
    except SpcInputError:
        return None


@dataclass(frozen=True)
class SeriesCharts:
    """A metric's charts on an organisation's page."""

    series: MetricSeries
    line: Chart
    spc: Chart | None
    spc_chart: SpcChart | None
    spc_missing: str | None  # why there is no SPC chart


def series_charts(
    series: MetricSeries,
    *,
    subject: str,
    stillbirth_denominator: str | None,
    id_prefix: str = "",
    chart_anchor: str | None = None,
) -> SeriesCharts:
    """`chart_anchor`: the charts' ids (default: the metric's anchor), for a section that charts
    one of its parts (a trust's induction delays)."""
    definition = series.definition
    floor, ceiling = value_bounds(definition.unit)
    label = axis_label(definition, stillbirth_denominator=stillbirth_denominator)
    numerator_label, denominator_label = count_labels(definition, stillbirth_denominator=stillbirth_denominator)
    safe_id = chart_anchor or anchor(definition.id)
    points = [
        LinePoint(
            period_start=row.period_start,
            period_end=row.period_end,
            value=row.value,
            lower_95=row.lower_95,
            upper_95=row.upper_95,
            numerator=row.numerator,
            denominator=row.denominator,
            provisional=row.provisional,
            series_break=row.period_start in series.breaks,
        )
        for row in series.rows
    ]
    line = line_chart(
        points=points,
        title=definition.title,
        subject=subject,
        value_label=label,
        decimals=DECIMALS,
        floor=floor,
        ceiling=ceiling,
        numerator_label=numerator_label,
        denominator_label=denominator_label,
        chart_id=f"{id_prefix}line-{safe_id}",
    )
    chart = spc_of(series)
    spc = None
    if chart is not None:
        spc = spc_chart(
            chart=chart,
            title=f"{definition.title}: SPC chart",
            subject=subject,
            value_label=label,
            decimals=DECIMALS,
            floor=floor,
            ceiling=ceiling,
            chart_id=f"{id_prefix}spc-{safe_id}",
        )
    return SeriesCharts(
        series=series,
        line=line,
        spc=spc,
        spc_chart=chart,
        spc_missing=None if chart is not None else SPC_TOO_FEW_POINTS,
    )
