"""The critical safety check workflow (docs/rules/surveillance.md §1.4): owner, findings, actions, completion.

A check is opened by a MOSS run (:mod:`.signals`); the trust's local authoriser then records
it here. Every change locks the check, is refused with the form field it concerns
(:class:`SafetyCheckRefused`) and is audited. Actions outlive the check (ADR 0013).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from perinatal.accounts.models import User
from perinatal.accounts.roles import Role
from perinatal.accounts.selectors import active_users
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Organisation
from perinatal.surveillance.models import (
    CriticalSafetyCheck,
    ReviewArea,
    SafetyCheckAction,
    SafetyCheckActionUpdate,
    SafetyCheckFinding,
    SafetyCheckStatusRecord,
)
from perinatal.surveillance.selectors.safety_checks import latest_action_update, open_actions


class SafetyCheckRefused(Refused):
    """A change to a safety check that cannot be made, naming the form field it concerns."""


def _require_open(check: CriticalSafetyCheck) -> None:
    if not check.is_open:
        raise SafetyCheckRefused("__all__", "This safety check is completed: it can no longer be changed")


def _lock(check: CriticalSafetyCheck) -> CriticalSafetyCheck:
    return CriticalSafetyCheck.objects.select_for_update().get(pk=check.pk)


def eligible_owners(trust: Organisation):
    """People who may lead a check: the trust's local authorisers and trust viewers who have set
    up their account and are not suspended (someone only invited could not open the check)."""
    return (
        active_users()
        .filter(
            memberships__organisation=trust,
            memberships__revoked_at__isnull=True,
            memberships__suspended_at__isnull=True,
            memberships__role__in=[Role.LOCAL_AUTHORISER.value, Role.TRUST_VIEWER.value],
        )
        .distinct()
        .order_by("full_name", "email")
    )


@transaction.atomic
def assign_owner(*, check: CriticalSafetyCheck, owner: User, by: User, request=None) -> CriticalSafetyCheck:
    check = _lock(check)
    _require_open(check)
    if not eligible_owners(check.trust).filter(pk=owner.pk).exists():
        raise SafetyCheckRefused("owner", "Choose a local authoriser or trust viewer of this trust as the owner")
    check.owner = owner
    check.save(update_fields=["owner"])
    audit.record(
        action=audit.Action.UPDATE,
        obj=check,
        organisation=check.trust,
        summary=f"Safety check {check.reference} owner set (user {owner.pk})",
        request=request,
        actor=by,
    )
    return check


@transaction.atomic
def record_finding(
    *, check: CriticalSafetyCheck, area: str, findings: str, by: User, request=None
) -> SafetyCheckFinding:
    check = _lock(check)
    _require_open(check)
    if area not in ReviewArea.values:
        raise SafetyCheckRefused("area", "Choose the area the findings are about")
    findings = (findings or "").strip()
    if not findings:
        raise SafetyCheckRefused("findings", f"Enter what the review of {ReviewArea(area).label.lower()} found")
    finding = SafetyCheckFinding.objects.create(
        safety_check=check, area=area, findings=findings, recorded_by=by, recorded_at=clock.now()
    )
    audit.record(
        action=audit.Action.UPDATE,
        obj=check,
        organisation=check.trust,
        summary=f"Safety check {check.reference}: findings recorded for {ReviewArea(area).label.lower()}",
        request=request,
        actor=by,
    )
    return finding


@transaction.atomic
def add_action(
    *, check: CriticalSafetyCheck, description: str, owner: str, due_on: date, by: User, request=None
) -> SafetyCheckAction:
    check = _lock(check)
    _require_open(check)
    description, owner = (description or "").strip(), (owner or "").strip()
    if not description:
        raise SafetyCheckRefused("description", "Enter what the action is")
    if not owner:
        raise SafetyCheckRefused("owner", "Enter who owns the action")
    if due_on < check.opened_on:
        raise SafetyCheckRefused(
            "due_on", f"The action's due date must be on or after {long_date(check.opened_on)}, when the check opened"
        )
    action = SafetyCheckAction.objects.create(
        safety_check=check, description=description, owner=owner, due_on=due_on, recorded_by=by, recorded_at=clock.now()
    )
    audit.record(
        action=audit.Action.UPDATE,
        obj=check,
        organisation=check.trust,
        summary=f"Safety check {check.reference}: action {action.pk} added, due {long_date(due_on)}",
        request=request,
        actor=by,
    )
    return action


ACTION_NOTE_MAX_LENGTH = 1000


def note_needed(*, status: str, was_done: bool) -> str:
    """The error for an update without a note, worded for what the update does."""
    if status == SafetyCheckActionUpdate.Status.DONE:
        return "Enter what was done to complete the action"
    if was_done:
        return "Enter why the action is open again"
    return "Enter the progress on the action so far"


@transaction.atomic
def update_action(
    *, action: SafetyCheckAction, status: str, note: str, by: User, request=None
) -> SafetyCheckActionUpdate:
    """Mark an action done, note its progress, or open it again: a new row, never an edit.

    Allowed after the check is completed (not ``_require_open``): actions go on the trust's
    action plan and outlive the 8-working-day check (ADR 0013). Every update needs a note,
    because "done" without what was done is no evidence for the action plan.
    """
    check = _lock(action.safety_check)  # one update of a check's actions at a time
    if status not in SafetyCheckActionUpdate.Status.values:
        raise SafetyCheckRefused("status", "Select whether the action is done or still open")
    latest = latest_action_update(action)
    was_done = latest is not None and latest.status == SafetyCheckActionUpdate.Status.DONE
    note = (note or "").strip()
    if not note:
        raise SafetyCheckRefused("note", note_needed(status=status, was_done=was_done))
    if len(note) > ACTION_NOTE_MAX_LENGTH:
        raise SafetyCheckRefused("note", f"The note must be {ACTION_NOTE_MAX_LENGTH:,} characters or fewer")
    update = SafetyCheckActionUpdate.objects.create(
        action=action,
        status=status,
        note=note,
        at=clock.now(),
        actor=by,
        actor_label=by.email,
    )
    if status == SafetyCheckActionUpdate.Status.DONE:
        what = "noted again as done" if was_done else "marked done"
    else:
        what = "opened again" if was_done else "progress noted"
    audit.record(
        action=audit.Action.UPDATE,
        obj=check,
        organisation=check.trust,
        summary=f"Safety check {check.reference}: action {action.pk} {what}",
        request=request,
        actor=by,
    )
    return update


def missing_areas(check: CriticalSafetyCheck) -> list[str]:
    recorded = set(check.findings.values_list("area", flat=True))
    return [area.label for area in ReviewArea if area.value not in recorded]


@transaction.atomic
def complete_check(*, check: CriticalSafetyCheck, summary: str, by: User, request=None) -> CriticalSafetyCheck:
    """Complete the check: every review area needs findings, and the completion needs a summary."""
    check = _lock(check)
    _require_open(check)
    missing = missing_areas(check)
    if missing:
        raise SafetyCheckRefused(
            "summary",
            "Record findings for " + ", ".join(area.lower() for area in missing) + " before completing the check",
        )
    summary = (summary or "").strip()
    if not summary:
        raise SafetyCheckRefused("summary", "Enter a summary of the safety check's conclusions")
    now = clock.now()
    check.status = CriticalSafetyCheck.Status.COMPLETED
    check.completed_at = now
    check.completed_by = by
    check.completion_summary = summary
    check.save(update_fields=["status", "completed_at", "completed_by", "completion_summary"])
    late = check.was_completed_late()
    # Open actions do not block completion: they carry on in the trust's action plan (ADR 0013).
    still_open = len(open_actions(check))
    note = "completed after its due date" if late else "completed by its due date"
    if still_open:
        note += f"; {still_open} action{'s' if still_open != 1 else ''} still open"
    SafetyCheckStatusRecord.objects.create(
        safety_check=check,
        status=CriticalSafetyCheck.Status.COMPLETED,
        at=now,
        actor=by,
        actor_label=by.email,
        note=note,
    )
    audit.record(
        action=audit.Action.DECIDE,
        obj=check,
        organisation=check.trust,
        summary=f"Safety check {check.reference} completed" + (" after its due date" if late else ""),
        request=request,
        actor=by,
    )
    return check
