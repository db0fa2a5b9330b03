"""A case's summary as of a day, for the trust's board report (docs/rules/improvement.md §1:
"The case's summary appears in the trust's board report").

Read as of ``as_of`` like the clocks: a plan version agreed, a meeting held, an escalation
made or an action updated after that day is not in it, so a board report for a past month
reads the case as it stood then.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from perinatal.core import clock
from perinatal.improvement.clocks import CaseClocks, clocks_of
from perinatal.improvement.models import Case, ConcernType, Escalation, Meeting, MeetingKind, PersonRole
from perinatal.improvement.selectors.cases import (
    action_states,
    actions_in_plan_on,
    concerns_of,
    timeline_of,
)


@dataclass(frozen=True)
class CaseSummary:
    case_id: str
    trust_code: str
    trust_name: str
    as_of: date
    clocks: CaseClocks
    identified_on: date
    concern_types: tuple[str, ...]  # labels, in the order the concerns were identified
    improvement_advisor: str  # the lead's name; empty when none is named
    plan_version: int | None  # the version in force on as_of
    plan_agreed_on: date | None
    actions: int
    actions_by_rag: dict[str, int]  # red, amber, green, "" (not rated yet)
    actions_completed: int
    actions_overdue: int
    latest_review_on: date | None
    latest_review_outcome: str  # the outcome's code; empty before the first review
    escalations_in_force: tuple[tuple[str, date], ...]  # (level, escalated_on)
    exited_on: date | None

    @property
    def stage(self) -> str:
        return self.clocks.stage


def case_summary(case: Case, as_of: date) -> CaseSummary:
    """The case as it stood on ``as_of``: its clocks, plan, actions, latest review, escalations and exit."""
    timeline = timeline_of(case)
    clocks = clocks_of(timeline, as_of)
    versions = [version for version in case.plan_versions.order_by("number") if version.agreed_on <= as_of]
    in_plan = {action.pk for action in actions_in_plan_on(case, as_of)}
    rags: Counter[str] = Counter()
    completed = overdue = 0
    for state in action_states(case, include_removed=True):
        if state.action.pk not in in_plan:
            continue
        updates = [update for update in state.updates if clock.london(update.recorded_at).date() <= as_of]
        latest = updates[-1] if updates else None
        rags[latest.rag if latest else ""] += 1
        done = latest is not None and latest.status == "completed"
        completed += done
        overdue += (not done) and as_of > state.action.due_on
    review = (
        Meeting.objects.filter(case=case, kind=MeetingKind.QUARTERLY_REVIEW, held_on__lte=as_of)
        .order_by("-held_on", "-id")
        .first()
    )
    in_force = tuple(
        (escalation.level, escalation.escalated_on)
        for escalation in Escalation.objects.filter(case=case, escalated_on__lte=as_of)
        .select_related("deescalation")
        .order_by("escalated_on", "id")
        if not (hasattr(escalation, "deescalation") and escalation.deescalation.deescalated_on <= as_of)
    )
    advisor = (
        case.people.filter(role=PersonRole.IMPROVEMENT_ADVISOR, end__isnull=True).order_by("recorded_at", "id").first()
    )
    return CaseSummary(
        case_id=case.case_id,
        trust_code=case.trust.code,
        trust_name=case.trust.display_name,
        as_of=as_of,
        clocks=clocks,
        identified_on=case.identified_on,
        concern_types=tuple(
            ConcernType(concern.concern_type).label for concern in concerns_of(case) if concern.identified_on <= as_of
        ),
        improvement_advisor=advisor.name if advisor else "",
        plan_version=versions[-1].number if versions else None,
        plan_agreed_on=versions[0].agreed_on if versions else None,
        actions=len(in_plan),
        actions_by_rag={rag: rags.get(rag, 0) for rag in ("red", "amber", "green", "")},
        actions_completed=completed,
        actions_overdue=overdue,
        latest_review_on=review.held_on if review else None,
        latest_review_outcome=review.outcome if review else "",
        escalations_in_force=in_force,
        exited_on=timeline.exited_on if timeline.exited_by(as_of) else None,
    )
