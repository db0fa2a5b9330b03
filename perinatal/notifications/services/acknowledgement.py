"""A body acknowledges a notification and records its own reference (e.g. the MNSI case).

The reference flows back to the trust and, for MNSI, onward to NHS Resolution, which asks for
it. The trust's reporters are told by email (:mod:`.trust_email`).
"""

from __future__ import annotations

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.notifications import payloads
from perinatal.notifications.delivery import wall_now
from perinatal.notifications.models import BodyCase, Delivery, DeliveryStatusRecord, Notification, body_name
from perinatal.notifications.routing import Body
from perinatal.notifications.services.outbox import deliver_after_commit
from perinatal.notifications.services.refusals import InvalidInput
from perinatal.notifications.services.trust_email import tell_trust


@transaction.atomic
def acknowledge_delivery(*, notification: Notification, body: str, reference: str, user, request=None) -> BodyCase:
    """A body acknowledges a notification and records its own reference (e.g. the MNSI case).

    The reference flows back to the trust (its status page) and, for MNSI, onward to NHS
    Resolution, which asks for it: a queued NHS Resolution delivery not yet attempted carries
    it; otherwise NHS Resolution is sent a `reference` delivery with it.
    """
    reference = (reference or "").strip()
    if not reference:
        raise InvalidInput("reference", f"Enter {body_name(body)}'s reference for this notification")
    if len(reference) > 60:
        raise InvalidInput("reference", "The reference must be 60 characters or fewer")
    case = BodyCase.objects.select_for_update().filter(notification=notification, body=body).first()
    if case is None:
        raise InvalidInput("reference", f"This notification was not sent to {body_name(body)}")
    previous = case.body_reference
    if case.acknowledged_at is not None and previous == reference:
        # Pressing "Acknowledge" again (or a second reviewer doing so) changes nothing: nobody is
        # told twice, and NHS Resolution is not sent the MNSI reference again.
        return case
    now = clock.now()
    correcting = case.acknowledged_at is not None
    case.body_reference = reference
    if not correcting:
        case.acknowledged_at, case.acknowledged_by = now, user
    case.save(update_fields=["body_reference", "acknowledged_at", "acknowledged_by"])
    if correcting:
        what = f"{body_name(body)} changed its reference for notification {notification.reference}"
        detail = f"{what} from {previous} to {reference}"
    else:
        what = f"{body_name(body)} acknowledged notification {notification.reference}"
        detail = f"Acknowledged by {body_name(body)} with reference {reference}"
    latest = (
        Delivery.objects.select_for_update()
        .filter(notification=notification, body=body, status__in=[Delivery.Status.SENT, Delivery.Status.ACKNOWLEDGED])
        .order_by("-id")
        .first()
    )
    if latest is not None:
        latest.status = Delivery.Status.ACKNOWLEDGED
        latest.save(update_fields=["status"])
        DeliveryStatusRecord.objects.create(
            delivery=latest,
            status=Delivery.Status.ACKNOWLEDGED,
            at=now,
            actor=user,
            actor_label=user.email,
            detail=detail,
        )
    if body == str(Body.MNSI):
        _send_mnsi_reference_to_nhs_resolution(notification=notification, mnsi_reference=reference, actor=user)
    audit.record(
        action=audit.Action.DECIDE if not correcting else audit.Action.UPDATE,
        obj=notification,
        organisation=notification.trust,
        request=request,
        actor=user,
        summary=detail if correcting else what,
    )
    tell_trust(
        notification,
        subject=what,
        message=(f"{detail}." if correcting else f"{what}. Their reference is {reference}."),
    )
    return case


def _send_mnsi_reference_to_nhs_resolution(*, notification: Notification, mnsi_reference: str, actor) -> None:
    nhsr = str(Body.NHSR_EN)
    case = BodyCase.objects.filter(notification=notification, body=nhsr, routed=True).first()
    if case is None:
        return
    waiting = (
        Delivery.objects.filter(
            notification=notification,
            body=nhsr,
            status=Delivery.Status.QUEUED,
            attempts=0,
            kind__in=[Delivery.Kind.NOTIFY, Delivery.Kind.AMEND],
        )
        .order_by("-id")
        .first()
    )
    if waiting is not None:
        payload = {**waiting.payload, "mnsi_reference": mnsi_reference}
        # attempts=0 in the WHERE clause: a worker that has claimed it in the meantime wins,
        # and the reference then goes in a delivery of its own below.
        if Delivery.objects.filter(pk=waiting.pk, attempts=0).update(payload=payload):
            return
    version = notification.current_version
    sequence = (
        Delivery.objects.filter(
            notification=notification, body=nhsr, kind=Delivery.Kind.REFERENCE, version=version
        ).count()
        + 1
    )
    now = clock.now()
    delivery = Delivery.objects.create(
        notification=notification,
        version=version,
        body=nhsr,
        kind=Delivery.Kind.REFERENCE,
        idempotency_key=payloads.reference_update_key(
            reference=notification.reference, version=version.number, sequence=sequence
        ),
        payload=payloads.reference_payload(
            reference=notification.reference, version=version.number, mnsi_reference=mnsi_reference
        ),
        next_attempt_at=wall_now(),
        created_at=now,
    )
    DeliveryStatusRecord.objects.create(
        delivery=delivery,
        status=Delivery.Status.QUEUED,
        at=now,
        actor=actor,
        actor_label=actor.email if actor else "system",
        detail="MNSI reference queued for NHS Resolution",
    )
    deliver_after_commit(notification.pk)
