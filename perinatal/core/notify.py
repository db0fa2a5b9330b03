"""The platform's notifier: email to named people about something that needs them.

First written for MOSS signals (docs/rules/surveillance.md §1.4); the equity programme and
improvement support use it too. The setting keeps its first name.

Settings (a Django setting of the same name wins over the environment variable):

- ``SURVEILLANCE_NOTIFIER``: ``email`` (default: Django's email backend, which is the console
  in the demo), ``govuk_notify`` (GOV.UK Notify's email API), or the dotted path of a class
  with the :class:`Notifier` interface.
- ``GOVUK_NOTIFY_API_KEY``: the Notify API key (``name-serviceid-secret``), for ``govuk_notify``.
- ``GOVUK_NOTIFY_TEMPLATE_ID``: a Notify email template whose subject is ``((subject))`` and
  whose body is ``((body))``.
- ``GOVUK_NOTIFY_BASE_URL``: default ``https://api.notifications.service.gov.uk``.
- ``SERVICE_BASE_URL``: the address links in messages point to (default http://127.0.0.1:8000).

Messages never carry identifiable data: they name the site, the month, the signal level and
the due date, and link to the safety check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

NOTIFIER_EMAIL = "email"
NOTIFIER_GOVUK_NOTIFY = "govuk_notify"
DEFAULT_NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
NOTIFY_EMAIL_PATH = "/v2/notifications/email"
DEFAULT_SERVICE_BASE_URL = "http://127.0.0.1:8000"
HTTP_TIMEOUT_SECONDS = 10
# A Notify API key is "<key name>-<service id: 36 characters>-<secret key: 36 characters>".
_NOTIFY_UUID_LENGTH = 36


class NotifierError(RuntimeError):
    """A message could not be sent; the notice is kept and tried again by the next MOSS run."""


@dataclass(frozen=True)
class Message:
    recipients: tuple[str, ...]
    subject: str
    body: str
    reference: str


class Notifier(Protocol):
    name: str

    def send(self, message: Message) -> None:
        """Send the message to every recipient, or raise :class:`NotifierError`."""


def _setting(name: str, default: str = "") -> str:
    if hasattr(settings, name):
        return str(getattr(settings, name) or "")
    return os.environ.get(name) or default


def service_base_url() -> str:
    return _setting("SERVICE_BASE_URL", DEFAULT_SERVICE_BASE_URL).rstrip("/")


class EmailNotifier:
    """Through Django's configured email backend (console in the demo, SMTP in production)."""

    name = "email"

    def send(self, message: Message) -> None:
        try:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, list(message.recipients))
        except Exception as error:  # any backend failure (SMTP refused, DNS, …) is a failed notice
            raise NotifierError(f"email not sent: {type(error).__name__}") from error


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def notify_bearer_token(*, api_key: str, issued_at: int) -> str:
    """GOV.UK Notify's authorisation: a JWT (HS256) with iss = service id, iat = now, signed with the secret."""
    if len(api_key) < 2 * _NOTIFY_UUID_LENGTH + 2:
        raise NotifierError("GOVUK_NOTIFY_API_KEY is not a Notify API key")
    secret = api_key[-_NOTIFY_UUID_LENGTH:]
    service_id = api_key[-2 * _NOTIFY_UUID_LENGTH - 1 : -_NOTIFY_UUID_LENGTH - 1]
    header = _base64url(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = _base64url(json.dumps({"iss": service_id, "iat": issued_at}, separators=(",", ":")).encode())
    signing_input = f"{header}.{claims}".encode("ascii")
    signature = _base64url(hmac.new(secret.encode(), signing_input, hashlib.sha256).digest())
    return f"{header}.{claims}.{signature}"


class GovUkNotifyNotifier:
    """GOV.UK Notify's email API, one request per recipient (stdlib ``urllib``: no extra dependency)."""

    name = "govuk_notify"

    def __init__(self, *, api_key: str | None = None, template_id: str | None = None, base_url: str | None = None):
        self.api_key = api_key if api_key is not None else _setting("GOVUK_NOTIFY_API_KEY")
        self.template_id = template_id if template_id is not None else _setting("GOVUK_NOTIFY_TEMPLATE_ID")
        self.base_url = (base_url or _setting("GOVUK_NOTIFY_BASE_URL", DEFAULT_NOTIFY_BASE_URL)).rstrip("/")
        if not self.api_key or not self.template_id:
            raise NotifierError("GOV.UK Notify needs GOVUK_NOTIFY_API_KEY and GOVUK_NOTIFY_TEMPLATE_ID")

    def send(self, message: Message) -> None:
        for recipient in message.recipients:
            payload = {
                "email_address": recipient,
                "template_id": self.template_id,
                "personalisation": {"subject": message.subject, "body": message.body},
                "reference": message.reference,
            }
            request = urllib.request.Request(
                self.base_url + NOTIFY_EMAIL_PATH,
                data=json.dumps(payload).encode(),
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "Authorization": "Bearer " + notify_bearer_token(api_key=self.api_key, issued_at=int(time.time())),
                    "User-Agent": "perinatal-safety-platform",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                raise NotifierError(f"GOV.UK Notify refused the message (HTTP {error.code})") from error
            except OSError as error:
                raise NotifierError(f"GOV.UK Notify could not be reached ({type(error).__name__})") from error


NOTIFIERS = {NOTIFIER_EMAIL: EmailNotifier, NOTIFIER_GOVUK_NOTIFY: GovUkNotifyNotifier}


def get_notifier() -> Notifier:
    """The configured notifier (``SURVEILLANCE_NOTIFIER``); email by default."""
    choice = _setting("SURVEILLANCE_NOTIFIER", NOTIFIER_EMAIL)
    notifier_class = NOTIFIERS.get(choice) or import_string(choice)
    return notifier_class()
