"""The improvement plan (docs/rules/improvement.md §1, "Improvement plan"): versions agreed for
the trust board, their actions and progress, and the service-user feedback with its responses.

A version is agreed whole: its date, who agreed it for the board, a tackling-inequalities
section that must not be empty, and the actions it adds or removes. Only the Improvement
Support Team and the region agree a version (the views check the role); the trust records
the progress of its actions (`update_action`) and answers feedback (`respond_to_feedback`).
The plan is agreed when its first version is, which the meeting clocks count from
(docs/rules/improvement.md §2); a plan is agreed only after the diagnostic is completed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from perinatal.core import audit
from perinatal.core.formatting import long_date
from perinatal.improvement.models import (
    ActionStatus,
    Case,
    FeedbackItem,
    FeedbackResponse,
    PlanAction,
    PlanActionRemoval,
    PlanActionUpdate,
    PlanVersion,
    Rag,
)
from perinatal.improvement.selectors.cases import current_plan, dates_of
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

#: The prefix of the action fields a refusal names: ``actions-0-description`` for the first new
#: action (a Django formset's names); a removal's reason is ``remove_<action number>_reason``.
ACTIONS_PREFIX = "actions"
REMOVAL_REASON_FIELD = "remove_{number}_reason"


@dataclass(frozen=True)
class ActionTerms:
    """A new action of a plan version."""

    description: str
    owner: str
    due_on: date | None
    linked_metric: str = ""


@dataclass(frozen=True)
class Removal:
    """An action a new version takes out of the plan, and why."""

    number: int
    reason: str


def _checked_actions(actions: Sequence[ActionTerms], *, agreed_on: date) -> list[ActionTerms]:
    checked = []
    for index, terms in enumerate(actions):
        field = f"{ACTIONS_PREFIX}-{index}-"
        description = text(
            terms.description,
            field=field + "description",
            empty=f"Enter what action {index + 1} is",
            words="The action",
            max_length=2_000,
        )
        owner = text(
            terms.owner,
            field=field + "owner",
            empty=f"Enter who owns action {index + 1}",
            words="The owner",
            max_length=150,
        )
        if terms.due_on is None:
            raise Refused(field + "due_on", f"Enter the date action {index + 1} is due")
        if terms.due_on < agreed_on:
            raise Refused(
                field + "due_on",
                f"Action {index + 1} must be due on or after {long_date(agreed_on)}, when the version is agreed",
            )
        linked = optional_text(
            terms.linked_metric, field=field + "linked_metric", words="The linked metric", max_length=150
        )
        checked.append(ActionTerms(description, owner, terms.due_on, linked))
    return checked


@transaction.atomic
def agree_plan_version(
    *,
    case: Case,
    agreed_on: date,
    agreed_for_board_by: str,
    tackling_inequalities: str,
    by,
    actions: Sequence[ActionTerms] = (),
    removals: Sequence[Removal] = (),
    summary: str = "",
    change_reason: str = "",
    request=None,
) -> PlanVersion:
    """Agree the next version of the plan with the actions it adds and removes."""
    case = lock(case)
    require_not_exited(case, what="the plan")
    if agreed_on is None:
        raise Refused("agreed_on", "Enter the date the plan was agreed")
    not_in_future(agreed_on, field="agreed_on", words="The date the plan was agreed")
    not_before_identification(case, agreed_on, field="agreed_on", words="The date the plan was agreed")
    agreed_for_board_by = text(
        agreed_for_board_by,
        field="agreed_for_board_by",
        empty="Enter who agreed the plan for the trust board",
        words="Who agreed the plan",
        max_length=200,
    )
    # docs/rules/improvement.md §1: the tackling-inequalities section must not be empty.
    tackling_inequalities = text(
        tackling_inequalities,
        field="tackling_inequalities",
        empty="Enter how the plan tackles inequalities: this section cannot be empty",
        words="The tackling-inequalities section",
    )
    summary = optional_text(summary, field="summary", words="The summary", max_length=10_000)
    previous = current_plan(case)
    if previous is None:
        stored = dates_of(case)
        if stored.diagnostic_completed_on is None:
            raise Refused("agreed_on", "Record the diagnostic's completion before agreeing the plan")
        check_case_dates(case, {"plan_agreed_on": "agreed_on"}, plan_agreed_on=agreed_on)
        change_reason = optional_text(change_reason, field="change_reason", words="The reason", max_length=10_000)
    else:
        if agreed_on < previous.agreed_on:
            raise Refused(
                "agreed_on",
                f"The date must be on or after {long_date(previous.agreed_on)}, "
                f"when version {previous.number} was agreed",
            )
        change_reason = text(
            change_reason, field="change_reason", empty="Enter why the plan is changing", words="The reason"
        )
    new_actions = _checked_actions(actions, agreed_on=agreed_on)
    in_plan = {action.number: action for action in case.plan_actions.filter(removal__isnull=True)}
    for removal in removals:
        field = REMOVAL_REASON_FIELD.format(number=removal.number)
        if removal.number not in in_plan:
            raise Refused(field, f"Action {removal.number} is not in the plan")
        text(
            removal.reason,
            field=field,
            empty=f"Enter why action {removal.number} is taken out of the plan",
            words="The reason",
            max_length=300,
        )
    if len(in_plan) - len({removal.number for removal in removals}) + len(new_actions) == 0:
        raise Refused(f"{ACTIONS_PREFIX}-0-description", "Add at least one action to the plan")
    version = PlanVersion.objects.create(
        case=case,
        number=(previous.number + 1) if previous else 1,
        agreed_on=agreed_on,
        agreed_for_board_by=agreed_for_board_by,
        tackling_inequalities=tackling_inequalities,
        summary=summary,
        change_reason=change_reason,
        **stamp(by),
    )
    next_number = max((action.number for action in case.plan_actions.all()), default=0) + 1
    for offset, terms in enumerate(new_actions):
        PlanAction.objects.create(
            case=case,
            added_in=version,
            number=next_number + offset,
            description=terms.description,
            owner=terms.owner,
            due_on=terms.due_on,
            linked_metric=terms.linked_metric,
            **stamp(by),
        )
    for removal in removals:
        PlanActionRemoval.objects.create(
            action=in_plan[removal.number], removed_in=version, reason=removal.reason.strip(), **stamp(by)
        )
    audited(
        case=case, action=audit.Action.DECIDE, summary=f"plan version {version.number} agreed", by=by, request=request
    )
    return version


@transaction.atomic
def update_action(*, action: PlanAction, status: str, rag: str, note: str, by, request=None) -> PlanActionUpdate:
    """The action's status and RAG now, with a note of the progress: a new row, never an edit."""
    case = lock(action.case)
    require_not_exited(case, what="progress on an action")
    if hasattr(action, "removal"):
        raise Refused(
            "__all__", f"Action {action.number} was taken out of the plan in version {action.removal.removed_in.number}"
        )
    if status not in ActionStatus.values:
        raise Refused("status", "Select the action's status")
    if rag not in Rag.values:
        raise Refused("rag", "Select the action's RAG rating: red, amber or green")
    note = text(note, field="note", empty="Enter the progress on the action", words="The note", max_length=2_000)
    update = PlanActionUpdate.objects.create(action=action, status=status, rag=rag, note=note, **stamp(by))
    audited(
        case=case,
        action=audit.Action.UPDATE,
        summary=f"action {action.number} updated ({status}, {rag})",
        by=by,
        request=request,
    )
    return update


