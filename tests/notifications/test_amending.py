"""Amendments through the journey's question pages with "where this will now go and why", and
withdrawal of a notification made in error (docs/rules/routing.md §8–§10), end to end: the pages,
the outbox, the worker and each body's receiving endpoint (what each body stored, once per key).
"""

from __future__ import annotations

import copy
import re

import pytest
from django.urls import reverse

from perinatal.core.models import AuditEvent
from perinatal.notifications.delivery import deliver_due
from perinatal.notifications.models import AmendmentDraft, Notification, ReceivedNotification
from perinatal.notifications.services.withdrawal import withdraw_notification
from tests.helpers import make_user, sign_in
from tests.notifications.factories import (
    brain_injury_event,
    intrapartum_stillbirth,
    neonatal_death,
    reporter,
    submit,
)
from tests.notifications.journey.pages import errors_on

pytestmark = pytest.mark.django_db

AUTHORISER = "hom.r0a@perinatal.example"
NEW_MOTHER_NHS = "9990000026"


def received(notification: Notification) -> dict[str, list[dict]]:
    """Every message each body's endpoint stored for the notification, in order."""
    found: dict[str, list[dict]] = {}
    for row in ReceivedNotification.objects.order_by("id"):
        if row.payload.get("reference") == notification.reference:
            found.setdefault(row.body, []).append(row.payload)
    return found


def kinds(notification: Notification) -> dict[str, list[tuple[str, int]]]:
    return {body: [(p["kind"], p["version"]) for p in payloads] for body, payloads in received(notification).items()}


def tags(html: str) -> list[str]:
    return [" ".join(t.split()) for t in re.findall(r'class="nhsuk-tag[^"]*"[^>]*>(.*?)</strong>', html, re.S)]


def detail_url(notification) -> str:
    return reverse("notifications:detail", args=[notification.reference])


def amend_url(notification, slug=None) -> str:
    if slug is None:
        return reverse("notifications:amend", args=[notification.reference])
    return reverse("notifications:amend_question", args=[notification.reference, slug])


def preview_url(notification) -> str:
    return reverse("notifications:amend_preview", args=[notification.reference])


def answer(client, notification, slug, data) -> str:
    response = client.post(amend_url(notification, slug), data)
    assert response.status_code == 302, errors_on(response)
    return response["Location"]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def stillbirth(transport):
    """A term intrapartum stillbirth, delivered to MBRRACE-UK and MNSI."""
    notification = submit(intrapartum_stillbirth())
    deliver_due()
    assert kinds(notification) == {"MBRRACE_UK": [("notify", 1)], "MNSI": [("notify", 1)]}
    return notification


