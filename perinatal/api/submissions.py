"""What the notification endpoints do between HTTP and the notifications service: read the
document, keep a token to its own trust, preview the routing, and submit each notification
once per Idempotency-Key.

The Idempotency-Key is the client's promise that a retried request is the same
notification: the same key with the same JSON (whatever its spacing or key order) answers
the first response again with 200; the same key with another body is refused with 409.
A key is kept only for a submission that was stored, so a corrected document may reuse the
key of a refused one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse

from perinatal.api.errors import ApiError
from perinatal.api.schemas.notifications import IDEMPOTENCY_KEY_MAX
from perinatal.core import clock
from perinatal.notifications import presenters
from perinatal.notifications.models import ApiToken, IdempotencyRecord, Notification
from perinatal.notifications.routing import route
from perinatal.notifications.services.documents import parse
from perinatal.notifications.services.duplicates import find_possible_duplicates
from perinatal.notifications.services.submission import submit_notification


@dataclass(frozen=True)
class Answer:
    """A successful submission: 201 stored, or 200 a replay of the first answer."""

    status: int
    body: dict[str, Any]


def read_document(request: HttpRequest) -> Any:
    """The JSON request body (any JSON value: the service says what is wrong with it)."""
    try:
        return json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, ("document", "The request body must be a JSON notification document")) from None


def idempotency_key(value: str | None) -> str:
    """The Idempotency-Key header, stripped ("" when there is none)."""
    key = (value or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ApiError(
            400, ("Idempotency-Key", f"The Idempotency-Key must be {IDEMPOTENCY_KEY_MAX} characters or fewer")
        )
    return key


def refuse_other_trust(*, token: ApiToken, data: Any) -> None:
    """403 when the document names a trust other than the token's (checked before validation)."""
    if isinstance(data, dict) and isinstance(data.get("trust"), str) and data["trust"].strip():
        code = data["trust"].strip().upper()
        if code != token.trust.code:
            raise ApiError(403, ("trust", f"This API token can only submit for {token.trust.code}, not {code}"))


def preview(*, token: ApiToken, data: Any) -> dict[str, Any]:
    """Where the document would go and why, storing nothing. Raises ApiError (403 another
    trust) or DocumentInvalid (422)."""
    refuse_other_trust(token=token, data=data)
    document = parse(data)
    if document.trust != token.trust.code:
        raise ApiError(403, ("trust", f"This API token can only submit for {token.trust.code}"))
    return route(document).to_dict()


def request_hash(data: Any) -> str:
    """The same JSON (whatever its spacing or key order) gives the same hash."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def created_body(notification: Notification, *, possible_duplicates: list[Notification]) -> dict[str, Any]:
    body = presenters.status_json(notification)
    body["status_url"] = reverse("api:notification", args=[notification.reference])
    body["routing"] = notification.current_version.routing
    body["possible_duplicates"] = [n.reference for n in possible_duplicates]
    return body


def _replay(record: IdempotencyRecord, digest: str) -> Answer:
    if record.request_hash != digest:
        raise ApiError(
            409,
            (
                "Idempotency-Key",
                "This Idempotency-Key was already used with a different request "
                "body. Use a new key for a new notification",
            ),
        )
    return Answer(200, record.response_body)


def submit_once(*, token: ApiToken, data: Any, key: str, request: HttpRequest) -> Answer:
    """Store, route and queue the notification, or replay the answer to an earlier request with
    this key. Raises ApiError (403 another trust, 409 key reused), DocumentInvalid (422) or
    NotYetLive (403)."""
    digest = request_hash(data)
    if key:
        record = IdempotencyRecord.objects.filter(organisation=token.trust, key=key).first()
        if record is not None:
            return _replay(record, digest)
    refuse_other_trust(token=token, data=data)
    try:
        with transaction.atomic():
            duplicates = find_possible_duplicates(document=data, trust=token.trust) if isinstance(data, dict) else []
            notification = submit_notification(
                document=data,
                trust=token.trust,
                api_token=token,
                request=request,
                idempotency_key=f"api:{key}" if key else None,
            )
            body = created_body(notification, possible_duplicates=[d for d in duplicates if d.pk != notification.pk])
            if key:
                IdempotencyRecord.objects.create(
                    organisation=token.trust,
                    key=key,
                    request_hash=digest,
                    response_status=201,
                    response_body=body,
                    notification=notification,
                    created_at=clock.now(),
                )
    except IntegrityError:
        # Another request with the same key committed first: answer as its replay.
        record = IdempotencyRecord.objects.filter(organisation=token.trust, key=key).first() if key else None
        if record is None:
            raise
        return _replay(record, digest)
    return Answer(201, body)
