"""The reporter's home page as a task list, notifications shown in words, the search and
filters of the trust's list and the bodies' inboxes, who sees identifiers, and the inbox's
CSV download (issue 12)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.core import clock
from perinatal.notifications.models import Delivery, Draft
from perinatal.notifications.services.acknowledgement import acknowledge_delivery
from perinatal.notifications.services.information_requests import request_information
from tests.helpers import make_user, sign_in
from tests.notifications.factories import (
    brain_injury_event,
    intrapartum_stillbirth,
    maternal_event,
    neonatal_death,
    reporter,
    submit,
    trust,
)

pytestmark = pytest.mark.django_db

REVIEWER = "reviewer.mbrrace@perinatal.example"
# Each event its own mother and baby (synthetic numbers in the range the NHS keeps for testing),
# so none is a possible duplicate of another.
MOTHERS = {"stillbirth": "9990000107", "nnd": "9990000115", "maternal": "9990000123", "injury": "9990000131"}
BABIES = {"stillbirth": "9990000158", "nnd": "9990000166", "injury": "9990000174"}


def person(document: dict, name: str) -> dict:
    document["mother"]["nhs_number"] = MOTHERS[name]
    if name in BABIES:
        document["baby"]["nhs_number"] = BABIES[name]
    return document


def delivered(notification):
    Delivery.objects.filter(notification=notification).update(status=Delivery.Status.SENT)
    return notification


def page(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def refs(html: str, *notifications) -> set[str]:
    """The notifications listed in the page's results (after the search form's count: the
    questions above the form name notifications too)."""
    results = html.split('<p role="status">', 1)[-1]
    return {n.reference for n in notifications if n.reference in results}


@pytest.fixture
def events():
    """A stillbirth (overdue at MBRRACE-UK, asked a question), a neonatal death and a maternal
    death submitted on different days, and a brain injury acknowledged by every body."""
    stillbirth = delivered(submit(person(intrapartum_stillbirth(), "stillbirth")))
    nnd = delivered(submit(person(neonatal_death(), "nnd")))
    maternal = delivered(submit(person(maternal_event(), "maternal")))
    injury = delivered(submit(person(brain_injury_event(), "injury")))
    for body in ("MNSI", "NHSR_EN"):
        acknowledge_delivery(notification=injury, body=body, reference=f"{body}-1", user=reporter(REVIEWER))
    question = request_information(
        notification=stillbirth, body="MBRRACE_UK", question="Was a post-mortem offered?", user=reporter(REVIEWER)
    )
    now = clock.now()
    for notification, days_ago in ((stillbirth, 1), (nnd, 10), (maternal, 40), (injury, 3)):
        type(notification).objects.filter(pk=notification.pk).update(created_at=now - timedelta(days=days_ago))
    return {"stillbirth": stillbirth, "nnd": nnd, "maternal": maternal, "injury": injury, "question": question}


# 1. The reporter's home page is their task list -----------------------------------------------------------


def test_a_reporters_home_page_is_their_task_list(client, events):
    midwife = make_user(Role.REPORTER, "R0A", "home.midwife@test.example")
    draft = Draft.objects.create(
        trust=trust("R0A"),
        created_by=midwife,
        answers={},
        step="what-happened",
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    sign_in(client, midwife)
    html = page(client, "/")
    assert f'action="{reverse("journey:start")}"' in html and "Start a notification" in html
    assert reverse("journey:resume", args=[draft.pk]) in html and reverse("journey:delete", args=[draft.pk]) in html
    question = events["question"]
    assert "Was a post-mortem offered?" in html
    assert reverse("notifications:answer", args=[events["stillbirth"].reference, question.pk]) in html
    assert refs(html, events["stillbirth"], events["nnd"]) == {events["stillbirth"].reference, events["nnd"].reference}
    assert "Intrapartum stillbirth" in html or "intrapartum stillbirth" in html
    # The onboarding schedule is out of the way, still a link.
    assert "Onboarding schedule</a>" in html
    assert html.index("Notify an event") < html.index("Onboarding schedule")
    assert "nhsuk-card__link" not in html.split("More in this service")[1]


def test_a_reporter_whose_trust_is_not_live_is_told_what_to_do_instead(client, settings):
    settings.PERINATAL_NOW = "2020-01-06T09:00"  # before any phase goes live
    sign_in(client, make_user(Role.REPORTER, "R0A", "early.midwife@test.example"))
    html = page(client, "/")
    assert "cannot submit notifications yet" in html
    assert "Start a notification" not in html


def test_other_roles_keep_their_home_page(client):
    sign_in(client, make_user(Role.NATIONAL_REVIEWER, "MNSI"))
    html = page(client, "/")
    assert "Your drafts" not in html and "Start a notification" not in html
    assert "Onboarding schedule" in html and "nhsuk-card" in html


# 2. Notifications in words ---------------------------------------------------------------------------------


def test_a_notification_says_what_happened_in_words_and_hides_rows_that_do_not_apply(client, events):
    sign_in(client, reporter())
    html = page(client, reverse("notifications:detail", args=[events["stillbirth"].reference]))
    assert "Intrapartum stillbirth" in html
    assert ">Baby<" not in html.replace(" ", "").replace("\n", "")
    assert "Died" not in html  # a stillborn baby has no separate time of death
    assert "Site one" not in html  # the test register's names, not a made-up one
    site = events["stillbirth"].current_version.document["place_of_birth"]["site"]
    from perinatal.organisations.models import Site

    assert f"{Site.objects.get(code=site).name} ({site})" in html
    html = page(client, reverse("notifications:detail", args=[events["nnd"].reference]))
    assert "Neonatal death" in html and "Died</dt>" in html
    listing = page(client, reverse("notifications:list"))
    for words in ("Intrapartum stillbirth", "Neonatal death", "Maternal death", "Potential severe brain injury"):
        assert words in listing, words


def test_the_list_shows_the_bodies_questions(client, events):
    sign_in(client, reporter())
    html = page(client, reverse("notifications:list"))
    assert "Questions waiting for your answer" in html and "Was a post-mortem offered?" in html
    assert "A question is waiting for your answer" in html  # the row's status


def test_the_inbox_shows_the_event_and_the_sites_name(client, events):
    sign_in(client, reporter(REVIEWER))
    html = page(client, reverse("notifications:inbox_detail", args=["MBRRACE_UK", events["stillbirth"].reference]))
    assert "Stillbirth" in html and "Died" not in html
    assert "(R0A01)" in html and "Hospital (R0A01)" not in html


# 3. Search and filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"event_type": "stillbirth"}, {"stillbirth"}),
        ({"event_type": "neonatal_death"}, {"nnd"}),
        ({"event_type": "maternal_death"}, {"maternal"}),
        ({"event_type": "severe_brain_injury"}, {"injury"}),
        ({"status": "question"}, {"stillbirth"}),
        ({"status": "acknowledged"}, {"injury"}),
        ({"status": "waiting"}, {"stillbirth", "nnd", "maternal"}),
        ({"overdue": "on"}, {"stillbirth", "nnd", "maternal"}),
        ({"search": "999 000 0107"}, {"stillbirth"}),  # the mother's
        ({"search": "999-000-0174"}, {"injury"}),  # the baby's
        ({"submitted_from_day": "", "submitted_to_day": "", "event_type": "nonsense"}, "all"),
    ],
)
def test_the_trusts_list_filters(client, events, query, expected):
    sign_in(client, reporter())
    html = page(client, reverse("notifications:list"), **query)
    names = set(events) - {"question"}
    wanted = names if expected == "all" else expected
    assert refs(html, *(events[k] for k in names)) == {events[k].reference for k in wanted}


def test_the_list_filters_by_the_day_submitted_and_by_reference(client, events):
    sign_in(client, reporter())
    today = clock.today()
    since, until = today - timedelta(days=11), today - timedelta(days=2)
    query = {
        "submitted_from_day": since.day,
        "submitted_from_month": since.month,
        "submitted_from_year": since.year,
        "submitted_to_day": until.day,
        "submitted_to_month": until.month,
        "submitted_to_year": until.year,
    }
    html = page(client, reverse("notifications:list"), **query)
    assert refs(html, events["stillbirth"], events["nnd"], events["maternal"], events["injury"]) == {
        events["nnd"].reference,
        events["injury"].reference,
    }
    html = page(client, reverse("notifications:list"), search=events["maternal"].reference.lower())
    assert refs(html, *(events[k] for k in ("stillbirth", "nnd", "maternal", "injury"))) == {
        events["maternal"].reference
    }


def test_a_wrong_search_says_which_field_and_what_to_do(client, events):
    sign_in(client, reporter())
    html = page(
        client,
        reverse("notifications:list"),
        search="943 476 5910",
        submitted_from_day="5",
        submitted_from_month="10",
        submitted_from_year="2026",
        submitted_to_day="1",
        submitted_to_month="10",
        submitted_to_year="2026",
    )
    assert "<title>Error: Notifications" in html
    assert "The NHS number is not valid" in html and 'href="#id_search"' in html
    assert "The last day submitted must be the same as or after the first day" in html


def test_board_viewers_never_see_or_search_nhs_numbers(client, events):
    """docs/adr/0021-who-sees-identifiers.md: a trust viewer sees the events, not who."""
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    html = page(client, reverse("notifications:detail", args=[events["stillbirth"].reference]))
    facts = html.split("What was notified")[1].split("your role does not need them")[1]
    for shown in ("999 000 0107", "999 000 0158", "date of birth", "M13 9WL", "NHS number", "1991"):
        assert shown not in facts, shown
    assert "your role does not need them" in html
    listing = page(client, reverse("notifications:list"), search=MOTHERS["stillbirth"])
    assert "Search by the notification" in listing
    assert "your search" not in listing  # nothing was searched: the whole list, whoever the number is
    assert "Reference or NHS number" not in listing
    sign_in(client, reporter())
    html = page(client, reverse("notifications:detail", args=[events["stillbirth"].reference]))
    assert "999 000 0107" in html and "M13 9WL" in html


def test_the_inbox_filters_and_flags_overdue_and_withdrawn_cases(client, events):
    sign_in(client, reporter(REVIEWER))
    inbox = reverse("notifications:inbox")
    html = page(client, inbox)
    assert "Overdue" in html
    html = page(client, inbox, event_type="neonatal_death")
    assert refs(html, events["stillbirth"], events["nnd"]) == {events["nnd"].reference}
    html = page(client, inbox, status="asked")
    assert refs(html, events["stillbirth"], events["nnd"]) == {events["stillbirth"].reference}
    html = page(client, inbox, search="999 000 0158")
    assert refs(html, events["stillbirth"], events["nnd"]) == {events["stillbirth"].reference}
    case = events["nnd"].body_cases.get(body="MBRRACE_UK")
    case.routed = False
    case.save()
    html = page(client, inbox, status="withdrawn")
    assert refs(html, events["stillbirth"], events["nnd"]) == {events["nnd"].reference}
    assert "Withdrawn: no longer due" in html and "Overdue" not in html.split("Search and filter")[1]


def test_the_inbox_downloads_as_csv_without_identifiers_or_formulas(client, events):
    acknowledge_delivery(
        notification=events["stillbirth"],
        body="MBRRACE_UK",
        reference='=HYPERLINK("http://example.com","x")',
        user=reporter(REVIEWER),
    )
    sign_in(client, reporter(REVIEWER))
    response = client.get(reverse("notifications:inbox_download", args=["MBRRACE_UK"]), {"event_type": "stillbirth"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == [events["stillbirth"].reference]
    assert rows[0]["body_reference"] == '\'=HYPERLINK("http://example.com","x")'
    assert rows[0]["category"] == "Intrapartum stillbirth" or rows[0]["category"] == "Stillbirth"
    assert MOTHERS["stillbirth"] not in text and BABIES["stillbirth"] not in text
    assert "M13 9WL" not in text and "1991" not in text
    assert client.get(reverse("notifications:inbox_download", args=["MNSI"])).status_code == 404
    sign_in(client, reporter())
    assert client.get(reverse("notifications:inbox_download", args=["MBRRACE_UK"])).status_code == 403


def _order(html: str, *notifications) -> list[str]:
    """The references in the order the results list them."""
    results = html.split('<p role="status">', 1)[-1]
    found = [(results.index(n.reference), n.reference) for n in notifications if n.reference in results]
    return [reference for _, reference in sorted(found)]


def test_the_list_and_the_inbox_sort_newest_oldest_and_by_due_date(client, events):
    sign_in(client, reporter())
    kinds = [events[k] for k in ("stillbirth", "injury", "nnd", "maternal")]
    newest = [n.reference for n in kinds]  # submitted 1, 3, 10 and 40 days ago
    assert _order(page(client, reverse("notifications:list")), *kinds) == newest
    assert _order(page(client, reverse("notifications:list"), sort="oldest"), *kinds) == newest[::-1]
    # An unknown order (an old bookmark) is the usual one, not an error.
    assert _order(page(client, reverse("notifications:list"), sort="due"), *kinds) == newest
    sign_in(client, reporter(REVIEWER))
    inbox = reverse("notifications:inbox")
    cases = {n.reference: n.body_cases.get(body="MBRRACE_UK") for n in (events["stillbirth"], events["nnd"])}
    today = clock.today()
    # The neonatal death, submitted earlier, is due later; the stillbirth has no deadline at all.
    cases[events["nnd"].reference].due_on = today + timedelta(days=5)
    cases[events["nnd"].reference].save()
    cases[events["stillbirth"].reference].due_on = None
    cases[events["stillbirth"].reference].save()
    html = page(client, inbox, sort="due")
    assert _order(html, events["stillbirth"], events["nnd"]) == [
        events["nnd"].reference,
        events["stillbirth"].reference,
    ]
    assert 'value="due" selected' in html
    html = page(client, inbox)
    assert _order(html, events["stillbirth"], events["nnd"]) == [
        events["stillbirth"].reference,
        events["nnd"].reference,
    ]
