"""Page shaping for the dashboard: national tiles, organisation pages, the table of all trusts
with its funnel plot, the definitions page and uploads.

Every page computes its figures with one call of the metric engine
(`engine.compute_rows(MetricRequest(...))`: counting in SQL, the counts of past periods kept
in the engine's tally cache until the data change; the finished rows kept by
cache.rows_for) and shapes the rows here; no figure is computed twice or rounded again.
Aggregate figures are published statistics, shown to every signed-in user (dashboard.md §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from markupsafe import Markup

from perinatal.core.charts import ICONS, Chart, funnel_chart, icon_svg, variation_icon_key
from perinatal.core.charts.funnel import POSITION_WORDS, funnel_position
from perinatal.core.charts.scales import format_count
from perinatal.dashboard.engine import OrganisationMap, default_stillbirth_denominator
from perinatal.dashboard.metrics.definitions import (
    CRUDE_RATES_NOTE,
    STILLBIRTH_DENOMINATOR_LIVE_BIRTHS,
    MetricDefinition,
    metric_definitions,
)
from perinatal.dashboard.metrics.intervals import UNIT_PER_1000, UNIT_PERCENT, UNIT_SCALE
from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT, PERIOD_OUTCOME, PERIOD_SURVEY, Period
from perinatal.dashboard.metrics.rows import (
    LEVEL_ICB,
    LEVEL_NATIONAL,
    LEVEL_REGION,
    LEVEL_TRUST,
    NATIONAL_CODE,
    NATIONAL_NAME,
    MetricRow,
)
from perinatal.organisations.models import Organisation
from perinatal.surveillance.stats.funnel import FUNNEL_PROPORTION, FunnelGroup, FunnelPlot, funnel_plot
from perinatal.surveillance.stats.spc import SpcChart

from perinatal.dashboard.selectors import metric_rows, organisations

from .periods import (
    DataSpan,
    PeriodChoice,
    choices_for,
    default_choice,
    period_words,
)
from .series import MetricSeries, SeriesCharts, series_breaks, series_charts, series_rows, spc_of
from .wording import (
    axis_label,
    count_labels,
    direction_words,
    format_interval,
    format_value,
    improvement_of,
    unit_phrase,
    value_with_unit,
)

LEVEL_WORDS = {LEVEL_NATIONAL: "England", LEVEL_REGION: "NHS England region", LEVEL_ICB: "Integrated care board",
               LEVEL_TRUST: "NHS trust"}
ORG_KIND_OF_LEVEL = {LEVEL_REGION: Organisation.Kind.REGION, LEVEL_ICB: Organisation.Kind.ICB,
                     LEVEL_TRUST: Organisation.Kind.TRUST}
#: How far back a trust page lists its midwifery-led unit suspensions (six fortnights).
MLU_DAYS = 84
MBRRACE_URL = "https://timms.le.ac.uk/mbrrace-uk-perinatal-mortality/surveillance/"


def anchor(metric_id: str) -> str:
    """The id of a metric's section on a page: "stillbirth-rate"."""
    return metric_id.replace(".", "-").replace("_", "-")


# --- trend and comparison (tiles) ----------------------------------------------------------

TREND_UP = "up"
TREND_DOWN = "down"
TREND_SAME = "same"
ASSESSMENT_BETTER = "better"
ASSESSMENT_WORSE = "worse"
ASSESSMENT_NO_CHANGE = "no_change"
PREVIOUS_PERIOD_WORDS = {PERIOD_FORTNIGHT: "previous fortnight", PERIOD_OUTCOME: "previous month",
                         PERIOD_SURVEY: "previous survey year"}


@dataclass(frozen=True)
class Trend:
    """How the latest value compares with the previous period's: the direction, and whether
    that is better or worse given the metric's direction of improvement (§3)."""

    direction: str  # up | down | same
    assessment: str  # better | worse | no_change
    words: str


