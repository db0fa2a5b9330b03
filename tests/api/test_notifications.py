"""The API contract: every status code, idempotency, and responses that match the OpenAPI
description served at /api/v1/openapi.json."""

from __future__ import annotations

import json

import pytest
from django.urls import Resolver404, resolve

from perinatal.core.models import AuditEvent
from perinatal.notifications.models import IdempotencyRecord, Notification
from perinatal.notifications.services.api_tokens import authenticate_api_token, issue_api_token, revoke_api_token
from tests.api.schema_check import all_refs, problems
from tests.notifications.factories import (
    brain_injury_event,
    intrapartum_stillbirth,
    maternal_event,
    neonatal_death,
    reporter,
    trust,
)

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/notifications"
PREVIEW = "/api/v1/routing/preview"


@pytest.fixture
def token():
    plaintext, _ = issue_api_token(
        trust=trust("R0A"), name="Maternity system", user=reporter("system.admin@perinatal.example")
    )
    return plaintext


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def post(client, path, document, token=None, key=None, raw=None):
    headers = {}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    data = raw if raw is not None else json.dumps(document)
    return client.post(path, data=data, content_type="application/json", **headers)


def check(spec, path, method, response):
    """The response matches the description of its status code for this operation."""
    operation = spec["paths"][path][method]
    described = operation["responses"][str(response.status_code)]
    schema = described["content"]["application/json"]["schema"]
    found = problems(response.json(), schema, root=spec)
    assert not found, found


def test_submit_201_then_replay_200_then_other_body_409(client, token, spec):
    first = post(client, SUBMIT, intrapartum_stillbirth(), token, key="visit-1")
    assert first.status_code == 201
    check(spec, "/api/v1/notifications", "post", first)
    body = first.json()
    assert body["reference"].startswith("PEN-") and first["Location"] == f"/api/v1/notifications/{body['reference']}"
    assert [d["body"] for d in body["destinations"]] == ["MBRRACE_UK", "MNSI"]
    assert [d["status"] for d in body["destinations"]] == ["queued", "queued"]
    assert body["routing"]["rules_version"] == body["rules_version"]
    # The same key and the same JSON (other spacing and key order): the first response again.
    replay = post(
        client, SUBMIT, None, token, key="visit-1", raw=json.dumps(intrapartum_stillbirth(), indent=3, sort_keys=True)
    )
    assert replay.status_code == 200 and replay.json() == body
    check(spec, "/api/v1/notifications", "post", replay)
    conflict = post(client, SUBMIT, neonatal_death(), token, key="visit-1")
    assert conflict.status_code == 409 and conflict.json()["errors"][0]["field"] == "Idempotency-Key"
    check(spec, "/api/v1/notifications", "post", conflict)
    assert Notification.objects.filter(reference=body["reference"]).count() == 1
    assert Notification.objects.filter(api_token__isnull=False).count() == 1


def test_without_a_key_each_request_is_a_new_notification_and_a_duplicate_is_held(client, token):
    first = post(client, SUBMIT, neonatal_death(), token)
    second = post(client, SUBMIT, neonatal_death(), token)
    assert (first.status_code, second.status_code) == (201, 202)  # docs/rules/routing.md §7.2
    assert first.json()["reference"] != second.json()["reference"]
    assert second.json()["possible_duplicates"] == [first.json()["reference"]]


def test_422_names_each_bad_field(client, token, spec):
    document = intrapartum_stillbirth(gestation=(50, 9))
    document["mother"]["nhs_number"] = "943 476 5918"
    response = post(client, SUBMIT, document, token, key="bad")
    assert response.status_code == 422
    check(spec, "/api/v1/notifications", "post", response)
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["mother.nhs_number", "baby.gestation.weeks", "baby.gestation.days"]
    assert not IdempotencyRecord.objects.filter(key="bad").exists()
    # A corrected document may then use the same key.
    assert post(client, SUBMIT, intrapartum_stillbirth(), token, key="bad").status_code == 201


