"""The performance dashboard part of a board report (docs/rules/board_report.md §1.4), read
through the dashboard: the engine's rows exactly as `perinatal metrics` gives them, the
organisation page's series and SPC chart, every trust's rows for the funnel position and
England's value. Nothing is counted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from perinatal.charts import ICONS
from perinatal.charts.funnel import POSITION_WORDS, funnel_position
from perinatal.dashboard.engine import MetricRequest, OrganisationMap, compute_rows, default_stillbirth_denominator
from perinatal.dashboard.exports import metric_row_json
from perinatal.dashboard.metrics.definitions import MetricDefinition, metric_definitions
from perinatal.dashboard.metrics.disclosure import apply_disclosure
from perinatal.dashboard.metrics.intervals import UNIT_PER_1000, UNIT_PERCENT
from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT, PERIOD_SURVEY, Period
from perinatal.dashboard.metrics.rows import LEVEL_NATIONAL, LEVEL_TRUST, MetricRow
from perinatal.dashboard.pages.builders.trusts import FUNNEL_OVERDISPERSED
from perinatal.dashboard.pages.series import MetricSeries, series_rows
from perinatal.dashboard.pages.tiles import build_tile, row_period_words
from perinatal.dashboard.pages.wording import (
    direction_words,
    format_interval,
    format_value,
    unit_phrase,
)
from perinatal.dashboard.selectors import metric_rows, organisations
from perinatal.dashboard.selectors.births import DataSpan
from perinatal.reports.rules import ReportMonth
from perinatal.stats.funnel import (
    FUNNEL_PROPORTION,
    FunnelGroup,
    default_target,
    funnel_plot,
    overdispersion_proportions,
)

#: The SPC chart covers up to 24 months ending with the report's month (docs/rules/board_report.md §1.4).
SERIES_MONTHS = 24
NO_TARGET = "No target is set, so no assurance icon is shown."


def month_request(*, trust_code: str, month: ReportMonth, public: bool, twelve: bool, now=None) -> MetricRequest:
    """The request `perinatal metrics --from … --to … --level trust [--public]` makes, kept to
    the trust's own rows (docs/rules/board_report.md §3)."""
    return MetricRequest(
        date_from=month.twelve_months_start if twelve else month.first_day,
        date_to=month.last_day,
        levels=(LEVEL_TRUST,),
        organisation=(LEVEL_TRUST, trust_code),
        public=public,
        **({} if now is None else {"now": now}),
    )


def metric_rows_for(
    *, trust_code: str, month: ReportMonth, public: bool, twelve: bool, now=None, orgs: OrganisationMap | None = None
) -> list[MetricRow]:
    request = month_request(trust_code=trust_code, month=month, public=public, twelve=twelve, now=now)
    return [row for row in compute_rows(request, organisations=orgs) if row.org_code == trust_code]


@dataclass(frozen=True)
class _Context:
    trust_code: str
    trust_name: str
    month: ReportMonth
    public: bool
    denominator: str
    orgs: OrganisationMap
    now: datetime | None


def _published(rows: list[MetricRow], definitions: dict[str, MetricDefinition], public: bool) -> list[MetricRow]:
    if not public:
        return rows
    return [apply_disclosure(row, definition=definitions[row.metric_id]) for row in rows]


def _headline_row(
    definition: MetricDefinition, *, series: tuple[MetricRow, ...], month: ReportMonth
) -> MetricRow | None:
    """The row the report leads with: births in the month (outcome metrics), the fortnight ending
    on the month's last day (operational metrics), the latest survey year not after the month."""
    if definition.period_kind == PERIOD_FORTNIGHT:
        return next((row for row in series if row.period_end == month.last_day), None)
    if definition.period_kind == PERIOD_SURVEY:
        years = [row for row in series if row.period_start.year <= month.year and row.value is not None]
        return years[-1] if years else None
    return next((row for row in series if row.period_start == month.first_day), None)


def _row_json(row: MetricRow | None) -> dict | None:
    return metric_row_json(row) if row is not None else None


def funnel_position_of(rows: list[MetricRow], *, definition: MetricDefinition, trust_code: str) -> str | None:
    """The trust's place on the dashboard's funnel plot of every trust (the trusts page's,
    `dashboard.pages.builders.trusts.trust_funnel`), or None where it draws none.

    The same plot, worked out for the one trust: the target and any overdispersion come from
    every trust, as there; exact binomial limits are needed for this trust's size only (the
    plot of every trust works them out for each of the ~400 trusts and draws it: most of a
    report's generation time). tests/reports/test_document.py holds the two equal."""
    if definition.period_kind == PERIOD_FORTNIGHT or definition.unit not in (UNIT_PERCENT, UNIT_PER_1000):
        return None
    groups = [
        FunnelGroup(row.org_code, row.numerator, row.denominator)
        for row in rows
        if isinstance(row.denominator, int) and row.denominator > 0 and isinstance(row.numerator, int)
    ]
    mine = [group for group in groups if group.group == trust_code]
    if not mine:
        return None
    target = default_target(groups=groups, kind=FUNNEL_PROPORTION)
    if definition.id in FUNNEL_OVERDISPERSED and overdispersion_proportions(groups=groups, target=target).tau2 > 0:
        # Limits widened for overdispersion are a formula: cheap for every trust.
        plot = funnel_plot(groups=groups, kind=FUNNEL_PROPORTION, overdispersion=True)
    else:
        plot = funnel_plot(groups=mine, kind=FUNNEL_PROPORTION, target=target)
    point = next(point for point in plot.points if point.group == trust_code)
    return funnel_position(point)


