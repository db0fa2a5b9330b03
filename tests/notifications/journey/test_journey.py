"""The reporter's journey through the real views: drafts saved on every page, the check
page with Change links, where it goes and why, duplicates, links, the gate and the audit."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from perinatal.accounts.models import User
from perinatal.accounts.roles import Role
from perinatal.core.models import AuditEvent
from perinatal.notifications.journey import steps
from perinatal.notifications.models import Delivery, Draft, Notification
from tests.helpers import make_user, sign_in
from tests.notifications.factories import another_family, intrapartum_stillbirth, submit, test_nhs_number
from tests.notifications.journey.pages import (
    COOLED_BABY,
    MATERNAL_DEATH,
    TERM_INTRAPARTUM_STILLBIRTH,
    TRANSFERRED_NEONATAL_DEATH,
    errors_on,
    page_url,
    start,
    walk,
)

pytestmark = pytest.mark.django_db

REPORTER = "midwife.r0a@perinatal.example"


@pytest.fixture
def reporter(client):
    sign_in(client, User.objects.get(email=REPORTER))
    return client


def text(response) -> str:
    return response.content.decode()


def test_a_term_intrapartum_stillbirth_goes_to_mbrrace_uk_and_mnsi_with_reasons(reporter):
    draft = start(reporter)
    check_url = walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH)
    assert check_url == reverse("journey:check", args=[draft.pk])
    check = text(reporter.get(check_url))
    assert "Check your answers" in check and "38+2 weeks (sure)" in check and "943 476 5919" in check
    where = reporter.get(reverse("journey:destinations", args=[draft.pk]))
    page = text(where)
    assert "This notification will go to MBRRACE-UK and MNSI." in page
    assert "a stillbirth" in page and "an intrapartum stillbirth" in page  # the engine's reasons
    assert "Due by" in page and "As soon as possible" in page
    assert "Not sent to" in page and "NHS Resolution" in page
    assert "Submit notification" in page
    submitted = reporter.post(reverse("journey:destinations", args=[draft.pk]))
    assert submitted["Location"] == reverse("journey:submitted", args=[draft.pk])
    notification = Notification.objects.get()
    assert notification.current_version.destination_bodies == ["MBRRACE_UK", "MNSI"]
    assert set(Delivery.objects.values_list("body", flat=True)) == {"MBRRACE_UK", "MNSI"}
    assert notification.current_version.document["baby"]["born_at"].startswith("2026-10-01T03:20")
    confirmation = text(reporter.get(submitted["Location"]))
    assert notification.reference in confirmation and "MBRRACE-UK" in confirmation
    assert reverse("notifications:detail", args=[notification.reference]) in confirmation
    # The draft is spent: its pages go nowhere now, and it leaves the drafts list.
    assert reporter.get(page_url(draft, "gestation")).status_code == 404
    assert "Stillbirth" not in text(reporter.get(reverse("journey:start"))).split("Your drafts")[1]


def test_every_page_post_saves_the_draft_so_a_new_session_finds_the_answers(reporter):
    draft = start(reporter)
    walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH[:5])
    fresh = Client()  # as after a timeout: signed in again, nothing in the session
    sign_in(fresh, User.objects.get(email=REPORTER))
    drafts = text(fresh.get(reverse("journey:start")))
    assert "A stillbirth or late fetal loss" in drafts and reverse("journey:resume", args=[draft.pk]) in drafts
    resumed = fresh.get(reverse("journey:resume", args=[draft.pk]))
    assert resumed["Location"] == page_url(draft, "birth-weight")
    gestation = text(fresh.get(page_url(draft, "gestation")))
    assert 'value="38"' in gestation and 'value="2"' in gestation and 'value="sure" checked' in gestation
    born = text(fresh.get(page_url(draft, "born-at")))
    assert 'value="03:20"' in born and 'value="2026"' in born
    place = text(fresh.get(page_url(draft, "place-of-birth")))
    assert 'value="R0A01" checked' in place


def test_after_a_timeout_signing_in_again_returns_to_the_page(reporter):
    draft = start(reporter)
    reporter.logout()
    response = reporter.get(page_url(draft, "what-happened"))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=") and str(draft.pk) in response["Location"]


def test_the_menu_marks_notify_an_event_on_every_journey_page(reporter):
    draft = start(reporter)
    for url in (reverse("journey:start"), page_url(draft, "what-happened")):
        page = text(reporter.get(url))
        current = re.findall(r'aria-current="page"[^>]*>\s*<strong[^>]*>([^<]*)</strong>', page)
        assert current == ["Notify an event"], (url, current)


def test_each_page_saves_its_answer_on_the_server_before_moving_on(reporter):
    draft = start(reporter)
    pages = TERM_INTRAPARTUM_STILLBIRTH
    for index, (slug, data) in enumerate(pages):
        before = Draft.objects.get(pk=draft.pk).updated_at
        walk(reporter, draft, [(slug, data)])
        saved = Draft.objects.get(pk=draft.pk)
        assert slug in steps.answered_steps(saved.answers) and saved.updated_at >= before
        assert saved.step == (pages[index + 1][0] if index + 1 < len(pages) else "check-answers")


def test_a_page_with_errors_saves_nothing_and_names_the_field(reporter):
    draft = start(reporter)
    walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH[:4])
    before = Draft.objects.get(pk=draft.pk).answers
    response = reporter.post(page_url(draft, "gestation"), {"weeks": "50", "days": "2", "certainty": "sure"})
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error:" in page and "The weeks of gestation must be between 12 and 45" in page
    assert 'href="#id_weeks"' in page
    assert Draft.objects.get(pk=draft.pk).answers == before


def test_change_links_return_to_check_answers_without_asking_again(reporter):
    draft = start(reporter)
    check_url = walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH)
    assert f"{page_url(draft, 'gestation')}?change=1" in text(reporter.get(check_url))
    changed = reporter.post(
        page_url(draft, "gestation"), {"weeks": "39", "days": "0", "certainty": "sure", "change": "1"}
    )
    assert changed["Location"] == check_url
    # Answering "not in labour" then "in labour" again asks only the page that became needed.
    reporter.post(page_url(draft, "labour"), {"status": "no_labour", "change": "1"})
    assert "Alive when labour started" not in text(reporter.get(check_url))
    again = reporter.post(page_url(draft, "labour"), {"status": "labour", "change": "1"})
    assert again["Location"] == check_url  # the earlier answer to "alive at onset" is kept
    assert "Alive when labour started" in text(reporter.get(check_url))


def test_a_change_that_needs_a_new_page_asks_it_then_returns(reporter):
    draft = start(reporter)
    check_url = walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH)
    response = reporter.post(page_url(draft, "multiple-birth"), {"answer": "yes", "change": "1"})
    assert response["Location"] == page_url(draft, "death-confirmed") + "?change=1"
    back = reporter.post(page_url(draft, "death-confirmed"), {"weeks": "38", "days": "0", "change": "1"})
    assert back["Location"] == check_url


def test_signs_of_life_after_a_stillbirth_turn_it_into_a_neonatal_death(reporter):
    draft = start(reporter)
    walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH[:1])
    response = reporter.post(page_url(draft, "signs-of-life"), {"born_alive": "yes"})
    assert response["Location"] == page_url(draft, "born-at")
    after_birth = reporter.post(page_url(draft, "born-at"), TERM_INTRAPARTUM_STILLBIRTH[2][1])
    assert after_birth["Location"] == page_url(draft, "died-at")


def test_a_baby_born_at_another_trust_who_died_here_is_reported_by_this_trust(reporter):
    draft = start(reporter)
    check_url = walk(reporter, draft, TRANSFERRED_NEONATAL_DEATH)
    check = text(reporter.get(check_url))
    assert "RRK01" in check and "R0A02" in check and "There is a problem" not in check
    page = text(reporter.get(reverse("journey:destinations", args=[draft.pk])))
    assert "MBRRACE-UK" in page and "child death overview panel (CDOP)" in page
    reporter.post(reverse("journey:destinations", args=[draft.pk]))
    document = Notification.objects.get().current_version.document
    assert document["place_of_birth"] == {"type": "hospital", "site": "RRK01"}
    assert document["trust"] == "R0A"


def test_a_cooled_baby_goes_to_mnsi_and_nhs_resolution_with_the_mri_awaited(reporter):
    draft = start(reporter)
    walk(reporter, draft, COOLED_BABY)
    page = text(reporter.get(reverse("journey:destinations", args=[draft.pk])))
    assert "This notification will go to MNSI and NHS Resolution." in page
    assert "Potential severe brain injury" in page and "MRI awaited" in page
    assert "Update this notification when the MRI is reported" in page  # the engine's advice
    reporter.post(reverse("journey:destinations", args=[draft.pk]))
    document = Notification.objects.get().current_version.document
    assert document["baby"]["died_at"] is None and document["place_of_death"] is None
    assert document["brain_injury"]["therapeutic_hypothermia"] is True and document["brain_injury"]["seizures"] is False


def test_the_engine_errors_are_shown_on_the_page_that_asks_the_field(reporter):
    """Both places at another trust: the document is refused (docs/rules/routing.md §2 place rules) and the
    check page sends the reporter to the place-of-birth page with the engine's message."""
    draft = start(reporter)
    pages = [
        (slug, ({"place": "other_hospital", "site_code": "RRK02"} if slug == "place-of-death" else data))
        for slug, data in TRANSFERRED_NEONATAL_DEATH
    ]
    check_url = walk(reporter, draft, pages)
    check = reporter.get(check_url)
    page = text(check)
    assert "<title>Error:" in page and "There is a problem" in page
    assert "The reporting trust must be the trust where the baby was born or where the death happened" in page
    assert f'href="{page_url(draft, "place-of-birth")}?change=1"' in page
    assert "Now see where this will go" not in page
    # Nothing can be submitted from the next page either.
    assert reporter.get(reverse("journey:destinations", args=[draft.pk]))["Location"] == check_url
    assert reporter.post(reverse("journey:destinations", args=[draft.pk]))["Location"] == check_url
    assert not Notification.objects.exists()


