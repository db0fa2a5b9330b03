"""The services of an improvement case (docs/rules/improvement.md §1): every bad input refused
naming its field with nothing stored, history appended with who and when, and the stored case
read by the clocks of docs/rules/improvement.md §2."""

from __future__ import annotations

from datetime import date

import pytest

from perinatal.core.models import AppendOnlyError, AuditEvent
from perinatal.improvement.clocks import clocks_of
from perinatal.improvement.models import (
    Case,
    Concern,
    DiagnosticRecord,
    ExitCriteria,
    PlanAction,
    PlanActionUpdate,
    PlanVersion,
    TriageDecision,
)
from perinatal.improvement.selectors.cases import action_states, dates_of, timeline_of
from perinatal.improvement.selectors.summary import case_summary
from perinatal.improvement.services.concerns import record_concern, triage_concern
from perinatal.improvement.services.diagnostic import record_diagnostic, record_finding
from perinatal.improvement.services.escalations import deescalate, escalate
from perinatal.improvement.services.exit import (
    CriterionAssessment,
    agree_exit_criteria,
    assess_exit,
    record_exit,
    record_exit_decision,
)
from perinatal.improvement.services.meetings import record_meeting
from perinatal.improvement.services.plan import ActionTerms, Removal, agree_plan_version, update_action
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Organisation
from tests.improvement.factories import HOM_R0A, IST, REGION_LEAD, case_with_plan, concern, opened_case, user

pytestmark = pytest.mark.django_db


def refused(field: str, change, *args, **kwargs) -> str:
    """The refusal's message, after checking it names ``field``."""
    with pytest.raises(Refused) as caught:
        change(*args, **kwargs)
    assert caught.value.field == field, caught.value.message
    return caught.value.message


# --- concerns and triage ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("concern_type", "evidence", "field"),
    [
        ("cqc", {}, "cqc_rating"),
        ("moss", {}, "safety_check"),
        ("dashboard", {}, "metric_id"),
        ("dashboard", {"metric_id": "stillbirth_rate"}, "metric_month"),
        ("dashboard", {"metric_id": "no_such_metric", "metric_month": date(2026, 1, 1)}, "metric_id"),
        ("investigation", {}, "mnsi_reference"),
        ("investigation", {"mnsi_reference": "MNSI-NOT-THERE"}, "mnsi_reference"),
    ],
)
def test_a_concern_needs_the_evidence_of_its_type(concern_type, evidence, field):
    refused(field, concern, concern_type=concern_type, **evidence)
    assert Concern.objects.count() == 0


def test_a_concern_with_its_evidence_is_recorded():
    cqc = concern(concern_type="cqc", cqc_rating="inadequate", cqc_published_on=date(2025, 12, 1))
    metric = concern(concern_type="dashboard", metric_id="stillbirth_rate", metric_month=date(2025, 11, 17))
    report = concern(concern_type="investigation", document="Coroner's Regulation 28 report, December 2025")
    assert cqc.get_cqc_rating_display() == "Inadequate"
    assert (metric.metric_organisation.code, metric.metric_month) == ("R0A", date(2025, 11, 1))
    assert report.document.startswith("Coroner")
    refused("identified_on", concern, identified_on=date(2026, 11, 28))  # after the service's today
    refused("trust", record_concern, trust=Organisation.objects.get(code="Y62"), concern_type="cqc",
            identified_on=date(2026, 1, 5), summary="x", by=user(REGION_LEAD))  # fmt: skip


def test_accepting_opens_a_case_identified_on_the_concerns_day():
    first = concern(identified_on=date(2026, 1, 5))
    decision = triage_concern(
        concern=first, decision="accept", reason="Confirmed", by=user(REGION_LEAD), exit_criteria="- A\n\n* B\n"
    )
    case = decision.case
    assert (case.case_id, case.identified_on, case.trust.code, case.icb) == (
        "IST-R0A-20260105",
        date(2026, 1, 5),
        "R0A",
        None,
    )
    assert ExitCriteria.objects.get(case=case).criteria == ["A", "B"]
    assert (decision.recorded_by_label, decision.reason) == (REGION_LEAD, "Confirmed")
    # A second concern accepted while the case is open joins it.
    second = triage_concern(
        concern=concern(identified_on=date(2026, 3, 1)), decision="accept", reason="More", by=user(IST)
    )
    assert second.case == case and Case.objects.count() == 1
    assert refused("__all__", triage_concern, concern=first, decision="decline", reason="x", by=user(IST)).endswith(
        "accepted into case IST-R0A-20260105 already"
    )
    assert AuditEvent.objects.filter(object_id=str(case.pk), summary__contains="opened for R0A").exists()