def test_the_mothers_nhs_number_and_the_place_of_birth_reach_each_body_once_as_an_amendment(
    client, stillbirth, transport
):
    notification = stillbirth
    sign_in(client, reporter())
    amend = page(client, amend_url(notification))
    assert "Amend this notification" in amend and "Change<span" in amend
    # The journey's own page, with the journey's date inputs, holding the current answers.
    mother = page(client, amend_url(notification, "mother"))
    assert 'name="date_of_birth_day" type="text" value="2"' in mother.replace("\n", " ") or (
        'name="date_of_birth_day"' in mother and 'value="1991"' in mother
    )
    assert "9434765919" in mother and "Amend notification " + notification.reference in mother
    refused = client.post(amend_url(notification, "mother"), {"nhs_number": "943 476 5918"})
    assert "<title>Error:" in refused.content.decode() and "is not valid" in " ".join(errors_on(refused))
    back = answer(
        client,
        notification,
        "mother",
        {
            "nhs_number": "999 000 0026",
            "date_of_birth_day": "2",
            "date_of_birth_month": "4",
            "date_of_birth_year": "1991",
            "postcode": "M13 9WL",
        },
    )
    assert back == amend_url(notification)
    answer(client, notification, "place-of-birth", {"place": "R0A02"})
    amend = page(client, amend_url(notification))
    assert tags(amend).count("Changed") == 2
    # Where this will now go and why: the same bodies, each receiving the amendment.
    preview = page(client, preview_url(notification))
    assert "Where this will now go and why" in preview
    assert "MBRRACE-UK and MNSI receive the amendment." in preview
    assert "Mother&#39;s NHS number" in preview and "943 476 5919" in preview and "999 000 0026" in preview
    assert "Place of birth" in preview and "R0A02" in preview
    assert tags(preview) == ["Amendment", "Amendment", "Not sent"] and "Withdrawal" not in preview
    # A reason is required; nothing is sent without one.
    refused = client.post(preview_url(notification), {"reason": "", "version": "1"})
    assert "Enter why you are amending this notification" in refused.content.decode()
    assert 'href="#id_reason"' in refused.content.decode()
    assert notification.versions.count() == 1
    reason = "NHS number mistyped; born in the birth centre"
    sent = client.post(preview_url(notification), {"reason": reason, "version": 1})
    assert sent.status_code == 302 and sent["Location"] == detail_url(notification)
    assert not AmendmentDraft.objects.exists()
    deliver_due()
    deliver_due()  # nothing more to send: each body has it once
    assert kinds(notification) == {
        "MBRRACE_UK": [("notify", 1), ("amend", 2)],
        "MNSI": [("notify", 1), ("amend", 2)],
    }
    for body, payloads in received(notification).items():
        amendment = payloads[-1]
        assert amendment["amendment_reason"] == reason
        assert amendment["notification"]["mother"]["nhs_number"] == NEW_MOTHER_NHS, body
        assert amendment["notification"]["place_of_birth"]["site"] == "R0A02", body
    version = notification.versions.get(number=2)
    assert version.document["mother"]["nhs_number"] == NEW_MOTHER_NHS
    # Everything else is as it was.
    first = notification.versions.get(number=1).document
    assert {**first, "mother": version.document["mother"], "place_of_birth": version.document["place_of_birth"]} == (
        version.document
    )
    assert not AuditEvent.objects.filter(summary__contains=NEW_MOTHER_NHS).exists()


def test_a_gestation_change_shows_the_withdrawal_from_mnsi_with_its_reason_before_it_is_sent(
    client, stillbirth, transport
):
    notification = stillbirth
    sign_in(client, reporter())
    answer(client, notification, "gestation", {"weeks": "36", "days": "5", "certainty": "sure"})
    preview = page(client, preview_url(notification))
    assert "MBRRACE-UK receives the amendment; MNSI is told it is withdrawn." in preview
    mnsi = preview.split("MNSI", 1)[1]
    assert "Withdrawal" in mnsi and "MNSI-B0" in mnsi and "37+0" in mnsi
    client.post(preview_url(notification), {"reason": "Gestation corrected from the dating scan", "version": 1})
    deliver_due()
    assert kinds(notification) == {
        "MBRRACE_UK": [("notify", 1), ("amend", 2)],
        "MNSI": [("notify", 1), ("withdraw", 2)],
    }
    [_, withdrawal] = received(notification)["MNSI"]
    assert "MNSI-B0" in withdrawal["rules"] and "notification" not in withdrawal


def test_a_body_newly_in_scope_receives_it_for_the_first_time(client, transport):
    notification = submit(neonatal_death())  # 30+0: MBRRACE-UK only
    deliver_due()
    sign_in(client, reporter())
    # At term after labour, the journey now asks about signs of brain injury too.
    nxt = answer(client, notification, "gestation", {"weeks": "38", "days": "2", "certainty": "sure"})
    assert nxt == amend_url(notification, "brain-injury")
    amend = page(client, amend_url(notification))
    assert "Not answered yet" in amend and preview_url(notification) not in amend
    assert client.get(preview_url(notification))["Location"] == amend_url(notification)
    answer(client, notification, "brain-injury", {"signs": "none"})
    preview = page(client, preview_url(notification))
    assert "MBRRACE-UK receives the amendment; MNSI receives it for the first time." in preview
    client.post(preview_url(notification), {"reason": "Gestation was mistyped", "version": 1})
    deliver_due()
    assert kinds(notification) == {"MBRRACE_UK": [("notify", 1), ("amend", 2)], "MNSI": [("notify", 2)]}