def test_an_unknown_site_code_is_refused_on_the_page(reporter):
    draft = start(reporter)
    walk(reporter, draft, TRANSFERRED_NEONATAL_DEATH[:3])
    response = reporter.post(page_url(draft, "place-of-birth"), {"place": "other_hospital", "site_code": "ZZZ99"})
    assert errors_on(response) == ["There is no hospital site with ODS code ZZZ99. Check the code, like R0A01"]


def test_the_check_page_is_not_shown_until_every_needed_page_is_answered(reporter):
    draft = start(reporter)
    walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH[:3])
    assert reporter.get(reverse("journey:check", args=[draft.pk]))["Location"] == page_url(draft, "place-of-birth")
    assert reporter.get(reverse("journey:destinations", args=[draft.pk]))["Location"] == reverse(
        "journey:check", args=[draft.pk]
    )


def test_a_page_the_event_does_not_need_sends_the_reporter_on(reporter):
    draft = start(reporter)
    walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH[:2])
    assert reporter.get(page_url(draft, "mri"))["Location"] == page_url(draft, "born-at")
    assert reporter.get(page_url(draft, "no-such-page")).status_code == 404


def _submit(client, pages) -> Notification:
    draft = start(client)
    walk(client, draft, pages)
    client.post(reverse("journey:destinations", args=[draft.pk]))
    return Notification.objects.order_by("-id").first()


