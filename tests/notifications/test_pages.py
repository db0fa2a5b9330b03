"""Pages: who may see what (every view, every role), what each body's inbox shows, and the
trust's and the bodies' journeys through status, amendment, acknowledgement and questions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.core.models import AuditEvent
from perinatal.notifications.models import ApiToken, Delivery, InformationRequest
from perinatal.notifications.services.api_tokens import authenticate_api_token, issue_api_token
from perinatal.notifications.services.information_requests import request_information
from tests.helpers import make_user, sign_in
from tests.notifications.factories import brain_injury_event, intrapartum_stillbirth, reporter, submit, trust

pytestmark = pytest.mark.django_db

MOTHER_NHS = "943 476 5919"

EVERYONE = [
    (Role.REPORTER, "R0A"),
    (Role.LOCAL_AUTHORISER, "R0A"),
    (Role.TRUST_VIEWER, "R0A"),
    (Role.REPORTER, "RYR"),
    (Role.LOCAL_AUTHORISER, "RYR"),
    (Role.TRUST_VIEWER, "RYR"),
    (Role.ICB_VIEWER, "QOP"),
    (Role.REGIONAL_VIEWER, "Y62"),
    (Role.NATIONAL_REVIEWER, "MBRRACE_UK"),
    (Role.NATIONAL_REVIEWER, "MNSI"),
    (Role.NATIONAL_REVIEWER, "NHSR_EN"),
    (Role.IMPROVEMENT_SUPPORT, "E92000001"),
    (Role.PROGRAMME_ADMIN, "E92000001"),
    (Role.SYSTEM_ADMIN, "E92000001"),
]


def delivered(notification):
    Delivery.objects.filter(notification=notification).update(status="sent")
    return notification


@pytest.fixture
def stillbirth():
    notification = delivered(submit(intrapartum_stillbirth()))
    question = request_information(
        notification=notification,
        body="MBRRACE_UK",
        question="Post-mortem?",
        user=reporter("reviewer.mbrrace@perinatal.example"),
    )
    Delivery.objects.filter(notification=notification, body="MNSI").update(status="failed")
    return notification, question


def expected_status(view: str, role: Role, org: str) -> int:
    own_trust = org == "R0A"
    if view == "list":
        return 200 if role in (Role.REPORTER, Role.LOCAL_AUTHORISER, Role.TRUST_VIEWER) else 403
    if view == "detail":
        if role in (Role.REPORTER, Role.LOCAL_AUTHORISER, Role.TRUST_VIEWER):
            return 200 if own_trust else 404
        return 403
    if view in ("amend", "answer"):
        if role in (Role.REPORTER, Role.LOCAL_AUTHORISER):
            return 200 if own_trust else 404
        return 403
    if view == "retry":
        if role is Role.LOCAL_AUTHORISER:
            return 302 if own_trust else 404
        return 403
    if view == "inbox":
        return 200 if role is Role.NATIONAL_REVIEWER else 403
    if view == "inbox_mnsi":
        if role is Role.NATIONAL_REVIEWER:
            return 200 if org == "MNSI" else 404
        return 403
    if view in ("api_tokens", "revoke"):
        return (200 if view == "api_tokens" else 302) if role is Role.SYSTEM_ADMIN else 403
    raise AssertionError(view)


@pytest.mark.parametrize("role, org", EVERYONE, ids=[f"{r.value}-{o}" for r, o in EVERYONE])
def test_every_view_for_every_role(client, stillbirth, role, org):
    notification, question = stillbirth
    ref = notification.reference
    _, token = issue_api_token(trust=trust("RYR"), name="system", user=None)
    sign_in(client, make_user(role, org))
    requests = {
        "list": ("get", reverse("notifications:list")),
        "detail": ("get", reverse("notifications:detail", args=[ref])),
        "amend": ("get", reverse("notifications:amend", args=[ref])),
        "answer": ("get", reverse("notifications:answer", args=[ref, question.pk])),
        "retry": ("post", reverse("notifications:retry", args=[ref, notification.deliveries.get(body="MNSI").pk])),
        "inbox": ("get", reverse("notifications:inbox")),
        "inbox_mnsi": ("get", reverse("notifications:inbox_detail", args=["MNSI", ref])),
        "api_tokens": ("get", reverse("notifications:api_tokens")),
        "revoke": ("post", reverse("notifications:revoke_token", args=[token.pk])),
    }
    mnsi = Delivery.objects.filter(notification=notification, body="MNSI")
    for view, (method, url) in requests.items():
        if view == "inbox_mnsi":
            mnsi.update(status="sent")
        response = getattr(client, method)(url)
        assert response.status_code == expected_status(view, role, org), (view, response.status_code)
        if response.status_code in (403, 404):
            page = response.content.decode()
            assert MOTHER_NHS not in page and "Post-mortem?" not in page, view
        if view == "list" and response.status_code == 200:
            assert (ref in response.content.decode()) == (org == "R0A")
    token.refresh_from_db()
    assert (token.revoked_at is not None) == (role is Role.SYSTEM_ADMIN)
    retried = notification.deliveries.get(body="MNSI")
    assert (retried.attempts == 0 and retried.status_records.filter(detail__contains="by hand").exists()) == (
        role is Role.LOCAL_AUTHORISER and org == "R0A"
    )


def test_the_status_page_shows_routes_reasons_due_dates_history_and_is_audited(client):
    notification = delivered(submit(intrapartum_stillbirth()))
    sign_in(client, reporter())
    page = client.get(reverse("notifications:detail", args=[notification.reference])).content.decode()
    assert "MBRRACE-UK: Stillbirth" in page and "MNSI: Intrapartum stillbirth" in page
    assert "No deadline is published" in page and "Delivery history for MNSI" in page
    assert "NHS Resolution" in page  # not sent to, with the reason
    assert "Amend this notification" in page
    assert AuditEvent.objects.filter(
        action="view", object_type="notifications.Notification", object_id=str(notification.pk)
    ).exists()
    assert not AuditEvent.objects.filter(summary__contains="9434765919").exists()


def test_the_mnsi_reviewer_acknowledges_and_the_reporter_sees_the_reference(client):
    notification = delivered(submit(brain_injury_event()))
    sign_in(client, reporter("reviewer.mnsi@perinatal.example"))
    url = reverse("notifications:inbox_detail", args=["MNSI", notification.reference])
    assert notification.reference in client.get(reverse("notifications:inbox")).content.decode()
    empty = client.post(url, {"action": "acknowledge", "ack-reference": " "}).content.decode()
    assert "Enter the MNSI reference" in empty and "<title>Error:" in empty
    assert client.post(url, {"action": "acknowledge", "ack-reference": "MNSI-2026-0042"}).status_code == 302
    client.post(url, {"action": "ask", "ask-question": "Was the cord gas taken?"})
    sign_in(client, reporter())
    page = client.get(reverse("notifications:detail", args=[notification.reference])).content.decode()
    assert "MNSI-2026-0042" in page and "Was the cord gas taken?" in page
    # NHS Resolution's status is its notification's, not the MNSI reference passed on to it.
    assert "Notification: acknowledged" in page and "Notification: sent" in page and "reference: queued" not in page
    question = InformationRequest.objects.get(notification=notification)
    answer_url = reverse("notifications:answer", args=[notification.reference, question.pk])
    assert "Enter your answer" in client.post(answer_url, {"answer": ""}).content.decode()
    assert client.post(answer_url, {"answer": "Yes, pH 6.9"}).status_code == 302
    # NHS Resolution sees the MNSI reference (it asks for it) and the answer stays with MNSI.
    Delivery.objects.filter(notification=notification).update(status="sent")
    sign_in(client, reporter("reviewer.nhsr@perinatal.example"))
    nhsr = client.get(reverse("notifications:inbox_detail", args=["NHSR_EN", notification.reference])).content.decode()
    assert "MNSI-2026-0042" in nhsr and "Yes, pH 6.9" not in nhsr
    sign_in(client, reporter("reviewer.mnsi@perinatal.example"))
    assert "Yes, pH 6.9" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "body, shown, hidden",
    [
        ("MBRRACE_UK", ["M13 9WL", "3100 g", MOTHER_NHS], ["Labour"]),
        ("MNSI", [MOTHER_NHS, "In labour"], ["M13 9WL", "3100 g"]),
    ],
)
def test_each_inbox_shows_only_its_bodys_fields(client, body, shown, hidden):
    notification = delivered(submit(intrapartum_stillbirth()))
    sign_in(client, make_user(Role.NATIONAL_REVIEWER, body))
    page = client.get(reverse("notifications:inbox_detail", args=[body, notification.reference])).content.decode()
    for text in shown:
        assert text in page, text
    for text in hidden:
        assert f">{text}<" not in page and text not in page.split("What ")[-1].split("Acknowledge")[0], text
    assert AuditEvent.objects.filter(
        action="view",
        object_type="notifications.Notification",
        object_id=str(notification.pk),
        summary__startswith=f"{body.replace('_UK', '-UK')} reviewer",
    ).exists()


def test_nothing_is_in_an_inbox_until_it_is_delivered(client):
    notification = submit(intrapartum_stillbirth())
    sign_in(client, reporter("reviewer.mnsi@perinatal.example"))
    assert notification.reference not in client.get(reverse("notifications:inbox")).content.decode()
    url = reverse("notifications:inbox_detail", args=["MNSI", notification.reference])
    assert client.get(url).status_code == 404


def test_the_system_admin_issues_a_token_shown_once_and_revokes_it(client):
    sign_in(client, reporter("system.admin@perinatal.example"))
    url = reverse("notifications:api_tokens")
    error = client.post(url, {"trust_code": "XYZ", "name": ""}).content.decode()
    assert "XYZ is not the ODS code of an NHS trust" in error and "Enter what the token is for" in error
    issued = client.post(url, {"trust_code": "r0a", "name": "BadgerNet"})
    assert "no-store" in issued["Cache-Control"]
    token = ApiToken.objects.get(name="BadgerNet")
    page = issued.content.decode()
    plaintext = page.split('id="api-token">')[1].split("<")[0]
    assert authenticate_api_token(plaintext) == token
    listing = client.get(url).content.decode()
    assert token.prefix in listing and plaintext not in listing
    client.post(reverse("notifications:revoke_token", args=[token.pk]))
    assert authenticate_api_token(plaintext) is None


def test_menu_items_by_role(client):
    for email, present, absent in [
        ("midwife.r0a@perinatal.example", ["Notifications"], ["Inbox", "API tokens"]),
        ("reviewer.mnsi@perinatal.example", ["Inbox"], ["Notifications", "API tokens"]),
        ("system.admin@perinatal.example", ["API tokens"], ["Inbox", ">Notifications<"]),
    ]:
        sign_in(client, reporter(email))
        page = client.get("/").content.decode()
        for text in present:
            assert text in page, (email, text)
        for text in absent:
            assert text not in page, (email, text)
