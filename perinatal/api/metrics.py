"""GET /api/v1/metrics: the rows of docs/rules/dashboard.md §4, as `perinatal metrics` prints them.

Aggregates are published statistics (docs/rules/dashboard.md §5): every signed-in user may read them, and so may a
client with an API token. The query is checked here, parameter by parameter, so that each
error names the parameter with the message the API has always given (400); the rows are
the dashboard engine's, as JSON or CSV.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router

from perinatal.api.auth import signed_in_or_token
from perinatal.api.errors import ApiError
from perinatal.api.schemas.common import Errors
from perinatal.api.schemas.metrics import API_FORMATS, FORMAT_CSV, FORMAT_JSON, TRUE_WORDS, MetricRows, MetricsQuery
from perinatal.dashboard.engine import MetricRequest, UnknownMetric, compute_rows, rows_per_organisation
from perinatal.dashboard.exports import CONTENT_TYPES, csv_bytes, metric_rows_document, metric_rows_table
from perinatal.dashboard.metrics.definitions import METRIC_IDS, STILLBIRTH_DENOMINATORS
from perinatal.dashboard.metrics.periods import BY_MONTH, SPLITS
from perinatal.dashboard.metrics.rows import ORG_LEVELS
from perinatal.dashboard.selectors.organisations import organisation, organisations_with_rows

#: **policy**: one request covers at most ten years (a longer range is many requests).
MAX_RANGE = timedelta(days=3653)
MAX_MONTHLY_RANGE = timedelta(days=1097)
#: **policy**: one answer has at most this many rows (organisations × metrics and sub-measures
#: × periods, counted before anything is computed). Measured on the demo data: a row is some
#: 320 bytes of JSON (110 of CSV) and 1.7 kB of memory while it is built, so the largest
#: answer is some 16 MB of JSON (5.5 MB of CSV) built in about 85 MB: enough for one year of
#: every metric at every level (some 37,000 rows with the national register) in one request.
MAX_ROWS = 50_000
NARROW_FIELDS = "level, org, metric, a shorter from–to, or by=quarter or no by"

router = Router(tags=["Metrics"])


def _bad(field: str, message: str) -> ApiError:
    return ApiError(400, (field, message))


def _date(raw: str | None, *, name: str, label: str) -> date:
    raw = (raw or "").strip()
    if not raw:
        raise _bad(name, f"Enter the {label} as YYYY-MM-DD, for example 2025-01-01")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _bad(name, f"The {label} must be a real date as YYYY-MM-DD, for example 2025-01-01") from None


def _values(raw: list[str]) -> list[str]:
    return [value.strip() for item in raw for value in item.split(",") if value.strip()]


def _choice(raw: str | None, *, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = (raw or "").strip() or default
    if value is not None and value not in choices:
        raise _bad(name, f"{name} must be one of: {', '.join(choices)}")
    return value


def check_size(metric_request: MetricRequest) -> None:
    """Refuse (400) an answer of more than MAX_ROWS rows, from the query alone: the number of
    organisations (two small queries) times the periods of every metric asked for."""
    organisations = organisations_with_rows(levels=metric_request.levels, organisation=metric_request.organisation)
    rows = organisations * rows_per_organisation(metric_request)
    if rows > MAX_ROWS:
        raise _bad(
            "to",
            f"This asks for up to {rows:,} rows ({organisations:,} organisations × metrics × periods): one "
            f"request may have {MAX_ROWS:,}. Ask for less with {NARROW_FIELDS}",
        )


def parse_query(query: MetricsQuery) -> tuple[MetricRequest, str]:
    """The MetricRequest and output format the query asks for; raises ApiError (400)."""
    date_from = _date(query.date_from, name="from", label="first day (from)")
    date_to = _date(query.date_to, name="to", label="last day (to)")
    if date_to < date_from:
        raise _bad("to", "The last day (to) must be the same as or after the first day (from)")
    if date_to - date_from > MAX_RANGE:
        raise _bad("to", "Ask for ten years or less in one request")
    by = _choice(query.by, name="by", choices=SPLITS, default=None)
    if by == BY_MONTH and date_to - date_from > MAX_MONTHLY_RANGE:
        # Ten years by month for every trust is some 200 MB: the answer is bounded in rows.
        raise _bad("to", "Ask for three years or less by month in one request, or split by quarter")
    levels = _values(query.level)
    for level in levels:
        if level not in ORG_LEVELS:
            raise _bad("level", f"level must be one of: {', '.join(ORG_LEVELS)}")
    metrics = _values(query.metric)
    for metric in metrics:
        if metric not in METRIC_IDS:
            raise _bad("metric", f"'{metric}' is not a metric_id: see the definitions page for the list")
    code = (query.org or "").strip().upper()
    org = None
    if code:
        found = organisation(code)
        if found is None:
            raise _bad("org", f"'{code}' is not the ODS code of England, a region, an ICB or a trust")
        org = (found.level, found.code)
        levels = levels or [found.level]
    metric_request = MetricRequest(
        date_from=date_from,
        date_to=date_to,
        metric_ids=tuple(metrics) or None,
        levels=tuple(levels) or ORG_LEVELS,
        by=by,
        stillbirth_denominator=_choice(
            query.stillbirth_denominator, name="stillbirth_denominator", choices=STILLBIRTH_DENOMINATORS, default=None
        ),
        public=(query.public or "").strip().lower() in TRUE_WORDS,
        organisation=org,
    )
    return metric_request, _choice(query.format, name="format", choices=API_FORMATS, default=FORMAT_JSON)


@router.get(
    "/metrics",
    url_name="metrics",
    operation_id="getMetrics",
    auth=signed_in_or_token,
    by_alias=True,
    summary="Read the dashboard's metric rows",
    description=(
        "Every level and metric unless `level` or `metric` say otherwise. Signed-in users (a session) "
        "and API tokens may read them: they are published statistics.\n\n"
        f"Limits: `from`–`to` at most ten years (three years with `by=month`), and at most {MAX_ROWS:,} rows "
        "in one answer, counted before anything is computed as organisations × metrics (sub-measures "
        "included) × periods (fortnights for the operational metrics, months or quarters with `by`). "
        f"A larger query is refused with 400 and the count: ask for less with {NARROW_FIELDS}."
    ),
    response={200: MetricRows, 400: Errors, 401: Errors},
    openapi_extra={
        "responses": {
            200: {
                "description": "The rows, as JSON or (format=csv) as a CSV attachment",
                "content": {CONTENT_TYPES[FORMAT_CSV].split(";")[0]: {"schema": {"type": "string"}}},
            },
            400: {
                "description": (
                    "A parameter is not valid, and the error names it; or the answer would have more than "
                    f"{MAX_ROWS:,} rows (field `to`, the message gives the count and what to narrow)"
                )
            },
            401: {"description": "Not signed in, and no valid API token"},
        }
    },
)
def metrics(request: HttpRequest, query: Query[MetricsQuery]):
    metric_request, fmt = parse_query(query)
    try:
        check_size(metric_request)
        rows = compute_rows(metric_request)
    except UnknownMetric as error:
        raise _bad("metric", str(error)) from None
    denominator = metric_request.resolved_stillbirth_denominator
    if fmt == FORMAT_CSV:
        table = metric_rows_table(
            rows, title="Dashboard metrics", stillbirth_denominator=denominator, public=metric_request.public
        )
        response = HttpResponse(csv_bytes(table, byte_order_mark=False), content_type=CONTENT_TYPES[FORMAT_CSV])
        response["Content-Disposition"] = (
            f'attachment; filename="metrics-{metric_request.date_from}-{metric_request.date_to}.csv"'
        )
        return response
    about = {
        "from": metric_request.date_from.isoformat(),
        "to": metric_request.date_to.isoformat(),
        "by": metric_request.by,
        "public": metric_request.public,
        "stillbirth_denominator": denominator,
    }
    return JsonResponse(metric_rows_document(rows, about=about))
