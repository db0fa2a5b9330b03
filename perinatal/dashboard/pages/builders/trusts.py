"""The table of every trust for one metric and period: each trust's ICB and region in the
period, England's value for comparison, filters by region and ICB, sorting, and the funnel
plot of every trust (docs/rules/surveillance.md §3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from perinatal.charts import Chart, funnel_chart
from perinatal.charts.funnel import POSITION_WORDS, funnel_position
from perinatal.charts.scales import format_count
from perinatal.dashboard.engine import default_stillbirth_denominator
from perinatal.dashboard.metrics.definitions import MetricDefinition, metric_definitions
from perinatal.dashboard.metrics.intervals import UNIT_PER_1000, UNIT_PERCENT, UNIT_SCALE
from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT
from perinatal.dashboard.metrics.rows import LEVEL_ICB, LEVEL_NATIONAL, LEVEL_REGION, LEVEL_TRUST, MetricRow
from perinatal.dashboard.selectors import metric_rows, organisations, row_cache
from perinatal.dashboard.selectors.births import DataSpan
from perinatal.organisations.models import Organisation
from perinatal.stats.funnel import FUNNEL_PROPORTION, FunnelGroup, FunnelPlot, funnel_plot

from ..hierarchy import OrganisationRef
from ..reporting_periods import PeriodChoice, choices_for, default_choice
from ..wording import (
    axis_label,
    count_labels,
    format_interval,
    format_value,
    improvement_of,
    stillbirth_denominator_words,
    unit_phrase,
)

DEFAULT_METRIC = "stillbirth_rate"
SORT_NAME = "name"
SORT_CODE = "code"
SORT_ICB = "icb"
SORT_REGION = "region"
SORT_NUMERATOR = "numerator"
SORT_DENOMINATOR = "denominator"
SORT_VALUE = "value"
SORT_KEYS = (SORT_NAME, SORT_CODE, SORT_REGION, SORT_ICB, SORT_NUMERATOR, SORT_DENOMINATOR, SORT_VALUE)
ORDER_ASCENDING = "asc"
ORDER_DESCENDING = "desc"
#: Measures with real between-trust variation: their funnel limits allow for overdispersion
#: (docs/rules/surveillance.md §3: "such as PPH or survey items").
FUNNEL_OVERDISPERSED = frozenset({"pph_1500_rate", "considered_complaint"})
FUNNEL_NOT_FOR_OPERATIONAL = (
    "No funnel plot for this measure: each trust has only a few units (or is itself the unit "
    "counted), so a trust's value can only be a few percentages apart and limits would mislead."
)
FUNNEL_NOT_FOR_COUNTS = "No funnel plot for this measure: it is a count, not a rate or a proportion."
FUNNEL_NO_DATA = "No funnel plot: no trust has data for this measure in this period."


@dataclass(frozen=True)
class TrustLine:
    """One trust in the table: its row, its ICB and region in the period, its funnel position."""

    row: MetricRow
    icb: OrganisationRef | None
    region: OrganisationRef | None
    position: str | None  # funnel position, None when no funnel is drawn or no value
    highlighted: bool

    @property
    def position_words(self) -> str:
        return POSITION_WORDS[self.position] if self.position else ""


@dataclass(frozen=True)
class TrustsPage:
    definition: MetricDefinition
    unit_phrase: str
    value_label: str
    numerator_label: str
    denominator_label: str
    choice: PeriodChoice | None
    choices: tuple[PeriodChoice, ...]
    lines: tuple[TrustLine, ...]
    england: MetricRow | None
    funnel: Chart | None
    funnel_missing: str | None
    regions: tuple[OrganisationRef, ...]
    icbs: tuple[OrganisationRef, ...]
    region: str | None
    icb: str | None
    sort: str
    order: str
    stillbirth_denominator: str

    def cells(self, row: MetricRow) -> dict[str, str]:
        """A row's figures as the table shows them."""
        return {
            "numerator": format_count(row.numerator),
            "denominator": format_count(row.denominator),
            "value": format_value(row.value, unit=self.definition.unit),
            "interval": format_interval(row.lower_95, row.upper_95, unit=self.definition.unit),
        }

    @property
    def choice_groups(self) -> list[tuple[str, list[PeriodChoice]]]:
        """The period choices under their group's label, in the order offered (an optgroup each)."""
        groups: dict[str, list[PeriodChoice]] = {}
        for choice in self.choices:
            groups.setdefault(choice.group, []).append(choice)
        return list(groups.items())

    @property
    def metric_choices(self) -> list[tuple[str, str]]:
        """Every metric and sub-measure, for the metric picker."""
        return [
            (d.id, d.title if not d.is_sub_measure else f"– {d.title}")
            for d in metric_definitions(stillbirth_denominator=self.stillbirth_denominator)
        ]

    @property
    def stillbirth_words(self) -> str:
        return stillbirth_denominator_words(self.stillbirth_denominator)


