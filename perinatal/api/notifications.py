"""POST /api/v1/routing/preview, POST /api/v1/notifications, GET /api/v1/notifications/<reference>.

A trust's clinical system submits notification documents with its Bearer token. The views
only translate HTTP: `submissions` does the work and `errors` answers every refusal
(202 a possible duplicate, stored but held for the trust to decide: docs/rules/routing.md §7.2;
400 unreadable request, 401 no valid token, 403 another trust or a trust not yet live,
404 not this trust's notification, 409 Idempotency-Key reused with another body, 422 an
invalid document, each error naming its field). Bodies are built by the notifications
presenters, exactly as before the API moved to ninja; the response schemas describe them.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from ninja import Header, Path, Router

from perinatal.api import submissions
from perinatal.api.auth import trust_token
from perinatal.api.errors import ApiError
from perinatal.api.openapi import json_body
from perinatal.api.schemas.common import Errors
from perinatal.api.schemas.notifications import (
    REFERENCE_EXAMPLE,
    NotificationCreated,
    NotificationDocument,
    NotificationStatus,
    NotificationSubmission,
    RoutingResult,
    SubmissionHeaders,
)
from perinatal.core import audit
from perinatal.notifications import presenters
from perinatal.notifications.models import Notification
from perinatal.notifications.urls import ReferenceConverter  # noqa: F401 (registers the "reference" converter)

router = Router(auth=trust_token, tags=["Notifications"])

DOCUMENT = json_body(NotificationDocument)
SUBMISSION = json_body(NotificationSubmission)
NOT_AUTHENTICATED = "No token, or a token that is not valid or has been revoked"
OTHER_TRUST = "The document names another trust than the token's, or the trust is not yet live"
INVALID = "The document is not valid; each error names its field"


@router.post(
    "/routing/preview",
    url_name="preview",
    operation_id="previewRouting",
    summary="Route a notification document without storing it",
    response={200: RoutingResult, 400: Errors, 401: Errors, 403: Errors, 422: Errors},
    openapi_extra={
        "requestBody": DOCUMENT,
        "responses": {
            200: {"description": "Where the notification would go and why"},
            400: {"description": "The body is not JSON"},
            401: {"description": NOT_AUTHENTICATED},
            403: {"description": OTHER_TRUST},
            422: {"description": INVALID},
        },
    },
)
def preview_routing(request: HttpRequest):
    data = submissions.read_document(request)
    return JsonResponse(submissions.preview(token=request.auth, data=data))


@router.post(
    "/notifications",
    url_name="notifications",
    operation_id="submitNotification",
    summary="Submit a notification",
    description=(
        "Validate, store and route a notification, and queue its delivery to each body. A possible duplicate of "
        "one of the trust's notifications (the same baby NHS number; the mother's NHS number and a birth within "
        "24 hours, twins apart; the same maternal death) is stored but held, delivered to nobody, until the trust "
        "confirms it is a different event or discards it (202). Name each notification it is not a duplicate "
        "of in `not_a_duplicate`, with the reason, to have it delivered at once (docs/rules/routing.md §7)."
    ),
    response={
        201: NotificationCreated,
        202: NotificationCreated,
        200: NotificationCreated,
        400: Errors,
        401: Errors,
        403: Errors,
        409: Errors,
        422: Errors,
    },
    openapi_extra={
        "requestBody": SUBMISSION,
        "responses": {
            201: {
                "description": "Stored and queued for delivery",
                "headers": {"Location": {"description": "The status URL", "schema": {"type": "string"}}},
            },
            202: {
                "description": (
                    "Stored but held as a possible duplicate: delivered to no body until the trust decides at "
                    "`decision_url`"
                ),
                "headers": {"Location": {"description": "The status URL", "schema": {"type": "string"}}},
            },
            200: {"description": "A replay of an earlier request with the same Idempotency-Key and body"},
            400: {"description": "The body is not JSON, or the Idempotency-Key is too long"},
            401: {"description": NOT_AUTHENTICATED},
            403: {"description": OTHER_TRUST},
            409: {"description": "The Idempotency-Key was used before with a different body"},
            422: {"description": INVALID},
        },
    },
)
def submit_notification(request: HttpRequest, headers: Header[SubmissionHeaders]):
    key = submissions.idempotency_key(headers.idempotency_key)
    data = submissions.read_document(request)
    answer = submissions.submit_once(token=request.auth, data=data, key=key, request=request)
    response = JsonResponse(answer.body, status=answer.status)
    if answer.status in (201, 202):
        response["Location"] = answer.body["status_url"]
    return response


@router.get(
    "/notifications/{reference:reference}",
    url_name="notification",
    operation_id="getNotification",
    summary="Read a notification's routing, delivery status and the bodies' references",
    response={200: NotificationStatus, 401: Errors, 404: Errors},
    openapi_extra={
        "responses": {
            200: {"description": "The notification's status"},
            401: {"description": NOT_AUTHENTICATED},
            404: {"description": "No such notification for the token's trust"},
        }
    },
)
def get_notification(request: HttpRequest, reference: str = Path(examples=[REFERENCE_EXAMPLE])):
    token = request.auth
    found = (
        Notification.objects.select_related("trust", "current_version", "linked_notification")
        .filter(reference=reference.strip().upper(), trust=token.trust)
        .first()
    )
    if found is None:
        raise ApiError(404, ("reference", f"There is no notification {reference} for {token.trust.code}"))
    audit.record(
        action=audit.Action.VIEW,
        obj=found,
        organisation=found.trust,
        request=request,
        summary=f"Notification {found.reference} status read by API token {token.prefix}…",
    )
    return JsonResponse(presenters.status_json(found))