def test_every_answer_can_be_changed_through_its_journey_page(client, stillbirth):
    """docs/rules/routing.md §8: no answer is out of reach; the type of event is never offered."""
    notification = stillbirth
    sign_in(client, reporter())
    amend = page(client, amend_url(notification))
    for slug in (
        "what-happened",
        "signs-of-life",
        "born-at",
        "place-of-birth",
        "gestation",
        "birth-weight",
        "multiple-birth",
        "termination",
        "congenital-anomaly",
        "labour",
        "alive-at-onset",
        "mother",
        "baby-nhs-number",
        "linked-notification",
    ):
        assert f'href="{amend_url(notification, slug)}"' in amend, slug
        assert client.get(amend_url(notification, slug)).status_code == 200, slug
    what = page(client, amend_url(notification, "what-happened"))
    assert "A mother died" not in what and "A stillbirth or late fetal loss" in what
    # The baby showed signs of life after all: the journey asks the pages a neonatal death needs.
    nxt = answer(client, notification, "signs-of-life", {"born_alive": "yes"})
    assert nxt == amend_url(notification, "died-at")
    died = {"died_on_day": "1", "died_on_month": "10", "died_on_year": "2025", "died_time": "03:50"}
    answer(client, notification, "died-at", died)
    nxt = answer(client, notification, "multiple-birth", {"answer": "yes"})
    assert nxt == amend_url(notification, "place-of-death") or nxt == amend_url(notification)
    linked = client.post(amend_url(notification, "linked-notification"), {"reference": "PEN-2026-999999"})
    assert "There is no notification with reference PEN-2026-999999" in " ".join(errors_on(linked))


def test_a_maternal_death_cannot_become_a_baby_event(client, transport):
    from tests.notifications.factories import maternal_event

    notification = submit(maternal_event())
    sign_in(client, reporter())
    amend = page(client, amend_url(notification))
    assert f'href="{amend_url(notification, "what-happened")}"' not in amend
    assert client.get(amend_url(notification, "what-happened"))["Location"] == amend_url(notification)


def test_the_second_person_to_send_is_told_and_loses_nothing(client, stillbirth, transport):
    notification = stillbirth
    sign_in(client, reporter())
    answer(client, notification, "birth-weight", {"weight": "3050"})
    answer(client, notification, "place-of-birth", {"place": "R0A02"})
    assert client.get(preview_url(notification)).status_code == 200  # the midwife has the page open
    # Meanwhile the Head of Midwifery sends an amendment of her own.
    from django.test import Client

    other = Client()
    sign_in(other, reporter(AUTHORISER))
    other.get(amend_url(notification))
    answer(other, notification, "birth-weight", {"weight": "3200"})
    answer(other, notification, "termination", {"answer": "no"})
    answer(other, notification, "congenital-anomaly", {"answer": "yes"})
    assert other.post(preview_url(notification), {"reason": "Weighed again", "version": 1}).status_code == 302
    # The midwife sends hers from version 1: refused, nothing stored, and told who and when.
    late = client.post(preview_url(notification), {"reason": "Born in the birth centre", "version": 1})
    assert late.status_code == 302 and late["Location"] == amend_url(notification)
    assert notification.versions.count() == 2
    amend = client.get(late["Location"]).content.decode()
    assert "Version 2 of this notification was sent by Amina Okafor" in amend
    assert "Someone else amended this notification" in amend and "Birth weight" in amend
    assert "Check: also changed by Amina Okafor" in amend
    # Her changes are kept over version 2; the other person's change is kept too.
    client.post(preview_url(notification), {"reason": "Born in the birth centre", "version": 2})
    notification.refresh_from_db()
    document = notification.current_version.document
    assert notification.current_version.number == 3
    assert document["place_of_birth"]["site"] == "R0A02" and document["baby"]["birth_weight_g"] == 3050
    assert document["baby"]["congenital_anomaly_caused_outcome"] is True