@transaction.atomic
def record_feedback(*, case: Case, heard_on: date, heard: str, by, source: str = "", request=None) -> FeedbackItem:
    """Service-user feedback heard (through the lived-experience experts), for the plan to answer."""
    case = lock(case)
    require_not_exited(case, what="feedback")
    if heard_on is None:
        raise Refused("heard_on", "Enter the date the feedback was heard")
    not_in_future(heard_on, field="heard_on", words="The date the feedback was heard")
    heard = text(heard, field="heard", empty="Enter what service users said", words="The feedback", max_length=5_000)
    source = optional_text(source, field="source", words="Where it was heard", max_length=150)
    item = FeedbackItem.objects.create(case=case, heard_on=heard_on, heard=heard, source=source, **stamp(by))
    audited(
        case=case,
        action=audit.Action.UPDATE,
        summary=f"service-user feedback {item.pk} recorded",
        by=by,
        request=request,
    )
    return item


@transaction.atomic
def respond_to_feedback(*, item: FeedbackItem, response: str, by, request=None) -> FeedbackResponse:
    """The response to a feedback item; a later one supersedes it (both are kept)."""
    case = lock(item.case)
    response = text(
        response, field="response", empty="Enter the response to the feedback", words="The response", max_length=5_000
    )
    answer = FeedbackResponse.objects.create(item=item, response=response, **stamp(by))
    audited(
        case=case,
        action=audit.Action.UPDATE,
        summary=f"response to feedback {item.pk} recorded",
        by=by,
        request=request,
    )
    return answer
