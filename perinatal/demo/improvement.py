"""Demo improvement support cases (docs/rules/improvement.md §1–§2), recorded through the services
as the team would record them, dated back from the service clock's today:

- R0A (region Y62): in improvement, escalated to the region, one month without an executive meeting;
- RBL (region Y62): planning (diagnostic completed, no plan yet);
- RBN (region Y62): the diagnostic overdue;
- RRK (region Y60): the diagnostic on track;
- RYR (region Y59): exited, with its criteria, assessment, national decision and monitoring.

The regional demo user (region.y62) therefore sees three cases and the national team all five.
Loaded once: set-up run again finds the demo's concerns and adds nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from perinatal.accounts.models import User
from perinatal.core import clock
from perinatal.improvement import clocks
from perinatal.improvement.models import Case, Concern
from perinatal.improvement.selectors.cases import timeline_of
from perinatal.improvement.services.concerns import record_concern, triage_concern
from perinatal.improvement.services.diagnostic import record_diagnostic, record_finding
from perinatal.improvement.services.escalations import escalate, record_response
from perinatal.improvement.services.exit import (
    CriterionAssessment,
    assess_exit,
    record_exit,
    record_exit_decision,
)
from perinatal.improvement.services.meetings import record_meeting
from perinatal.improvement.services.people import add_person
from perinatal.improvement.services.plan import ActionTerms, agree_plan_version, record_feedback, update_action
from perinatal.organisations.models import Organisation

DEMO_KEY = "demo:"
REGION_LEAD = "region.y62@perinatal.example"
IST = "ist@perinatal.example"
HEAD_OF_MIDWIFERY = "hom.r0a@perinatal.example"
CRITERIA = (
    "Every action of the plan completed or on track, with evidence",
    "Executive meetings and improvement reviews held as planned for two quarters",
    "Service users' feedback answered, and the answers shared with the MNVP",
)


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _open(trust: str, identified_on: date, concern_type: str, summary: str, name: str, **evidence) -> Case:
    concern = record_concern(
        trust=Organisation.objects.get(code=trust),
        concern_type=concern_type,
        identified_on=identified_on,
        summary=summary,
        suggestion_key=DEMO_KEY + name,
        by=_user(REGION_LEAD),
        **evidence,
    )
    decision = triage_concern(
        concern=concern,
        decision="accept",
        reason="Confirmed with the trust's executive team; support agreed",
        exit_criteria=list(CRITERIA),
        by=_user(REGION_LEAD),
    )
    return decision.case


def _diagnostic(case: Case, started_on: date, completed_on: date | None) -> None:
    record_diagnostic(case=case, started_on=started_on, completed_on=completed_on, by=_user(IST))
    record_finding(
        case=case, domain="leadership", findings="The board hears of incidents late and rarely asks why.", by=_user(IST)
    )
    record_finding(
        case=case,
        domain="inequalities",
        findings="Outcomes are not looked at by ethnicity or deprivation; interpreters are booked late.",
        by=_user(IST),
    )


def _plan(case: Case, agreed_on: date) -> None:
    agree_plan_version(
        case=case,
        agreed_on=agreed_on,
        agreed_for_board_by="Chair of the trust board",
        tackling_inequalities=(
            "Continuity of carer first for women from the most deprived areas and from Black and Asian "
            "ethnic groups; interpreters booked at the first appointment; outcomes reviewed by ethnicity "
            "and deprivation at every improvement review."
        ),
        summary="Escalation in labour, board oversight and listening to service users.",
        actions=[
            ActionTerms(
                "Audit escalation in labour and act on it",
                "Director of Midwifery",
                agreed_on + timedelta(days=90),
                "stillbirth_rate",
            ),
            ActionTerms(
                "Board safety champion walkabouts every month", "Board safety champion", agreed_on + timedelta(days=60)
            ),
            ActionTerms(
                "Interpreters booked at booking appointments", "Head of Midwifery", agreed_on + timedelta(days=120)
            ),
        ],
        by=_user(IST),
    )


def _meetings(case: Case, *, skip_month: int | None = None, exiting_on: date | None = None) -> None:
    """An executive meeting on the 10th of each counted month (but the ``skip_month``-th) and an
    improvement review on the 20th of each counted quarter's last month; a case about to exit
    on ``exiting_on`` holds the last of each on that day at the latest."""
    today = clock.today()
    stored = timeline_of(case)
    timeline = clocks.CaseTimeline(
        identified_on=stored.identified_on,
        diagnostic_completed_on=stored.diagnostic_completed_on,
        plan_agreed_on=stored.plan_agreed_on,
        exited_on=exiting_on,
    )
    last = exiting_on or today
    for number, month in enumerate(clocks.counted_months(timeline, today)):
        if number == skip_month:
            continue
        record_meeting(
            case=case,
            kind="executive",
            held_on=min(month.first_day + timedelta(days=9), last),
            attendees="Chief executive, Director of Midwifery, improvement advisor, board safety champion",
            minutes="Progress on each action reviewed; risks discussed.",
            action_rags={1: "amber", 2: "green"},
            by=_user(IST),
        )
    for quarter in clocks.counted_quarters(timeline, today):
        record_meeting(
            case=case,
            kind="quarterly_review",
            held_on=min(quarter.months[2].first_day + timedelta(days=19), last),
            attendees="Trust executives, regional chief midwife, improvement advisor, lived-experience expert",
            minutes="Quarterly review of the plan against the evidence pack.",
            outcome="concerns" if exiting_on is None else "on_track",
            by=_user(IST),
        )


def _people(case: Case) -> None:
    add_person(case=case, role="improvement_advisor", name="Sam Rivers", email="sam.rivers@nhs.example", by=_user(IST))
    add_person(case=case, role="lived_experience_expert", name="Priya Nandi", by=_user(IST))
    add_person(
        case=case, role="board_safety_champion", name="Tom Hale", job_title="Non-executive director", by=_user(IST)
    )


@transaction.atomic
def load_demo_improvement() -> int:
    """Record the demo cases; the number added (0 when they are there already)."""
    if Concern.objects.filter(suggestion_key__startswith=DEMO_KEY).exists():
        return 0
    today = clock.today()

    # R0A: in improvement, escalated to the region, one month missed.
    start = today - timedelta(days=210)
    r0a = _open(
        "R0A", start, "intelligence", "Staff raised repeated concerns about escalation on the labour ward.", "r0a"
    )
    _people(r0a)
    _diagnostic(r0a, start + timedelta(days=7), start + timedelta(days=30))
    _plan(r0a, start + timedelta(days=40))
    _meetings(r0a, skip_month=2)
    update_action(
        action=r0a.plan_actions.get(number=1),
        status="in_progress",
        rag="amber",
        note="Audit half done",
        by=_user(HEAD_OF_MIDWIFERY),
    )
    record_feedback(
        case=r0a,
        heard_on=start + timedelta(days=60),
        heard="Women were not told why their induction was delayed.",
        source="MNVP listening event",
        by=_user(IST),
    )
    escalation = escalate(
        case=r0a,
        level="region",
        escalated_on=start + timedelta(days=150),
        reason="An executive meeting missed and the escalation audit behind plan",
        by=_user(REGION_LEAD),
    )
    record_response(
        escalation=escalation,
        response="Regional chief midwife to attend the next two executive meetings.",
        by=_user(REGION_LEAD),
    )

    # RBL: diagnostic completed, no plan yet.
    start = today - timedelta(days=40)
    rbl = _open("RBL", start, "cqc", "CQC rated maternity services inadequate.", "rbl", cqc_rating="inadequate")
    _diagnostic(rbl, start + timedelta(days=5), start + timedelta(days=35))

    # RBN: diagnostic overdue.
    start = today - timedelta(days=50)
    rbn = _open(
        "RBN", start, "segment", "The trust was placed in the most intensive national oversight segment.", "rbn"
    )
    record_diagnostic(case=rbn, started_on=start + timedelta(days=10), completed_on=None, by=_user(IST))

    # RRK: diagnostic on track.
    _open(
        "RRK",
        today - timedelta(days=10),
        "investigation",
        "Coroner's Regulation 28 report on a neonatal death.",
        "rrk",
        document="Regulation 28 report, received by the trust",
    )

    # RYR: exited.
    start = today - timedelta(days=520)
    ryr = _open("RYR", start, "cqc", "CQC warning notice on maternity triage.", "ryr", cqc_warning_notice=True)
    _people(ryr)
    _diagnostic(ryr, start + timedelta(days=7), start + timedelta(days=35))
    _plan(ryr, start + timedelta(days=50))
    exit_on = today - timedelta(days=60)
    _meetings(ryr, exiting_on=exit_on)
    for number in (1, 2, 3):
        update_action(
            action=ryr.plan_actions.get(number=number),
            status="completed",
            rag="green",
            note="Done and evidenced",
            by=_user(IST),
        )
    assess_exit(
        case=ryr,
        assessed_on=today - timedelta(days=80),
        results=[CriterionAssessment("met", "Shown at the improvement review") for _ in CRITERIA],
        recommendation="exit",
        by=_user(IST),
    )
    record_exit_decision(case=ryr, decided_on=today - timedelta(days=70), decision="exit", by=_user(IST))
    record_exit(case=ryr, exited_on=exit_on, monitoring_until=today + timedelta(days=120), by=_user(IST))
    return 5
