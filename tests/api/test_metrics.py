"""GET /api/v1/metrics: the docs/rules/dashboard.md §4 rows for every signed-in user and API token, JSON or CSV,
clear errors naming the parameter, and nothing for anyone else (docs/rules/dashboard.md §4, §5)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.api import metrics as metrics_view
from perinatal.api.schemas.metrics import MetricsQuery
from perinatal.dashboard.engine import rows_per_organisation
from perinatal.dashboard.exports import METRIC_ROW_COLUMNS
from perinatal.dashboard.metrics.definitions import metric_definitions
from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT
from perinatal.dashboard.metrics.rows import ORG_LEVELS
from perinatal.dashboard.selectors.organisations import organisations_with_rows
from perinatal.notifications.services.api_tokens import issue_api_token
from perinatal.organisations.models import Organisation
from tests.dashboard.factories import birth
from tests.dashboard.import_helpers import clear_dashboard_data, import_records
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/metrics"
JUNE = {"from": "2025-06-01", "to": "2025-06-30"}

ROLE_ORGANISATIONS = [
    (Role.REPORTER, "RRK"),
    (Role.LOCAL_AUTHORISER, "RJ1"),
    (Role.TRUST_VIEWER, "RYR"),
    (Role.ICB_VIEWER, "QOP"),
    (Role.REGIONAL_VIEWER, "Y62"),
    (Role.NATIONAL_REVIEWER, "MNSI"),
    (Role.IMPROVEMENT_SUPPORT, "E92000001"),
    (Role.PROGRAMME_ADMIN, "E92000001"),
    (Role.SYSTEM_ADMIN, "E92000001"),
]


@pytest.fixture
def june(tmp_path):
    clear_dashboard_data()
    import_records(tmp_path, "births", [birth(f"A{n}", outcome="stillbirth" if n < 3 else "live") for n in range(20)])


def test_the_url_is_named():
    assert reverse("api:metrics") == URL


@pytest.mark.parametrize("role, code", ROLE_ORGANISATIONS)
def test_every_signed_in_user_reads_every_organisation_s_aggregates(client, june, role, code):
    sign_in(client, make_user(role, code))
    response = client.get(URL, {**JUNE, "metric": "stillbirth_rate", "level": "trust"})
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [(r["org_code"], r["numerator"], r["denominator"], r["value"]) for r in rows] == [("R0A", 3, 20, "150.00")]


def test_nobody_else_reads_them(client, june):
    response = client.get(URL, JUNE)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "errors": [
            {"field": "Authorization", "message": ("Sign in, or send an API token as 'Authorization: Bearer <token>'")}
        ]
    }
    assert client.get(URL, JUNE, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_a_signed_in_user_without_the_second_factor_is_refused(client, june):
    user = make_user(Role.TRUST_VIEWER, "R0A")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(URL, JUNE).status_code == 401


def test_an_api_token_reads_them(client, june):
    admin = make_user(Role.SYSTEM_ADMIN, "E92000001")
    plaintext, _ = issue_api_token(trust=Organisation.objects.get(code="RJ1"), name="Board pack", user=admin)
    response = client.get(
        URL, {**JUNE, "metric": "stillbirth_rate", "org": "r0a"}, HTTP_AUTHORIZATION=f"Bearer {plaintext}"
    )
    assert response.status_code == 200
    assert [(r["org_level"], r["org_code"]) for r in response.json()["rows"]] == [("trust", "R0A")]


def test_json_says_what_was_computed(client, june):
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    document = client.get(
        URL,
        {
            **JUNE,
            "metric": "stillbirth_rate,pph_1500_rate",
            "level": "national",
            "public": "1",
            "by": "month",
            "stillbirth_denominator": "live_births",
        },
    ).json()
    assert {k: document[k] for k in ("from", "to", "by", "public", "stillbirth_denominator")} == {
        "from": "2025-06-01",
        "to": "2025-06-30",
        "by": "month",
        "public": True,
        "stillbirth_denominator": "live_births",
    }
    assert document["columns"] == list(METRIC_ROW_COLUMNS)
    assert [(r["metric_id"], r["numerator"], r["denominator"], r["suppressed"]) for r in document["rows"]] == [
        ("stillbirth_rate", "*", 15, 1),  # 17 births published to the nearest 5 (docs/rules/equity.md §2)
        ("pph_1500_rate", 0, 20, 0),
    ]


def test_csv_has_the_section_4_columns(client, june):
    sign_in(client, make_user(Role.PROGRAMME_ADMIN, "E92000001"))
    response = client.get(URL, {**JUNE, "metric": "stillbirth_rate", "format": "csv", "level": ["region", "icb"]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "metrics-2025-06-01-2025-06-30.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == list(METRIC_ROW_COLUMNS)
    assert [(r[1], r[2]) for r in rows[1:]] == [("region", "Y62"), ("icb", "QOP")]


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"to": "2025-06-30"}, "from", "Enter the first day (from) as YYYY-MM-DD"),
        ({"from": "2025-06-31", "to": "2025-07-01"}, "from", "must be a real date"),
        ({"from": "2025-06-01", "to": "2025-05-01"}, "to", "must be the same as or after the first day"),
        ({"from": "2000-01-01", "to": "2025-05-01"}, "to", "ten years or less"),
        ({**JUNE, "level": "ward"}, "level", "level must be one of: national, region, icb, trust"),
        ({**JUNE, "metric": "deaths"}, "metric", "'deaths' is not a metric_id"),
        ({**JUNE, "format": "xml"}, "format", "format must be one of: json, csv"),
        ({**JUNE, "by": "week"}, "by", "by must be one of: month, quarter"),
        ({**JUNE, "stillbirth_denominator": "babies"}, "stillbirth_denominator", "total_births, live_births"),
        ({**JUNE, "org": "XYZ99"}, "org", "'XYZ99' is not the ODS code of England, a region, an ICB or a trust"),
    ],
)
def test_bad_parameters_are_named(client, params, field, message):
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    response = client.get(URL, params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == field and message in error["message"]


def test_only_get_is_allowed(client):
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    assert client.post(URL, JUNE).status_code == 405


def _refuse_to_compute(monkeypatch):
    def compute_rows(*args, **kwargs):
        raise AssertionError("the engine was asked to compute an answer over the size limit")

    monkeypatch.setattr(metrics_view, "compute_rows", compute_rows)


def test_ten_years_by_quarter_at_every_level_is_refused_before_anything_is_computed(client, june, monkeypatch):
    _refuse_to_compute(monkeypatch)
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    response = client.get(URL, {"from": "2016-01-01", "to": "2025-12-31", "by": "quarter"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["field"] == "to"
    # 260 fortnights × 8 operational ids + 40 quarters × 11 outcome and survey ids, for each organisation
    organisations = organisations_with_rows(levels=ORG_LEVELS, organisation=None)
    assert f"up to {organisations * 2520:,} rows" in error["message"]
    assert f"one request may have {metrics_view.MAX_ROWS:,}" in error["message"]
    for field in ("level", "org", "metric", "from", "to", "by"):
        assert field in error["message"]


def test_an_answer_of_exactly_the_limit_is_given_and_one_row_more_is_refused(client, june, monkeypatch):
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    query = {**JUNE, "org": "R0A"}  # 2 fortnights × 8 operational ids + 11 outcome and survey ids
    monkeypatch.setattr(metrics_view, "MAX_ROWS", 27)
    response = client.get(URL, query)
    assert response.status_code == 200 and len(response.json()["rows"]) == 27
    monkeypatch.setattr(metrics_view, "MAX_ROWS", 26)
    _refuse_to_compute(monkeypatch)
    response = client.get(URL, query)
    assert response.status_code == 400 and "up to 27 rows" in response.json()["errors"][0]["message"]


def test_a_query_just_under_the_limit_is_answered(client, june, monkeypatch):
    monkeypatch.setattr(metrics_view, "MAX_ROWS", 20_000)  # a query of the register's ICBs reaches it
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    outcomes = [d.id for d in metric_definitions() if d.period_kind != PERIOD_FORTNIGHT]
    query = {"from": "2023-01-01", "to": "2025-12-31", "by": "month", "level": "icb", "metric": outcomes}
    bound = organisations_with_rows(levels=["icb"], organisation=None) * len(outcomes) * 36
    assert 0.9 * metrics_view.MAX_ROWS < bound <= metrics_view.MAX_ROWS
    response = client.get(URL, query)
    assert response.status_code == 200
    assert len(response.json()["rows"]) == len(outcomes) * 36  # R0A's ICB: the only one with a trust's records


def test_the_bound_is_never_below_the_rows_given(client, monkeypatch):
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    query = {"from": "2024-01-01", "to": "2025-12-31", "by": "quarter"}
    metric_request, _ = metrics_view.parse_query(MetricsQuery(**query))
    bound = organisations_with_rows(levels=ORG_LEVELS, organisation=None) * rows_per_organisation(metric_request)
    monkeypatch.setattr(metrics_view, "MAX_ROWS", bound)
    response = client.get(URL, query)  # the small demo's records
    assert response.status_code == 200 and 0 < len(response.json()["rows"]) <= bound


def test_a_year_of_every_metric_at_every_level_is_one_request(client, june):
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    query = {"from": "2025-01-01", "to": "2025-12-31"}
    metric_request, _ = metrics_view.parse_query(MetricsQuery(**query))
    register = Organisation.objects.filter(kind__in=[Organisation.Kind.ICB, Organisation.Kind.REGION]).count()
    # the national register's trusts (some 120 with data) as well as the ICBs and regions
    assert (1 + register + 125) * rows_per_organisation(metric_request) <= metrics_view.MAX_ROWS
    assert client.get(URL, query).status_code == 200