def _metric_part(
    definition: MetricDefinition,
    *,
    context: _Context,
    series_all: list[MetricRow],
    twelve: list[MetricRow],
    definitions: dict[str, MetricDefinition],
) -> dict:
    chosen = series_rows(series_all, definition=definition)
    chosen = tuple(row for row in chosen if row.period_end <= context.month.last_day)
    series = MetricSeries(definition, chosen, frozenset())
    tile = build_tile(series, stillbirth_denominator=context.denominator)
    headline = _headline_row(definition, series=chosen, month=context.month)
    england = position = None
    if headline is not None:
        period = Period(headline.period_start, headline.period_end)
        every = metric_rows.trusts_rows(
            metric_id=definition.id,
            period=period,
            stillbirth_denominator=context.denominator,
            orgs=context.orgs,
            now=context.now,
        )
        england = next((row for row in every if row.org_level == LEVEL_NATIONAL), None)
        trust_rows = [row for row in every if row.org_level == LEVEL_TRUST]
        position = funnel_position_of(trust_rows, definition=definition, trust_code=context.trust_code)
        position = position if headline.value is not None else None
        if context.public and england is not None:
            england = apply_disclosure(england, definition=definition)
    twelve_row = None
    if definition.period_kind not in (PERIOD_FORTNIGHT, PERIOD_SURVEY):
        twelve_row = next((row for row in twelve if row.metric_id == definition.id), None)
    unit = definition.unit
    return {
        "metric_id": definition.id,
        "title": definition.title,
        "unit": unit,
        "unit_phrase": unit_phrase(definition, stillbirth_denominator=context.denominator),
        "direction": direction_words(definition),
        "period": row_period_words(headline, definition=definition) if headline else "",
        "value": format_value(headline.value if headline else None, unit=unit),
        "interval": format_interval(headline.lower_95, headline.upper_95, unit=unit) if headline else "",
        "row": _row_json(headline),
        "twelve_months_value": format_value(twelve_row.value, unit=unit) if twelve_row else "",
        "twelve_months_row": _row_json(twelve_row),
        "england_value": format_value(england.value if england else None, unit=unit),
        "funnel_position": POSITION_WORDS[position] if position else "",
        "variation_icon": tile.variation_icon,
        "variation": ICONS[tile.variation_icon].label if tile.variation_icon else "",
        "assurance": NO_TARGET,
        "series": [metric_row_json(row) for row in chosen],
    }


def dashboard_part(
    *,
    trust_code: str,
    trust_name: str,
    month: ReportMonth,
    public: bool,
    now: datetime | None = None,
    orgs: OrganisationMap | None = None,
) -> tuple[dict, dict]:
    """(the JSON `metrics` — the month's and the 12 months' rows — and the dashboard section).
    `orgs`: the register as the engine reads it, read once for the whole report."""
    denominator = default_stillbirth_denominator()
    definitions = {d.id: d for d in metric_definitions(stillbirth_denominator=denominator)}
    orgs = orgs or organisations.organisation_map()
    month_rows = metric_rows_for(trust_code=trust_code, month=month, public=public, twelve=False, now=now, orgs=orgs)
    twelve_rows = metric_rows_for(trust_code=trust_code, month=month, public=public, twelve=True, now=now, orgs=orgs)
    span = DataSpan(first=month.shifted(-(SERIES_MONTHS - 1)).first_day, last=month.last_day)
    series_all = metric_rows.organisation_rows(
        level=LEVEL_TRUST, code=trust_code, span=span, stillbirth_denominator=denominator, orgs=orgs, now=now
    )
    series_all = _published([row for row in series_all if row.org_code == trust_code], definitions, public)
    context = _Context(trust_code, trust_name, month, public, denominator, orgs, now)
    metrics = {
        "month": {
            "from": month.first_day.isoformat(),
            "to": month.last_day.isoformat(),
            "rows": [metric_row_json(row) for row in month_rows],
        },
        "twelve_months": {
            "from": month.twelve_months_start.isoformat(),
            "to": month.last_day.isoformat(),
            "rows": [metric_row_json(row) for row in twelve_rows],
        },
        "stillbirth_denominator": denominator,
        "public": public,
    }
    parts = [
        _metric_part(definition, context=context, series_all=series_all, twelve=twelve_rows, definitions=definitions)
        for definition in definitions.values()
        if not definition.is_sub_measure
    ]
    return metrics, {"metrics": parts, "series_start": span.series_start.isoformat()}