def trend_between(*, latest: Decimal | None, previous: Decimal | None, definition: MetricDefinition) -> Trend | None:
    """None when either value is missing (a zero denominator is no value, never 0)."""
    if latest is None or previous is None:
        return None
    compared = PREVIOUS_PERIOD_WORDS[definition.period_kind]
    if latest == previous:
        return Trend(TREND_SAME, ASSESSMENT_NO_CHANGE, f"The same as the {compared}")
    direction = TREND_UP if latest > previous else TREND_DOWN
    better = (direction == TREND_DOWN) == (improvement_of(definition) == "decrease")
    assessment = ASSESSMENT_BETTER if better else ASSESSMENT_WORSE
    word = "Higher" if direction == TREND_UP else "Lower"
    return Trend(direction, assessment, f"{word} than the {compared}: {assessment}")


@dataclass(frozen=True)
class Tile:
    """One metric's latest figures as an NHS.UK card (the national page, the top of every
    organisation's page)."""

    definition: MetricDefinition
    anchor: str
    unit_phrase: str
    latest: MetricRow | None
    latest_label: str
    previous: MetricRow | None
    previous_label: str
    trend: Trend | None
    variation_icon: str | None
    assurance_icon: str | None
    spc_points: int
    trial_limits: bool
    numerator_label: str
    denominator_label: str

    @property
    def value_text(self) -> str:
        return format_value(self.latest.value if self.latest else None, unit=self.definition.unit)

    @property
    def previous_text(self) -> str:
        return format_value(self.previous.value if self.previous else None, unit=self.definition.unit)

    @property
    def interval_text(self) -> str:
        if self.latest is None:
            return ""
        return format_interval(self.latest.lower_95, self.latest.upper_95, unit=self.definition.unit)

    @property
    def numerator_text(self) -> str:
        return format_count(self.latest.numerator) if self.latest else ""

    @property
    def denominator_text(self) -> str:
        return format_count(self.latest.denominator) if self.latest else ""

    @property
    def provisional(self) -> bool:
        return bool(self.latest and self.latest.provisional)

    @property
    def variation_svg(self) -> Markup | None:
        return Markup(icon_svg(key=self.variation_icon, size=48)) if self.variation_icon else None

    @property
    def variation_label(self) -> str:
        return ICONS[self.variation_icon].label if self.variation_icon else ""

    @property
    def assurance_svg(self) -> Markup | None:
        return Markup(icon_svg(key=self.assurance_icon, size=48)) if self.assurance_icon else None


def row_period_words(row: MetricRow | None, *, definition: MetricDefinition) -> str:
    if row is None:
        return ""
    if definition.period_kind == PERIOD_SURVEY:
        return f"{row.period_start.year} survey"
    kind = "fortnight" if definition.period_kind == PERIOD_FORTNIGHT else None
    return period_words(Period(row.period_start, row.period_end), kind=kind)


def build_tile(series: MetricSeries, *, stillbirth_denominator: str | None, chart: SpcChart | None = None) -> Tile:
    """The latest period against the previous one of the same length (§5), with the Making
    Data Count variation icon of the series (no target is set, so no assurance icon).
    `chart`: the series' SPC chart where the page has made it already."""
    definition = series.definition
    rows = list(series.rows)
    if definition.period_kind == PERIOD_SURVEY:
        # A survey is published once a year: the latest survey is the latest year with one.
        while rows and rows[-1].value is None:
            rows.pop()
    latest = rows[-1] if rows else None
    previous = rows[-2] if len(rows) > 1 else None
    chart = chart if chart is not None else spc_of(series)
    numerator_label, denominator_label = count_labels(definition, stillbirth_denominator=stillbirth_denominator)
    return Tile(
        definition=definition,
        anchor=anchor(definition.id),
        unit_phrase=unit_phrase(definition, stillbirth_denominator=stillbirth_denominator),
        latest=latest,
        latest_label=row_period_words(latest, definition=definition),
        previous=previous,
        previous_label=row_period_words(previous, definition=definition),
        trend=trend_between(latest=latest.value if latest else None, previous=previous.value if previous else None,
                            definition=definition),
        variation_icon=(variation_icon_key(variation=chart.variation, improvement=chart.improvement)
                        if chart is not None else None),
        assurance_icon=None,
        spc_points=len(chart.points) if chart is not None else 0,
        trial_limits=bool(chart is not None and chart.trial_limits),
        numerator_label=numerator_label,
        denominator_label=denominator_label,
    )