def test_a_possible_duplicate_is_shown_before_submitting_and_never_blocks(reporter):
    first = _submit(reporter, TERM_INTRAPARTUM_STILLBIRTH)
    draft = start(reporter)
    walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH)
    where = reverse("journey:destinations", args=[draft.pk])
    duplicates_url = reverse("journey:duplicates", args=[draft.pk])
    assert reporter.get(where)["Location"] == duplicates_url
    assert reporter.post(where)["Location"] == duplicates_url  # not submitted behind the reporter's back
    page = text(reporter.get(duplicates_url))
    assert first.reference in page and "1 October 2026" in page and "Sent to MBRRACE-UK and MNSI" in page
    assert reverse("notifications:amend", args=[first.reference]) in page
    assert "943 476 5919" not in page  # no more identifiable data than needed
    assert reporter.post(duplicates_url)["Location"] == where  # "This is a different baby"
    assert "Submit notification" in text(reporter.get(where))
    reporter.post(where)
    assert Notification.objects.count() == 2


def test_a_maternal_death_links_to_her_babys_notification(reporter):
    baby = _submit(reporter, TERM_INTRAPARTUM_STILLBIRTH)
    pages = [
        (slug, {"reference": baby.reference.lower()} if slug == "linked-notification" else data)
        for slug, data in MATERNAL_DEATH
    ]
    mother = _submit(reporter, pages)
    assert mother.event == "maternal" and mother.linked_notification == baby
    assert mother.current_version.destination_bodies == ["MBRRACE_UK", "MNSI"]


def test_a_linked_reference_that_does_not_exist_is_refused(reporter):
    draft = start(reporter)
    walk(reporter, draft, MATERNAL_DEATH[:-1])
    response = reporter.post(page_url(draft, "linked-notification"), {"reference": "PEN-2026-999999"})
    assert errors_on(response) == [
        "There is no notification with reference PEN-2026-999999 for your trust or this mother. "
        "Check the reference, or leave it blank"
    ]


def _another_trusts_notification(*, mother_nhs_number: str) -> Notification:
    document = intrapartum_stillbirth(trust="RYR", place_of_birth={"type": "hospital", "site": "RYR01"})
    document = another_family(document, 7)
    document["mother"]["nhs_number"] = mother_nhs_number
    return submit(document, code="RYR", user=make_user(Role.REPORTER, "RYR"))


