"""A body's notification page: acknowledging twice, changing a reference, withdrawn cases, and the
same words as the inbox list (issue 12's national bodies' inboxes)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from perinatal.core.formatting import long_date
from perinatal.notifications.models import BodyCase, Delivery
from perinatal.notifications.services.acknowledgement import acknowledge_delivery
from perinatal.notifications.services.withdrawal import withdraw_notification
from tests.helpers import sign_in
from tests.notifications.factories import brain_injury_event, intrapartum_stillbirth, reporter, submit

pytestmark = pytest.mark.django_db


def _sent(notification):
    Delivery.objects.filter(notification=notification).update(status="sent")
    return notification


def test_acknowledging_again_with_the_same_reference_tells_nobody_twice(django_capture_on_commit_callbacks):
    notification = _sent(submit(brain_injury_event()))
    reviewer = reporter("reviewer.mnsi@perinatal.example")
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge_delivery(notification=notification, body="MNSI", reference="MNSI-1", user=reviewer)
    emails, references = len(mail.outbox), notification.deliveries.filter(kind="reference").count()
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge_delivery(notification=notification, body="MNSI", reference="MNSI-1", user=reviewer)
    assert len(mail.outbox) == emails
    assert notification.deliveries.filter(kind="reference").count() == references == 1


def test_a_changed_reference_says_from_what_to_what_and_reaches_nhs_resolution(django_capture_on_commit_callbacks):
    notification = _sent(submit(brain_injury_event()))
    reviewer = reporter("reviewer.mnsi@perinatal.example")
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge_delivery(notification=notification, body="MNSI", reference="MNSI-1", user=reviewer)
    first = BodyCase.objects.get(notification=notification, body="MNSI").acknowledged_at
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = acknowledge_delivery(notification=notification, body="MNSI", reference="MNSI-2", user=reviewer)
    assert case.body_reference == "MNSI-2" and case.acknowledged_at == first
    assert any("changed its reference" in m.subject and "from MNSI-1 to MNSI-2" in m.body for m in mail.outbox)
    latest = notification.deliveries.filter(body="NHSR_EN", kind="reference").order_by("-id").first()
    assert latest.payload["mnsi_reference"] == "MNSI-2"


def test_the_reference_message_names_the_body_not_another_bodys_example(client):
    notification = _sent(submit(intrapartum_stillbirth()))
    sign_in(client, reporter("reviewer.mbrrace@perinatal.example"))
    url = reverse("notifications:inbox_detail", args=["MBRRACE_UK", notification.reference])
    page = client.post(url, {"action": "acknowledge", "ack-reference": ""}).content.decode()
    assert "Enter the MBRRACE-UK reference for this notification" in page
    assert "MNSI-" not in page


def test_the_page_and_the_list_say_the_same_status_and_due_date(client):
    notification = _sent(submit(brain_injury_event()))
    sign_in(client, reporter("reviewer.nhsr@perinatal.example"))
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    page = client.get(reverse("notifications:inbox_detail", args=["NHSR_EN", notification.reference])).content.decode()
    case = BodyCase.objects.get(notification=notification, body="NHSR_EN")
    assert case.due_on is not None
    for words in ("Not acknowledged", long_date(case.due_on)):
        assert words in inbox and words in page


def test_a_withdrawn_case_shows_no_due_date_and_no_forms_and_refuses_them(client):
    notification = _sent(submit(brain_injury_event()))
    withdraw_notification(notification=notification, reason="Entered for the wrong mother", user=reporter())
    _sent(notification)
    sign_in(client, reporter("reviewer.mnsi@perinatal.example"))
    url = reverse("notifications:inbox_detail", args=["MNSI", notification.reference])
    page = client.get(url).content.decode()
    assert "Withdrawn: no longer due" in page
    assert 'name="ack-reference"' not in page and 'name="ask-question"' not in page
    assert "Nothing more is needed from MNSI" in page
    response = client.post(url, {"action": "acknowledge", "ack-reference": "MNSI-9"})
    assert response.status_code == 302
    assert BodyCase.objects.get(notification=notification, body="MNSI").body_reference == ""