def test_monitor_and_decline_open_no_case_and_need_a_reason():
    worry = concern()
    refused("reason", triage_concern, concern=worry, decision="monitor", reason="  ", by=user(REGION_LEAD))
    refused("decision", triage_concern, concern=worry, decision="ignore", reason="x", by=user(REGION_LEAD))
    triage_concern(concern=worry, decision="monitor", reason="Watch the next two months", by=user(REGION_LEAD))
    assert Case.objects.count() == 0
    # A monitored concern may be accepted later: the latest decision stands, both are kept.
    later = triage_concern(concern=worry, decision="accept", reason="Signals again", by=user(REGION_LEAD))
    assert later.case is not None and TriageDecision.objects.filter(concern=worry).count() == 2


def test_a_system_case_names_the_trusts_icb():
    case = opened_case(system_scope=True)
    assert case.icb.code == "QOP"


# --- the diagnostic ------------------------------------------------------------------------------


def test_the_diagnostic_dates_are_checked_and_the_latest_record_stands():
    case = opened_case()
    refused("started_on", record_diagnostic, case=case, started_on=None, completed_on=date(2026, 2, 1), by=user(IST))
    refused("started_on", record_diagnostic, case=case, started_on=date(2026, 1, 4), completed_on=None, by=user(IST))
    refused("completed_on", record_diagnostic, case=case, started_on=date(2026, 1, 12), completed_on=date(2026, 1, 11),
            by=user(IST))  # fmt: skip
    refused("completed_on", record_diagnostic, case=case, started_on=date(2026, 1, 12), completed_on=date(2026, 12, 1),
            by=user(IST))  # fmt: skip
    assert DiagnosticRecord.objects.count() == 0
    record_diagnostic(case=case, started_on=date(2026, 1, 12), completed_on=None, by=user(IST))
    record_diagnostic(case=case, started_on=date(2026, 1, 12), completed_on=date(2026, 2, 17), by=user(IST))
    assert dates_of(case).diagnostic_completed_on == date(2026, 2, 17)
    assert clocks_of(timeline_of(case), date(2026, 3, 1)).diagnostic_status == "completed_late"
    assert clocks_of(timeline_of(case), date(2026, 3, 1)).stage == "planning"


def test_findings_by_domain():
    case = opened_case()
    refused("domain", record_finding, case=case, domain="catering", findings="x", by=user(IST))
    refused("findings", record_finding, case=case, domain="leadership", findings="", by=user(IST))
    record_finding(case=case, domain="leadership", findings="Board oversight is weak", by=user(IST))
    record_finding(case=case, domain="inequalities", findings="No equity analysis", by=user(IST))


# --- the plan ------------------------------------------------------------------------------------

PLAN = {
    "agreed_on": date(2026, 2, 20),
    "agreed_for_board_by": "Chair of the trust board",
    "tackling_inequalities": "Continuity of carer for the most deprived areas first",
    "actions": [ActionTerms("Review escalation", "Director of Midwifery", date(2026, 6, 30))],
}


def test_a_plan_needs_a_completed_diagnostic_and_a_tackling_inequalities_section():
    case = opened_case()
    refused("agreed_on", agree_plan_version, case=case, by=user(IST), **PLAN)
    record_diagnostic(case=case, started_on=date(2026, 1, 12), completed_on=date(2026, 2, 10), by=user(IST))
    message = refused("tackling_inequalities", agree_plan_version, case=case, by=user(IST),
                      **{**PLAN, "tackling_inequalities": " \n "})  # fmt: skip
    assert message == "Enter how the plan tackles inequalities: this section cannot be empty"
    refused("agreed_on", agree_plan_version, case=case, by=user(IST), **{**PLAN, "agreed_on": date(2026, 2, 9)})
    refused("actions-0-description", agree_plan_version, case=case, by=user(IST), **{**PLAN, "actions": []})
    refused("actions-1-due_on", agree_plan_version, case=case, by=user(IST),
            **{**PLAN, "actions": [*PLAN["actions"], ActionTerms("Audit", "Lead", date(2026, 2, 1))]})  # fmt: skip
    assert PlanVersion.objects.count() == 0 and PlanAction.objects.count() == 0
    version = agree_plan_version(case=case, by=user(IST), **PLAN)
    assert (version.number, version.recorded_by_label) == (1, IST)
    assert dates_of(case).plan_agreed_on == date(2026, 2, 20)