# --- organisations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationRef:
    level: str
    code: str
    name: str

    @property
    def url_args(self) -> tuple[str, ...]:
        return () if self.level == LEVEL_NATIONAL else (self.code,)

    @property
    def url_name(self) -> str:
        return {LEVEL_NATIONAL: "dashboard:england", LEVEL_REGION: "dashboard:region",
                LEVEL_ICB: "dashboard:icb", LEVEL_TRUST: "dashboard:trust"}[self.level]


ENGLAND = OrganisationRef(LEVEL_NATIONAL, NATIONAL_CODE, NATIONAL_NAME)


def find_organisation(*, level: str, code: str, orgs: OrganisationMap) -> OrganisationRef | None:
    """The organisation of a page's address, or None when the code is not one of that level."""
    if level == LEVEL_NATIONAL:
        return ENGLAND
    code = (code or "").strip().upper()
    if orgs.kinds.get(code) != ORG_KIND_OF_LEVEL.get(level):
        return None
    return OrganisationRef(level, code, orgs.name(level, code))


def _region_of_icb(orgs: OrganisationMap, icb: str, day: date, *, register_region: str | None) -> str | None:
    """The region of the ICB's trusts on `day`; for an ICB that no longer holds trusts then
    (merged on 1 April 2026), the region the register gives it."""
    trusts = sorted(orgs.trusts_under_on(LEVEL_ICB, icb, day))
    if trusts:
        return orgs.parent_on(trusts[0], day)[1]
    return register_region


def breadcrumbs(*, org: OrganisationRef, orgs: OrganisationMap, day: date,
                icb_region: str | None = None) -> list[OrganisationRef]:
    """England → region → ICB above the organisation, by the ICB and region in force on
    `day` (§4: the ODS extract in force on the period's end date). `icb_region`: the
    register's region of an ICB page's ICB, for an ICB that holds no trusts on `day`."""
    if org.level == LEVEL_NATIONAL:
        return []
    crumbs = [ENGLAND]
    if org.level == LEVEL_TRUST:
        icb, region = orgs.parent_on(org.code, day)
    elif org.level == LEVEL_ICB:
        icb, region = None, _region_of_icb(orgs, org.code, day, register_region=icb_region)
    else:
        icb, region = None, None
    if region:
        crumbs.append(OrganisationRef(LEVEL_REGION, region, orgs.name(LEVEL_REGION, region)))
    if icb:
        crumbs.append(OrganisationRef(LEVEL_ICB, icb, orgs.name(LEVEL_ICB, icb)))
    return crumbs


def children_of(*, org: OrganisationRef, orgs: OrganisationMap, day: date, trusts_with_data: set[str]) -> list[OrganisationRef]:
    """The organisations one level down on `day`, by name: regions of England, ICBs of a
    region, trusts (with dashboard data) of an ICB."""
    if org.level == LEVEL_TRUST:
        return []
    if org.level == LEVEL_ICB:
        codes = {t for t in orgs.trusts_under_on(LEVEL_ICB, org.code, day) if t in trusts_with_data}
        level = LEVEL_TRUST
    else:
        members = trusts_with_data if org.level == LEVEL_NATIONAL else (
            orgs.trusts_under_on(LEVEL_REGION, org.code, day) & trusts_with_data)
        position, level = (1, LEVEL_REGION) if org.level == LEVEL_NATIONAL else (0, LEVEL_ICB)
        codes = {orgs.parent_on(trust, day)[position] for trust in members} - {None}
    return sorted((OrganisationRef(level, code, orgs.name(level, code)) for code in codes), key=lambda o: o.name)


@dataclass(frozen=True)
class ParentChange:
    """A trust's ICB or region changing within the data (the ICB mergers of April 2026)."""

    on: date
    before: OrganisationRef
    after: OrganisationRef


