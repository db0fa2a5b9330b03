"""The outbox: one `Delivery` per body a version must reach, stored in the version's transaction.

Submission, amendment, a held submission the trust confirms, a withdrawal made in error and
an MNSI reference queue deliveries here. The request to the background worker is a row of the
database task queue written in the same transaction, so it exists exactly when the deliveries
do and costs no second commit (issue 13); another task backend is asked after commit
(`transaction.on_commit`). If a request is lost, the sweep in `perinatal.notifications.delivery`
finds the queued deliveries anyway.
A delivery that failed is put back in the queue by hand (``retry_delivery``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.notifications import delivery, payloads
from perinatal.notifications.delivery import wall_now
from perinatal.notifications.models import (
    BodyCase,
    Delivery,
    DeliveryStatusRecord,
    Notification,
    NotificationVersion,
    body_name,
)
from perinatal.notifications.routing import BODY_ORDER, Body, NotificationDocument, RoutingResult, due_dates
from perinatal.notifications.services.refusals import InvalidInput

logger = logging.getLogger(__name__)


def _version_due_dates(parsed: NotificationDocument, result: RoutingResult) -> dict[str, Any]:
    return {str(due.body): due.due_on for due in due_dates(document=parsed, result=result)}


def queue_deliveries(
    *,
    notification: Notification,
    version: NotificationVersion,
    parsed: NotificationDocument,
    result: RoutingResult,
    previous_bodies: set[str],
    actor,
    amendment_reason: str = "",
) -> tuple[list[Delivery], list[BodyCase]]:
    """One delivery per body that must hear about this version; their cases brought up to date.
    Returns the deliveries and the cases made (a body's first).

    Bodies routed now and before get an amendment, bodies no longer routed a withdrawal,
    newly routed bodies their first notification.
    """
    now = clock.now()
    due = _version_due_dates(parsed, result)
    # A new notification has no cases yet: no query for them.
    cases = (
        {case.body: case for case in BodyCase.objects.filter(notification=notification)}
        if previous_bodies or version.number > 1
        else {}
    )
    mnsi_case = cases.get(str(Body.MNSI))
    mnsi_reference = mnsi_case.body_reference if mnsi_case else ""
    duplicate_flag = payloads.possible_duplicate(
        of=notification.possible_duplicate_of, distinct_because=notification.distinct_because
    )
    deliveries, new_cases = [], []
    for body_code in (str(body) for body in BODY_ORDER):
        destination = result.destination(Body(body_code))
        if destination is not None:
            kind = Delivery.Kind.AMEND if body_code in previous_bodies else Delivery.Kind.NOTIFY
            payload = payloads.notify_or_amend_payload(
                kind=kind.value,
                reference=notification.reference,
                version=version.number,
                body=body_code,
                document=parsed,
                result=result,
                due_on=due.get(body_code),
                mnsi_reference=mnsi_reference,
                amendment_reason=amendment_reason,
                duplicate_flag=duplicate_flag,
            )
        elif body_code in previous_bodies:
            kind = Delivery.Kind.WITHDRAW
            payload = payloads.withdraw_payload(
                reference=notification.reference, version=version.number, body=body_code, result=result
            )
        else:
            continue
        deliveries.append(
            Delivery(
                notification=notification,
                version=version,
                body=body_code,
                kind=kind,
                idempotency_key=payloads.idempotency_key(
                    reference=notification.reference, version=version.number, body=body_code
                ),
                payload=payload,
                status=Delivery.Status.QUEUED,
                next_attempt_at=wall_now(),
                created_at=now,
            )
        )
        case = cases.get(body_code)
        if case is None:
            if destination is not None:
                new_cases.append(
                    BodyCase(
                        notification=notification,
                        body=body_code,
                        category=str(destination.category),
                        due_on=due.get(body_code),
                        routed=True,
                        created_at=now,
                    )
                )
        elif destination is not None:
            case.category, case.due_on, case.routed, case.withdrawn_at = (
                str(destination.category),
                due.get(body_code),
                True,
                None,
            )
            case.save(update_fields=["category", "due_on", "routed", "withdrawn_at"])
        else:
            case.routed, case.withdrawn_at = False, now
            case.save(update_fields=["routed", "withdrawn_at"])
    BodyCase.objects.bulk_create(new_cases)
    created = _store_queued(deliveries, version=version, actor=actor, now=now)
    return created, new_cases


def remember_related(notification: Notification, **relations: list) -> None:
    """Keep rows just stored on the instance as a prefetch would (`notification.<relation>.all()`
    answers them; `.filter()` and the rest still query), for the notification's own answer.
    Only for rows no one else can have changed yet: a notification made in this transaction."""
    cache = notification.__dict__.setdefault("_prefetched_objects_cache", {})
    for relation, rows in relations.items():
        cache.pop(relation, None)
        queryset = getattr(notification, relation).all()
        queryset._result_cache, queryset._prefetch_done = list(rows), True
        cache[relation] = queryset


def _store_queued(deliveries: list[Delivery], *, version: NotificationVersion, actor, now, what: str = "") -> list:
    """Store the deliveries with a status record each saying who queued them."""
    actor_label = actor.email if actor is not None else "API client"
    keys = [delivery.idempotency_key for delivery in deliveries]
    created = Delivery.objects.bulk_create(deliveries)
    if created and created[0].pk is None:  # backends that do not return ids from bulk inserts
        created = list(Delivery.objects.filter(idempotency_key__in=keys).order_by("id"))
    DeliveryStatusRecord.objects.bulk_create(
        [
            DeliveryStatusRecord(
                delivery=delivery,
                status=Delivery.Status.QUEUED,
                at=now,
                actor=actor,
                actor_label=actor_label,
                detail=(
                    f"{what or delivery.get_kind_display()} of version {version.number} queued for "
                    f"{body_name(delivery.body)}"
                ),
            )
            for delivery in created
        ]
    )
    return created


def queue_withdrawal_in_error(*, notification: Notification, reason: str, actor) -> list[Delivery]:
    """A withdrawal for every body that has the notification now (docs/rules/routing.md §9).

    Sent after anything still queued for the body (the worker keeps each body's order), so a
    body that has not yet received the notification receives it and then its withdrawal.
    """
    now = clock.now()
    version = notification.current_version
    cases = list(BodyCase.objects.select_for_update().filter(notification=notification, routed=True))
    deliveries = [
        Delivery(
            notification=notification,
            version=version,
            body=case.body,
            kind=Delivery.Kind.WITHDRAW,
            idempotency_key=payloads.withdrawal_in_error_key(
                reference=notification.reference, version=version.number, body=case.body
            ),
            payload=payloads.withdrawal_in_error_payload(
                reference=notification.reference, version=version.number, body=case.body, reason=reason
            ),
            status=Delivery.Status.QUEUED,
            next_attempt_at=wall_now(),
            created_at=now,
        )
        for case in cases
    ]
    BodyCase.objects.filter(pk__in=[case.pk for case in cases]).update(routed=False, withdrawn_at=now)
    return _store_queued(deliveries, version=version, actor=actor, now=now, what="Withdrawal (made in error)")


def deliver_after_commit(notification_id: int) -> None:
    """Ask the worker to deliver once the transaction has committed: the worker never sees the
    request before the deliveries it names."""
    if delivery.uses_database_queue() and transaction.get_connection().in_atomic_block:
        # A task row in this transaction: committed with the deliveries or not at all. A failure
        # here fails the whole submission, which the client retries with its Idempotency-Key.
        delivery.enqueue_delivery(notification_id)
        return

    def enqueue() -> None:
        try:
            delivery.enqueue_delivery(notification_id)
        except Exception:  # the sweep delivers it anyway; never fail a stored submission
            logger.exception(
                "Could not enqueue delivery of notification id %s; the sweep will send it", notification_id
            )

    transaction.on_commit(enqueue)


@transaction.atomic
def retry_delivery(*, delivery: Delivery, user, request=None) -> Delivery:
    """Put a failed delivery back in the queue (after the body's endpoint is fixed)."""
    delivery = Delivery.objects.select_for_update().select_related("notification__trust").get(pk=delivery.pk)
    if delivery.status != Delivery.Status.FAILED:
        raise InvalidInput("delivery", "Only a delivery that has failed can be tried again")
    now = clock.now()
    delivery.status, delivery.attempts, delivery.next_attempt_at = Delivery.Status.QUEUED, 0, wall_now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    DeliveryStatusRecord.objects.create(
        delivery=delivery,
        status=Delivery.Status.QUEUED,
        at=now,
        actor=user,
        actor_label=user.email,
        detail="Queued again by hand after failing",
    )
    notification = delivery.notification
    audit.record(
        action=audit.Action.UPDATE,
        obj=delivery,
        organisation=notification.trust,
        request=request,
        actor=user,
        summary=f"Delivery of {notification.reference} to {body_name(delivery.body)} tried again",
    )
    deliver_after_commit(notification.pk)
    return delivery
