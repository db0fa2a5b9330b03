"""The JSON API (version 1), described by `openapi.py` and served at /api/v1/openapi.json.

Clients authenticate with `Authorization: Bearer <token>`: a per-trust token the system admin
issues. A token acts only for its own trust. Errors are always `{"errors": [{"field",
"message"}]}`: 400 unreadable request, 401 missing or bad token, 403 another trust (or a trust
not yet live), 404 not found for this trust, 409 Idempotency-Key reused with another body,
422 invalid notification document.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from perinatal.core import audit, clock
from perinatal.notifications import openapi, presenters
from perinatal.notifications.models import ApiToken, IdempotencyRecord, Notification
from perinatal.notifications.routing import DocumentInvalid, route
from perinatal.notifications.services.api_tokens import authenticate_api_token
from perinatal.notifications.services.documents import parse
from perinatal.notifications.services.duplicates import find_possible_duplicates
from perinatal.notifications.services.submission import NotYetLive, submit_notification

IDEMPOTENCY_KEY_MAX = 200


def _errors(status: int, *pairs: tuple[str, str], headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"errors": [{"field": f, "message": m} for f, m in pairs]}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _authenticate(request) -> ApiToken | JsonResponse:
    header = request.headers.get("Authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return _errors(401, ("Authorization", "Send your trust's API token as 'Authorization: Bearer <token>'"),
                       headers={"WWW-Authenticate": 'Bearer realm="perinatal"'})
    token = authenticate_api_token(credential.strip())
    if token is None:
        return _errors(401, ("Authorization", "The API token is not valid or has been revoked"),
                       headers={"WWW-Authenticate": 'Bearer realm="perinatal", error="invalid_token"'})
    return token


def _json_body(request) -> Any | JsonResponse:
    try:
        return json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return _errors(400, ("document", "The request body must be a JSON notification document"))


def _other_trust(token: ApiToken, data: Any) -> JsonResponse | None:
    """403 when the document names a trust other than the token's (checked before validation)."""
    if isinstance(data, dict) and isinstance(data.get("trust"), str) and data["trust"].strip():
        code = data["trust"].strip().upper()
        if code != token.trust.code:
            return _errors(403, ("trust", f"This API token can only submit for {token.trust.code}, not {code}"))
    return None


def _invalid(error: DocumentInvalid) -> JsonResponse:
    return _errors(422, *[(e.field, e.message) for e in error.errors])


@csrf_exempt
@require_POST
def routing_preview(request):
    token = _authenticate(request)
    if isinstance(token, JsonResponse):
        return token
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    refused = _other_trust(token, data)
    if refused:
        return refused
    try:
        document = parse(data)
    except DocumentInvalid as error:
        return _invalid(error)
    if document.trust != token.trust.code:
        return _errors(403, ("trust", f"This API token can only submit for {token.trust.code}"))
    return JsonResponse(route(document).to_dict(), status=200)


def request_hash(data: Any) -> str:
    """The same JSON (whatever its spacing or key order) gives the same hash."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: IdempotencyRecord, digest: str) -> JsonResponse:
    if record.request_hash != digest:
        return _errors(409, ("Idempotency-Key", "This Idempotency-Key was already used with a different request body. "
                                                "Use a new key for a new notification"))
    return JsonResponse(record.response_body, status=200)


def created_body(notification: Notification, *, possible_duplicates: list[Notification]) -> dict[str, Any]:
    body = presenters.status_json(notification)
    body["status_url"] = reverse("notifications:api_notification", args=[notification.reference])
    body["routing"] = notification.current_version.routing
    body["possible_duplicates"] = [n.reference for n in possible_duplicates]
    return body


@csrf_exempt
def notifications(request):
    if request.method != "POST":
        return _errors(405, ("method", "Use POST to submit a notification"), headers={"Allow": "POST"})
    token = _authenticate(request)
    if isinstance(token, JsonResponse):
        return token
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        return _errors(400, ("Idempotency-Key", f"The Idempotency-Key must be {IDEMPOTENCY_KEY_MAX} characters or fewer"))
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    digest = request_hash(data)
    if key:
        record = IdempotencyRecord.objects.filter(organisation=token.trust, key=key).first()
        if record is not None:
            return _replay(record, digest)
    refused = _other_trust(token, data)
    if refused:
        return refused
    try:
        with transaction.atomic():
            duplicates = find_possible_duplicates(document=data, trust=token.trust) if isinstance(data, dict) else []
            notification = submit_notification(
                document=data, trust=token.trust, api_token=token, request=request,
                idempotency_key=f"api:{key}" if key else None)
            body = created_body(notification, possible_duplicates=[d for d in duplicates if d.pk != notification.pk])
            if key:
                IdempotencyRecord.objects.create(organisation=token.trust, key=key, request_hash=digest,
                                                 response_status=201, response_body=body, notification=notification,
                                                 created_at=clock.now())
    except DocumentInvalid as error:
        return _invalid(error)
    except NotYetLive as not_live:
        return _errors(403, ("trust", str(not_live)))
    except IntegrityError:
        # Another request with the same key committed first: answer as its replay.
        record = IdempotencyRecord.objects.filter(organisation=token.trust, key=key).first() if key else None
        if record is None:
            raise
        return _replay(record, digest)
    response = JsonResponse(body, status=201)
    response["Location"] = body["status_url"]
    return response


@require_GET
def notification(request, reference: str):
    token = _authenticate(request)
    if isinstance(token, JsonResponse):
        return token
    found = (Notification.objects.select_related("trust", "current_version", "linked_notification")
             .filter(reference=reference.strip().upper(), trust=token.trust).first())
    if found is None:
        return _errors(404, ("reference", f"There is no notification {reference} for {token.trust.code}"))
    audit.record(action=audit.Action.VIEW, obj=found, organisation=found.trust, request=request,
                 summary=f"Notification {found.reference} status read by API token {token.prefix}…")
    return JsonResponse(presenters.status_json(found))


@require_GET
def openapi_description(request):
    return JsonResponse(openapi.description(), json_dumps_params={"indent": 2})