def parent_changes(*, periods: Sequence[tuple[date, str | None, str | None]], orgs: OrganisationMap,
                   span: DataSpan) -> list[ParentChange]:
    """Where a trust's ICB or region changed within the data: `periods` are the register's
    (valid_from, ICB, region) of the trust, oldest first."""
    changes: list[ParentChange] = []
    for (_, *before), (valid_from, *after) in zip(periods, periods[1:]):
        if not span.first < valid_from <= span.last:
            continue
        for position, level in ((0, LEVEL_ICB), (1, LEVEL_REGION)):
            if before[position] and after[position] and before[position] != after[position]:
                changes.append(ParentChange(
                    on=valid_from,
                    before=OrganisationRef(level, before[position], orgs.name(level, before[position])),
                    after=OrganisationRef(level, after[position], orgs.name(level, after[position]))))
    return changes


# --- the national page -------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalPage:
    span: DataSpan
    tiles: tuple[Tile, ...]
    regions: tuple[OrganisationRef, ...]
    stillbirth_denominator: str
    rows: tuple[MetricRow, ...]


def national_page(*, span: DataSpan, now: datetime | None = None) -> NationalPage:
    """The 8 metrics for England: one engine call for every series (fortnights, whole months,
    survey years), then a tile per metric."""
    orgs = organisations.organisation_map()
    denominator = default_stillbirth_denominator()
    rows = metric_rows.organisation_rows(level=LEVEL_NATIONAL, code=NATIONAL_CODE, span=span,
                                         stillbirth_denominator=denominator, orgs=orgs, now=now)
    tiles = []
    for definition in metric_definitions(stillbirth_denominator=denominator):
        if definition.is_sub_measure:
            continue
        series = MetricSeries(definition, series_rows(rows, definition=definition), frozenset())
        tiles.append(build_tile(series, stillbirth_denominator=denominator))
    with_data = organisations.trusts_with_data(orgs=orgs)
    regions = children_of(org=ENGLAND, orgs=orgs, day=span.as_of, trusts_with_data=with_data)
    return NationalPage(span=span, tiles=tuple(tiles), regions=tuple(regions), stillbirth_denominator=denominator,
                        rows=tuple(rows))


# --- an organisation's page --------------------------------------------------------------------


@dataclass(frozen=True)
class SubMeasure:
    definition: MetricDefinition
    row: MetricRow | None
    unit_phrase: str
    period_label: str

    @property
    def value_text(self) -> str:
        return value_with_unit(self.row.value if self.row else None, definition=self.definition)

    @property
    def numerator_text(self) -> str:
        return format_count(self.row.numerator) if self.row else ""

    @property
    def denominator_text(self) -> str:
        return format_count(self.row.denominator) if self.row else ""


@dataclass(frozen=True)
class MetricSection:
    definition: MetricDefinition
    anchor: str
    unit_phrase: str
    direction_words: str
    frequency: str
    charts: SeriesCharts
    tile: Tile
    sub_measures: tuple[SubMeasure, ...]


@dataclass(frozen=True)
class OrganisationPage:
    org: OrganisationRef
    breadcrumbs: tuple[OrganisationRef, ...]
    children: tuple[OrganisationRef, ...]
    sections: tuple[MetricSection, ...]
    span: DataSpan
    stillbirth_denominator: str
    parent_changes: tuple[ParentChange, ...]
    has_breaks: bool
    rows: tuple[MetricRow, ...]


