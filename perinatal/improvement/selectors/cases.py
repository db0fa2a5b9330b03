"""Improvement support cases as the pages, the commands and the board report read them.

Every read of cases for a person goes through their ``Scope`` (docs/rules/improvement.md §1:
the trust sees its own case, its ICB and region theirs, the national team all). What the
clocks read of a stored case is built here once (`timeline_of`, `timelines_of`), so the list,
the case page, the export and the daily job compute the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from perinatal.accounts.scoping import READ_IMPROVEMENT_CASES, Scope
from perinatal.improvement.clocks import CaseTimeline
from perinatal.improvement.clocks import Escalation as EscalationSpell
from perinatal.improvement.clocks import Meeting as MeetingDay
from perinatal.improvement.models import (
    Case,
    CasePerson,
    Concern,
    DiagnosticFinding,
    DiagnosticRecord,
    Escalation,
    ExitCriteria,
    FeedbackItem,
    FeedbackResponse,
    Meeting,
    PlanAction,
    PlanActionUpdate,
    PlanVersion,
    TriageDecision,
    diagnostic_domains,
)


def cases_visible_to(scope: Scope, purpose: frozenset = READ_IMPROVEMENT_CASES) -> QuerySet[Case]:
    """The cases the person may read (or, for another purpose, change): by the case's trust."""
    return scope.restrict(Case.objects.select_related("trust", "icb"), trust_field="trust", purpose=purpose)


def case_by_id(case_id: str) -> Case | None:
    return Case.objects.select_related("trust", "icb").filter(case_id=case_id).first()


# --- what the clocks read ---------------------------------------------------------------------


@dataclass(frozen=True)
class CaseDates:
    """A case's dates as stored now: empty where the case has not reached them."""

    identified_on: date
    diagnostic_started_on: date | None
    diagnostic_completed_on: date | None
    plan_agreed_on: date | None
    exited_on: date | None


def timelines_of(cases: Iterable[Case]) -> dict[int, CaseTimeline]:
    """case pk -> what the clocks read of it, for many cases in a few queries."""
    cases = list(cases)
    ids = [case.pk for case in cases]
    dates = _dates_of(cases)
    meetings: dict[int, list[MeetingDay]] = defaultdict(list)
    for case_id, kind, held_on in Meeting.objects.filter(case_id__in=ids).values_list("case_id", "kind", "held_on"):
        meetings[case_id].append(MeetingDay(kind, held_on))
    escalations: dict[int, list[EscalationSpell]] = defaultdict(list)
    for case_id, level, escalated_on, deescalated_on in (
        Escalation.objects.filter(case_id__in=ids)
        .order_by("escalated_on", "id")
        .values_list("case_id", "level", "escalated_on", "deescalation__deescalated_on")
    ):
        escalations[case_id].append(EscalationSpell(level, escalated_on, deescalated_on))
    return {
        case.pk: CaseTimeline(
            identified_on=dates[case.pk].identified_on,
            diagnostic_completed_on=dates[case.pk].diagnostic_completed_on,
            plan_agreed_on=dates[case.pk].plan_agreed_on,
            exited_on=dates[case.pk].exited_on,
            meetings=tuple(meetings[case.pk]),
            escalations=tuple(escalations[case.pk]),
        )
        for case in cases
    }


def timeline_of(case: Case) -> CaseTimeline:
    return timelines_of([case])[case.pk]


def _dates_of(cases: list[Case]) -> dict[int, CaseDates]:
    ids = [case.pk for case in cases]
    diagnostic: dict[int, tuple[date | None, date | None]] = {}
    for case_id, started_on, completed_on in (
        DiagnosticRecord.objects.filter(case_id__in=ids)
        .order_by("recorded_at", "id")
        .values_list("case_id", "started_on", "completed_on")
    ):
        diagnostic[case_id] = (started_on, completed_on)  # the latest record stands
    plan: dict[int, date] = {}
    for case_id, agreed_on in PlanVersion.objects.filter(case_id__in=ids, number=1).values_list("case_id", "agreed_on"):
        plan[case_id] = agreed_on  # the plan is agreed when its first version is
    exits = dict(Case.objects.filter(pk__in=ids, exit__isnull=False).values_list("pk", "exit__exited_on"))
    return {
        case.pk: CaseDates(
            identified_on=case.identified_on,
            diagnostic_started_on=diagnostic.get(case.pk, (None, None))[0],
            diagnostic_completed_on=diagnostic.get(case.pk, (None, None))[1],
            plan_agreed_on=plan.get(case.pk),
            exited_on=exits.get(case.pk),
        )
        for case in cases
    }


def dates_of(case: Case) -> CaseDates:
    return _dates_of([case])[case.pk]