def test_a_new_version_needs_its_reason_and_may_remove_and_add_actions():
    case = case_with_plan()
    again = {**PLAN, "agreed_on": date(2026, 5, 1), "actions": [ActionTerms("New action", "Lead", date(2026, 8, 1))]}
    refused("change_reason", agree_plan_version, case=case, by=user(IST), **again)
    refused("remove_9_reason", agree_plan_version, case=case, by=user(IST), change_reason="Review",
            removals=[Removal(9, "x")], **again)  # fmt: skip
    version = agree_plan_version(
        case=case, by=user(IST), change_reason="Quarterly review", removals=[Removal(2, "Done another way")], **again
    )
    assert version.number == 2
    assert [(state.action.number, state.action.added_in.number) for state in action_states(case)] == [(1, 1), (3, 2)]
    # The plan's agreement date stays the first version's: the clocks count from it.
    assert dates_of(case).plan_agreed_on == date(2026, 2, 20)


def test_the_trust_updates_an_action_with_a_status_rag_and_note():
    case = case_with_plan()
    action = case.plan_actions.get(number=1)
    refused("rag", update_action, action=action, status="in_progress", rag="blue", note="x", by=user(HOM_R0A))
    refused("note", update_action, action=action, status="in_progress", rag="amber", note="", by=user(HOM_R0A))
    update_action(action=action, status="in_progress", rag="amber", note="Audit started", by=user(HOM_R0A))
    update_action(action=action, status="completed", rag="green", note="Audit done", by=user(HOM_R0A))
    (first, _second) = action_states(case)
    assert (first.status, first.rag, len(first.updates)) == ("completed", "green", 2)


# --- meetings and escalations --------------------------------------------------------------------


def test_meetings_are_counted_by_the_clocks():
    case = case_with_plan()
    meeting = {"attendees": "Chief executive, improvement advisor", "minutes": "Discussed actions", "by": user(IST)}
    record_meeting(case=case, kind="executive", held_on=date(2026, 3, 2), action_rags={1: "amber"}, **meeting)
    record_meeting(case=case, kind="executive", held_on=date(2026, 5, 11), **meeting)
    refused("held_on", record_meeting, case=case, kind="executive", held_on=date(2026, 5, 11), **meeting)
    refused("outcome", record_meeting, case=case, kind="quarterly_review", held_on=date(2026, 7, 1), **meeting)
    refused("outcome", record_meeting, case=case, kind="executive", held_on=date(2026, 7, 1), outcome="on_track",
            **meeting)  # fmt: skip
    refused("rag_9", record_meeting, case=case, kind="executive", held_on=date(2026, 7, 2), action_rags={9: "red"},
            **meeting)  # fmt: skip
    refused("attendees", record_meeting, case=case, kind="executive", held_on=date(2026, 7, 3), attendees="",
            minutes="x", by=user(IST))  # fmt: skip
    refused("held_on", record_meeting, case=case, kind="executive", held_on=date(2025, 12, 1), **meeting)
    escalate(case=case, level="region", escalated_on=date(2026, 4, 1), reason="Two missed meetings", by=user(IST))
    # docs/rules/improvement.md §2, the example: as of 15 July 2026, April and June missed (2),
    # April–June missed (1), escalated to the region.
    clocks = clocks_of(timeline_of(case), date(2026, 7, 15))
    assert (clocks.executive_meetings_missed, clocks.quarterly_reviews_missed) == (2, 1)
    assert (clocks.escalation_level, clocks.stage, clocks.diagnostic_status) == (
        "region",
        "improvement",
        "completed_on_time",
    )
    assert case.meetings.get(held_on=date(2026, 3, 2)).action_rags.get().rag == "amber"


def test_a_deescalation_on_as_of_has_taken_effect():
    case = opened_case()
    escalation = escalate(case=case, level="national", escalated_on=date(2026, 3, 1), reason="x", by=user(IST))
    refused("level", escalate, case=case, level="parliament", escalated_on=date(2026, 3, 1), reason="x", by=user(IST))
    refused("deescalated_on", deescalate, escalation=escalation, deescalated_on=date(2026, 2, 28), by=user(IST))
    deescalate(escalation=escalation, deescalated_on=date(2026, 4, 1), by=user(IST))
    refused("__all__", deescalate, escalation=escalation, deescalated_on=date(2026, 4, 2), by=user(IST))
    assert clocks_of(timeline_of(case), date(2026, 3, 31)).escalation_level == "national"
    assert clocks_of(timeline_of(case), date(2026, 4, 1)).escalation_level == "trust"


