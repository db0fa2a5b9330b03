"""The performance dashboard part of a board report (docs/rules/board_report.md §1.4), read
through the dashboard: the engine's rows exactly as `perinatal metrics` gives them, the
organisation page's series and SPC chart, every trust's rows for the funnel position and
England's value. Nothing is counted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from perinatal.charts import ICONS
from perinatal.charts.funnel import POSITION_WORDS
from perinatal.dashboard.engine import MetricRequest, OrganisationMap, compute_rows, default_stillbirth_denominator
from perinatal.dashboard.exports import metric_row_json
from perinatal.dashboard.metrics.definitions import MetricDefinition, metric_definitions
from perinatal.dashboard.metrics.disclosure import apply_disclosure
from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT, PERIOD_SURVEY, Period
from perinatal.dashboard.metrics.rows import LEVEL_NATIONAL, LEVEL_TRUST, MetricRow
from perinatal.dashboard.pages.builders.trusts import trust_funnel
from perinatal.dashboard.pages.series import MetricSeries, series_rows
from perinatal.dashboard.pages.tiles import build_tile, row_period_words
from perinatal.dashboard.pages.wording import (
    axis_label,
    count_labels,
    direction_words,
    format_interval,
    format_value,
    unit_phrase,
)
from perinatal.dashboard.selectors import metric_rows, organisations
from perinatal.dashboard.selectors.births import DataSpan
from perinatal.reports.rules import ReportMonth

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


def metric_rows_for(*, trust_code: str, month: ReportMonth, public: bool, twelve: bool, now=None) -> list[MetricRow]:
    request = month_request(trust_code=trust_code, month=month, public=public, twelve=twelve, now=now)
    return [row for row in compute_rows(request) if row.org_code == trust_code]


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
        numerator_label, denominator_label = count_labels(definition, stillbirth_denominator=context.denominator)
        _chart, positions, _missing = trust_funnel(
            rows=trust_rows,
            definition=definition,
            names={row.org_code: row.org_name for row in trust_rows},
            shown={context.trust_code},
            highlight=context.trust_code,
            title=definition.title,
            value_label=axis_label(definition, stillbirth_denominator=context.denominator),
            numerator_label=numerator_label,
            denominator_label=denominator_label,
        )
        position = positions.get(context.trust_code) if headline.value is not None else None
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
    *, trust_code: str, trust_name: str, month: ReportMonth, public: bool, now: datetime | None = None
) -> tuple[dict, dict]:
    """(the JSON `metrics` — the month's and the 12 months' rows — and the dashboard section)."""
    denominator = default_stillbirth_denominator()
    definitions = {d.id: d for d in metric_definitions(stillbirth_denominator=denominator)}
    month_rows = metric_rows_for(trust_code=trust_code, month=month, public=public, twelve=False, now=now)
    twelve_rows = metric_rows_for(trust_code=trust_code, month=month, public=public, twelve=True, now=now)
    orgs = organisations.organisation_map()
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