def organisation_page(*, level: str, code: str, span: DataSpan, now: datetime | None = None) -> OrganisationPage | None:
    """Every metric over time for one organisation (None: no such organisation at that level).

    One engine call: every metric and sub-measure, fortnightly and monthly, survey by year,
    counting only the trusts that can belong to the organisation."""
    orgs = organisations.organisation_map()
    org = find_organisation(level=level, code=code, orgs=orgs)
    if org is None:
        return None
    denominator = default_stillbirth_denominator()
    rows = metric_rows.organisation_rows(level=level, code=org.code, span=span, stillbirth_denominator=denominator,
                                         orgs=orgs, now=now)
    rows = [row for row in rows if row.org_code == org.code]
    members_on = None
    if level in (LEVEL_ICB, LEVEL_REGION):
        cache: dict[date, frozenset[str]] = {}

        def members_on(day: date) -> frozenset[str]:
            if day not in cache:
                cache[day] = orgs.trusts_under_on(level, org.code, day)
            return cache[day]

    definitions = metric_definitions(stillbirth_denominator=denominator)
    sections = []
    for definition in definitions:
        if definition.is_sub_measure:
            continue
        chosen = series_rows(rows, definition=definition)
        series = MetricSeries(definition, chosen, series_breaks(chosen, members_on=members_on))
        charts = series_charts(series, subject=org.name, stillbirth_denominator=denominator)
        tile = build_tile(series, stillbirth_denominator=denominator, chart=charts.spc_chart)
        subs = []
        for sub in definitions:
            if sub.parent_id != definition.id:
                continue
            sub_rows = series_rows(rows, definition=sub)
            latest = sub_rows[-1] if sub_rows else None
            subs.append(SubMeasure(sub, latest, unit_phrase(sub), row_period_words(latest, definition=sub)))
        sections.append(MetricSection(
            definition=definition, anchor=anchor(definition.id),
            unit_phrase=unit_phrase(definition, stillbirth_denominator=denominator),
            direction_words=direction_words(definition), frequency=_frequency(definition), charts=charts,
            tile=tile, sub_measures=tuple(subs)))
    with_data = organisations.trusts_with_data(orgs=orgs) if level != LEVEL_TRUST else set()
    changes: list[ParentChange] = []
    if level == LEVEL_TRUST:
        changes = parent_changes(periods=organisations.parent_periods(trust_code=org.code), orgs=orgs, span=span)
    icb_region = organisations.region_of_icb(icb_code=org.code) if level == LEVEL_ICB else None
    return OrganisationPage(
        org=org, breadcrumbs=tuple(breadcrumbs(org=org, orgs=orgs, day=span.as_of, icb_region=icb_region)),
        children=tuple(children_of(org=org, orgs=orgs, day=span.as_of, trusts_with_data=with_data)),
        sections=tuple(sections), span=span, stillbirth_denominator=denominator, parent_changes=tuple(changes),
        has_breaks=any(section.charts.series.breaks for section in sections), rows=tuple(rows))


def _frequency(definition: MetricDefinition) -> str:
    if definition.period_kind == PERIOD_FORTNIGHT:
        return "Fortnightly"
    if definition.period_kind == PERIOD_OUTCOME:
        return "Monthly"
    return "Yearly"


# --- the table of all trusts --------------------------------------------------------------------

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
#: (surveillance.md §3: "such as PPH or survey items").
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
class TrustTable:
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
    *, rows: Sequence[MetricRow], definition: MetricDefinition, names: dict[str, str], shown: set[str],
    highlight: str | None, title: str, value_label: str, numerator_label: str, denominator_label: str,
) -> tuple[Chart | None, dict[str, str], str | None]:
    """The funnel plot of every trust (surveillance.md §3), drawn for the trusts `shown`.

    Rates per 1,000 and percentages are proportions of their denominators (a stillbirth is
    one of the total births), so the exact binomial limits apply to both, scaled to the
    unit. The target and any overdispersion come from every trust in England, so filtering
    the table by region or ICB never moves the limits. Returns (chart, trust → position,
    why there is no chart)."""
    if definition.period_kind == PERIOD_FORTNIGHT:
        return None, {}, FUNNEL_NOT_FOR_OPERATIONAL
    if definition.unit not in (UNIT_PERCENT, UNIT_PER_1000):
        return None, {}, FUNNEL_NOT_FOR_COUNTS
    groups = [FunnelGroup(row.org_code, row.numerator, row.denominator) for row in rows
              if isinstance(row.denominator, int) and row.denominator > 0 and isinstance(row.numerator, int)]
    if not groups:
        return None, {}, FUNNEL_NO_DATA
    plot = funnel_plot(groups=groups, kind=FUNNEL_PROPORTION, overdispersion=definition.id in FUNNEL_OVERDISPERSED)
    positions = {point.group: funnel_position(point) for point in plot.points}
    visible = tuple(point for point in plot.points if point.group in shown)
    if not visible:
        return None, positions, FUNNEL_NO_DATA
    drawn: FunnelPlot = replace(plot, points=visible)
    chart = funnel_chart(
        plot=drawn, title=title, value_label=value_label, value_scale=UNIT_SCALE[definition.unit], decimals=2,
        numerator_label=numerator_label, denominator_label=denominator_label, group_label="Trust", names=names,
        highlight=highlight if highlight in shown and any(p.group == highlight for p in visible) else None,
        improvement=improvement_of(definition), target_label="England", chart_id="funnel",
    )
    return chart, positions, None


