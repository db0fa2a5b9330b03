"""An amendment in progress: the journey's answers for one notification and one person, saved
on every page, sent as a new version with a reason (docs/rules/routing.md §8).

It starts from the current version. If another version is sent while the person works, their
changes are laid over it, each answer both changed is noted, and they are told before they
send (docs/rules/routing.md §10): nothing is lost.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from perinatal.core import clock
from perinatal.notifications.amending.answers import amended_document, answers_from_document, rebase
from perinatal.notifications.journey import steps
from perinatal.notifications.journey.steps import JOURNEY_KEY
from perinatal.notifications.models import AmendmentDraft, Draft, Notification, NotificationVersion
from perinatal.notifications.services.amendment import amend_notification
from perinatal.notifications.services.refusals import VersionConflict

#: Where the journey keeps the note of a version sent by someone else meanwhile.
MOVED_ON_KEY = "moved_on"


def reported_as(notification: Notification) -> str | None:
    """What the reporter said happened, when they used the web journey (its submitted draft)."""
    draft = Draft.objects.filter(submitted=notification).only("answers").first()
    return steps.journey_of(draft.answers).get("what_happened") if draft else None


def document_of(draft: AmendmentDraft, *, base: NotificationVersion | None = None) -> dict[str, Any]:
    """The notification document the amendment's answers make now."""
    base = base or draft.notification.versions.get(number=draft.base_version)
    return amended_document(draft.answers, original=base.document, said=reported_as(draft.notification))


@transaction.atomic
def open_amendment(*, notification: Notification, user) -> AmendmentDraft:
    """The person's amendment in progress, started from the current version, or brought up to it
    when someone else sent a version in the meantime."""
    current = notification.current_version
    draft = AmendmentDraft.objects.select_for_update().filter(notification=notification, created_by=user).first()
    if draft is None:
        now = clock.now()
        try:
            with transaction.atomic():
                return AmendmentDraft.objects.create(
                    notification=notification,
                    created_by=user,
                    base_version=current.number,
                    answers=answers_from_document(current.document, said=reported_as(notification)),
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:  # the same person in a second tab at the same moment
            draft = AmendmentDraft.objects.select_for_update().get(notification=notification, created_by=user)
    if draft.base_version != current.number:
        _bring_up_to(draft, current)
    return draft


def _bring_up_to(draft: AmendmentDraft, current: NotificationVersion) -> None:
    base = draft.notification.versions.get(number=draft.base_version)
    rebased = rebase(mine=document_of(draft, base=base), base=base.document, theirs=current.document)
    said = steps.journey_of(draft.answers).get("what_happened")
    answers = answers_from_document(rebased.document, said=said)
    answers[JOURNEY_KEY][MOVED_ON_KEY] = {
        "from": base.number,
        "to": current.number,
        "by": current.created_by.display_name if current.created_by else "the trust's system (API)",
        "at": current.created_at.isoformat(),
        "both_changed": list(rebased.both_changed),
    }
    draft.answers, draft.base_version, draft.updated_at = answers, current.number, clock.now()
    draft.save(update_fields=["answers", "base_version", "updated_at"])


def save_amendment_answers(*, draft: AmendmentDraft, answers: dict[str, Any]) -> AmendmentDraft:
    draft.answers, draft.updated_at = answers, clock.now()
    draft.save(update_fields=["answers", "updated_at"])
    return draft


def discard_amendment(*, draft: AmendmentDraft) -> None:
    draft.delete()


def send_amendment(
    *, draft: AmendmentDraft, reason: str, expected_version: int, user, request=None
) -> NotificationVersion:
    """Send the amendment as a new version, and its draft is gone, in one transaction.

    Raises DocumentInvalid, or VersionConflict after bringing the draft up to the version now
    current (in a transaction of its own, so the person's answers are kept).
    """
    notification = draft.notification
    try:
        with transaction.atomic():
            if expected_version != draft.base_version:
                # The page was made from an older state of the draft (another tab brought it up).
                raise VersionConflict(notification.versions.get(number=draft.base_version))
            version = amend_notification(
                notification=notification,
                document=document_of(draft),
                reason=reason,
                user=user,
                request=request,
                expected_version=expected_version,
            )
            AmendmentDraft.objects.filter(pk=draft.pk).delete()
    except VersionConflict:
        notification.refresh_from_db()
        open_amendment(notification=notification, user=user)
        raise
    return version
