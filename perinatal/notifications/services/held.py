"""A submission held as a possible duplicate: the trust confirms it is a different event (it is
then delivered as normal, with the duplicate flag) or discards it (recorded, never delivered).

docs/rules/routing.md §7.2 and §7.4. Each decision is audited; a second decision on the same
submission (a double click, two people at once) is refused, naming what was decided.
"""

from __future__ import annotations

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.notifications.models import Notification, body_name
from perinatal.notifications.routing import route
from perinatal.notifications.services.documents import parse
from perinatal.notifications.services.outbox import deliver_after_commit, queue_deliveries
from perinatal.notifications.services.refusals import InvalidInput

REASON_MAX = 500
STATE_FIELDS = ["state", "state_reason", "state_changed_at", "state_changed_by", "updated_at"]


def _held(notification: Notification) -> Notification:
    locked = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("trust", "current_version")
        .get(pk=notification.pk)
    )
    if locked.state != Notification.State.HELD:
        who = f" by {locked.state_changed_by.display_name}" if locked.state_changed_by else ""
        raise InvalidInput(
            "decision",
            f"Notification {locked.reference} is no longer held: it was {locked.get_state_display().lower()}{who}",
        )
    return locked


def _reason(text: str, *, required: str | None) -> str:
    reason = " ".join((text or "").split())
    if not reason and required:
        raise InvalidInput("reason", required)
    if len(reason) > REASON_MAX:
        raise InvalidInput("reason", f"The reason must be {REASON_MAX} characters or fewer")
    return reason


@transaction.atomic
def confirm_distinct(*, notification: Notification, reason: str, user, request=None) -> Notification:
    """The trust says the held submission is a different event: it is delivered as normal."""
    reason = _reason(reason, required="Enter why this is a different event, for example the second twin")
    notification = _held(notification)
    version = notification.current_version
    parsed = parse(version.document)
    result = route(parsed)
    now = clock.now()
    notification.state = Notification.State.SUBMITTED
    notification.distinct_because = reason
    notification.state_reason = reason
    notification.state_changed_at, notification.state_changed_by = now, user
    notification.updated_at = now
    notification.save(update_fields=[*STATE_FIELDS, "distinct_because"])
    deliveries, _cases = queue_deliveries(
        notification=notification, version=version, parsed=parsed, result=result, previous_bodies=set(), actor=user
    )
    bodies = ", ".join(body_name(d.body) for d in deliveries) or "no national body"
    audit.record(
        action=audit.Action.DECIDE,
        obj=notification,
        organisation=notification.trust,
        request=request,
        actor=user,
        summary=(
            f"Held notification {notification.reference} confirmed as a different event from "
            f"{', '.join(notification.possible_duplicate_of)}; sent to {bodies}"
        ),
    )
    if deliveries:
        deliver_after_commit(notification.pk)
    return notification


@transaction.atomic
def discard_held(*, notification: Notification, reason: str, user, request=None) -> Notification:
    """The trust says the held submission is a duplicate: kept on record, delivered to nobody."""
    reason = _reason(reason, required=None)
    notification = _held(notification)
    now = clock.now()
    notification.state = Notification.State.DISCARDED
    notification.state_reason = reason or f"A duplicate of {', '.join(notification.possible_duplicate_of)}"
    notification.state_changed_at, notification.state_changed_by = now, user
    notification.updated_at = now
    notification.save(update_fields=STATE_FIELDS)
    audit.record(
        action=audit.Action.DECIDE,
        obj=notification,
        organisation=notification.trust,
        request=request,
        actor=user,
        summary=(
            f"Held notification {notification.reference} discarded as a duplicate of "
            f"{', '.join(notification.possible_duplicate_of)}; sent to no national body"
        ),
    )
    return notification
