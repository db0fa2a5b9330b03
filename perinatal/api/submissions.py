"""What the notification endpoints do between HTTP and the notifications service: read the
document, keep a token to its own trust, preview the routing, and submit each notification
once per Idempotency-Key.

The Idempotency-Key is the client's promise that a retried request is the same
notification: the same key with the same JSON (whatever its spacing or key order) answers
the first response again with 200; the same key with another body is refused with 409.
A key is kept only for a submission that was stored, so a corrected document may reuse the
key of a refused one.

A submission that may duplicate one of the trust's notifications is stored but held (202,
with the page where the trust decides), unless the body names each of them in
`not_a_duplicate` with a reason (docs/rules/routing.md §7.2, §7.3). `not_a_duplicate` is not
part of the notification document: it is taken off before the document is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse

from perinatal.api.edge import read_json
from perinatal.api.errors import ApiError
from perinatal.api.schemas.notifications import IDEMPOTENCY_KEY_MAX
from perinatal.core import clock
from perinatal.notifications import presenters
from perinatal.notifications.models import ApiToken, IdempotencyRecord, Notification
from perinatal.notifications.routing import DocumentInvalid, FieldError, route
from perinatal.notifications.services.documents import parse
from perinatal.notifications.services.submission import submit_notification

NOT_A_DUPLICATE = "not_a_duplicate"


@dataclass(frozen=True)
class Answer:
    """A successful submission: 201 stored and queued, 202 stored and held, or 200 a replay of
    the first answer."""

    status: int
    body: dict[str, Any]


def read_document(request: HttpRequest) -> Any:
    """The JSON request body (any JSON value: the service says what is wrong with it), within
    the API's limits (`edge.read_json`)."""
    return read_json(request)


def idempotency_key(value: str | None) -> str:
    """The Idempotency-Key header, stripped ("" when there is none)."""
    key = (value or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        # Refused, never cut: two keys alike in their first characters must not merge two events.
        raise ApiError(
            422, ("Idempotency-Key", f"The Idempotency-Key must be {IDEMPOTENCY_KEY_MAX} characters or fewer")
        )
    if not all(" " <= character <= "~" for character in key):
        raise ApiError(
            422, ("Idempotency-Key", "The Idempotency-Key must be printable ASCII (letters, digits, - _ . : and so on)")
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


def split_submission(data: Any) -> tuple[Any, tuple[list[str], str]]:
    """(the notification document, (references named as other events, the reason)).

    Raises DocumentInvalid (422) when `not_a_duplicate` is not {"of": [references], "reason": text}.
    """
    if not isinstance(data, dict) or NOT_A_DUPLICATE not in data:
        return data, ([], "")
    document = {key: value for key, value in data.items() if key != NOT_A_DUPLICATE}
    claim = data[NOT_A_DUPLICATE]
    if claim is None:
        return document, ([], "")
    problems: list[FieldError] = []
    if not isinstance(claim, dict) or set(claim) - {"of", "reason"}:
        problems.append(
            FieldError(NOT_A_DUPLICATE, 'Write not_a_duplicate as {"of": ["PEN-2026-000123"], "reason": "..."}')
        )
        raise DocumentInvalid(problems)
    references, reason = claim.get("of"), claim.get("reason")
    if not isinstance(references, list) or not references or not all(isinstance(r, str) for r in references):
        problems.append(
            FieldError(f"{NOT_A_DUPLICATE}.of", "List the references of the notifications this event is not")
        )
    if not isinstance(reason, str) or not reason.strip():
        problems.append(
            FieldError(
                f"{NOT_A_DUPLICATE}.reason", "Give the reason this is a different event, for example the second twin"
            )
        )
    if problems:
        raise DocumentInvalid(problems)
    return document, (references, reason)


def request_hash(data: Any) -> str:
    """The same JSON (whatever its spacing or key order) gives the same hash."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def created_body(notification: Notification) -> dict[str, Any]:
    body = presenters.status_json(notification)
    body["status_url"] = reverse("api:notification", args=[notification.reference])
    body["routing"] = notification.current_version.routing
    body["possible_duplicates"] = list(notification.possible_duplicate_of)
    held = notification.is_held
    body["decision_url"] = reverse("notifications:held", args=[notification.reference]) if held else None
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
    document, (distinct_from, distinct_because) = split_submission(data)
    try:
        with transaction.atomic():
            notification = submit_notification(
                document=document,
                trust=token.trust,
                api_token=token,
                request=request,
                idempotency_key=f"api:{key}" if key else None,
                distinct_from=distinct_from,
                distinct_because=distinct_because,
                keep_stored_rows=True,
            )
            body = created_body(notification)
            status = 202 if notification.is_held else 201
            if key:
                IdempotencyRecord.objects.create(
                    organisation=token.trust,
                    key=key,
                    request_hash=digest,
                    response_status=status,
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
    return Answer(status, body)
