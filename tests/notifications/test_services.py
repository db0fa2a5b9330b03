"""Submission (the outbox in one transaction), amendments and withdrawals, duplicates and
twins, linked mother and baby, each body's acknowledgement and questions, drafts, tokens."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from perinatal.core import clock
from perinatal.core.models import AppendOnlyError, AuditEvent
from perinatal.notifications.delivery import deliver_notification
from perinatal.notifications.models import (
    BodyCase,
    Delivery,
    DeliveryStatusRecord,
    Draft,
    InformationRequest,
    Notification,
    NotificationVersion,
)
from perinatal.notifications.routing import DocumentInvalid
from perinatal.notifications.services.acknowledgement import acknowledge_delivery
from perinatal.notifications.services.amendment import amend_notification
from perinatal.notifications.services.api_tokens import authenticate_api_token, issue_api_token, revoke_api_token
from perinatal.notifications.services.drafts import save_draft
from perinatal.notifications.services.duplicates import find_possible_duplicates
from perinatal.notifications.services.information_requests import answer_information_request, request_information
from perinatal.notifications.services.outbox import retry_delivery
from perinatal.notifications.services.refusals import InvalidInput
from perinatal.notifications.services.submission import NotYetLive
from tests.notifications.factories import (
    another_family,
    baby_event,
    brain_injury_event,
    intrapartum_stillbirth,
    maternal_event,
    neonatal_death,
    reporter,
    signs,
    submit,
    trust,
)

pytestmark = pytest.mark.django_db


def bodies(notification, **filters) -> dict[str, str]:
    return dict(
        Delivery.objects.filter(notification=notification, **filters).order_by("id").values_list("body", "kind")
    )


# Submission -----------------------------------------------------------------------------------


def test_reference_year_is_the_service_clocks_year_in_london(settings):
    # London keeps GMT in winter: 23:30 UTC on 31 December is still that year there.
    settings.PERINATAL_NOW = "2026-12-31T23:30:00+00:00"
    assert submit(intrapartum_stillbirth()).reference.startswith("PEN-2026-")
    settings.PERINATAL_NOW = "2027-01-01T00:30:00+00:00"
    assert submit(intrapartum_stillbirth()).reference.startswith("PEN-2027-")


def test_submission_stores_version_deliveries_cases_and_status_records_together(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = submit(intrapartum_stillbirth())
    # The year comes from the service clock, so the expectation does too (never a literal year).
    assert notification.reference.startswith(f"PEN-{clock.today().year}-")
    assert len(notification.reference) == len("PEN-2026-000123")
    version = notification.current_version
    assert version.number == 1 and version.document["baby"]["born_alive"] is False
    assert [d["body"] for d in version.routing["destinations"]] == ["MBRRACE_UK", "MNSI"]
    assert bodies(notification) == {"MBRRACE_UK": "notify", "MNSI": "notify"}
    for delivery in notification.deliveries.all():
        assert delivery.idempotency_key == f"{notification.reference}-v1-{delivery.body}"
        assert delivery.status == "queued" and delivery.status_records.count() == 1
        assert delivery.payload["reference"] == notification.reference and delivery.payload["kind"] == "notify"
    cases = {c.body: c for c in BodyCase.objects.filter(notification=notification)}
    assert cases["MBRRACE_UK"].category == "stillbirth" and cases["MBRRACE_UK"].due_on is not None
    assert cases["MNSI"].category == "intrapartum_stillbirth" and cases["MNSI"].due_on is None  # no deadline
    # The worker is asked by a task row written in the same transaction: it sees the request
    # exactly when the deliveries commit, and nothing waits for the commit to ask.
    assert callbacks == []
    assert DBTaskResult.objects.filter(
        task_path=deliver_notification.module_path, args_kwargs__args=[notification.pk]
    ).exists()
    audit = AuditEvent.objects.get(
        object_type="notifications.Notification", object_id=str(notification.pk), action="create"
    )
    assert notification.reference in audit.summary and "9434765919" not in audit.summary


def test_each_body_receives_only_its_own_fields():
    notification = submit(brain_injury_event())
    payloads = {d.body: d.payload for d in notification.deliveries.all()}
    assert set(payloads) == {"MNSI", "NHSR_EN"}
    nhsr = payloads["NHSR_EN"]["notification"]
    assert "postcode" not in str(nhsr) and "date_of_birth" not in str(nhsr)
    assert "birth_weight_g" not in nhsr["baby"] and nhsr["brain_injury"]["therapeutic_hypothermia"] is True
    assert payloads["NHSR_EN"]["mnsi_reference"] is None
    assert "postcode" not in payloads["MNSI"]["notification"]["mother"]


def test_a_failure_part_way_stores_nothing(monkeypatch):
    before = (Notification.objects.count(), NotificationVersion.objects.count(), Delivery.objects.count())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(DeliveryStatusRecord.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        submit(intrapartum_stillbirth())
    assert (Notification.objects.count(), NotificationVersion.objects.count(), Delivery.objects.count()) == before


def test_an_invalid_document_is_refused_untouched_and_nothing_is_stored():
    before = Notification.objects.count()
    document = baby_event(gestation=(50, 9))
    with pytest.raises(DocumentInvalid) as caught:
        submit(document)
    assert set(caught.value.fields) >= {"baby.gestation.weeks", "baby.gestation.days"}
    assert Notification.objects.count() == before


def test_a_trust_cannot_submit_for_another_trust():
    with pytest.raises(DocumentInvalid) as caught:
        submit(intrapartum_stillbirth(), code="RYR")
    assert caught.value.fields == ("trust",)


def test_a_trust_not_yet_live_is_told_its_phase():
    document = intrapartum_stillbirth(
        trust="RRK",
        place_of_birth={"type": "hospital", "site": "RRK01"},
        place_of_death={"type": "hospital", "site": "RRK01"},
    )
    with pytest.raises(NotYetLive) as caught:
        submit(document, code="RRK", user=reporter("midwife.rrk@perinatal.example"))
    assert "Phase 6" in str(caught.value) and "existing MBRRACE-UK, MNSI and NHS Resolution portals" in str(
        caught.value
    )
    assert not Notification.objects.filter(trust__code="RRK").exists()


def test_the_same_draft_or_key_never_makes_a_second_notification():
    draft = save_draft(trust=trust(), user=reporter(), answers={"event": "baby"}, step="event")
    first = submit(intrapartum_stillbirth(), draft=draft)
    again = submit(intrapartum_stillbirth(), draft=draft)
    assert first.pk == again.pk
    draft.refresh_from_db()
    assert draft.submitted_id == first.pk
    keyed = submit(neonatal_death(), idempotency_key="api:abc")
    assert submit(neonatal_death(), idempotency_key="api:abc").pk == keyed.pk
    assert Notification.objects.filter(idempotency_key="api:abc").count() == 1


def test_an_event_that_goes_nowhere_is_stored_without_deliveries():
    caesarean = baby_event(gestation=(39, 0), labour="no_labour", brain_injury=signs(therapeutic_hypothermia=True))
    notification = submit(caesarean)
    assert notification.current_version.routing["destinations"] == []
    assert not notification.deliveries.exists()


def test_versions_and_status_records_are_append_only():
    notification = submit(intrapartum_stillbirth())
    version = notification.current_version
    version.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        version.save()
    record = DeliveryStatusRecord.objects.filter(delivery__notification=notification).first()
    with pytest.raises(AppendOnlyError):
        record.save()


# Amendments -----------------------------------------------------------------------------------


def test_gestation_changed_to_36_5_withdraws_mnsi_and_amends_mbrrace():
    notification = submit(intrapartum_stillbirth())
    document = intrapartum_stillbirth(gestation=(36, 5))
    version = amend_notification(
        notification=notification, document=document, reason="Gestation corrected from the dating scan", user=reporter()
    )
    assert version.number == 2 and version.reason == "Gestation corrected from the dating scan"
    assert bodies(notification, version=version) == {"MBRRACE_UK": "amend", "MNSI": "withdraw"}
    withdrawal = notification.deliveries.get(version=version, body="MNSI")
    assert withdrawal.payload["kind"] == "withdraw" and "MNSI-B0" in withdrawal.payload["rules"]
    assert "notification" not in withdrawal.payload  # a withdrawal carries no personal data
    assert withdrawal.idempotency_key == f"{notification.reference}-v2-MNSI"
    mnsi = BodyCase.objects.get(notification=notification, body="MNSI")
    assert mnsi.routed is False and mnsi.withdrawn_at is not None
    notification.refresh_from_db()
    assert notification.current_version == version
    assert list(notification.versions.values_list("number", flat=True)) == [1, 2]


def test_a_body_newly_eligible_receives_its_first_notification():
    notification = submit(intrapartum_stillbirth(gestation=(36, 5)))
    assert bodies(notification) == {"MBRRACE_UK": "notify"}
    version = amend_notification(
        notification=notification, document=intrapartum_stillbirth(), reason="Gestation was 38+2", user=reporter()
    )
    assert bodies(notification, version=version) == {"MBRRACE_UK": "amend", "MNSI": "notify"}
    assert BodyCase.objects.get(notification=notification, body="MNSI").routed is True


def test_a_normal_mri_withdraws_nhs_resolution_and_a_later_amendment_can_route_it_again():
    notification = submit(brain_injury_event(brain_injury=signs(therapeutic_hypothermia=True, mri="pending")))
    assert bodies(notification) == {"MNSI": "notify", "NHSR_EN": "notify"}
    v2 = amend_notification(
        notification=notification,
        user=reporter(),
        reason="MRI reported normal",
        document=brain_injury_event(brain_injury=signs(therapeutic_hypothermia=True, mri="normal")),
    )
    assert bodies(notification, version=v2) == {"MNSI": "amend", "NHSR_EN": "withdraw"}
    v3 = amend_notification(
        notification=notification,
        user=reporter(),
        reason="MRI re-reported: HIE",
        document=brain_injury_event(brain_injury=signs(therapeutic_hypothermia=True, mri="hie")),
    )
    assert bodies(notification, version=v3) == {"MNSI": "amend", "NHSR_EN": "notify"}


@pytest.mark.parametrize(
    "reason, change, field",
    [
        ("", {}, "reason"),
        ("Nothing", {}, "document"),
        ("New trust", {"trust": "RYR"}, "trust"),
        ("Now maternal", "maternal", "event"),
    ],
)
def test_amendments_that_are_refused_name_the_field_and_store_nothing(reason, change, field):
    notification = submit(intrapartum_stillbirth())
    if change == "maternal":
        document = maternal_event()
    else:
        document = {**intrapartum_stillbirth(), **change}
        if change:
            document["place_of_birth"] = document["place_of_death"] = {"type": "hospital", "site": "RYR01"}
    with pytest.raises(DocumentInvalid) as caught:
        amend_notification(notification=notification, document=document, reason=reason, user=reporter())
    assert field in caught.value.fields
    assert notification.versions.count() == 1 and notification.deliveries.count() == 2


# Duplicates, twins and links ---------------------------------------------------------------------------


def test_the_same_baby_is_a_possible_duplicate():
    first = submit(neonatal_death())
    assert find_possible_duplicates(document=neonatal_death(), trust=trust()) == [first]
    # No baby NHS number: the mother's NHS number and a birth within 24 hours.
    no_number = neonatal_death()
    no_number["baby"]["nhs_number"] = None
    no_number["baby"]["born_at"] = "2025-10-01T20:00"
    assert find_possible_duplicates(document=no_number, trust=trust()) == [first]
    no_number["baby"]["born_at"] = "2025-10-02T03:21"  # 24 hours and a minute later
    assert find_possible_duplicates(document=no_number, trust=trust()) == []


def test_twins_are_not_duplicates():
    first = submit(neonatal_death(multiple_birth=True))
    twin = neonatal_death(
        multiple_birth=True, nhs_number="9990000026", born_at="2025-10-01T03:35", died_at="2025-10-04T05:00"
    )
    assert find_possible_duplicates(document=twin, trust=trust()) == []
    twin_without_number = neonatal_death(multiple_birth=True, nhs_number=None, born_at="2025-10-01T03:35")
    assert find_possible_duplicates(document=twin_without_number, trust=trust()) == []
    # Never a hard block: the twin is submitted as its own notification.
    second = submit(twin)
    assert second.pk != first.pk


def test_another_trusts_notifications_are_never_offered():
    submit(neonatal_death())
    assert find_possible_duplicates(document=neonatal_death(), trust=trust("RYR")) == []


def test_the_same_maternal_death_is_a_possible_duplicate_and_another_day_is_not():
    first = submit(maternal_event())
    assert find_possible_duplicates(document=maternal_event(died_at="2025-10-20T23:30"), trust=trust()) == [first]
    assert find_possible_duplicates(document=maternal_event(died_at="2025-10-21T00:30"), trust=trust()) == []


def test_a_draft_with_unreadable_fields_finds_nothing_and_does_not_fail():
    assert find_possible_duplicates(document={"event": "baby", "baby": {"nhs_number": "12"}}, trust=trust()) == []
    assert find_possible_duplicates(document="not a document", trust=trust()) == []


def test_a_mothers_and_her_babys_deaths_are_linked_and_each_routed_on_its_own():
    mother = submit(maternal_event(died_at="2025-10-01T09:00", pregnancy_ended_on="2025-10-01"))
    baby = neonatal_death()
    baby["linked_notification"] = mother.reference
    child = submit(baby)
    assert child.linked_notification == mother
    assert list(mother.linked_from.all()) == [child]
    assert [d["body"] for d in mother.current_version.routing["destinations"]] == ["MBRRACE_UK", "MNSI"]
    assert [d["body"] for d in child.current_version.routing["destinations"]] == ["MBRRACE_UK"]
    unknown = neonatal_death()
    unknown["linked_notification"] = "PEN-2026-999999"
    with pytest.raises(DocumentInvalid) as caught:
        submit(unknown)
    assert caught.value.fields == ("linked_notification",)


# Each body's case ----------------------------------------------------------------------------------------


def _mark_sent(notification):
    Delivery.objects.filter(notification=notification).update(status="sent")


def test_mnsi_acknowledges_and_its_reference_flows_to_the_trust_and_nhs_resolution(django_capture_on_commit_callbacks):
    notification = submit(brain_injury_event())
    _mark_sent(notification)
    reviewer = reporter("reviewer.mnsi@perinatal.example")
    with django_capture_on_commit_callbacks(execute=True):
        case = acknowledge_delivery(notification=notification, body="MNSI", reference="MNSI-2026-0042", user=reviewer)
    assert case.body_reference == "MNSI-2026-0042" and case.acknowledged_by == reviewer
    assert notification.deliveries.get(body="MNSI").status == "acknowledged"
    reference_update = notification.deliveries.get(body="NHSR_EN", kind="reference")
    assert reference_update.payload == {
        "kind": "reference",
        "reference": notification.reference,
        "version": 1,
        "body": "NHSR_EN",
        "mnsi_reference": "MNSI-2026-0042",
    }
    assert reference_update.idempotency_key == f"{notification.reference}-v1-NHSR_EN-mnsi-reference-1"
    from django.core import mail

    assert any(notification.reference in m.subject and "9434765919" not in m.body for m in mail.outbox)


def test_an_mnsi_reference_known_before_nhs_resolution_is_sent_goes_in_its_payload():
    notification = submit(brain_injury_event())
    Delivery.objects.filter(notification=notification, body="MNSI").update(status="sent")
    acknowledge_delivery(
        notification=notification, body="MNSI", reference="MNSI-7", user=reporter("reviewer.mnsi@perinatal.example")
    )
    nhsr = notification.deliveries.get(body="NHSR_EN")
    assert nhsr.payload["mnsi_reference"] == "MNSI-7"
    assert not notification.deliveries.filter(kind="reference").exists()
    # An amendment afterwards carries the reference too.
    amend_notification(
        notification=notification,
        reason="MRI reported",
        user=reporter(),
        document=brain_injury_event(brain_injury=signs(therapeutic_hypothermia=True, mri="pending")),
    )
    assert notification.deliveries.get(body="NHSR_EN", kind="amend").payload["mnsi_reference"] == "MNSI-7"


@pytest.mark.parametrize("body, reference, field", [("MNSI", "  ", "reference"), ("NHSR_EN", "X", "reference")])
def test_acknowledgements_that_are_refused(body, reference, field):
    notification = submit(intrapartum_stillbirth())
    with pytest.raises(InvalidInput) as caught:
        acknowledge_delivery(
            notification=notification, body=body, reference=reference, user=reporter("reviewer.mnsi@perinatal.example")
        )
    assert caught.value.field == field


def test_a_body_asks_and_the_trust_answers_once():
    notification = submit(intrapartum_stillbirth())
    question = request_information(
        notification=notification,
        body="MBRRACE_UK",
        question="Was a post-mortem offered?",
        user=reporter("reviewer.mbrrace@perinatal.example"),
    )
    answered = answer_information_request(information_request=question, answer="Yes, declined", user=reporter())
    assert answered.answer == "Yes, declined" and answered.answered_by == reporter()
    with pytest.raises(InvalidInput):
        answer_information_request(information_request=question, answer="Again", user=reporter())
    with pytest.raises(InvalidInput):
        request_information(
            notification=notification, body="NHSR_EN", question="Why?", user=reporter("reviewer.nhsr@perinatal.example")
        )
    assert InformationRequest.objects.filter(notification=notification).count() == 1


def test_a_failed_delivery_can_be_queued_again():
    notification = submit(intrapartum_stillbirth())
    delivery = notification.deliveries.get(body="MNSI")
    with pytest.raises(InvalidInput):
        retry_delivery(delivery=delivery, user=reporter("hom.r0a@perinatal.example"))
    Delivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=4)
    retry_delivery(delivery=delivery, user=reporter("hom.r0a@perinatal.example"))
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.attempts == 0


# Drafts and tokens ------------------------------------------------------------------------------------------


def test_drafts_are_saved_by_their_author_only_and_frozen_once_submitted():
    author = reporter()
    draft = save_draft(trust=trust(), user=author, answers={"event": "baby"}, step="event")
    draft = save_draft(draft=draft, trust=trust(), user=author, answers={"event": "maternal"}, step="death")
    assert Draft.objects.get(pk=draft.pk).answers == {"event": "maternal"}
    with pytest.raises(InvalidInput):
        save_draft(draft=draft, trust=trust(), user=reporter("hom.r0a@perinatal.example"), answers={}, step="x")
    submit(intrapartum_stillbirth(), draft=draft)
    with pytest.raises(InvalidInput):
        save_draft(draft=draft, trust=trust(), user=author, answers={}, step="x")


def test_api_tokens_are_stored_as_hashes_and_revoked():
    plaintext, token = issue_api_token(
        trust=trust(), name="Maternity system", user=reporter("system.admin@perinatal.example")
    )
    assert plaintext.startswith("pst_") and plaintext not in token.token_hash and len(token.token_hash) == 64
    assert token.prefix == plaintext[:12]
    assert authenticate_api_token(plaintext) == token
    assert authenticate_api_token(plaintext + "x") is None
    revoke_api_token(token=token, user=reporter("system.admin@perinatal.example"))
    assert authenticate_api_token(plaintext) is None


def test_submission_inside_a_rolled_back_transaction_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            submitted = submit(intrapartum_stillbirth())
            assert DBTaskResult.objects.filter(args_kwargs__args=[submitted.pk]).exists()
            raise RuntimeError("the caller failed")
    assert callbacks == []
    assert not DBTaskResult.objects.filter(args_kwargs__args=[submitted.pk]).exists()  # rolled back with it


def test_demo_notifications_are_added_once_and_routed():
    from perinatal.demo.notifications import load_demo_notifications

    assert load_demo_notifications() == 2
    assert load_demo_notifications() == 0
    demo = {n.idempotency_key: n for n in Notification.objects.filter(idempotency_key__startswith="demo:")}
    stillbirth, neonatal = demo["demo:intrapartum-stillbirth"], demo["demo:neonatal-death"]
    assert [d["body"] for d in stillbirth.current_version.routing["destinations"]] == ["MBRRACE_UK", "MNSI"]
    assert neonatal.current_version.routing["onward"][0]["body"] == "CDOP"
    assert all(n.mother_nhs_number.startswith("999") for n in demo.values())


def test_another_trusts_notification_is_linked_only_for_the_same_mother():
    """Issue 13: a trust cannot link to, or learn of, another trust's notification; a mother's
    and her baby's notifications from two trusts are still linked (her NHS number on both)."""
    elsewhere = submit(maternal_event(died_at="2025-10-01T09:00", pregnancy_ended_on="2025-10-01"))
    Notification.objects.filter(pk=elsewhere.pk).update(trust=trust("RYR"))
    stranger = another_family(neonatal_death(), 7)
    stranger["linked_notification"] = elsewhere.reference
    with pytest.raises(DocumentInvalid) as caught:
        submit(stranger)
    assert caught.value.fields == ("linked_notification",)
    assert "no notification with reference" in caught.value.errors[0].message  # as for one that does not exist
    her_baby = neonatal_death()
    her_baby["linked_notification"] = elsewhere.reference
    assert submit(her_baby).linked_notification == elsewhere