def test_a_withdrawal_reaches_every_body_that_had_it_and_shows_everywhere(client, stillbirth, transport):
    notification = stillbirth
    sign_in(client, reporter())
    url = reverse("notifications:withdraw", args=[notification.reference])
    form = page(client, url)
    assert "MBRRACE-UK" in form and "MNSI" in form and "NHS Resolution" not in form
    refused = client.post(url, {"reason": " ", "version": 1}).content.decode()
    assert "<title>Error:" in refused and "Enter why you are withdrawing this notification" in refused
    assert client.post(url, {"reason": "Entered for the wrong mother", "version": 1}).status_code == 302
    deliver_due()
    deliver_due()
    assert kinds(notification) == {
        "MBRRACE_UK": [("notify", 1), ("withdraw", 1)],
        "MNSI": [("notify", 1), ("withdraw", 1)],
    }
    for payloads in received(notification).values():
        withdrawal = payloads[-1]
        assert withdrawal["made_in_error"] is True and withdrawal["reason"] == "Entered for the wrong mother"
        assert "notification" not in withdrawal  # no personal data
    notification.refresh_from_db()
    assert notification.state == "withdrawn" and notification.state_changed_by == reporter()
    detail = page(client, reverse("notifications:detail", args=[notification.reference]))
    assert "Withdrawn: made in error" in detail and "Entered for the wrong mother" in detail
    assert "Amend this notification" not in detail and "Due" not in detail.split("Questions from")[0]
    assert client.get(amend_url(notification))["Location"] == detail_url(notification)
    assert client.post(url, {"reason": "Again", "version": 1}).status_code == 302
    assert len(received(notification)["MNSI"]) == 2
    # Each body's inbox shows it withdrawn, with the trust's reason.
    sign_in(client, reporter("reviewer.mnsi@perinatal.example"))
    inbox = page(client, reverse("notifications:inbox"))
    link = reverse("notifications:inbox_detail", args=["MNSI", notification.reference])
    assert "Withdrawn" in inbox.split(link, 1)[1].split("</tr>")[0]
    case = page(client, reverse("notifications:inbox_detail", args=["MNSI", notification.reference]))
    assert "Withdrawn: made in error" in case and "Entered for the wrong mother" in case
    assert AuditEvent.objects.filter(summary__contains="withdrawn as made in error").exists()


def test_a_withdrawal_made_from_an_old_version_is_refused():
    from perinatal.notifications.services.amendment import amend_notification
    from perinatal.notifications.services.refusals import VersionConflict

    notification = submit(brain_injury_event())
    document = copy.deepcopy(notification.current_version.document)
    document["brain_injury"]["mri"] = "normal"
    amend_notification(notification=notification, document=document, reason="MRI reported", user=reporter())
    with pytest.raises(VersionConflict):
        withdraw_notification(notification=notification, reason="Wrong baby", user=reporter(), expected_version=1)
    notification.refresh_from_db()
    assert notification.state == "submitted"


@pytest.mark.parametrize("role", ["trust_viewer", "other_trust"])
def test_only_the_trusts_reporters_amend_or_withdraw(client, stillbirth, role):
    from perinatal.accounts.roles import Role

    user = make_user(Role.TRUST_VIEWER, "R0A") if role == "trust_viewer" else make_user(Role.REPORTER, "RYR")
    sign_in(client, user)
    expected = 403 if role == "trust_viewer" else 404
    for url in (
        amend_url(stillbirth),
        amend_url(stillbirth, "mother"),
        preview_url(stillbirth),
        reverse("notifications:withdraw", args=[stillbirth.reference]),
    ):
        assert client.get(url).status_code == expected, url
    withdraw = reverse("notifications:withdraw", args=[stillbirth.reference])
    assert client.post(withdraw, {"reason": "x", "version": 1}).status_code == expected
    stillbirth.refresh_from_db()
    assert stillbirth.state == "submitted"
