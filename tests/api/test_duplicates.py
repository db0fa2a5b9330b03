"""docs/rules/routing.md §7: a possible duplicate sent through the API is stored but held (202),
delivered to nobody, until the trust confirms it is a different event (then delivered, with a
duplicate flag the bodies see) or discards it; a client may say up front that it is a
different event. Delivery goes through the real outbox and the bodies' receiving endpoints.

Run on SQLite and, with DATABASE_URL naming PostgreSQL, on PostgreSQL. Copies sent at the same
moment are tested against a running service on PostgreSQL in tests/notifications/test_delivery_crash.py.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from perinatal.core.models import AuditEvent
from perinatal.notifications.delivery import deliver_due
from perinatal.notifications.models import Delivery, Notification, ReceivedNotification
from perinatal.notifications.services.api_tokens import issue_api_token
from tests.api.schema_check import problems
from tests.helpers import sign_in
from tests.notifications.factories import intrapartum_stillbirth, maternal_event, reporter, trust

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/notifications"


@pytest.fixture
def token():
    plaintext, _ = issue_api_token(
        trust=trust("R0A"), name="Maternity system", user=reporter("system.admin@perinatal.example")
    )
    return plaintext


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json()


def post(client, document, token, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(SUBMIT, data=json.dumps(document), content_type="application/json", **headers)


def matches(spec, response) -> None:
    described = spec["paths"][SUBMIT]["post"]["responses"][str(response.status_code)]
    found = problems(response.json(), described["content"]["application/json"]["schema"], root=spec)
    assert not found, found


def received(reference: str) -> dict[str, list[dict]]:
    """What each body's receiving endpoint stored for a notification, by body."""
    found: dict[str, list[dict]] = {}
    for row in ReceivedNotification.objects.order_by("id"):
        if row.payload.get("reference") == reference:
            found.setdefault(row.body, []).append(row.payload)
    return found


def second_twin() -> dict:
    """A stillborn twin with no NHS number of its own, born 12 minutes after the first, sent by a
    system that left `multiple_birth` out: by the rule, a possible duplicate of the first."""
    document = intrapartum_stillbirth(born_at="2025-10-01T03:32")
    document["baby"]["nhs_number"] = None
    document["baby"]["multiple_birth"] = None
    return document


def first_twin() -> dict:
    document = intrapartum_stillbirth()
    document["baby"]["nhs_number"] = None
    return document