# --- exit ----------------------------------------------------------------------------------------


def test_the_exit_path_stops_the_clocks():
    case = case_with_plan()
    refused("__all__", assess_exit, case=case, assessed_on=date(2026, 8, 1), results=[], recommendation="exit",
            by=user(IST))  # fmt: skip
    agree_exit_criteria(case=case, criteria="Plan actions complete\nNo missed meetings", agreed_on=date(2026, 1, 5),
                        by=user(IST))  # fmt: skip
    refused("change_reason", agree_exit_criteria, case=case, criteria="Only one", agreed_on=date(2026, 6, 1),
            by=user(IST))  # fmt: skip
    results = [CriterionAssessment("met", "All done"), CriterionAssessment("partly_met", "One missed")]
    refused("recommendation", assess_exit, case=case, assessed_on=date(2026, 8, 1), results=results,
            recommendation="exit", by=user(IST))  # fmt: skip
    refused("evidence_1", assess_exit, case=case, assessed_on=date(2026, 8, 1),
            results=[CriterionAssessment("met", ""), results[1]], recommendation="continue", by=user(IST))  # fmt: skip
    refused("decision", record_exit_decision, case=case, decided_on=date(2026, 8, 2), decision="exit", by=user(IST))
    assess_exit(case=case, assessed_on=date(2026, 8, 1), results=[results[0], CriterionAssessment("met", "Caught up")],
                recommendation="exit", by=user(IST))  # fmt: skip
    refused("__all__", record_exit, case=case, exited_on=date(2026, 8, 14), monitoring_until=None, by=user(IST))
    record_exit_decision(case=case, decided_on=date(2026, 8, 10), decision="exit", by=user(IST))
    refused("exited_on", record_exit, case=case, exited_on=date(2026, 8, 9), monitoring_until=None, by=user(IST))
    record_exit(case=case, exited_on=date(2026, 8, 14), monitoring_until=date(2027, 2, 14), by=user(IST))
    assert clocks_of(timeline_of(case), date(2026, 10, 1)).stage == "exited"
    refused("__all__", escalate, case=case, level="icb", escalated_on=date(2026, 9, 1), reason="x", by=user(IST))
    refused("__all__", update_action, action=case.plan_actions.first(), status="completed", rag="green", note="x",
            by=user(HOM_R0A))  # fmt: skip


# --- history and the summary ---------------------------------------------------------------------


def test_rows_are_append_only_with_who_and_when():
    case = case_with_plan()
    action = case.plan_actions.first()
    update = update_action(action=action, status="in_progress", rag="red", note="Late", by=user(HOM_R0A))
    assert (update.recorded_by.email, update.recorded_at.isoformat()[:16]) == (HOM_R0A, "2026-11-27T09:00")
    for row in (case, action, update, case.plan_versions.first()):
        with pytest.raises(AppendOnlyError):
            row.save()
    assert PlanActionUpdate.objects.count() == 1


def test_the_case_summary_reads_the_case_as_it_stood():
    case = case_with_plan()
    action = case.plan_actions.get(number=1)
    update_action(action=action, status="in_progress", rag="red", note="Behind", by=user(HOM_R0A))
    record_meeting(case=case, kind="quarterly_review", held_on=date(2026, 6, 30), attendees="All", minutes="m",
                   outcome="concerns", by=user(IST))  # fmt: skip
    escalate(case=case, level="region", escalated_on=date(2026, 4, 1), reason="x", by=user(IST))
    summary = case_summary(case, date(2026, 7, 15))
    assert (summary.stage, summary.plan_version, summary.plan_agreed_on) == ("improvement", 1, date(2026, 2, 20))
    assert summary.actions == 2 and summary.actions_overdue == 1  # action 1 was due on 30 June
    assert summary.actions_by_rag == {"red": 0, "amber": 0, "green": 0, "": 2}  # the update came later (27 November)
    assert (summary.latest_review_on, summary.latest_review_outcome) == (date(2026, 6, 30), "concerns")
    assert summary.escalations_in_force == (("region", date(2026, 4, 1)),)
    assert summary.clocks.executive_meetings_missed == 4  # March to June, none held
    now = case_summary(case, date(2026, 11, 27))
    assert now.actions_by_rag["red"] == 1
    assert summary.concern_types == ("Whistleblowing or soft intelligence",)
