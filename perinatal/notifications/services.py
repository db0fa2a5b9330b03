"""Writes for notifications: drafts, submission (with the outbox), amendments, each body's
acknowledgement and information requests, and API tokens.

Submission and amendment store the notification, its version and one `Delivery` per body in
ONE transaction (the outbox): either all of it exists or none of it. The background worker is
asked to deliver only after the transaction commits (`transaction.on_commit`); if that request
is lost, the sweep in `perinatal.notifications.delivery` finds the queued deliveries anyway.

Validation is the routing engine's (`routing.parse_document`): `DocumentInvalid` reaches the
caller untouched, each error naming its field. Nothing identifiable goes into audit
summaries or logs: notifications are named by their reference.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q

from perinatal.core.formatting import date_and_time
from perinatal.accounts.models import Membership
from perinatal.accounts.roles import Role
from perinatal.core import audit, clock
from perinatal.kernel.nhs_numbers import InvalidNhsNumber, normalise_nhs_number
from perinatal.notifications import payloads
from perinatal.notifications.delivery import wall_now
from perinatal.notifications.models import (
    ApiToken,
    BodyCase,
    CreatedVia,
    Delivery,
    DeliveryStatusRecord,
    Draft,
    InformationRequest,
    Notification,
    NotificationVersion,
    body_name,
)
from perinatal.notifications.organisation_register import register_for
from perinatal.notifications.routing import (
    BODY_ORDER,
    Body,
    DocumentInvalid,
    EventType,
    FieldError,
    NotificationDocument,
    RoutingResult,
    due_dates,
    parse_document,
    parse_timestamp,
    route,
)
from perinatal.kernel.london_time import LONDON, InvalidTimestamp
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import Onboarding, onboarding_for

logger = logging.getLogger(__name__)

REFERENCE_PREFIX = "PEN"
API_TOKEN_PREFIX = "pst_"
DUPLICATE_BIRTH_WINDOW = timedelta(hours=24)


# Errors -----------------------------------------------------------------------------------


class NotYetLive(Exception):
    """The trust cannot submit yet: it goes live at 08:00 on its phase's go-live date."""

    def __init__(self, onboarding: Onboarding):
        self.onboarding = onboarding
        trust = onboarding.trust
        if onboarding.phase is None:
            when = "has not been given an onboarding phase yet"
        else:
            when = (f"is in {onboarding.phase.name} and goes live on "
                    f"{date_and_time(onboarding.go_live_at)}")
        super().__init__(
            f"{trust.display_name} ({trust.code}) {when}. Until then, keep notifying events through "
            "the existing MBRRACE-UK, MNSI and NHS Resolution portals."
        )


class InvalidInput(ValueError):
    """A value a service refuses, with the field it concerns (for a form's error)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


# Documents ----------------------------------------------------------------------------------


def parse(document: object) -> NotificationDocument:
    """Validate a notification document against the register, now. Raises DocumentInvalid."""
    return parse_document(document, register=register_for(document), now=clock.now())


def _refuse(*errors: tuple[str, str]) -> None:
    raise DocumentInvalid([FieldError(field, message) for field, message in errors])


def _linked(parsed: NotificationDocument, *, not_this: Notification | None = None) -> Notification | None:
    reference = parsed.linked_notification
    if not reference:
        return None
    linked = Notification.objects.filter(reference=reference.strip().upper()).first()
    if linked is None:
        _refuse(("linked_notification", f"There is no notification with reference {reference}. "
                                        "Check the reference, like PEN-2026-000123"))
    if not_this is not None and linked.pk == not_this.pk:
        _refuse(("linked_notification", "A notification cannot be linked to itself"))
    return linked


def _copy_matching_fields(notification: Notification, parsed: NotificationDocument) -> None:
    mother, baby = parsed.mother, parsed.baby
    notification.mother_nhs_number = (mother.nhs_number if mother else None) or ""
    notification.baby_nhs_number = (baby.nhs_number if baby else None) or ""
    notification.born_at = baby.born_at if baby else None
    notification.multiple_birth = baby.multiple_birth if baby else None
    death = parsed.maternal_death
    notification.mother_died_at = death.died_at if death else None


# Drafts ---------------------------------------------------------------------------------------


@transaction.atomic
def save_draft(*, draft: Draft | None = None, trust: Organisation, user, answers: dict[str, Any], step: str,
               request=None) -> Draft:
    """Create or update the user's draft. Only its author may change it, and not once submitted."""
    now = clock.now()
    if draft is None:
        draft = Draft.objects.create(trust=trust, created_by=user, answers=answers, step=step,
                                     created_at=now, updated_at=now)
        audit.record(action=audit.Action.CREATE, obj=draft, organisation=trust,
                     summary=f"Draft notification started ({step or 'first page'})", request=request, actor=user)
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
    audit.record(action=audit.Action.UPDATE, obj=draft, organisation=trust,
                 summary=f"Draft notification saved ({step or 'no step'})", request=request, actor=user)
    return draft