def test_the_same_document_three_times_without_a_key_is_delivered_once_and_held_twice(client, token, spec, transport):
    answers = [post(client, intrapartum_stillbirth(), token) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [201, 202, 202]
    for answer in answers:
        matches(spec, answer)
    first, second, third = (answer.json() for answer in answers)
    assert first["state"] == "submitted" and first["decision_url"] is None
    assert second["state"] == "held" and second["possible_duplicates"] == [first["reference"]]
    assert third["possible_duplicates"] == [first["reference"], second["reference"]]
    for answer, body in zip(answers[1:], (second, third), strict=True):
        assert answer["Location"] == f"/api/v1/notifications/{body['reference']}"
        assert body["decision_url"] == f"/notifications/{body['reference']}/held/"
        assert [d["status"] for d in body["destinations"]] == [None, None]  # would go there; nothing queued
    deliver_due()
    assert {body: len(payloads) for body, payloads in received(first["reference"]).items()} == {
        "MBRRACE_UK": 1,
        "MNSI": 1,
    }
    assert received(second["reference"]) == {} and received(third["reference"]) == {}
    assert not Delivery.objects.filter(notification__reference__in=[second["reference"], third["reference"]]).exists()
    # Only the first is in the bodies' inboxes; the trust sees the two held ones.
    sign_in(client, reporter("reviewer.mbrrace@perinatal.example"))
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert first["reference"] in inbox and second["reference"] not in inbox and "Possible duplicate" not in inbox
    sign_in(client, reporter())
    held = client.get(reverse("notifications:held_list")).content.decode()
    assert all(reverse("notifications:held", args=[b["reference"]]) in held for b in (second, third))
    assert reverse("notifications:held", args=[first["reference"]]) not in held
    # The API client reads the held state back.
    status = client.get(f"/api/v1/notifications/{second['reference']}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert status["state"] == "held" and status["possible_duplicate_of"] == [first["reference"]]


def test_a_held_twin_confirmed_as_a_different_event_is_delivered_with_the_duplicate_flag(client, token, transport):
    first = post(client, first_twin(), token).json()
    held = post(client, second_twin(), token)
    assert held.status_code == 202
    reference = held.json()["reference"]
    sign_in(client, reporter())
    url = reverse("notifications:held", args=[reference])
    page = client.get(url).content.decode()
    assert first["reference"] in page and "2025-10-01" not in page  # dates as people read them
    assert "1 October 2025 at 3:32am" in page and "1 October 2025 at 3:20am" in page
    refused = client.post(url, {"decision": "distinct", "reason": " "}).content.decode()
    assert "<title>Error:" in refused and "Enter why this is a different event" in refused
    assert 'href="#id_reason"' in refused
    assert Notification.objects.get(reference=reference).state == "held"
    done = client.post(url, {"decision": "distinct", "reason": "The second twin"})
    assert done.status_code == 302 and done["Location"] == reverse("notifications:detail", args=[reference])
    # A second decision (a double click, or a colleague at the same moment) changes nothing.
    again = client.post(url, {"decision": "discard", "reason": ""})
    assert again.status_code == 302 and Notification.objects.get(reference=reference).state == "submitted"
    deliver_due()
    delivered = received(reference)
    assert set(delivered) == {"MBRRACE_UK", "MNSI"}
    for payloads in delivered.values():
        [payload] = payloads
        assert payload["kind"] == "notify"
        assert payload["possible_duplicate"] == {"of": [first["reference"]], "distinct_because": "The second twin"}
    for payloads in received(first["reference"]).values():
        assert payloads[0]["possible_duplicate"] is None
    assert AuditEvent.objects.filter(
        action="decide", object_id=str(Notification.objects.get(reference=reference).pk), summary__contains="confirmed"
    ).exists()
    # The bodies see the flag in their inbox and on the notification.
    sign_in(client, reporter("reviewer.mnsi@perinatal.example"))
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    link = reverse("notifications:inbox_detail", args=["MNSI", reference])
    assert "Possible duplicate" in inbox.split(link, 1)[1].split("</tr>")[0]
    other = reverse("notifications:inbox_detail", args=["MNSI", first["reference"]])
    assert "Possible duplicate" not in inbox.split(other, 1)[1].split("</tr>")[0]
    detail = client.get(reverse("notifications:inbox_detail", args=["MNSI", reference])).content.decode()
    assert "Possible duplicate" in detail and "The second twin" in detail and first["reference"] in detail


def test_a_discarded_submission_is_recorded_and_never_delivered(client, token, transport):
    post(client, intrapartum_stillbirth(), token)
    reference = post(client, intrapartum_stillbirth(), token).json()["reference"]
    sign_in(client, reporter())
    assert client.post(reverse("notifications:held", args=[reference]), {"decision": "discard"}).status_code == 302
    notification = Notification.objects.get(reference=reference)
    assert notification.state == "discarded" and notification.state_changed_by == reporter()
    deliver_due()
    assert received(reference) == {} and not notification.deliveries.exists()
    page = client.get(reverse("notifications:detail", args=[reference])).content.decode()
    assert "Discarded as a duplicate" in page and "Amend this notification" not in page
    assert AuditEvent.objects.filter(action="decide", summary__contains="discarded").exists()
    # A discarded duplicate is no longer an event to match: the next copy is held for the first only.
    third = post(client, intrapartum_stillbirth(), token).json()
    assert third["possible_duplicates"] == [Notification.objects.order_by("id").first().reference]


def test_a_client_that_says_it_is_a_different_event_has_it_delivered_at_once_with_the_flag(
    client, token, spec, transport
):
    first = post(client, first_twin(), token).json()
    twin = {**second_twin(), "not_a_duplicate": {"of": [first["reference"]], "reason": "Twin 2 of 2"}}
    answer = post(client, twin, token)
    assert answer.status_code == 201
    matches(spec, answer)
    body = answer.json()
    assert body["state"] == "submitted" and body["distinct_because"] == "Twin 2 of 2"
    assert [d["status"] for d in body["destinations"]] == ["queued", "queued"]
    deliver_due()
    for payloads in received(body["reference"]).values():
        assert payloads[0]["possible_duplicate"] == {"of": [first["reference"]], "distinct_because": "Twin 2 of 2"}
    # Naming only some of the notifications it may duplicate still holds it.
    third = post(client, {**second_twin(), "not_a_duplicate": {"of": [first["reference"]], "reason": "Twin"}}, token)
    assert third.status_code == 202 and third.json()["possible_duplicates"] == [first["reference"], body["reference"]]


@pytest.mark.parametrize(
    "claim, field",
    [
        ({"of": ["PEN-2026-000001"]}, "not_a_duplicate.reason"),
        ({"of": [], "reason": "Twin"}, "not_a_duplicate.of"),
        ({"of": "PEN-2026-000001", "reason": "Twin"}, "not_a_duplicate.of"),
        ({"of": ["PEN-2026-999999"], "reason": "Twin"}, "not_a_duplicate.of"),
        ({"references": ["PEN-2026-000001"]}, "not_a_duplicate"),
        ("yes", "not_a_duplicate"),
    ],
)
def test_a_bad_word_that_it_is_not_a_duplicate_is_422_naming_the_field(client, token, spec, claim, field):
    post(client, intrapartum_stillbirth(), token)
    before = Notification.objects.count()
    answer = post(client, {**intrapartum_stillbirth(), "not_a_duplicate": claim}, token, key="claim")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field
    matches(spec, answer)
    assert Notification.objects.count() == before


def test_a_held_submission_replays_its_first_answer_with_the_same_key(client, token):
    post(client, maternal_event(), token)
    held = post(client, maternal_event(), token, key="visit-9")
    assert held.status_code == 202
    replay = post(client, maternal_event(), token, key="visit-9")
    assert replay.status_code == 200 and replay.json() == held.json()
    assert Notification.objects.filter(state="held").count() == 1


def test_only_the_trusts_reporters_decide(client, token):
    post(client, intrapartum_stillbirth(), token)
    reference = post(client, intrapartum_stillbirth(), token).json()["reference"]
    url = reverse("notifications:held", args=[reference])
    sign_in(client, reporter("reviewer.mbrrace@perinatal.example"))
    assert client.post(url, {"decision": "distinct", "reason": "Twin"}).status_code == 403
    assert client.get(reverse("notifications:held_list")).status_code == 403
    assert Notification.objects.get(reference=reference).state == "held"