def metric_definition(metric_id: str, *, stillbirth_denominator: str) -> MetricDefinition:
    """The definition in use (the stillbirth denominator setting applied); an unknown id
    gives the default metric's."""
    definitions = {d.id: d for d in metric_definitions(stillbirth_denominator=stillbirth_denominator)}
    return definitions.get(metric_id) or definitions[DEFAULT_METRIC]


def _has_data(row: MetricRow) -> bool:
    """Anything counted for the trust in the period (a denominator, or a count measure's numerator)."""
    return any(isinstance(count, int) and count > 0 for count in (row.denominator, row.numerator))


def _sort_value(line: TrustLine, sort: str):
    row = line.row
    if sort == SORT_NAME:
        return row.org_name.lower()
    if sort == SORT_CODE:
        return row.org_code
    if sort == SORT_REGION:
        return line.region.name.lower() if line.region else None
    if sort == SORT_ICB:
        return line.icb.name.lower() if line.icb else None
    value = {SORT_NUMERATOR: row.numerator, SORT_DENOMINATOR: row.denominator, SORT_VALUE: row.value}[sort]
    return value if isinstance(value, (int, Decimal)) else None


def sort_lines(lines: Sequence[TrustLine], *, sort: str, order: str) -> list[TrustLine]:
    """Sorted by the column, ties by name; trusts without a value last in either order."""
    by_name = sorted(lines, key=lambda line: (line.row.org_name.lower(), line.row.org_code))
    present = [line for line in by_name if _sort_value(line, sort) is not None]
    missing = [line for line in by_name if _sort_value(line, sort) is None]
    present.sort(key=lambda line: _sort_value(line, sort), reverse=order == ORDER_DESCENDING)
    return present + missing


def trust_funnel(
    *,
    rows: Sequence[MetricRow],
    definition: MetricDefinition,
    names: dict[str, str],
    shown: set[str],
    highlight: str | None,
    title: str,
    value_label: str,
    numerator_label: str,
    denominator_label: str,
) -> tuple[Chart | None, dict[str, str], str | None]:
    """The funnel plot of every trust, drawn for the trusts `shown`.

    Rates per 1,000 and percentages are proportions of their denominators (a stillbirth is
    one of the total births), so the exact binomial limits apply to both, scaled to the
    unit. The target and any overdispersion come from every trust in England, so filtering
    the table by region or ICB never moves the limits. Returns (chart, trust → position,
    why there is no chart)."""
    if definition.period_kind == PERIOD_FORTNIGHT:
        return None, {}, FUNNEL_NOT_FOR_OPERATIONAL
    if definition.unit not in (UNIT_PERCENT, UNIT_PER_1000):
        return None, {}, FUNNEL_NOT_FOR_COUNTS
    groups = [
        FunnelGroup(row.org_code, row.numerator, row.denominator)
        for row in rows
        if isinstance(row.denominator, int) and row.denominator > 0 and isinstance(row.numerator, int)
    ]
    if not groups:
        return None, {}, FUNNEL_NO_DATA
    plot = funnel_plot(groups=groups, kind=FUNNEL_PROPORTION, overdispersion=definition.id in FUNNEL_OVERDISPERSED)
    positions = {point.group: funnel_position(point) for point in plot.points}
    visible = tuple(point for point in plot.points if point.group in shown)
    if not visible:
        return None, positions, FUNNEL_NO_DATA
    drawn: FunnelPlot = replace(plot, points=visible)
    chart = funnel_chart(
        plot=drawn,
        title=title,
        value_label=value_label,
        value_scale=UNIT_SCALE[definition.unit],
        decimals=2,
        numerator_label=numerator_label,
        denominator_label=denominator_label,
        group_label="Trust",
        names=names,
        highlight=highlight if highlight in shown and any(p.group == highlight for p in visible) else None,
        improvement=improvement_of(definition),
        target_label="England",
        chart_id="funnel",
    )
    return chart, positions, None


