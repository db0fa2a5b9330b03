"""Each national body's receiving endpoint, as run by this platform in demo and tests.

`POST /receiving/<body>/` with `Authorization: Bearer <the body's shared secret>` and an
`Idempotency-Key` header stores the JSON payload once per key (`ReceivedNotification`):
201 the first time, 200 for a replay (counted, never stored twice). While a simulated outage
is on (`perinatal receiving_outage BODY on`) it answers 503, so retries can be seen working.
A real body's endpoint is expected to honour the same Idempotency-Key contract. In production
(PERINATAL_ENV=production) this endpoint does not exist: the bodies run their own.
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from perinatal.core import clock
from perinatal.notifications import conf
from perinatal.notifications.models import ReceivedNotification, ReceivingOutage
from perinatal.notifications.routing import BODY_ORDER

BODIES = frozenset(str(body) for body in BODY_ORDER)


def _answer(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"status": message, **extra}, status=status)


@csrf_exempt
def receive(request, body: str):
    if body not in BODIES or getattr(settings, "PRODUCTION", False):
        return _answer(404, "unknown body")
    if request.method != "POST":
        response = _answer(405, "use POST")
        response["Allow"] = "POST"
        return response
    secret = conf.secret_for(body) or ""
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if not secret or scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip(), secret):
        return _answer(401, "missing or wrong shared secret")
    if ReceivingOutage.objects.filter(body=body, active=True).exists():
        return _answer(503, "simulated outage")
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 120:
        return _answer(400, "an Idempotency-Key header of at most 120 characters is required")
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return _answer(400, "the body must be JSON")
    now = clock.now()
    try:
        with transaction.atomic():
            ReceivedNotification.objects.create(body=body, idempotency_key=key, payload=payload, received_at=now)
    except IntegrityError:
        ReceivedNotification.objects.filter(body=body, idempotency_key=key).update(
            duplicate_attempts=F("duplicate_attempts") + 1, last_duplicate_at=now
        )
        return _answer(200, "already received", idempotency_key=key)
    return _answer(201, "received", idempotency_key=key)
