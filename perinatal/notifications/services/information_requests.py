"""A body asks the trust for more information about a notification; the trust answers once.

The trust's reporters are told of a question by email (:mod:`.trust_email`).
"""

from __future__ import annotations

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.notifications.models import BodyCase, InformationRequest, Notification, body_name
from perinatal.notifications.services.refusals import InvalidInput
from perinatal.notifications.services.trust_email import tell_trust


@transaction.atomic
def request_information(
    *, notification: Notification, body: str, question: str, user, request=None
) -> InformationRequest:
    question = (question or "").strip()
    if not question:
        raise InvalidInput("question", "Enter what you need the trust to tell you")
    if not BodyCase.objects.filter(notification=notification, body=body).exists():
        raise InvalidInput("question", f"This notification was not sent to {body_name(body)}")
    info = InformationRequest.objects.create(
        notification=notification, body=body, question=question, asked_by=user, asked_at=clock.now()
    )
    audit.record(
        action=audit.Action.CREATE,
        obj=info,
        organisation=notification.trust,
        request=request,
        actor=user,
        summary=f"{body_name(body)} asked for more information about {notification.reference}",
    )
    tell_trust(
        notification,
        subject=f"{body_name(body)} asks about notification {notification.reference}",
        message=f"{body_name(body)} has asked your trust for more information about notification "
        f"{notification.reference}.",
    )
    return info


@transaction.atomic
def answer_information_request(
    *, information_request: InformationRequest, answer: str, user, request=None
) -> InformationRequest:
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput("answer", "Enter your answer")
    info = (
        InformationRequest.objects.select_for_update()
        .select_related("notification__trust")
        .get(pk=information_request.pk)
    )
    if info.answered_at is not None:
        raise InvalidInput("answer", "This question has already been answered")
    info.answer, info.answered_by, info.answered_at = answer, user, clock.now()
    info.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record(
        action=audit.Action.UPDATE,
        obj=info,
        organisation=info.notification.trust,
        request=request,
        actor=user,
        summary=f"Trust answered {body_name(info.body)}'s question about {info.notification.reference}",
    )
    return info
