"""Amending a notification: a new version with a reason, routed again (docs/rules/routing.md §8).

Every affected body hears of it once: an amendment to bodies routed before and now, a
withdrawal to bodies no longer routed, a first notification to newly routed ones
(:mod:`.outbox`). An amendment made from a version that is no longer current is refused with
``VersionConflict`` (docs/rules/routing.md §10); a held, discarded or withdrawn notification
cannot be amended.
"""

from __future__ import annotations

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.notifications.models import CreatedVia, Notification, NotificationVersion, body_name
from perinatal.notifications.routing import DocumentInvalid, FieldError, route
from perinatal.notifications.services.documents import copy_matching_fields, linked_notification, parse, refuse
from perinatal.notifications.services.outbox import deliver_after_commit, queue_deliveries
from perinatal.notifications.services.refusals import VersionConflict

REASON_MAX = 2000


def refuse_unless_amendable(notification: Notification) -> None:
    """Only a submitted notification changes: a held one is decided first, and a discarded or
    withdrawn one is over (docs/rules/routing.md §8, §9)."""
    if notification.state != Notification.State.SUBMITTED:
        refuse(
            (
                "notification",
                f"Notification {notification.reference} is {notification.get_state_display().lower()}: "
                "it cannot be amended",
            )
        )


def refuse_if_moved_on(notification: Notification, expected_version: int | None) -> None:
    """The optimistic lock (docs/rules/routing.md §10): call with the notification row locked."""
    current = notification.current_version
    if expected_version is not None and current is not None and current.number != expected_version:
        raise VersionConflict(current)


@transaction.atomic
def amend_notification(
    *,
    notification: Notification,
    document: dict,
    reason: str,
    user,
    request=None,
    via: str = CreatedVia.WEB,
    expected_version: int | None = None,
) -> NotificationVersion:
    """A new version with a reason; the router runs again and every affected body hears of it.

    `expected_version` is the version the person started from: if another was sent since,
    ``VersionConflict`` is raised and nothing is stored.
    """
    reason = (reason or "").strip()
    problems: list[FieldError] = []
    if not reason:
        problems.append(FieldError("reason", "Enter why you are amending this notification"))
    elif len(reason) > REASON_MAX:
        problems.append(FieldError("reason", f"The reason must be {REASON_MAX} characters or fewer"))
    try:
        parsed = parse(document)
    except DocumentInvalid as invalid:
        raise DocumentInvalid(problems + list(invalid.errors)) from None
    if problems:
        raise DocumentInvalid(problems)
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    refuse_unless_amendable(notification)
    refuse_if_moved_on(notification, expected_version)
    if parsed.trust != notification.trust.code:
        refuse(("trust", f"The reporting trust cannot change in an amendment (it is {notification.trust.code})"))
    if str(parsed.event) != notification.event:
        refuse(("event", "The type of event cannot change in an amendment. Submit a new notification instead"))
    previous = notification.current_version
    if previous is not None and previous.document == parsed.to_dict():
        refuse(("document", "The amendment changes nothing. Change at least one answer, or cancel"))
    result = route(parsed)
    now = clock.now()
    number = (previous.number if previous else 0) + 1
    version = NotificationVersion.objects.create(
        notification=notification,
        number=number,
        document=parsed.to_dict(),
        routing=result.to_dict(),
        rules_version=result.rules_version,
        reason=reason,
        created_by=user,
        created_via=via,
        created_at=now,
    )
    previous_bodies = set(previous.destination_bodies) if previous else set()
    deliveries, _cases = queue_deliveries(
        notification=notification,
        version=version,
        parsed=parsed,
        result=result,
        previous_bodies=previous_bodies,
        actor=user,
        amendment_reason=reason,
    )
    notification.linked_notification = linked_notification(parsed, not_this=notification)
    notification.current_version = version
    notification.updated_at = now
    copy_matching_fields(notification, parsed)
    notification.save()
    kinds = ", ".join(f"{d.get_kind_display().lower()} to {body_name(d.body)}" for d in deliveries) or "nothing to send"
    audit.record(
        action=audit.Action.UPDATE,
        obj=notification,
        organisation=notification.trust,
        request=request,
        actor=user,
        summary=f"Notification {notification.reference} amended to version {number}: {kinds}",
    )
    if deliveries:
        deliver_after_commit(notification.pk)
    return version
