"""Withdrawing a notification made in error (docs/rules/routing.md §9): every body that has it
is sent a withdrawal with the trust's reason, once; the notification stays on record as
withdrawn and can no longer be amended.
"""

from __future__ import annotations

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.notifications.models import Delivery, Notification, body_name
from perinatal.notifications.services.amendment import refuse_if_moved_on
from perinatal.notifications.services.outbox import deliver_after_commit, queue_withdrawal_in_error
from perinatal.notifications.services.refusals import InvalidInput

REASON_MAX = 2000


@transaction.atomic
def withdraw_notification(
    *, notification: Notification, reason: str, user, request=None, expected_version: int | None = None
) -> list[Delivery]:
    """Withdraw the notification from every body that has it; returns the withdrawals queued.

    Raises InvalidInput (no reason; not a submitted notification) or VersionConflict (it was
    amended since `expected_version`), storing nothing.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("reason", "Enter why you are withdrawing this notification")
    if len(reason) > REASON_MAX:
        raise InvalidInput("reason", f"The reason must be {REASON_MAX} characters or fewer")
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("trust", "current_version__created_by")
        .get(pk=notification.pk)
    )
    if notification.state != Notification.State.SUBMITTED:
        raise InvalidInput(
            "reason",
            f"Notification {notification.reference} is {notification.get_state_display().lower()}: "
            "only a submitted notification can be withdrawn",
        )
    refuse_if_moved_on(notification, expected_version)
    deliveries = queue_withdrawal_in_error(notification=notification, reason=reason, actor=user)
    now = clock.now()
    notification.state = Notification.State.WITHDRAWN
    notification.state_reason = reason
    notification.state_changed_at, notification.state_changed_by = now, user
    notification.updated_at = now
    notification.save(update_fields=["state", "state_reason", "state_changed_at", "state_changed_by", "updated_at"])
    told = ", ".join(body_name(d.body) for d in deliveries) or "no national body (none had it)"
    audit.record(
        action=audit.Action.UPDATE,
        obj=notification,
        organisation=notification.trust,
        request=request,
        actor=user,
        summary=f"Notification {notification.reference} withdrawn as made in error; withdrawal sent to {told}",
    )
    if deliveries:
        deliver_after_commit(notification.pk)
    return deliveries
