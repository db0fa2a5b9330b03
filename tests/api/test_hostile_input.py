"""Bad input at the API's edge (issue 13): every answer is the API's JSON error body with a 4xx,
never an HTML page or a 500, and nothing is stored for a refused request."""

from __future__ import annotations

import json

import pytest

from perinatal.notifications.models import Notification
from tests.api.test_notifications import PREVIEW, SUBMIT, post, token  # noqa: F401 (fixture)
from tests.notifications.factories import intrapartum_stillbirth

pytestmark = pytest.mark.django_db


def _json_error(response, status: int | tuple[int, ...]) -> list[dict]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    errors = response.json()["errors"]
    assert errors and all(e["field"] and e["message"] for e in errors)
    return errors


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(_nested(100_000), id="deeply nested"),
        pytest.param('{"trust": "\\ud800"}', id="lone surrogate"),
        pytest.param(json.dumps(intrapartum_stillbirth()).replace('"R0A"', '"R0A\\u0000"', 1), id="NUL in a field"),
        pytest.param("not json", id="not JSON"),
        pytest.param("", id="empty"),
    ],
)
@pytest.mark.parametrize("path", [SUBMIT, PREVIEW])
def test_malformed_documents_are_refused_as_json(client, token, raw, path):  # noqa: F811
    _json_error(post(client, path, None, token, raw=raw), (400, 422))
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"],
)
def test_a_body_that_is_not_json_by_its_content_type_is_refused(client, token, content_type):  # noqa: F811
    response = client.post(
        SUBMIT,
        data=json.dumps(intrapartum_stillbirth()),
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    errors = _json_error(response, 415)
    assert errors[0]["field"] == "Content-Type"
    assert not Notification.objects.exists()


def test_a_json_body_in_utf16_is_refused(client, token):  # noqa: F811
    response = client.post(
        SUBMIT,
        data=json.dumps(intrapartum_stillbirth()).encode("utf-16"),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    _json_error(response, (400, 415))
    assert not Notification.objects.exists()


def test_json_with_its_charset_is_accepted(client, token):  # noqa: F811
    response = client.post(
        SUBMIT,
        data=json.dumps(intrapartum_stillbirth()),
        content_type="application/json; charset=utf-8",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("key", ["k" * 197, "abc\x00def", "visit\u00e9"])
def test_an_idempotency_key_too_long_or_not_printable_ascii_is_refused_and_nothing_stored(client, token, key):  # noqa: F811
    errors = _json_error(post(client, SUBMIT, intrapartum_stillbirth(), token, key=key), 422)
    assert errors[0]["field"] == "Idempotency-Key"
    assert not Notification.objects.exists()


def test_two_long_keys_alike_in_their_first_200_characters_never_merge_two_notifications(client, token):  # noqa: F811
    base = "x" * 196
    first = post(client, SUBMIT, intrapartum_stillbirth(), token, key=base)
    assert first.status_code == 201
    second = post(client, SUBMIT, intrapartum_stillbirth(), token, key=base + "y")
    assert second.status_code == 422
    assert Notification.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/notifications/PEN-2026-000001/extra",
        "/api/v1/notifications/%00",
        "/api/v1/metrics/%00",
        "/api/v1/",
    ],
)
def test_unknown_api_addresses_answer_json_404(client, token, path):  # noqa: F811
    _json_error(client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}"), (400, 404))


@pytest.mark.parametrize("query", ["from=2025-01-01%00", "level=trust%00", "from=%ED%A0%80", "from=%FF"])
def test_nul_and_surrogates_in_the_query_string_are_refused_as_json(client, token, query):  # noqa: F811
    response = client.get("/api/v1/metrics?" + query, HTTP_AUTHORIZATION=f"Bearer {token}")
    _json_error(response, 400)


def test_a_refused_query_value_names_its_field_whatever_the_field_is_called(client, token):  # noqa: F811
    response = client.get("/api/v1/metrics?path=%01", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400  # not the 404 of a refused path
    assert response.json()["errors"][0]["field"] == "path"


def test_the_metrics_answer_is_bounded_in_its_date_range(client, token):  # noqa: F811
    response = client.get(
        "/api/v1/metrics?from=2015-01-01&to=2024-12-31&level=trust&by=month",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    errors = _json_error(response, 400)
    assert {e["field"] for e in errors} & {"from", "to"}


def test_a_body_over_the_limit_is_refused_413(client, token, settings):  # noqa: F811
    big = json.dumps({**intrapartum_stillbirth(), "padding": "x" * (3 * 1024 * 1024)})
    errors = _json_error(post(client, SUBMIT, None, token, raw=big), 413)
    assert errors[0]["field"] == "document"
    assert not Notification.objects.exists()


def test_too_many_query_fields_are_refused_as_json_naming_the_query(client, token, settings):  # noqa: F811
    query = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get("/api/v1/metrics?" + query, HTTP_AUTHORIZATION=f"Bearer {token}")
    errors = _json_error(response, 400)
    assert errors[0]["field"] == "query" and "1000 fields or fewer" in errors[0]["message"]


@pytest.mark.parametrize("path", [SUBMIT, PREVIEW, "/api/v1/nothing-here"])
def test_a_form_post_with_too_many_fields_is_refused_as_json(client, token, path, settings):  # noqa: F811
    fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(path, fields, HTTP_AUTHORIZATION=f"Bearer {token}")
    _json_error(response, (400, 404, 413, 415))
    assert not Notification.objects.exists()


@pytest.mark.parametrize("path", [SUBMIT, "/api/v1/nothing-here"])
def test_a_body_over_djangos_own_limit_is_refused_as_json(client, token, path, settings):  # noqa: F811
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = json.dumps({**intrapartum_stillbirth(), "padding": "x" * 4096})
    response = client.post(path, big, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    _json_error(response, (400, 404, 413))
    assert not Notification.objects.exists()


def test_djangos_own_400_under_the_api_is_json(rf):
    from perinatal.urls import bad_request

    response = bad_request(rf.get("/api/v1/metrics"), exception=None)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert json.loads(response.content)["errors"][0]["field"] == "request"


def test_a_fault_under_the_api_answers_the_apis_json_500(token, monkeypatch):  # noqa: F811
    from django.test import Client

    from perinatal.api import submissions

    def broken(**kwargs):
        raise RuntimeError("a fault in the service")

    monkeypatch.setattr(submissions, "submit_once", broken)
    client = Client(raise_request_exception=False)
    response = client.post(
        SUBMIT,
        json.dumps(intrapartum_stillbirth()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="fault-1",
    )
    errors = _json_error(response, 500)
    assert "same Idempotency-Key" in errors[0]["message"]


def test_djangos_own_500_is_json_under_the_api_only(rf):
    from perinatal.urls import server_error

    assert server_error(rf.get("/api/v1/metrics"))["Content-Type"] == "application/json"
    page = server_error(rf.get("/dashboard/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_the_apis_error_answers_hold_under_a_url_prefix(rf):
    from perinatal.urls import bad_request, server_error

    request = rf.get("/perinatal/api/v1/metrics", SCRIPT_NAME="/perinatal")
    request.path_info = "/api/v1/metrics"
    assert bad_request(request)["Content-Type"] == "application/json"
    assert server_error(request)["Content-Type"] == "application/json"