DEFAULT_METRIC = "stillbirth_rate"


def metric_definition(metric_id: str, *, stillbirth_denominator: str) -> MetricDefinition:
    """The definition in use (the stillbirth denominator setting applied); an unknown id
    gives the default metric's."""
    definitions = {d.id: d for d in metric_definitions(stillbirth_denominator=stillbirth_denominator)}
    return definitions.get(metric_id) or definitions[DEFAULT_METRIC]


def trust_table(
    *,
    metric_id: str,
    period_key: str | None,
    region: str | None,
    icb: str | None,
    sort: str | None,
    order: str | None,
    span: DataSpan,
    highlight: str | None = None,
    now: datetime | None = None,
) -> TrustTable:
    """Every trust for one metric and period: one engine call (trusts and England)."""
    denominator = default_stillbirth_denominator()
    definition = metric_definition(metric_id, stillbirth_denominator=denominator)
    choices = choices_for(period_kind=definition.period_kind, span=span)
    choice = next((c for c in choices if c.key == period_key), None) or default_choice(
        choices, period_kind=definition.period_kind)
    sort = sort if sort in SORT_KEYS else SORT_NAME
    order = order if order in (ORDER_ASCENDING, ORDER_DESCENDING) else ORDER_ASCENDING
    orgs = organisations.organisation_map()
    value_label = axis_label(definition, stillbirth_denominator=denominator)
    numerator_label, denominator_label = count_labels(definition, stillbirth_denominator=denominator)
    regions = sorted((OrganisationRef(LEVEL_REGION, code, orgs.name(LEVEL_REGION, code))
                      for code, kind in orgs.kinds.items() if kind == Organisation.Kind.REGION), key=lambda o: o.name)
    base = dict(definition=definition, unit_phrase=unit_phrase(definition, stillbirth_denominator=denominator),
                value_label=value_label, numerator_label=numerator_label, denominator_label=denominator_label,
                choices=tuple(choices), regions=tuple(regions), sort=sort, order=order,
                stillbirth_denominator=denominator)
    if choice is None:
        return TrustTable(choice=None, lines=(), england=None, funnel=None, funnel_missing=FUNNEL_NO_DATA, icbs=(),
                          region=None, icb=None, **base)
    period = choice.period
    rows = metric_rows.trusts_rows(metric_id=metric_id, period=period, stillbirth_denominator=denominator,
                                   orgs=orgs, now=now)
    england = next((row for row in rows if row.org_level == LEVEL_NATIONAL), None)
    trust_rows = [row for row in rows if row.org_level == LEVEL_TRUST]
    lines = []
    for row in trust_rows:
        icb_code, region_code = orgs.parent_on(row.org_code, period.end)
        lines.append(TrustLine(
            row=row,
            icb=OrganisationRef(LEVEL_ICB, icb_code, orgs.name(LEVEL_ICB, icb_code)) if icb_code else None,
            region=OrganisationRef(LEVEL_REGION, region_code, orgs.name(LEVEL_REGION, region_code)) if region_code else None,
            position=None, highlighted=row.org_code == highlight))
    region = region if region in {r.code for r in regions} else None
    in_region = [line for line in lines if region is None or (line.region and line.region.code == region)]
    icbs = sorted({line.icb for line in in_region if line.icb}, key=lambda o: o.name)
    icb = icb if icb in {i.code for i in icbs} else None
    shown = [line for line in in_region if icb is None or (line.icb and line.icb.code == icb)]
    title = f"{definition.title}, {choice.label}: trusts against England"
    chart, positions, missing = trust_funnel(
        rows=trust_rows, definition=definition, names={row.org_code: row.org_name for row in trust_rows},
        shown={line.row.org_code for line in shown}, highlight=highlight, title=title, value_label=value_label,
        numerator_label=numerator_label, denominator_label=denominator_label)
    shown = [replace(line, position=positions.get(line.row.org_code) if line.row.value is not None else None)
             for line in shown]
    return TrustTable(choice=choice, lines=tuple(sort_lines(shown, sort=sort, order=order)), england=england,
                      funnel=chart, funnel_missing=missing, icbs=tuple(icbs), region=region, icb=icb, **base)