def trusts_page(
    *,
    metric_id: str | None,
    period_key: str | None,
    region: str | None,
    icb: str | None,
    sort: str | None,
    order: str | None,
    span: DataSpan,
    highlight: str | None = None,
    now: datetime | None = None,
) -> TrustsPage:
    """Every trust for one metric and period: one engine call (trusts and England). An
    unknown metric, period, region, ICB, sort or order falls back to the default."""
    denominator = default_stillbirth_denominator()
    definition = metric_definition(metric_id, stillbirth_denominator=denominator)
    choices = choices_for(period_kind=definition.period_kind, span=span)
    choice = next((c for c in choices if c.key == period_key), None) or default_choice(
        choices, period_kind=definition.period_kind
    )
    sort = sort if sort in SORT_KEYS else SORT_NAME
    order = order if order in (ORDER_ASCENDING, ORDER_DESCENDING) else ORDER_ASCENDING
    orgs = organisations.organisation_map()
    value_label = axis_label(definition, stillbirth_denominator=denominator)
    numerator_label, denominator_label = count_labels(definition, stillbirth_denominator=denominator)
    regions = sorted(
        (
            OrganisationRef(LEVEL_REGION, code, orgs.name(LEVEL_REGION, code))
            for code, kind in orgs.kinds.items()
            if kind == Organisation.Kind.REGION
        ),
        key=lambda o: o.name,
    )
    base = dict(
        definition=definition,
        unit_phrase=unit_phrase(definition, stillbirth_denominator=denominator),
        value_label=value_label,
        numerator_label=numerator_label,
        denominator_label=denominator_label,
        choices=tuple(choices),
        regions=tuple(regions),
        sort=sort,
        order=order,
        stillbirth_denominator=denominator,
    )
    if choice is None:
        return TrustsPage(
            choice=None,
            lines=(),
            england=None,
            funnel=None,
            funnel_missing=FUNNEL_NO_DATA,
            icbs=(),
            region=None,
            icb=None,
            **base,
        )
    period = choice.period
    rows = metric_rows.trusts_rows(
        metric_id=definition.id, period=period, stillbirth_denominator=denominator, orgs=orgs, now=now
    )
    england = next((row for row in rows if row.org_level == LEVEL_NATIONAL), None)
    # Closed trusts and trusts without maternity services are left out unless they have data
    # in the period (OrganisationMap.listed); England's row still counts every trust.
    trust_rows = [
        row
        for row in rows
        if row.org_level == LEVEL_TRUST
        and orgs.listed(row.org_code, start=period.start, end=period.end, has_data=_has_data(row))
    ]
    lines = []
    for row in trust_rows:
        icb_code, region_code = orgs.parent_on(row.org_code, period.end)
        lines.append(
            TrustLine(
                row=row,
                icb=OrganisationRef(LEVEL_ICB, icb_code, orgs.name(LEVEL_ICB, icb_code)) if icb_code else None,
                region=OrganisationRef(LEVEL_REGION, region_code, orgs.name(LEVEL_REGION, region_code))
                if region_code
                else None,
                position=None,
                highlighted=row.org_code == highlight,
            )
        )
    region = region if region in {r.code for r in regions} else None
    in_region = [line for line in lines if region is None or (line.region and line.region.code == region)]
    icbs = sorted({line.icb for line in in_region if line.icb}, key=lambda o: o.name)
    icb = icb if icb in {i.code for i in icbs} else None
    shown = [line for line in in_region if icb is None or (line.icb and line.icb.code == icb)]
    title = f"{definition.title}, {choice.label}: trusts against England"
    shown_codes = frozenset(line.row.org_code for line in shown)
    # The exact binomial limits of every trust are most of the page's time: kept with the rows.
    chart, positions, missing = row_cache.kept(
        "trusts-funnel",
        (definition.id, denominator, choice.key, tuple(sorted(shown_codes)), highlight),
        lambda: trust_funnel(
            rows=trust_rows,
            definition=definition,
            names={row.org_code: row.org_name for row in trust_rows},
            shown=set(shown_codes),
            highlight=highlight,
            title=title,
            value_label=value_label,
            numerator_label=numerator_label,
            denominator_label=denominator_label,
        ),
        now=now,
    )
    shown = [
        replace(line, position=positions.get(line.row.org_code) if line.row.value is not None else None)
        for line in shown
    ]
    return TrustsPage(
        choice=choice,
        lines=tuple(sort_lines(shown, sort=sort, order=order)),
        england=england,
        funnel=chart,
        funnel_missing=missing,
        icbs=tuple(icbs),
        region=region,
        icb=icb,
        **base,
    )
