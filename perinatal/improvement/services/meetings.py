"""Monthly executive meetings and quarterly improvement reviews (docs/rules/improvement.md §1,
"Meetings"), which the meeting clocks count (docs/rules/improvement.md §2: a meeting counts for
the month and the quarter it was held in)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction

from perinatal.core import audit
from perinatal.core.formatting import long_date
from perinatal.improvement.models import Case, Meeting, MeetingActionRag, MeetingKind, Rag, ReviewOutcome
from perinatal.improvement.selectors.cases import actions_in_plan_on, dates_of
from perinatal.improvement.services._common import (
    audited,
    lock,
    not_before_identification,
    not_in_future,
    optional_text,
    stamp,
    text,
)
from perinatal.kernel.refusals import Refused

#: A refusal of an action's RAG names ``rag_<action number>``, the form's field for it.
RAG_FIELD = "rag_{number}"


@transaction.atomic
def record_meeting(
    *,
    case: Case,
    kind: str,
    held_on: date,
    attendees: str,
    minutes: str,
    by,
    decisions: str = "",
    outcome: str = "",
    action_rags: Mapping[int, str] | None = None,
    request=None,
) -> Meeting:
    """Record a meeting held, with a RAG per action of the plan as it stood that day
    (``action_rags``: action number -> red, amber or green; an action left out was not rated)."""
    case = lock(case)
    if kind not in MeetingKind.values:
        raise Refused("kind", "Select the kind of meeting")
    words = MeetingKind(kind).label.lower()
    if held_on is None:
        raise Refused("held_on", f"Enter the date of the {words}")
    not_in_future(held_on, field="held_on", words=f"The date of the {words}")
    not_before_identification(case, held_on, field="held_on", words=f"The date of the {words}")
    exited_on = dates_of(case).exited_on
    if exited_on is not None and held_on > exited_on:
        raise Refused(
            "held_on", f"The case exited on {long_date(exited_on)}: a meeting after it is not part of the case"
        )
    if case.meetings.filter(kind=kind, held_on=held_on).exists():
        raise Refused("held_on", f"A {words} on {long_date(held_on)} is recorded already")
    attendees = text(attendees, field="attendees", empty="Enter who attended", words="The attendees", max_length=5_000)
    minutes = text(minutes, field="minutes", empty="Enter the minutes", words="The minutes", max_length=20_000)
    decisions = optional_text(decisions, field="decisions", words="The decisions", max_length=10_000)
    if kind == MeetingKind.QUARTERLY_REVIEW:
        if outcome not in ReviewOutcome.values:
            raise Refused("outcome", "Select the review's outcome")
    elif outcome:
        raise Refused("outcome", "Only a quarterly improvement review has an outcome")
    in_plan = {action.number: action for action in actions_in_plan_on(case, held_on)}
    rags = {}
    for number, rag in (action_rags or {}).items():
        if not rag:
            continue
        if number not in in_plan:
            raise Refused(
                RAG_FIELD.format(number=number), f"Action {number} was not in the plan on {long_date(held_on)}"
            )
        if rag not in Rag.values:
            raise Refused(RAG_FIELD.format(number=number), f"Select red, amber or green for action {number}")
        rags[number] = rag
    meeting = Meeting.objects.create(
        case=case,
        kind=kind,
        held_on=held_on,
        attendees=attendees,
        minutes=minutes,
        decisions=decisions,
        outcome=outcome if kind == MeetingKind.QUARTERLY_REVIEW else "",
        **stamp(by),
    )
    for number, rag in rags.items():
        MeetingActionRag.objects.create(meeting=meeting, action=in_plan[number], rag=rag)
    audited(
        case=case,
        action=audit.Action.CREATE,
        summary=f"{words} of {held_on.isoformat()} recorded",
        by=by,
        request=request,
    )
    return meeting