@pytest.mark.parametrize("header", [None, "Bearer ", "Basic abc", "Bearer pst_not-a-token", "Bearer nonsense"])
def test_401_without_a_valid_token(client, spec, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    for path in (SUBMIT, PREVIEW):
        response = client.post(
            path, data=json.dumps(intrapartum_stillbirth()), content_type="application/json", **headers
        )
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        check(spec, path, "post", response)
    assert client.get("/api/v1/notifications/PEN-2026-000001", **headers).status_code == 401


def test_401_for_a_revoked_token(client, token):
    revoke_api_token(token=authenticate_api_token(token), user=None)
    assert post(client, SUBMIT, intrapartum_stillbirth(), token).status_code == 401


def test_403_for_another_trusts_document(client, token, spec):
    document = intrapartum_stillbirth(
        trust="RYR",
        place_of_birth={"type": "hospital", "site": "RYR01"},
        place_of_death={"type": "hospital", "site": "RYR01"},
    )
    for path in (SUBMIT, PREVIEW):
        response = post(client, path, document, token)
        assert response.status_code == 403 and response.json()["errors"][0]["field"] == "trust"
        check(spec, path, "post", response)
    assert not Notification.objects.filter(trust__code="RYR").exists()


def test_403_while_the_trust_is_not_yet_live(client, spec):
    plaintext, _ = issue_api_token(trust=trust("RRK"), name="system", user=None)
    document = intrapartum_stillbirth(
        trust="RRK",
        place_of_birth={"type": "hospital", "site": "RRK01"},
        place_of_death={"type": "hospital", "site": "RRK01"},
    )
    response = post(client, SUBMIT, document, plaintext)
    assert response.status_code == 403 and "Phase 6" in response.json()["errors"][0]["message"]
    check(spec, "/api/v1/notifications", "post", response)


def test_400_for_a_body_that_is_not_json_or_a_key_too_long(client, token, spec):
    response = post(client, SUBMIT, None, token, raw="{not json")
    assert response.status_code == 400
    check(spec, "/api/v1/notifications", "post", response)
    assert post(client, SUBMIT, intrapartum_stillbirth(), token, key="k" * 201).status_code == 422


def test_405_for_other_methods(client, token):
    assert client.get(SUBMIT, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 405
    assert client.get(PREVIEW, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 405


def test_preview_routes_without_storing(client, token, spec):
    before = Notification.objects.count()
    response = post(client, PREVIEW, brain_injury_event(), token)
    assert response.status_code == 200
    check(spec, "/api/v1/routing/preview", "post", response)
    assert [(d["body"], d["category"]) for d in response.json()["destinations"]] == [
        ("MNSI", "severe_brain_injury"),
        ("NHSR_EN", "severe_brain_injury"),
    ]
    invalid = post(client, PREVIEW, {"trust": "R0A", "event": "baby"}, token)
    assert invalid.status_code == 422
    check(spec, "/api/v1/routing/preview", "post", invalid)
    assert Notification.objects.count() == before


def test_status_for_the_tokens_trust_only(client, token, spec):
    created = post(client, SUBMIT, maternal_event(), token).json()
    response = client.get(f"/api/v1/notifications/{created['reference']}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    check(spec, "/api/v1/notifications/{reference}", "get", response)
    assert response.json()["destinations"][0]["category"] == "maternal_death"
    assert AuditEvent.objects.filter(
        action="view",
        object_type="notifications.Notification",
        object_id=str(Notification.objects.get(reference=created["reference"]).pk),
    ).exists()
    other, _ = issue_api_token(trust=trust("RYR"), name="other", user=None)
    hidden = client.get(f"/api/v1/notifications/{created['reference']}", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert hidden.status_code == 404 and created["reference"] not in json.dumps(hidden.json().get("destinations", ""))
    check(spec, "/api/v1/notifications/{reference}", "get", hidden)


def test_the_description_is_well_formed_and_every_path_is_served(spec):
    assert spec["openapi"].startswith("3.1") and spec["info"]["title"] and spec["info"]["version"]
    for ref in all_refs(spec):
        problems({}, {"$ref": ref}, root=spec)  # resolves, or raises KeyError
    operation_ids = []
    for path, operations in spec["paths"].items():
        try:
            resolve(path.replace("{reference}", "PEN-2026-000001"))
        except Resolver404:
            pytest.fail(f"{path} is described but not served")
        for method, operation in operations.items():
            assert method in {"get", "post"} and operation["responses"], path
            operation_ids.append(operation["operationId"])
            for status in operation["responses"]:
                assert status.isdigit(), (path, status)
    assert len(operation_ids) == len(set(operation_ids))


def test_the_document_schema_accepts_the_spec_example_and_refuses_an_unknown_key(spec):
    schema = {"$ref": "#/components/schemas/NotificationDocument"}
    for document in (intrapartum_stillbirth(), brain_injury_event(), maternal_event()):
        assert problems(document, schema, root=spec) == []
    assert problems({**maternal_event(), "colour": "red"}, schema, root=spec) == ["$: unexpected colour"]
