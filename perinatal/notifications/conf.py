"""Delivery settings: each body's endpoint and shared secret, retries and the sweep.

Each value comes from a Django setting when one is defined, else from the environment, else
from the demo default. In demo and tests every body's endpoint is this platform's own
receiving inbox, `/receiving/<body>/` on SERVICE_BASE_URL. Production endpoints must be
HTTPS and each needs a shared secret (checked by `perinatal.notifications.checks`).

Settings (environment variable in brackets):
- NOTIFICATION_ENDPOINTS: {body: URL} (NOTIFICATION_ENDPOINT_<BODY>)
- NOTIFICATION_ENDPOINT_SECRETS: {body: secret} (NOTIFICATION_SECRET_<BODY>): sent as
  `Authorization: Bearer <secret>`, and required by this platform's receiving endpoint.
- SERVICE_BASE_URL (SERVICE_BASE_URL): default http://127.0.0.1:8000.
- NOTIFICATION_MAX_ATTEMPTS (10), NOTIFICATION_RETRY_BASE_SECONDS (30),
  NOTIFICATION_RETRY_MAX_SECONDS (3600): exponential backoff, base * 2^(attempt-1), capped.
- NOTIFICATION_DELIVERY_LEASE_SECONDS (60): how long an attempt in progress holds a delivery;
  after it a crashed attempt is retried.
- NOTIFICATION_SWEEP_SECONDS (60): how often the sweep looks for deliveries whose task was lost.
- NOTIFICATION_HTTP_TIMEOUT_SECONDS (10).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from django.conf import settings

from perinatal.notifications.routing import BODY_ORDER

DEFAULT_SERVICE_BASE_URL = "http://127.0.0.1:8000"


def _setting(name: str, default, cast=str):
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    return default if raw in (None, "") else cast(raw)


def service_base_url() -> str:
    return str(_setting("SERVICE_BASE_URL", DEFAULT_SERVICE_BASE_URL)).rstrip("/")


def endpoints() -> dict[str, str]:
    configured = getattr(settings, "NOTIFICATION_ENDPOINTS", None) or {}
    result = {}
    for body in BODY_ORDER:
        code = str(body)
        result[code] = (
            configured.get(code)
            or os.environ.get(f"NOTIFICATION_ENDPOINT_{code}")
            or f"{service_base_url()}/receiving/{code}/"
        )
    return result


def endpoint_for(body: str) -> str:
    return endpoints()[str(body)]


def _demo_secret(body: str) -> str:
    # Demo only: derived from SECRET_KEY so the web server and the worker agree without setup.
    return hmac.new(settings.SECRET_KEY.encode(), f"receiving-{body}".encode(), hashlib.sha256).hexdigest()


def secret_for(body: str) -> str | None:
    configured = getattr(settings, "NOTIFICATION_ENDPOINT_SECRETS", None) or {}
    secret = configured.get(str(body)) or os.environ.get(f"NOTIFICATION_SECRET_{body}")
    if secret:
        return secret
    return None if getattr(settings, "PRODUCTION", False) else _demo_secret(str(body))


def max_attempts() -> int:
    return int(_setting("NOTIFICATION_MAX_ATTEMPTS", 10, int))


def retry_base_seconds() -> float:
    return float(_setting("NOTIFICATION_RETRY_BASE_SECONDS", 30.0, float))


def retry_max_seconds() -> float:
    return float(_setting("NOTIFICATION_RETRY_MAX_SECONDS", 3600.0, float))


def lease_seconds() -> float:
    return float(_setting("NOTIFICATION_DELIVERY_LEASE_SECONDS", 60.0, float))


def sweep_seconds() -> float:
    return float(_setting("NOTIFICATION_SWEEP_SECONDS", 60.0, float))


def http_timeout_seconds() -> float:
    return float(_setting("NOTIFICATION_HTTP_TIMEOUT_SECONDS", 10.0, float))
