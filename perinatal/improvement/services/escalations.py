"""Escalations (docs/rules/improvement.md §1, "Escalation"): to the ICB, the region, the national
team or the regulator, with a reason, a date, the response and the de-escalation. The
escalation level clock reads them (docs/rules/improvement.md §2)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from perinatal.core import audit
from perinatal.core.formatting import long_date
from perinatal.improvement.clocks import escalation_date_problem
from perinatal.improvement.models import Case, Deescalation, Escalation, EscalationLevel, EscalationResponse
from perinatal.improvement.selectors.cases import dates_of
from perinatal.improvement.services._common import (
    audited,
    lock,
    not_before_identification,
    not_in_future,
    optional_text,
    require_not_exited,
    stamp,
    text,
)
from perinatal.kernel.refusals import Refused


@transaction.atomic
def escalate(*, case: Case, level: str, escalated_on: date, reason: str, by, request=None) -> Escalation:
    case = lock(case)
    require_not_exited(case, what="an escalation")
    if level not in EscalationLevel.values:
        raise Refused("level", "Select who the case is escalated to")
    if escalated_on is None:
        raise Refused("escalated_on", "Enter the date of the escalation")
    not_in_future(escalated_on, field="escalated_on", words="The date of the escalation")
    not_before_identification(case, escalated_on, field="escalated_on", words="The date of the escalation")
    reason = text(reason, field="reason", empty="Enter why the case is escalated", words="The reason")
    escalation = Escalation.objects.create(
        case=case, level=level, escalated_on=escalated_on, reason=reason, **stamp(by)
    )
    audited(
        case=case,
        action=audit.Action.DECIDE,
        summary=f"escalated to {level} on {escalated_on.isoformat()}",
        by=by,
        request=request,
    )
    return escalation


@transaction.atomic
def record_response(*, escalation: Escalation, response: str, by, request=None) -> EscalationResponse:
    case = lock(escalation.case)
    response = text(response, field="response", empty="Enter the response to the escalation", words="The response")
    row = EscalationResponse.objects.create(escalation=escalation, response=response, **stamp(by))
    audited(
        case=case,
        action=audit.Action.UPDATE,
        summary=f"response to escalation {escalation.pk} recorded",
        by=by,
        request=request,
    )
    return row


@transaction.atomic
def deescalate(*, escalation: Escalation, deescalated_on: date, by, note: str = "", request=None) -> Deescalation:
    """End an escalation: from ``deescalated_on`` it is no longer in force (a de-escalation on
    the day of the escalation means it never was, docs/rules/improvement.md §2)."""
    case = lock(escalation.case)
    if hasattr(escalation, "deescalation"):
        raise Refused(
            "__all__", f"This escalation was de-escalated on {long_date(escalation.deescalation.deescalated_on)}"
        )
    if deescalated_on is None:
        raise Refused("deescalated_on", "Enter the date of the de-escalation")
    not_in_future(deescalated_on, field="deescalated_on", words="The date of the de-escalation")
    problem = escalation_date_problem(escalated_on=escalation.escalated_on, deescalated_on=deescalated_on)
    if problem is not None:
        raise Refused("deescalated_on", problem[0].upper() + problem[1:])
    exited_on = dates_of(case).exited_on
    if exited_on is not None and deescalated_on > exited_on:
        raise Refused(
            "deescalated_on", f"The case exited on {long_date(exited_on)}: de-escalate it on or before that day"
        )
    note = optional_text(note, field="note", words="The note", max_length=5_000)
    row = Deescalation.objects.create(escalation=escalation, deescalated_on=deescalated_on, note=note, **stamp(by))
    audited(
        case=case,
        action=audit.Action.DECIDE,
        summary=f"escalation {escalation.pk} de-escalated on {deescalated_on.isoformat()}",
        by=by,
        request=request,
    )
    return row