# --- the definitions page ----------------------------------------------------------------------


PERIOD_KIND_WORDS = {
    PERIOD_FORTNIGHT: ("A fortnight: 14 days from 00:00 on its first day to 00:00 after its last, UK time. The "
                       "pages show fortnights ending on the latest date with data, and every 14 days before it."),
    PERIOD_OUTCOME: ("Any range of dates of birth: the pages show calendar months, quarters, calendar years and "
                     "12 months."),
    PERIOD_SURVEY: "The survey year: a survey row covers 1 January to 31 December of its year.",
}
INTERVAL_WORDS = {
    "wilson": "Wilson score interval, for a proportion (α = 0.05)",
    "garwood": "Exact Poisson (Garwood) interval on the count of events (α = 0.05)",
    "none": "None: the value is a count",
}


@dataclass(frozen=True)
class DefinitionSection:
    definition: MetricDefinition
    anchor: str
    unit_phrase: str
    direction_words: str
    frequency: str
    sub_measures: tuple[MetricDefinition, ...]


def definition_sections(*, stillbirth_denominator: str | None = None) -> tuple[DefinitionSection, ...]:
    """Every metric as the metric module defines it, each followed by its sub-measures."""
    denominator = stillbirth_denominator or default_stillbirth_denominator()
    definitions = metric_definitions(stillbirth_denominator=denominator)
    return tuple(
        DefinitionSection(
            definition=d, anchor=anchor(d.id), unit_phrase=unit_phrase(d, stillbirth_denominator=denominator),
            direction_words=direction_words(d), frequency=_frequency(d),
            sub_measures=tuple(s for s in definitions if s.parent_id == d.id))
        for d in definitions if not d.is_sub_measure
    )


def unit_phrases(*, stillbirth_denominator: str | None = None) -> dict[str, str]:
    denominator = stillbirth_denominator or default_stillbirth_denominator()
    return {d.id: unit_phrase(d, stillbirth_denominator=denominator)
            for d in metric_definitions(stillbirth_denominator=denominator)}


def stillbirth_denominator_words(denominator: str) -> str:
    if denominator == STILLBIRTH_DENOMINATOR_LIVE_BIRTHS:
        return ("The stillbirth rate is shown per 1,000 live births, as the seed letter words it. "
                "MBRRACE-UK uses total births (live births and stillbirths).")
    return ("The stillbirth rate is shown per 1,000 total births (live births and stillbirths), as "
            "MBRRACE-UK reports it. The seed letter words it per 1,000 live births.")


CRUDE_NOTE = CRUDE_RATES_NOTE


def metric_choices(*, stillbirth_denominator: str | None = None) -> list[tuple[str, str]]:
    """Every metric and sub-measure, for the metric picker of the trusts table."""
    denominator = stillbirth_denominator or default_stillbirth_denominator()
    result = []
    for definition in metric_definitions(stillbirth_denominator=denominator):
        label = definition.title if not definition.is_sub_measure else f"– {definition.title}"
        result.append((definition.id, label))
    return result

