"""The improvement support pages (docs/rules/improvement.md §1, §3): who reads and who changes a
case, the forms refusing bad input against the field, the list showing the export's figures,
and every view of a case audited."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse

from perinatal.core.models import AuditEvent
from perinatal.improvement.models import Case, PlanActionUpdate, PlanVersion, TriageDecision
from perinatal.improvement.selectors.listing import export_all
from perinatal.improvement.services.escalations import escalate
from perinatal.improvement.services.meetings import record_meeting
from tests.helpers import sign_in
from tests.improvement.factories import HOM_R0A, IST, REGION_LEAD, case_with_plan, concern, opened_case, user

pytestmark = pytest.mark.django_db


def as_user(client, email):
    sign_in(client, user(email))
    return client


def date_post(name: str, day: date) -> dict:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


# --- who reads, who changes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    ["hom.r0a@perinatal.example", "board.r0a@perinatal.example", "icb.qop@perinatal.example", REGION_LEAD, IST],
)
def test_readers_see_the_case_and_the_view_is_audited(client, email):
    case = case_with_plan()
    page = as_user(client, email).get(reverse("improvement:case", args=[case.pk]))
    assert page.status_code == 200
    assert "Case IST-R0A-20260105" in page.content.decode()
    event = AuditEvent.objects.filter(action="view", object_id=str(case.pk)).latest("at")
    assert (event.actor.email, event.organisation.code) == (email, "R0A")


@pytest.mark.parametrize("email", ["hom.rrk@perinatal.example", "midwife.r0a@perinatal.example"])
def test_another_trusts_user_and_a_reporter_get_not_found(client, email):
    case = case_with_plan()
    as_user(client, email)
    assert client.get(reverse("improvement:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("improvement:action_update", args=[case.pk, 1])).status_code == 404


def test_the_trust_updates_an_action_but_cannot_agree_the_plan(client):
    case = case_with_plan()
    as_user(client, HOM_R0A)
    assert client.get(reverse("improvement:plan_agree", args=[case.pk])).status_code == 403
    assert client.post(reverse("improvement:plan_agree", args=[case.pk]), {}).status_code == 403
    assert client.get(reverse("improvement:meeting_new", args=[case.pk])).status_code == 403
    url = reverse("improvement:action_update", args=[case.pk, 1])
    refused = client.post(url, {"status": "in_progress", "rag": "amber", "note": ""})
    assert refused.status_code == 200
    assert "<title>Error: Update action 1" in refused.content.decode()
    assert 'href="#id_note"' in refused.content.decode()
    done = client.post(url, {"status": "in_progress", "rag": "amber", "note": "Audit started"})
    assert done.status_code == 302 and done["Location"].endswith("#action-1")
    assert PlanActionUpdate.objects.get().recorded_by.email == HOM_R0A
    page = client.get(reverse("improvement:case", args=[case.pk])).content.decode()
    assert "Audit started" in page and "Agree a new version of the plan" not in page


def test_the_menu_links_the_cases_for_the_roles_that_use_them(client):
    as_user(client, REGION_LEAD)
    assert 'href="/improvement/"' in client.get(reverse("web:home")).content.decode()
    client.logout()
    as_user(client, "midwife.r0a@perinatal.example")
    assert 'href="/improvement/"' not in client.get(reverse("web:home")).content.decode()
    assert client.get(reverse("improvement:cases")).status_code == 403


# --- the journey through the forms ----------------------------------------------------------------


def test_a_region_lead_triages_records_the_diagnostic_and_agrees_the_plan(client):
    worry = concern()
    as_user(client, REGION_LEAD)
    triage = client.post(
        reverse("improvement:triage", args=[worry.pk]),
        {"decision": "accept", "reason": "Confirmed by the region", "system_scope": "trust", "exit_criteria": "A\nB"},
    )
    case = Case.objects.get()
    assert triage["Location"] == reverse("improvement:case", args=[case.pk])
    assert TriageDecision.objects.get().recorded_by.email == REGION_LEAD
    diagnostic = reverse("improvement:diagnostic", args=[case.pk])
    bad = client.post(
        diagnostic, {**date_post("started_on", date(2026, 1, 12)), **date_post("completed_on", date(2026, 1, 2))}
    )
    assert "must be on or after 5 January 2026, when the concern was identified" in bad.content.decode()
    client.post(
        diagnostic, {**date_post("started_on", date(2026, 1, 12)), **date_post("completed_on", date(2026, 2, 10))}
    )
    agree = reverse("improvement:plan_agree", args=[case.pk])
    plan = {
        **date_post("agreed_on", date(2026, 2, 20)),
        "agreed_for_board_by": "Chair",
        "tackling_inequalities": "",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "",
        "actions-1-description": "Review escalation",
        "actions-1-owner": "Director of Midwifery",
        **date_post("actions-1-due_on", date(2026, 6, 30)),
    }
    empty = client.post(agree, plan).content.decode()
    assert "<title>Error: Agree a version of the plan" in empty
    assert "Enter how the plan tackles inequalities: this section cannot be empty" in empty
    assert 'href="#id_tackling_inequalities"' in empty
    assert PlanVersion.objects.count() == 0
    late = client.post(
        agree,
        {**plan, "tackling_inequalities": "Deprived areas first", **date_post("actions-1-due_on", date(2026, 1, 1))},
    )
    assert 'href="#id_actions-1-due_on"' in late.content.decode()  # the refusal is on the row typed in
    agreed = client.post(agree, {**plan, "tackling_inequalities": "Deprived areas first"})
    assert agreed.status_code == 302
    assert PlanVersion.objects.get().actions_added.get().description == "Review escalation"
    meeting = client.post(
        reverse("improvement:meeting_new", args=[case.pk]),
        {
            "kind": "executive",
            **date_post("held_on", date(2026, 3, 2)),
            "attendees": "CEO",
            "minutes": "m",
            "rag_1": "amber",
        },
    )
    assert meeting.status_code == 302
    escalation = client.post(
        reverse("improvement:escalation_new", args=[case.pk]),
        {"level": "region", **date_post("escalated_on", date(2026, 4, 1)), "reason": "Missed meetings"},
    )
    assert escalation.status_code == 302
    page = client.get(reverse("improvement:case", args=[case.pk])).content.decode()
    assert "Region on 1 April 2026" in page


# --- the list shows the export's figures -----------------------------------------------------------


def test_the_list_shows_the_figures_of_the_export_overdue_diagnostics_first(client):
    planned = case_with_plan()
    record_meeting(case=planned, kind="executive", held_on=date(2026, 3, 2), attendees="a", minutes="m", by=user(IST))
    escalate(case=planned, level="region", escalated_on=date(2026, 4, 1), reason="x", by=user(IST))
    overdue = opened_case("RRK", date(2026, 9, 1))
    as_user(client, IST)
    page = client.get(reverse("improvement:cases")).content.decode()
    order = re.findall(r'href="/improvement/cases/(\d+)/"', page)
    assert order == [str(overdue.pk), str(planned.pk)]  # the overdue diagnostic first
    exported = {row.case_id: row for row in export_all(as_of=date(2026, 11, 27))}
    row = exported[planned.case_id]
    body = page.split(planned.case_id + "</a>", 1)[1].split("</tr>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
    assert cells[1:] == [
        row.region_code,
        "Improvement",
        "5 January 2026",
        "16 February 2026",
        "Completed on time",
        "20 February 2026",
        str(row.executive_meetings_missed),
        str(row.quarterly_reviews_missed),
        "Region",
        "",
    ]
    # As of 27 November 2026: March to October counted, March held (7 missed); April–June and
    # July–September counted, no review (2).
    assert (row.executive_meetings_missed, row.quarterly_reviews_missed) == (7, 2)
    download = client.get(reverse("improvement:cases_csv")).content.decode()
    assert list(csv.reader(io.StringIO(download)))[1:] == [
        [str(v) for v in r.cells()] for r in export_all(as_of=date(2026, 11, 27))
    ]


def test_the_list_filters_and_sorts(client):
    case_with_plan()
    opened_case("RRK", date(2026, 9, 1))
    as_user(client, IST)
    page = client.get(reverse("improvement:cases"), {"stage": "diagnostic"}).content.decode()
    assert "IST-RRK-20260901" in page and "IST-R0A-20260105" not in page
    page = client.get(reverse("improvement:cases"), {"sort": "identified_on", "dir": "asc"}).content.decode()
    assert page.index("IST-R0A-20260105") < page.index("IST-RRK-20260901")
    assert 'aria-sort="ascending"' in page


def test_the_region_sees_only_its_trusts(client):
    case_with_plan()
    opened_case("RRK", date(2026, 9, 1))  # region Y60
    as_user(client, REGION_LEAD)
    page = client.get(reverse("improvement:cases")).content.decode()
    assert "IST-R0A-20260105" in page and "IST-RRK-20260901" not in page


def test_every_page_of_a_case_renders_for_the_team(client):
    from perinatal.improvement.services.plan import record_feedback

    case = case_with_plan()
    escalation = escalate(case=case, level="icb", escalated_on=date(2026, 4, 1), reason="x", by=user(IST))
    item = record_feedback(case=case, heard_on=date(2026, 3, 1), heard="Long waits", by=user(IST))
    as_user(client, IST)
    pages = [
        ("improvement:concerns", []),
        ("improvement:concern_new", []),
        ("improvement:person_new", [case.pk]),
        ("improvement:diagnostic", [case.pk]),
        ("improvement:diagnostic_finding", [case.pk, "leadership"]),
        ("improvement:plan_agree", [case.pk]),
        ("improvement:action_update", [case.pk, 2]),
        ("improvement:feedback_new", [case.pk]),
        ("improvement:feedback_respond", [case.pk, item.pk]),
        ("improvement:meeting_new", [case.pk]),
        ("improvement:escalation_new", [case.pk]),
        ("improvement:escalation_response", [case.pk, escalation.pk]),
        ("improvement:deescalate", [case.pk, escalation.pk]),
        ("improvement:exit_criteria", [case.pk]),
        ("improvement:exit_decision", [case.pk]),
        ("improvement:exit_formal", [case.pk]),
    ]
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    # The diagnostic's stored dates show in the date inputs.
    dates = client.get(reverse("improvement:diagnostic", args=[case.pk])).content.decode()
    assert re.search(r'name="completed_on_day" type="text" value="10"', dates)
    assert re.search(r'name="completed_on_year" type="text" value="2026"', dates)
    assert client.get(reverse("improvement:diagnostic_finding", args=[case.pk, "catering"])).status_code == 404
    # Without criteria, the assessment sends the team to agree them first.
    assert client.get(reverse("improvement:exit_assessment", args=[case.pk]))["Location"].endswith("/exit/criteria/")


def test_a_concern_is_refused_without_the_evidence_of_its_type(client):
    as_user(client, REGION_LEAD)
    url = reverse("improvement:concern_new")
    data = {
        "trust_code": "R0A",
        "concern_type": "moss",
        **date_post("identified_on", date(2026, 10, 1)),
        "summary": "x",
    }
    page = client.post(url, data).content.decode()
    assert 'href="#id_safety_check"' in page and "Choose the MOSS safety check or signal" in page
    other = client.post(url, {**data, "trust_code": "RRK", "concern_type": "intelligence"}).content.decode()
    assert "RRK is not a trust of your region" in other
    done = client.post(url, {**data, "concern_type": "intelligence"})
    assert done.status_code == 302 and "/triage/" in done["Location"]
