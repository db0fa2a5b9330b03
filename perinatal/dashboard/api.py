"""GET /api/v1/metrics: the rows of dashboard.md §4, as `perinatal metrics` prints them.

Query parameters: `from`, `to` (YYYY-MM-DD, required); `level` and `metric` (repeat them,
or separate values by commas; default every level and metric); `format` (json, the
default, or csv); `public` (1: disclosure control); `by` (month or quarter);
`stillbirth_denominator` (total_births or live_births; default the setting); `org` (an ODS
code: only that organisation's rows).

Aggregates are published statistics (§5): every signed-in user may read them, and so may a
client with an API token (`Authorization: Bearer <token>`, issued by the system admin; see
perinatal.notifications). Errors are `{"errors": [{"field", "message"}]}` with status 400
(a bad parameter) or 401 (not signed in, no valid token).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from perinatal.accounts.signed_in import is_signed_in
from perinatal.dashboard.engine import MetricRequest, UnknownMetric, compute_rows
from perinatal.dashboard.exports import CONTENT_TYPES, FORMAT_CSV, csv_bytes, metric_rows_document, metric_rows_table
from perinatal.dashboard.metrics.definitions import METRIC_IDS, STILLBIRTH_DENOMINATORS
from perinatal.dashboard.metrics.periods import SPLITS
from perinatal.dashboard.metrics.rows import ORG_LEVELS
from perinatal.dashboard.selectors.organisations import organisation

FORMAT_JSON = "json"
API_FORMATS = (FORMAT_JSON, FORMAT_CSV)
TRUE_WORDS = ("1", "true", "yes")
#: **policy**: one request covers at most ten years (a longer range is many requests).
MAX_RANGE = timedelta(days=3653)


class BadParameter(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _errors(status: int, *pairs: tuple[str, str]) -> JsonResponse:
    return JsonResponse({"errors": [{"field": f, "message": m} for f, m in pairs]}, status=status)


def _authenticated(request) -> bool:
    if is_signed_in(request):
        return True
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return False
    from perinatal.notifications.services import authenticate_api_token

    return authenticate_api_token(credential.strip()) is not None


def _date(request, name: str, label: str) -> date:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        raise BadParameter(name, f"Enter the {label} as YYYY-MM-DD, for example 2025-01-01")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"The {label} must be a real date as YYYY-MM-DD, for example 2025-01-01") from None


def _values(request, name: str) -> list[str]:
    return [v.strip() for raw in request.GET.getlist(name) for v in raw.split(",") if v.strip()]


def _choice(request, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = (request.GET.get(name) or "").strip() or default
    if value is not None and value not in choices:
        raise BadParameter(name, f"{name} must be one of: {', '.join(choices)}")
    return value


def parse_request(request) -> tuple[MetricRequest, str]:
    """The MetricRequest and output format a request asks for; raises BadParameter."""
    date_from = _date(request, "from", "first day (from)")
    date_to = _date(request, "to", "last day (to)")
    if date_to < date_from:
        raise BadParameter("to", "The last day (to) must be the same as or after the first day (from)")
    if date_to - date_from > MAX_RANGE:
        raise BadParameter("to", "Ask for ten years or less in one request")
    levels = _values(request, "level")
    for level in levels:
        if level not in ORG_LEVELS:
            raise BadParameter("level", f"level must be one of: {', '.join(ORG_LEVELS)}")
    metrics = _values(request, "metric")
    for metric in metrics:
        if metric not in METRIC_IDS:
            raise BadParameter("metric", f"'{metric}' is not a metric_id: see the definitions page for the list")
    code = (request.GET.get("org") or "").strip().upper()
    org = None
    if code:
        found = organisation(code)
        if found is None:
            raise BadParameter("org", f"'{code}' is not the ODS code of England, a region, an ICB or a trust")
        org = (found.level, found.code)
        levels = levels or [found.level]
    metric_request = MetricRequest(
        date_from=date_from, date_to=date_to, metric_ids=tuple(metrics) or None,
        levels=tuple(levels) or ORG_LEVELS, by=_choice(request, "by", SPLITS, None),
        stillbirth_denominator=_choice(request, "stillbirth_denominator", STILLBIRTH_DENOMINATORS, None),
        public=(request.GET.get("public") or "").strip().lower() in TRUE_WORDS, organisation=org,
    )
    return metric_request, _choice(request, "format", API_FORMATS, FORMAT_JSON)


@require_GET
def metrics(request):
    if not _authenticated(request):
        response = _errors(401, ("Authorization", "Sign in, or send an API token as 'Authorization: Bearer <token>'"))
        response["WWW-Authenticate"] = 'Bearer realm="perinatal"'
        return response
    try:
        metric_request, fmt = parse_request(request)
        rows = compute_rows(metric_request)
    except BadParameter as error:
        return _errors(400, (error.field, error.message))
    except UnknownMetric as error:
        return _errors(400, ("metric", str(error)))
    denominator = metric_request.resolved_stillbirth_denominator
    if fmt == FORMAT_CSV:
        table = metric_rows_table(rows, title="Dashboard metrics", stillbirth_denominator=denominator,
                                  public=metric_request.public)
        response = HttpResponse(csv_bytes(table, byte_order_mark=False), content_type=CONTENT_TYPES[FORMAT_CSV])
        response["Content-Disposition"] = (f'attachment; filename="metrics-{metric_request.date_from}-'
                                           f'{metric_request.date_to}.csv"')
        return response
    about = {"from": metric_request.date_from.isoformat(), "to": metric_request.date_to.isoformat(),
             "by": metric_request.by, "public": metric_request.public, "stillbirth_denominator": denominator}
    return JsonResponse(metric_rows_document(rows, about=about))


app_name = "dashboard_api"
urlpatterns = [path("api/v1/metrics", metrics, name="metrics")]
