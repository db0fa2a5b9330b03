"""The pluggable notifier: Django email by default, GOV.UK Notify when configured."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from perinatal.core.notify import (
    EmailNotifier,
    GovUkNotifyNotifier,
    Message,
    NotifierError,
    get_notifier,
    notify_bearer_token,
)

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"perinatal_test-{SERVICE_ID}-{SECRET}"
TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
MESSAGE = Message(
    recipients=("a@nhs.example", "b@nhs.example"),
    subject="MOSS signal at R0A01",
    body="A signal is a prompt for a safety check, not a verdict of unsafe care.",
    reference="csc-1-notice-1",
)


def _decode(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_the_notify_token_is_a_signed_jwt_for_the_service():
    token = notify_bearer_token(api_key=API_KEY, issued_at=1_700_000_000)
    header, claims, signature = token.split(".")
    assert _decode(header) == {"typ": "JWT", "alg": "HS256"}
    assert _decode(claims) == {"iss": SERVICE_ID, "iat": 1_700_000_000}
    expected = hmac.new(SECRET.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)) == expected


def test_a_key_that_is_not_a_notify_key_is_refused():
    with pytest.raises(NotifierError):
        notify_bearer_token(api_key="short", issued_at=0)


class _Notify(BaseHTTPRequestHandler):
    received: list[tuple[str, dict, dict]] = []
    status = 201

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Notify.received.append((self.path, dict(self.headers), body))
        self.send_response(_Notify.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "x"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def notify_server():
    _Notify.received, _Notify.status = [], 201
    server = HTTPServer(("127.0.0.1", 0), _Notify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_notify_sends_one_email_per_recipient_with_the_template(notify_server):
    GovUkNotifyNotifier(api_key=API_KEY, template_id=TEMPLATE, base_url=notify_server).send(MESSAGE)
    assert [path for path, _, _ in _Notify.received] == ["/v2/notifications/email"] * 2
    (_, headers, first), (_, _, second) = _Notify.received
    assert first == {
        "email_address": "a@nhs.example",
        "template_id": TEMPLATE,
        "reference": "csc-1-notice-1",
        "personalisation": {"subject": MESSAGE.subject, "body": MESSAGE.body},
    }
    assert second["email_address"] == "b@nhs.example"
    assert (
        headers["Authorization"].startswith("Bearer ")
        and _decode(headers["Authorization"][7:].split(".")[1])["iss"] == SERVICE_ID
    )


def test_notify_refusals_are_notifier_errors(notify_server):
    _Notify.status = 400
    with pytest.raises(NotifierError, match="HTTP 400"):
        GovUkNotifyNotifier(api_key=API_KEY, template_id=TEMPLATE, base_url=notify_server).send(MESSAGE)
    with pytest.raises(NotifierError, match="could not be reached"):
        GovUkNotifyNotifier(api_key=API_KEY, template_id=TEMPLATE, base_url="http://127.0.0.1:9").send(MESSAGE)


def test_notify_needs_its_key_and_template(settings):
    settings.GOVUK_NOTIFY_API_KEY = ""
    settings.GOVUK_NOTIFY_TEMPLATE_ID = TEMPLATE
    with pytest.raises(NotifierError, match="GOVUK_NOTIFY_API_KEY"):
        GovUkNotifyNotifier()


def test_settings_choose_the_notifier(settings):
    settings.SURVEILLANCE_NOTIFIER = "email"
    assert isinstance(get_notifier(), EmailNotifier)
    settings.SURVEILLANCE_NOTIFIER = "govuk_notify"
    settings.GOVUK_NOTIFY_API_KEY = API_KEY
    settings.GOVUK_NOTIFY_TEMPLATE_ID = TEMPLATE
    notifier = get_notifier()
    assert isinstance(notifier, GovUkNotifyNotifier) and notifier.template_id == TEMPLATE
    settings.SURVEILLANCE_NOTIFIER = "perinatal.core.notify.EmailNotifier"
    assert isinstance(get_notifier(), EmailNotifier)


def test_the_email_notifier_uses_django_email():
    EmailNotifier().send(MESSAGE)
    (sent,) = mail.outbox
    assert sent.to == list(MESSAGE.recipients) and sent.subject == MESSAGE.subject and sent.body == MESSAGE.body