def test_another_trusts_reference_is_refused_as_if_it_did_not_exist_unless_it_is_the_same_mother(reporter):
    # Issue 13: naming another trust's reference told the reporter that it existed.
    elsewhere = _another_trusts_notification(mother_nhs_number=test_nhs_number(50))
    own = submit(another_family(intrapartum_stillbirth(), 8))  # R0A's, another mother
    draft = start(reporter)
    walk(reporter, draft, MATERNAL_DEATH[:-1])  # the mother: 943 476 5919
    url = page_url(draft, "linked-notification")
    refused = {}
    for reference in (elsewhere.reference, "PEN-2026-999999"):
        response = reporter.post(url, {"reference": reference})
        assert response.status_code == 200
        refused[reference] = [error.replace(reference, "REFERENCE") for error in errors_on(response)]
    assert (
        refused[elsewhere.reference]
        == refused["PEN-2026-999999"]
        == [
            "There is no notification with reference REFERENCE for your trust or this mother. "
            "Check the reference, or leave it blank"
        ]
    )
    assert reporter.post(url, {"reference": own.reference.lower()}).status_code == 302
    assert Draft.objects.get(pk=draft.pk).answers["linked_notification"] == own.reference
    # Another trust's notification about this mother may be named (her baby's, born elsewhere).
    hers = _another_trusts_notification(mother_nhs_number="9434765919")
    assert reporter.post(url, {"reference": hers.reference}).status_code == 302
    assert Draft.objects.get(pk=draft.pk).answers["linked_notification"] == hers.reference


def test_viewing_an_identifiable_draft_is_audited_without_identifiers(reporter):
    draft = start(reporter)
    walk(reporter, draft, TERM_INTRAPARTUM_STILLBIRTH)
    AuditEvent.objects.filter(action="view").delete()
    reporter.get(reverse("journey:check", args=[draft.pk]))
    reporter.get(page_url(draft, "mother"))
    views = AuditEvent.objects.filter(action="view", object_id=str(draft.pk))
    assert views.count() == 2 and all(event.organisation.code == "R0A" for event in views)
    for summary in AuditEvent.objects.values_list("summary", flat=True):
        assert "9434765919" not in summary and "943 476 5919" not in summary and "M13" not in summary


def test_a_draft_with_no_identifiers_is_not_an_identifiable_view(reporter):
    draft = start(reporter)
    reporter.get(page_url(draft, "what-happened"))
    assert not AuditEvent.objects.filter(action="view", object_id=str(draft.pk)).exists()


def test_a_draft_can_be_deleted_by_its_author(reporter):
    draft = start(reporter)
    assert "Are you sure" in text(reporter.get(reverse("journey:delete", args=[draft.pk])))
    assert reporter.post(reverse("journey:delete", args=[draft.pk]))["Location"] == reverse("journey:start")
    assert not Draft.objects.filter(pk=draft.pk).exists()


def test_a_trust_not_yet_live_sees_its_phase_and_the_existing_portals(client):
    sign_in(client, User.objects.get(email="midwife.rrk@perinatal.example"))
    page = text(client.get(reverse("journey:start")))
    assert "cannot submit notifications yet" in page and "Phase 6 (demo)" in page
    assert "at 8:00am" in page or "at 8am" in page
    for portal in ("MBRRACE-UK", "MNSI", "NHS Resolution"):
        assert portal in page
    assert "Start a notification" not in page
    refused = client.post(reverse("journey:start"), {"trust": "RRK"})
    assert refused.status_code == 403 and "Phase 6 (demo)" in text(refused)
    assert not Draft.objects.filter(trust__code="RRK").exists()


def test_a_draft_of_a_trust_whose_go_live_moved_later_is_kept_behind_the_gate(client, settings):
    sign_in(client, User.objects.get(email="midwife.rrk@perinatal.example"))
    from perinatal.notifications.services.drafts import save_draft
    from perinatal.organisations.models import Organisation

    draft = save_draft(
        trust=Organisation.objects.get(code="RRK"),
        user=User.objects.get(email="midwife.rrk@perinatal.example"),
        answers={},
        step="what-happened",
    )
    page = client.get(page_url(draft, "what-happened"))
    assert page.status_code == 200 and "cannot submit notifications yet" in text(page)
    refused = client.post(page_url(draft, "what-happened"), {"what_happened": "stillbirth"})
    assert refused.status_code == 403
    draft.refresh_from_db()
    assert draft.answers == {}