@transaction.atomic
def discard_draft(*, draft: Draft, user, request=None) -> None:
    if draft.created_by_id != user.pk:
        raise InvalidInput("draft", "You can only delete your own drafts")
    if draft.submitted_id is not None:
        raise InvalidInput("draft", "A submitted draft is kept with its notification")
    audit.record(action=audit.Action.DELETE, obj=draft, organisation=draft.trust,
                 summary="Draft notification deleted", request=request, actor=user)
    draft.delete()


# Duplicates ---------------------------------------------------------------------------------


def _nhs_number_or_none(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return normalise_nhs_number(value)
    except InvalidNhsNumber:
        return None


def _instant_or_none(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_timestamp(value.strip())
    except InvalidTimestamp:
        return None


def find_possible_duplicates(*, document: dict, trust: Organisation, exclude: Notification | None = None
                             ) -> list[Notification]:
    """Notifications of `trust` that may be the same event as `document` (never a hard block).

    - The same baby: the same baby NHS number, or the mother's NHS number and a birth within
      24 hours. Twins are not duplicates: a different baby NHS number, or a different birth
      time when either notification says multiple birth, is another baby.
    - The same maternal death: the mother's NHS number and the same date of death.
    Works on an unvalidated (draft) document: a field that cannot be read is not used.
    Only `trust`'s notifications are returned (the reporter may only open and amend those).
    """
    if not isinstance(document, dict):
        return []
    mother = document.get("mother") if isinstance(document.get("mother"), dict) else {}
    mother_nhs = _nhs_number_or_none(mother.get("nhs_number"))
    candidates = Notification.objects.filter(trust=trust)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found: list[Notification] = []
    if document.get("event") == str(EventType.MATERNAL):
        death = mother.get("death") if isinstance(mother.get("death"), dict) else {}
        died_at = _instant_or_none(death.get("died_at"))
        if mother_nhs and died_at:
            day = died_at.astimezone(LONDON).date()
            start = datetime.combine(day, datetime.min.time(), tzinfo=LONDON)
            found = list(candidates.filter(event=Notification.Event.MATERNAL, mother_nhs_number=mother_nhs,
                                           mother_died_at__gte=start, mother_died_at__lt=start + timedelta(days=1)))
        return found
    baby = document.get("baby") if isinstance(document.get("baby"), dict) else {}
    baby_nhs = _nhs_number_or_none(baby.get("nhs_number"))
    born_at = _instant_or_none(baby.get("born_at"))
    multiple = baby.get("multiple_birth") is True
    query = Q(pk__in=[])
    if baby_nhs:
        query |= Q(baby_nhs_number=baby_nhs)
    if mother_nhs and born_at:
        query |= Q(mother_nhs_number=mother_nhs, born_at__gte=born_at - DUPLICATE_BIRTH_WINDOW,
                   born_at__lte=born_at + DUPLICATE_BIRTH_WINDOW)
    for candidate in candidates.filter(query, event=Notification.Event.BABY).order_by("created_at"):
        same_baby_number = bool(baby_nhs) and candidate.baby_nhs_number == baby_nhs
        if not same_baby_number:
            if baby_nhs and candidate.baby_nhs_number and candidate.baby_nhs_number != baby_nhs:
                continue  # another baby of the same mother: a twin
            if (multiple or candidate.multiple_birth) and candidate.born_at != born_at:
                continue  # a multiple birth at another time: the other twin
        found.append(candidate)
    return found


# Submission ---------------------------------------------------------------------------------


def _version_due_dates(parsed: NotificationDocument, result: RoutingResult) -> dict[str, Any]:
    return {str(due.body): due.due_on for due in due_dates(document=parsed, result=result)}


def _queue_deliveries(*, notification: Notification, version: NotificationVersion, parsed: NotificationDocument,
                      result: RoutingResult, previous_bodies: set[str], actor, amendment_reason: str = "") -> list[Delivery]:
    """One delivery per body that must hear about this version; their cases brought up to date.

    Bodies routed now and before get an amendment, bodies no longer routed a withdrawal,
    newly routed bodies their first notification.
    """
    now = clock.now()
    due = _version_due_dates(parsed, result)
    # A new notification has no cases yet: no query for them.
    cases = ({case.body: case for case in BodyCase.objects.filter(notification=notification)}
             if previous_bodies or version.number > 1 else {})
    mnsi_case = cases.get(str(Body.MNSI))
    mnsi_reference = mnsi_case.body_reference if mnsi_case else ""
    actor_label = actor.email if actor is not None else "API client"
    deliveries, new_cases = [], []
    for body_code in (str(body) for body in BODY_ORDER):
        destination = result.destination(Body(body_code))
        if destination is not None:
            kind = Delivery.Kind.AMEND if body_code in previous_bodies else Delivery.Kind.NOTIFY
            payload = payloads.notify_or_amend_payload(
                kind=kind.value, reference=notification.reference, version=version.number, body=body_code,
                document=parsed, result=result, due_on=due.get(body_code), mnsi_reference=mnsi_reference,
                amendment_reason=amendment_reason)
        elif body_code in previous_bodies:
            kind = Delivery.Kind.WITHDRAW
            payload = payloads.withdraw_payload(reference=notification.reference, version=version.number,
                                                body=body_code, result=result)
        else:
            continue
        deliveries.append(Delivery(
            notification=notification, version=version, body=body_code, kind=kind,
            idempotency_key=payloads.idempotency_key(reference=notification.reference, version=version.number,
                                                     body=body_code),
            payload=payload, status=Delivery.Status.QUEUED, next_attempt_at=wall_now(), created_at=now))
        case = cases.get(body_code)
        if case is None:
            if destination is not None:
                new_cases.append(BodyCase(notification=notification, body=body_code, category=str(destination.category),
                                          due_on=due.get(body_code), routed=True, created_at=now))
        elif destination is not None:
            case.category, case.due_on, case.routed, case.withdrawn_at = (str(destination.category),
                                                                         due.get(body_code), True, None)
            case.save(update_fields=["category", "due_on", "routed", "withdrawn_at"])
        else:
            case.routed, case.withdrawn_at = False, now
            case.save(update_fields=["routed", "withdrawn_at"])
    BodyCase.objects.bulk_create(new_cases)
    created = Delivery.objects.bulk_create(deliveries)
    if created and created[0].pk is None:  # backends that do not return ids from bulk inserts
        created = list(Delivery.objects.filter(version=version).order_by("id"))
    DeliveryStatusRecord.objects.bulk_create([
        DeliveryStatusRecord(delivery=delivery, status=Delivery.Status.QUEUED, at=now, actor=actor,
                             actor_label=actor_label,
                             detail=f"{delivery.get_kind_display()} of version {version.number} queued for {body_name(delivery.body)}")
        for delivery in created
    ])
    return created


def _after_commit_deliver(notification_id: int) -> None:
    def enqueue() -> None:
        from perinatal.notifications import delivery

        try:
            delivery.enqueue_delivery(notification_id)
        except Exception:  # the sweep delivers it anyway; never fail a stored submission
            logger.exception("Could not enqueue delivery of notification id %s; the sweep will send it", notification_id)

    transaction.on_commit(enqueue)


def submit_notification(*, document: dict, trust: Organisation, user=None, api_token: ApiToken | None = None,
                        idempotency_key: str | None = None, request=None, draft: Draft | None = None) -> Notification:
    """Validate, route and store a notification with its deliveries; queue them after commit.

    Raises DocumentInvalid (untouched, each error naming its field) or NotYetLive. The same
    `idempotency_key` (or the same `draft`) for the same trust returns the notification it
    already made instead of a second one.
    """
    parsed = parse(document)
    if parsed.trust != trust.code:
        _refuse(("trust", f"You can only submit notifications for {trust.display_name} ({trust.code}), "
                          f"not {parsed.trust}"))
    onboarding = onboarding_for(trust)
    if not onboarding.is_live:
        raise NotYetLive(onboarding)
    if draft is not None and idempotency_key is None:
        idempotency_key = f"draft:{draft.pk}"
    key = (idempotency_key or "")[:200]
    if key:
        existing = Notification.objects.filter(trust=trust, idempotency_key=key).first()
        if existing is not None:
            return existing
    result = route(parsed)
    try:
        return _store_submission(parsed=parsed, result=result, trust=trust, user=user, api_token=api_token,
                                 key=key, request=request, draft=draft)
    except IntegrityError:
        # The same key submitted at the same moment: the other request made the notification.
        existing = Notification.objects.filter(trust=trust, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing


@transaction.atomic
def _store_submission(*, parsed: NotificationDocument, result: RoutingResult, trust: Organisation, user,
                      api_token: ApiToken | None, key: str, request, draft: Draft | None) -> Notification:
    now = clock.now()
    via = CreatedVia.API if api_token is not None else CreatedVia.WEB
    linked = _linked(parsed)
    notification = Notification(
        reference=f"{REFERENCE_PREFIX}-pending-{secrets.token_hex(8)}", trust=trust, event=str(parsed.event),
        linked_notification=linked, created_by=user, api_token=api_token, created_via=via, created_at=now,
        updated_at=now, idempotency_key=key)
    _copy_matching_fields(notification, parsed)
    notification.save()
    # The database id numbers references without a shared counter (no lock between submissions).
    notification.reference = f"{REFERENCE_PREFIX}-{clock.today().year}-{notification.pk:06d}"
    version = NotificationVersion.objects.create(
        notification=notification, number=1, document=parsed.to_dict(), routing=result.to_dict(),
        rules_version=result.rules_version, created_by=user, created_via=via, created_at=now)
    notification.current_version = version
    notification.save(update_fields=["reference", "current_version"])
    deliveries = _queue_deliveries(notification=notification, version=version, parsed=parsed, result=result,
                                   previous_bodies=set(), actor=user)
    if draft is not None:
        Draft.objects.filter(pk=draft.pk, submitted__isnull=True).update(submitted=notification, updated_at=now)
    bodies = ", ".join(body_name(d.body) for d in deliveries) or "no national body"
    audit.record(action=audit.Action.CREATE, obj=notification, organisation=trust, request=request, actor=user,
                 summary=f"Notification {notification.reference} submitted ({via.label}); sent to {bodies}")
    if deliveries:
        _after_commit_deliver(notification.pk)
    return notification


# Amendments -----------------------------------------------------------------------------------


@transaction.atomic
def amend_notification(*, notification: Notification, document: dict, reason: str, user, request=None,
                       via: str = CreatedVia.WEB) -> NotificationVersion:
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
        _refuse(("trust", f"The reporting trust cannot change in an amendment (it is {notification.trust.code})"))
    if str(parsed.event) != notification.event:
        _refuse(("event", "The type of event cannot change in an amendment. Submit a new notification instead"))
    previous = notification.current_version
    if previous is not None and previous.document == parsed.to_dict():
        _refuse(("document", "The amendment changes nothing. Change at least one answer, or cancel"))
    result = route(parsed)
    now = clock.now()
    number = (previous.number if previous else 0) + 1
    version = NotificationVersion.objects.create(
        notification=notification, number=number, document=parsed.to_dict(), routing=result.to_dict(),
        rules_version=result.rules_version, reason=reason, created_by=user, created_via=via, created_at=now)
    previous_bodies = set(previous.destination_bodies) if previous else set()
    deliveries = _queue_deliveries(notification=notification, version=version, parsed=parsed, result=result,
                                   previous_bodies=previous_bodies, actor=user, amendment_reason=reason)
    notification.linked_notification = _linked(parsed, not_this=notification)
    notification.current_version = version
    notification.updated_at = now
    _copy_matching_fields(notification, parsed)
    notification.save()
    kinds = ", ".join(f"{d.get_kind_display().lower()} to {body_name(d.body)}" for d in deliveries) or "nothing to send"
    audit.record(action=audit.Action.UPDATE, obj=notification, organisation=notification.trust, request=request,
                 actor=user, summary=f"Notification {notification.reference} amended to version {number}: {kinds}")
    if deliveries:
        _after_commit_deliver(notification.pk)
    return version


# Each body's case -------------------------------------------------------------------------------


def _reporters_to_tell(notification: Notification) -> list[str]:
    emails = set(Membership.objects.active().filter(organisation=notification.trust, role=Role.LOCAL_AUTHORISER.value)
                 .values_list("user__email", flat=True))
    if notification.created_by is not None and notification.created_by.is_active:
        emails.add(notification.created_by.email)
    return sorted(emails)


def _tell_trust(notification: Notification, *, subject: str, message: str) -> None:
    recipients = _reporters_to_tell(notification)
    if not recipients:
        return
    # No identifiable data: the reference and a link only.
    text = f"{message}\n\nSign in to the {settings.SERVICE_NAME} and open notification {notification.reference}."
    transaction.on_commit(lambda: send_mail(subject=subject, message=text, from_email=settings.DEFAULT_FROM_EMAIL,
                                            recipient_list=recipients, fail_silently=True))


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
    now = clock.now()
    changed = case.body_reference != reference
    case.body_reference = reference
    if case.acknowledged_at is None:
        case.acknowledged_at, case.acknowledged_by = now, user
    case.save(update_fields=["body_reference", "acknowledged_at", "acknowledged_by"])
    latest = (Delivery.objects.select_for_update().filter(notification=notification, body=body,
                                                          status=Delivery.Status.SENT).order_by("-id").first())
    if latest is not None:
        latest.status = Delivery.Status.ACKNOWLEDGED
        latest.save(update_fields=["status"])
        DeliveryStatusRecord.objects.create(delivery=latest, status=Delivery.Status.ACKNOWLEDGED, at=now, actor=user,
                                            actor_label=user.email,
                                            detail=f"Acknowledged by {body_name(body)} with reference {reference}")
    if body == str(Body.MNSI) and changed:
        _send_mnsi_reference_to_nhs_resolution(notification=notification, mnsi_reference=reference, actor=user)
    audit.record(action=audit.Action.DECIDE, obj=notification, organisation=notification.trust, request=request,
                 actor=user, summary=f"{body_name(body)} acknowledged notification {notification.reference}")
    _tell_trust(notification, subject=f"{body_name(body)} acknowledged notification {notification.reference}",
                message=f"{body_name(body)} has acknowledged notification {notification.reference}. "
                        f"Their reference is {reference}.")
    return case


def _send_mnsi_reference_to_nhs_resolution(*, notification: Notification, mnsi_reference: str, actor) -> None:
    nhsr = str(Body.NHSR_EN)
    case = BodyCase.objects.filter(notification=notification, body=nhsr, routed=True).first()
    if case is None:
        return
    waiting = (Delivery.objects.filter(notification=notification, body=nhsr, status=Delivery.Status.QUEUED,
                                       attempts=0, kind__in=[Delivery.Kind.NOTIFY, Delivery.Kind.AMEND])
               .order_by("-id").first())
    if waiting is not None:
        payload = {**waiting.payload, "mnsi_reference": mnsi_reference}
        # attempts=0 in the WHERE clause: a worker that has claimed it in the meantime wins,
        # and the reference then goes in a delivery of its own below.
        if Delivery.objects.filter(pk=waiting.pk, attempts=0).update(payload=payload):
            return
    version = notification.current_version
    sequence = Delivery.objects.filter(notification=notification, body=nhsr, kind=Delivery.Kind.REFERENCE,
                                       version=version).count() + 1
    now = clock.now()
    delivery = Delivery.objects.create(
        notification=notification, version=version, body=nhsr, kind=Delivery.Kind.REFERENCE,
        idempotency_key=payloads.reference_update_key(reference=notification.reference, version=version.number,
                                                      sequence=sequence),
        payload=payloads.reference_payload(reference=notification.reference, version=version.number,
                                           mnsi_reference=mnsi_reference),
        next_attempt_at=wall_now(), created_at=now)
    DeliveryStatusRecord.objects.create(delivery=delivery, status=Delivery.Status.QUEUED, at=now, actor=actor,
                                        actor_label=actor.email if actor else "system",
                                        detail="MNSI reference queued for NHS Resolution")
    _after_commit_deliver(notification.pk)


@transaction.atomic
def request_information(*, notification: Notification, body: str, question: str, user,
                        request=None) -> InformationRequest:
    question = (question or "").strip()
    if not question:
        raise InvalidInput("question", "Enter what you need the trust to tell you")
    if not BodyCase.objects.filter(notification=notification, body=body).exists():
        raise InvalidInput("question", f"This notification was not sent to {body_name(body)}")
    info = InformationRequest.objects.create(notification=notification, body=body, question=question, asked_by=user,
                                             asked_at=clock.now())
    audit.record(action=audit.Action.CREATE, obj=info, organisation=notification.trust, request=request, actor=user,
                 summary=f"{body_name(body)} asked for more information about {notification.reference}")
    _tell_trust(notification, subject=f"{body_name(body)} asks about notification {notification.reference}",
                message=f"{body_name(body)} has asked your trust for more information about notification "
                        f"{notification.reference}.")
    return info


@transaction.atomic
def answer_information_request(*, information_request: InformationRequest, answer: str, user,
                               request=None) -> InformationRequest:
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput("answer", "Enter your answer")
    info = InformationRequest.objects.select_for_update().select_related("notification__trust").get(
        pk=information_request.pk)
    if info.answered_at is not None:
        raise InvalidInput("answer", "This question has already been answered")
    info.answer, info.answered_by, info.answered_at = answer, user, clock.now()
    info.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record(action=audit.Action.UPDATE, obj=info, organisation=info.notification.trust, request=request,
                 actor=user, summary=f"Trust answered {body_name(info.body)}'s question about "
                                     f"{info.notification.reference}")
    return info


@transaction.atomic
def retry_delivery(*, delivery: Delivery, user, request=None) -> Delivery:
    """Put a failed delivery back in the queue (after the body's endpoint is fixed)."""
    delivery = Delivery.objects.select_for_update().select_related("notification__trust").get(pk=delivery.pk)
    if delivery.status != Delivery.Status.FAILED:
        raise InvalidInput("delivery", "Only a delivery that has failed can be tried again")
    now = clock.now()
    delivery.status, delivery.attempts, delivery.next_attempt_at = Delivery.Status.QUEUED, 0, wall_now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    DeliveryStatusRecord.objects.create(delivery=delivery, status=Delivery.Status.QUEUED, at=now, actor=user,
                                        actor_label=user.email, detail="Queued again by hand after failing")
    notification = delivery.notification
    audit.record(action=audit.Action.UPDATE, obj=delivery, organisation=notification.trust, request=request,
                 actor=user, summary=f"Delivery of {notification.reference} to {body_name(delivery.body)} tried again")
    _after_commit_deliver(notification.pk)
    return delivery


# API tokens ---------------------------------------------------------------------------------------


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def issue_api_token(*, trust: Organisation, name: str, user, request=None) -> tuple[str, ApiToken]:
    """A new token for `trust`. The plaintext is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name", "Enter a name for the token, like 'Maternity system (BadgerNet)'")
    if trust.kind != Organisation.Kind.TRUST:
        raise InvalidInput("trust_code", f"{trust.code} is not an NHS trust")
    plaintext = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(trust=trust, name=name[:100], token_hash=hash_token(plaintext),
                                    prefix=plaintext[:12], created_by=user, created_at=clock.now())
    audit.record(action=audit.Action.CREATE, obj=token, organisation=trust, request=request, actor=user,
                 summary=f"API token {token.prefix}… issued for {trust.code}")
    return plaintext, token


@transaction.atomic
def revoke_api_token(*, token: ApiToken, user, request=None) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = clock.now(), user
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(action=audit.Action.UPDATE, obj=token, organisation=token.trust, request=request, actor=user,
                     summary=f"API token {token.prefix}… revoked")
    return token


def authenticate_api_token(plaintext: str) -> ApiToken | None:
    """The active token with this plaintext, or None. Records its use at most once a minute."""
    if not plaintext or not plaintext.startswith(API_TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("trust").filter(token_hash=hash_token(plaintext),
                                                             revoked_at__isnull=True).first())
    if token is not None:
        now = clock.now()
        if token.last_used_at is None or abs((now - token.last_used_at).total_seconds()) > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
