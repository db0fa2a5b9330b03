"""Exit (docs/rules/improvement.md §1, "Exit"): criteria agreed at entry and changed only by a new
version with a reason; an assessment against each criterion with a recommendation; the national
decision; the formal exit, which stops the clocks (docs/rules/improvement.md §2), and the
period of monitoring after it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from perinatal.core import audit
from perinatal.core.formatting import long_date
from perinatal.improvement.models import (
    Case,
    CaseExit,
    CriterionResult,
    ExitAssessment,
    ExitCriteria,
    ExitDecision,
    Recommendation,
)
from perinatal.improvement.selectors.cases import current_exit_criteria
from perinatal.improvement.services._common import (
    audited,
    check_case_dates,
    lock,
    not_before_identification,
    not_in_future,
    optional_text,
    require_not_exited,
    stamp,
    text,
)
from perinatal.kernel.refusals import Refused


def criteria_lines(criteria: str | Sequence[str]) -> list[str]:
    """One criterion a line; list marks and blank lines dropped."""
    lines = criteria.splitlines() if isinstance(criteria, str) else list(criteria)
    cleaned = (line.strip().lstrip("-*•").strip() for line in lines)
    return [line for line in cleaned if line]


@transaction.atomic
def agree_exit_criteria(
    *, case: Case, criteria: str | Sequence[str], agreed_on: date, by, change_reason: str = "", request=None
) -> ExitCriteria:
    """The exit criteria: the first version is agreed at entry; every later one needs its reason."""
    case = lock(case)
    require_not_exited(case, what="exit criteria")
    lines = criteria_lines(criteria)
    if not lines:
        raise Refused("criteria", "Enter the exit criteria, one a line")
    if any(len(line) > 1_000 for line in lines):
        raise Refused("criteria", "Each criterion must be 1,000 characters or fewer")
    if agreed_on is None:
        raise Refused("agreed_on", "Enter the date the criteria were agreed")
    not_in_future(agreed_on, field="agreed_on", words="The date the criteria were agreed")
    not_before_identification(case, agreed_on, field="agreed_on", words="The date the criteria were agreed")
    previous = current_exit_criteria(case)
    if previous is None:
        change_reason = optional_text(change_reason, field="change_reason", words="The reason", max_length=5_000)
    else:
        if agreed_on < previous.agreed_on:
            raise Refused(
                "agreed_on",
                f"The date must be on or after {long_date(previous.agreed_on)}, "
                f"when version {previous.number} was agreed",
            )
        change_reason = text(
            change_reason,
            field="change_reason",
            empty="Enter why the exit criteria are changing",
            words="The reason",
            max_length=5_000,
        )
    version = ExitCriteria.objects.create(
        case=case,
        number=(previous.number + 1) if previous else 1,
        criteria=lines,
        agreed_on=agreed_on,
        change_reason=change_reason,
        **stamp(by),
    )
    audited(
        case=case,
        action=audit.Action.DECIDE,
        summary=f"exit criteria version {version.number} agreed",
        by=by,
        request=request,
    )
    return version


@dataclass(frozen=True)
class CriterionAssessment:
    result: str
    evidence: str


@transaction.atomic
def assess_exit(
    *,
    case: Case,
    assessed_on: date,
    results: Sequence[CriterionAssessment],
    recommendation: str,
    by,
    note: str = "",
    request=None,
) -> ExitAssessment:
    """An assessment against each criterion of the current version, in order (refusals name
    ``result_<n>`` and ``evidence_<n>``, counting from 1), with a recommendation."""
    case = lock(case)
    require_not_exited(case, what="an exit assessment")
    criteria = current_exit_criteria(case)
    if criteria is None:
        raise Refused("__all__", "Agree the exit criteria before assessing the case against them")
    if assessed_on is None:
        raise Refused("assessed_on", "Enter the date of the assessment")
    not_in_future(assessed_on, field="assessed_on", words="The date of the assessment")
    not_before_identification(case, assessed_on, field="assessed_on", words="The date of the assessment")
    if len(results) != len(criteria.criteria):
        raise Refused("__all__", f"Assess each of the {len(criteria.criteria)} criteria")
    rows = []
    for number, (criterion, assessment) in enumerate(zip(criteria.criteria, results, strict=True), start=1):
        if assessment.result not in CriterionResult.values:
            raise Refused(f"result_{number}", f"Select whether criterion {number} is met")
        evidence = text(
            assessment.evidence,
            field=f"evidence_{number}",
            empty=f"Enter the evidence for criterion {number}",
            words="The evidence",
            max_length=5_000,
        )
        rows.append({"criterion": criterion, "result": assessment.result, "evidence": evidence})
    if recommendation not in Recommendation.values:
        raise Refused("recommendation", "Select the recommendation")
    if recommendation == Recommendation.EXIT and any(row["result"] != CriterionResult.MET for row in rows):
        raise Refused("recommendation", "Exit can be recommended only when every criterion is met")
    note = optional_text(note, field="note", words="The note", max_length=5_000)
    assessment = ExitAssessment.objects.create(
        case=case,
        criteria=criteria,
        assessed_on=assessed_on,
        results=rows,
        recommendation=recommendation,
        note=note,
        **stamp(by),
    )
    audited(case=case, action=audit.Action.DECIDE, summary=f"exit assessed: {recommendation}", by=by, request=request)
    return assessment


@transaction.atomic
def record_exit_decision(
    *, case: Case, decided_on: date, decision: str, by, note: str = "", request=None
) -> ExitDecision:
    """The national decision on the recommendation (**policy**: only after an assessment recommending exit
    can exit be agreed)."""
    case = lock(case)
    require_not_exited(case, what="an exit decision")
    if decision not in ExitDecision.Decision.values:
        raise Refused("decision", "Select the national decision")
    if decided_on is None:
        raise Refused("decided_on", "Enter the date of the national decision")
    not_in_future(decided_on, field="decided_on", words="The date of the national decision")
    latest = case.exit_assessments.order_by("-assessed_on", "-id").first()
    if decision == ExitDecision.Decision.EXIT and (latest is None or latest.recommendation != Recommendation.EXIT):
        raise Refused("decision", "Exit can be agreed only after an exit assessment recommending it")
    if latest is not None and decided_on < latest.assessed_on:
        raise Refused(
            "decided_on", f"The decision must be on or after the assessment of {long_date(latest.assessed_on)}"
        )
    note = optional_text(note, field="note", words="The note", max_length=5_000)
    row = ExitDecision.objects.create(case=case, decided_on=decided_on, decision=decision, note=note, **stamp(by))
    audited(
        case=case, action=audit.Action.DECIDE, summary=f"national exit decision: {decision}", by=by, request=request
    )
    return row


@transaction.atomic
def record_exit(*, case: Case, exited_on: date, monitoring_until: date | None, by, request=None) -> CaseExit:
    """The formal exit, after a national decision to exit; monitoring continues until ``monitoring_until``."""
    case = lock(case)
    require_not_exited(case, what="an exit")
    decision = case.exit_decisions.order_by("-decided_on", "-id").first()
    if decision is None or decision.decision != ExitDecision.Decision.EXIT:
        raise Refused("__all__", "Record the national decision to exit first")
    if exited_on is None:
        raise Refused("exited_on", "Enter the date of the formal exit")
    not_in_future(exited_on, field="exited_on", words="The date of the formal exit")
    if exited_on < decision.decided_on:
        raise Refused(
            "exited_on",
            f"The formal exit must be on or after the national decision of {long_date(decision.decided_on)}",
        )
    check_case_dates(case, exited_on=exited_on)
    if monitoring_until is not None and monitoring_until <= exited_on:
        raise Refused("monitoring_until", "The end of monitoring must be after the formal exit")
    row = CaseExit.objects.create(case=case, exited_on=exited_on, monitoring_until=monitoring_until, **stamp(by))
    audited(case=case, action=audit.Action.DECIDE, summary=f"exited on {exited_on.isoformat()}", by=by, request=request)
    return row
