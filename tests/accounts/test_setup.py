"""Setting up an account from the emailed link survives a wrong authenticator code; the link is
used up only when set-up completes; signing in never asks for a code from an app that was never
confirmed (docs/rules/accounts.md §2)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from perinatal.accounts.models import AccountLink, User
from perinatal.accounts.roles import Role
from perinatal.accounts.services.invitations import invite
from perinatal.core.models import AuditEvent
from perinatal.organisations.models import Organisation
from tests.accounts.mailbox import last_link_to
from tests.helpers import make_user

pytestmark = pytest.mark.django_db

EMAIL = "new.midwife@nhs.example"
PASSWORD = "a long passphrase for the ward"


@pytest.fixture
def invited(django_capture_on_commit_callbacks):
    user = make_user(Role.REPORTER, "R0A", email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        invite(user=user, trust=Organisation.objects.get(code="R0A"), invited_by=None)
    return user


def _code(device: TOTPDevice, drift: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _choose_password(client, path):
    response = client.post(path, {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:setup_authenticator")


def test_a_wrong_code_is_an_error_on_the_field_and_the_right_one_then_works(client, invited, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30  # the throttle that used to refuse the right code a second later
    path = last_link_to(EMAIL, "setup")
    _choose_password(client, path)
    page = client.get(reverse("accounts:setup_authenticator")).content.decode()
    assert "Set up your authenticator app" in page and "otpauth" not in page  # the QR code is an image, not text
    device = TOTPDevice.objects.get(user=invited, confirmed=False)
    wrong = client.post(reverse("accounts:setup_authenticator"), {"code": _code(device, drift=-20)})
    body = wrong.content.decode()
    assert wrong.status_code == 200 and "<title>Error:" in body and 'href="#id_code"' in body
    assert "The code is not the one your authenticator app shows now" in body
    # Nothing changed: the same app is being set up and the link still works.
    assert TOTPDevice.objects.get(user=invited, confirmed=False).pk == device.pk
    assert client.get(path).status_code == 200
    right = client.post(reverse("accounts:setup_authenticator"), {"code": _code(device)})
    assert right.status_code == 200 and "Your backup codes" in right.content.decode()
    assert "no-store" in right["Cache-Control"]
    invited.refresh_from_db()
    assert invited.is_set_up and TOTPDevice.objects.get(user=invited).confirmed
    assert client.get("/").status_code == 200  # signed in
    assert AuditEvent.objects.filter(object_id=str(invited.pk), summary__contains="finished setting up").exists()
    # Used up now.
    assert client.get(path).status_code == 400
    assert AccountLink.objects.get(user=invited).used_at is not None


def test_the_link_is_not_burnt_by_choosing_a_password(client, invited):
    path = last_link_to(EMAIL, "setup")
    _choose_password(client, path)
    client.cookies.clear()  # another day, another browser
    page = client.get(path)
    assert page.status_code == 200 and "Create a password" in page.content.decode()


def test_signing_in_before_the_app_is_confirmed_goes_back_to_set_up(client, invited):
    _choose_password(client, last_link_to(EMAIL, "setup"))
    client.cookies.clear()
    response = client.post(reverse("accounts:sign_in"), {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:setup_authenticator")
    # The security code page is never offered.
    assert client.get(reverse("accounts:verify")).status_code == 302
    assert "Set up your authenticator app" in client.get(response.url).content.decode()
    device = TOTPDevice.objects.get(user=invited, confirmed=False)
    assert client.post(reverse("accounts:setup_authenticator"), {"code": _code(device)}).status_code == 200
    assert client.get("/").status_code == 200


def test_without_a_working_link_signing_in_says_what_to_do(client, invited, settings):
    _choose_password(client, last_link_to(EMAIL, "setup"))
    client.cookies.clear()
    settings.PERINATAL_NOW = "2026-12-05T09:00"  # the set-up link has expired
    response = client.post(reverse("accounts:sign_in"), {"email": EMAIL, "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 200 and "You have not finished setting up your account" in page
    assert "ask your head or director of midwifery" in page.lower() and 'name="code"' not in page
    assert client.get(reverse("accounts:setup_authenticator")).status_code == 302


def test_a_bad_password_is_refused_naming_the_field(client, invited):
    path = last_link_to(EMAIL, "setup")
    page = client.post(path, {"password": "short", "confirm": "short"}).content.decode()
    assert "<title>Error:" in page and 'href="#id_password"' in page and "too short" in page
    page = client.post(path, {"password": PASSWORD, "confirm": PASSWORD + "x"}).content.decode()
    assert "The passwords do not match" in page and 'href="#id_confirm"' in page
    assert not User.objects.get(email=EMAIL).has_usable_password()


def test_the_authenticator_step_needs_the_password_step_first(client, invited):
    assert client.get(reverse("accounts:setup_authenticator")).status_code == 302
    assert not TOTPDevice.objects.filter(user=invited).exists()


def test_a_link_of_someone_removed_does_not_work(client, invited):
    path = last_link_to(EMAIL, "setup")
    invited.is_active = False
    invited.save()
    assert client.get(path).status_code == 400


def test_a_made_up_link_does_not_work(client):
    page = client.get(reverse("accounts:setup", args=["not-a-real-token"]))
    assert page.status_code == 400 and "This link has stopped working" in page.content.decode()


def test_a_first_sign_in_through_nhs_cis2_completes_set_up(rf, invited):
    from django.contrib.sessions.backends.db import SessionStore

    from perinatal.accounts.signals import signed_in
    from perinatal.accounts.signed_in import OIDC_SESSION_FLAG

    request = rf.get("/")
    request.session = SessionStore()
    request.session[OIDC_SESSION_FLAG] = True
    request.session.save()
    signed_in(sender=User, request=request, user=invited)
    invited.refresh_from_db()
    assert invited.is_set_up
    assert AccountLink.objects.get(user=invited).cancelled_at is not None  # the set-up link is not needed now
