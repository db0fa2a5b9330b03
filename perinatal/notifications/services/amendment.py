"""Amending a notification: a new version with a reason, routed again.

Every affected body hears of it: an amendment to bodies routed before and now, a withdrawal
to bodies no longer routed, a first notification to newly routed ones (:mod:`.outbox`).
"""

from __future__ import annotations

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.notifications.models import CreatedVia, Notification, NotificationVersion, body_name
from perinatal.notifications.routing import DocumentInvalid, FieldError, route
from perinatal.notifications.services.documents import copy_matching_fields, linked_notification, parse, refuse
from perinatal.notifications.services.outbox import deliver_after_commit, queue_deliveries


@transaction.atomic
def amend_notification(
    *, notification: Notification, document: dict, reason: str, user, request=None, via: str = CreatedVia.WEB
) -> NotificationVersion:
    """A new version with a reason; the router runs again and every affected body hears of it."""
    reason = (reason or "").strip()
    problems: list[FieldError] = []
    if not reason:
        problems.append(FieldError("reason", "Enter why you are amending this notification"))
    try:
        parsed = parse(document)
    except DocumentInvalid as invalid:
        raise DocumentInvalid(problems + list(invalid.errors)) from None
    if problems:
        raise DocumentInvalid(problems)
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
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
    deliveries = queue_deliveries(
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