# --- a case's parts ---------------------------------------------------------------------------


def concerns_of(case: Case) -> list[Concern]:
    """The concerns accepted into the case, oldest first."""
    ids = TriageDecision.objects.filter(case=case).values("concern_id")
    return list(
        Concern.objects.filter(pk__in=ids)
        .select_related("signal__site", "safety_check__site", "metric_organisation", "mnsi_case__notification")
        .prefetch_related(Prefetch("triage_decisions", queryset=TriageDecision.objects.order_by("recorded_at", "id")))
        .order_by("identified_on", "id")
    )


def latest_triage(concern: Concern) -> TriageDecision | None:
    decisions = list(concern.triage_decisions.all())
    return max(decisions, key=lambda decision: (decision.recorded_at, decision.id), default=None)


def current_people(case: Case) -> list[CasePerson]:
    """The people in their role now (a person whose role ended is kept in the history)."""
    return list(case.people.filter(end__isnull=True).order_by("role", "name", "id"))


def latest_findings(case: Case) -> dict[str, DiagnosticFinding]:
    """domain -> its latest finding (a newer row supersedes an older one)."""
    latest: dict[str, DiagnosticFinding] = {}
    for finding in case.diagnostic_findings.order_by("recorded_at", "id"):
        latest[finding.domain] = finding
    return latest


def domains_with_findings(case: Case) -> list[tuple[str, str, DiagnosticFinding | None]]:
    """(code, label, latest finding or None) for each configured domain, in order, then any
    domain with findings that is no longer configured (its findings are kept)."""
    latest = latest_findings(case)
    configured = diagnostic_domains()
    rows = [(code, label, latest.get(code)) for code, label in configured]
    known = {code for code, _label in configured}
    rows.extend(
        (code, code.replace("_", " ").capitalize(), finding) for code, finding in latest.items() if code not in known
    )
    return rows


def plan_versions(case: Case) -> list[PlanVersion]:
    return list(case.plan_versions.order_by("number"))


def current_plan(case: Case) -> PlanVersion | None:
    return case.plan_versions.order_by("-number").first()


@dataclass(frozen=True)
class ActionState:
    """A plan action with its current status and RAG (its latest update's; not started and no
    RAG before any), and whether a later version removed it."""

    action: PlanAction
    updates: tuple[PlanActionUpdate, ...]

    @property
    def latest(self) -> PlanActionUpdate | None:
        return self.updates[-1] if self.updates else None

    @property
    def status(self) -> str:
        return self.latest.status if self.latest else "not_started"

    @property
    def rag(self) -> str:
        return self.latest.rag if self.latest else ""

    @property
    def removed(self) -> bool:
        return hasattr(self.action, "removal")

    def overdue_on(self, day: date) -> bool:
        return not self.removed and self.status != "completed" and day > self.action.due_on


def action_states(case: Case, *, include_removed: bool = False) -> list[ActionState]:
    """The plan's actions in number order, each with its updates oldest first."""
    updates = Prefetch(
        "updates", queryset=PlanActionUpdate.objects.select_related("recorded_by").order_by("recorded_at", "id")
    )
    actions = case.plan_actions.select_related("added_in", "removal__removed_in").prefetch_related(updates)
    states = [ActionState(action, tuple(action.updates.all())) for action in actions.order_by("number")]
    return states if include_removed else [state for state in states if not state.removed]


def actions_in_plan_on(case: Case, day: date) -> list[PlanAction]:
    """The actions of the plan as it stood on a day: added in a version agreed on or before it,
    not removed by a version agreed on or before it."""
    return [
        action
        for action in case.plan_actions.select_related("added_in", "removal__removed_in").order_by("number")
        if action.added_in.agreed_on <= day
        and not (hasattr(action, "removal") and action.removal.removed_in.agreed_on <= day)
    ]


def feedback_of(case: Case) -> list[tuple[FeedbackItem, FeedbackResponse | None]]:
    """Each feedback item with its latest response (None: not answered yet)."""
    responses = Prefetch("responses", queryset=FeedbackResponse.objects.order_by("recorded_at", "id"))
    result = []
    for item in case.feedback.prefetch_related(responses).order_by("heard_on", "id"):
        answers = list(item.responses.all())
        result.append((item, answers[-1] if answers else None))
    return result


def meetings_of(case: Case) -> list[Meeting]:
    return list(case.meetings.prefetch_related("action_rags__action").order_by("-held_on", "-id"))


def escalations_of(case: Case) -> list[Escalation]:
    return list(
        case.escalations.select_related("deescalation").prefetch_related("responses").order_by("-escalated_on", "-id")
    )


def current_exit_criteria(case: Case) -> ExitCriteria | None:
    return case.exit_criteria.order_by("-number").first()
