"""Signing in with a password and a second factor; lockout; sessions."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from perinatal.accounts.models import User
from perinatal.core.models import AuditEvent
from perinatal.demo.users import DEMO_PASSWORD, demo_backup_code

pytestmark = pytest.mark.django_db

HOM = "hom.r0a@perinatal.example"


def code_for(user, *, offset_steps=0):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset_steps):06d}"


def test_sign_in_needs_password_then_security_code(client):
    response = client.post(reverse("accounts:sign_in"), {"email": HOM, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:verify")
    # Not signed in yet: the home page sends us back to sign in.
    assert client.get("/").status_code == 302
    user = User.objects.get(email=HOM)
    response = client.post(reverse("accounts:verify"), {"code": code_for(user)})
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/")
    assert home.status_code == 200 and "Amina Okafor" in home.content.decode()
    assert AuditEvent.objects.filter(actor=user, action="sign_in").exists()


def test_wrong_password_names_the_field_and_counts(client):
    response = client.post(reverse("accounts:sign_in"), {"email": HOM, "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page and "The email address or password is not right" in page
    assert 'href="#id_email"' in page


def test_lockout_after_five_failures(client):
    for _ in range(5):
        client.post(reverse("accounts:sign_in"), {"email": HOM, "password": "wrong"})
    response = client.post(reverse("accounts:sign_in"), {"email": HOM, "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "You cannot sign in for 30 minutes" in response.content.decode()


@pytest.mark.parametrize(
    "bad_code, message",
    [
        ("12345", "Enter the 6-digit code"),
        ("abcdef", "Enter the 6-digit code"),
        ("", "Enter the security code"),
    ],
)
def test_malformed_codes_are_refused_with_a_message(client, bad_code, message):
    client.post(reverse("accounts:sign_in"), {"email": HOM, "password": DEMO_PASSWORD})
    response = client.post(reverse("accounts:verify"), {"code": bad_code})
    assert message in response.content.decode()
    assert client.get("/").status_code == 302


def test_expired_or_wrong_code_is_refused_and_nothing_changes(client):
    user = User.objects.get(email=HOM)
    client.post(reverse("accounts:sign_in"), {"email": HOM, "password": DEMO_PASSWORD})
    expired = code_for(user, offset_steps=-20)  # ten minutes old
    response = client.post(reverse("accounts:verify"), {"code": expired})
    assert "The security code is wrong or has expired" in response.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(actor=user, action="sign_in_failed").exists()


def test_backup_code_works_once(client):
    user = User.objects.get(email=HOM)
    client.post(reverse("accounts:sign_in"), {"email": HOM, "password": DEMO_PASSWORD})
    assert client.post(reverse("accounts:verify"), {"code": demo_backup_code(HOM)}).status_code == 302
    client.post(reverse("accounts:sign_out"))
    client.post(reverse("accounts:sign_in"), {"email": HOM, "password": DEMO_PASSWORD})
    response = client.post(reverse("accounts:verify"), {"code": demo_backup_code(HOM)})
    assert response.status_code == 200 and "The security code is wrong or has expired" in response.content.decode()
    del user


def test_session_expires_after_inactivity_and_keep_alive_refreshes(client, settings):
    from tests.helpers import sign_in

    sign_in(client, User.objects.get(email=HOM))
    assert settings.SESSION_COOKIE_AGE == 900 and settings.SESSION_SAVE_EVERY_REQUEST
    assert client.get("/").status_code == 200
    session = client.session
    before = session.get_expiry_date()
    time.sleep(1.1)
    response = client.post(reverse("accounts:keep_alive"), HTTP_X_REQUESTED_WITH="fetch")
    assert response.json() == {"inactivity_seconds": 900}
    assert client.session.get_expiry_date() > before
    # Expire the session server-side: the next page asks for sign-in again.
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get("/").status_code == 302


def test_timeout_warning_is_on_every_signed_in_page(client):
    from tests.helpers import sign_in

    sign_in(client, User.objects.get(email=HOM))
    page = client.get("/").content.decode()
    assert 'id="session-timeout"' in page and 'data-inactivity="900"' in page and "Stay signed in" in page


def test_security_headers(client):
    response = client.get(reverse("accounts:sign_in"))
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_right_code_too_soon_after_a_wrong_one_says_wait_not_wrong(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30  # long enough that the test cannot outrun it
    user = User.objects.get(email=HOM)
    client.post(reverse("accounts:sign_in"), {"email": HOM, "password": DEMO_PASSWORD})
    client.post(reverse("accounts:verify"), {"code": code_for(user, offset_steps=-20)})
    response = client.post(reverse("accounts:verify"), {"code": code_for(user)})
    page = response.content.decode()
    assert "<title>Error:" in page and "came too soon after a wrong one. Wait 30 seconds, then enter the code" in page
    assert client.get("/").status_code == 302
    # Once the wait is over, the right code signs in.
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.throttling_failure_timestamp -= timedelta(seconds=31)
    device.save()
    assert client.post(reverse("accounts:verify"), {"code": code_for(user)}).status_code == 302


def test_a_backup_code_works_while_the_authenticator_waits_after_a_wrong_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    user = User.objects.get(email=HOM)
    client.post(reverse("accounts:sign_in"), {"email": HOM, "password": DEMO_PASSWORD})
    client.post(reverse("accounts:verify"), {"code": code_for(user, offset_steps=-20)})  # a wrong code
    assert client.post(reverse("accounts:verify"), {"code": demo_backup_code(HOM)}).status_code == 302


def test_a_backup_code_does_not_count_against_the_authenticator(client):
    user = User.objects.get(email=HOM)
    client.post(reverse("accounts:sign_in"), {"email": HOM, "password": DEMO_PASSWORD})
    assert client.post(reverse("accounts:verify"), {"code": demo_backup_code(HOM)}).status_code == 302
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert device.throttling_failure_count == 0
