"""A reporter's draft notification: saved on the server page by page, or discarded.

Only its author may change a draft, and not once it is submitted (the draft is then kept with
its notification).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.notifications.models import Draft
from perinatal.notifications.services.refusals import InvalidInput
from perinatal.organisations.models import Organisation


@transaction.atomic
def save_draft(
    *, draft: Draft | None = None, trust: Organisation, user, answers: dict[str, Any], step: str, request=None
) -> Draft:
    """Create or update the user's draft. Only its author may change it, and not once submitted."""
    now = clock.now()
    if draft is None:
        draft = Draft.objects.create(
            trust=trust, created_by=user, answers=answers, step=step, created_at=now, updated_at=now
        )
        audit.record(
            action=audit.Action.CREATE,
            obj=draft,
            organisation=trust,
            summary=f"Draft notification started ({step or 'first page'})",
            request=request,
            actor=user,
        )
        return draft
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.created_by_id != user.pk or draft.trust_id != trust.pk:
        raise InvalidInput("draft", "You can only change your own drafts")
    if draft.submitted_id is not None:
        raise InvalidInput("draft", f"This draft was submitted as {draft.submitted.reference} and cannot be changed")
    draft.answers = answers
    draft.step = step
    draft.updated_at = now
    draft.save(update_fields=["answers", "step", "updated_at"])
    audit.record(
        action=audit.Action.UPDATE,
        obj=draft,
        organisation=trust,
        summary=f"Draft notification saved ({step or 'no step'})",
        request=request,
        actor=user,
    )
    return draft


@transaction.atomic
def discard_draft(*, draft: Draft, user, request=None) -> None:
    if draft.created_by_id != user.pk:
        raise InvalidInput("draft", "You can only delete your own drafts")
    if draft.submitted_id is not None:
        raise InvalidInput("draft", "A submitted draft is kept with its notification")
    audit.record(
        action=audit.Action.DELETE,
        obj=draft,
        organisation=draft.trust,
        summary="Draft notification deleted",
        request=request,
        actor=user,
    )
    draft.delete()
