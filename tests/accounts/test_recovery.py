"""Forgot your password: the same answer for any address, a single-use link that expires, a
throttle, and every session ended (docs/rules/accounts.md §3)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from perinatal.accounts.models import AccountLink, ThrottledRequest, User
from perinatal.core.models import AuditEvent
from perinatal.demo.users import DEMO_PASSWORD
from tests.accounts.mailbox import emails_to, last_link_to
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

MIDWIFE = "midwife.r0a@perinatal.example"
NEW_PASSWORD = "a brand new passphrase 2026"


def _ask(client, commit, email):
    with commit(execute=True):
        return client.post(reverse("accounts:forgot_password"), {"email": email})


def test_the_sign_in_page_offers_it(client):
    assert reverse("accounts:forgot_password") in client.get(reverse("accounts:sign_in")).content.decode()


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, django_capture_on_commit_callbacks):
    known = _ask(client, django_capture_on_commit_callbacks, MIDWIFE)
    unknown = _ask(client, django_capture_on_commit_callbacks, "nobody.here@nhs.example")
    assert known.status_code == unknown.status_code == 200

    def words(response, email):
        main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
        return main.replace(email, "ADDRESS")

    assert words(known, MIDWIFE) == words(unknown, "nobody.here@nhs.example")
    assert "Check your email" in known.content.decode()
    assert len(emails_to(MIDWIFE)) == 1 and not emails_to("nobody.here@nhs.example")
    # The address asked for is not stored: only a keyed hash, for the throttle.
    assert not ThrottledRequest.objects.filter(email_digest__icontains="midwife").exists()


def test_the_link_sets_a_new_password_once_and_ends_every_session(client, django_capture_on_commit_callbacks):
    from django.test import Client

    midwife = User.objects.get(email=MIDWIFE)
    elsewhere = Client()
    sign_in(elsewhere, midwife)
    assert elsewhere.get("/").status_code == 200
    _ask(client, django_capture_on_commit_callbacks, MIDWIFE)
    path = last_link_to(MIDWIFE, "reset-password")
    assert "The link works once, until 27 November 2026 at 10:00am" in emails_to(MIDWIFE)[0].body
    page = client.post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert page.status_code == 200 and "Your password has been changed" in page.content.decode()
    midwife.refresh_from_db()
    assert midwife.check_password(NEW_PASSWORD) and not midwife.check_password(DEMO_PASSWORD)
    assert elsewhere.get("/").status_code == 302  # signed out at once
    assert client.get("/").status_code == 302  # and not signed in by the reset
    assert client.get(path).status_code == 400  # used up
    assert AuditEvent.objects.filter(object_id=str(midwife.pk), summary__contains="reset from an emailed link").exists()
    # Signing in now takes the new password, then the authenticator app as before.
    response = client.post(reverse("accounts:sign_in"), {"email": MIDWIFE, "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:verify")


def test_the_link_expires_after_an_hour(client, settings, django_capture_on_commit_callbacks):
    _ask(client, django_capture_on_commit_callbacks, MIDWIFE)
    path = last_link_to(MIDWIFE, "reset-password")
    settings.PERINATAL_NOW = "2026-11-27T10:00"
    page = client.get(path)
    assert page.status_code == 400 and "works once, for 1 hour" in page.content.decode()


def test_only_the_newest_link_works(client, django_capture_on_commit_callbacks):
    _ask(client, django_capture_on_commit_callbacks, MIDWIFE)
    first = last_link_to(MIDWIFE, "reset-password")
    _ask(client, django_capture_on_commit_callbacks, MIDWIFE)
    second = last_link_to(MIDWIFE, "reset-password")
    assert client.get(first).status_code == 400 and client.get(second).status_code == 200


def test_requests_are_throttled_for_any_address_alike(client, django_capture_on_commit_callbacks):
    for email in (MIDWIFE, "nobody.here@nhs.example"):
        for _ in range(3):
            assert _ask(client, django_capture_on_commit_callbacks, email).status_code == 200
        refused = _ask(client, django_capture_on_commit_callbacks, email)
        page = refused.content.decode()
        assert refused.status_code == 429 and "<title>Error:" in page and "Wait 1 hour" in page
        assert 'href="#id_email"' in page
    assert len(emails_to(MIDWIFE)) == 3


def test_someone_not_set_up_gets_no_reset_link(client, django_capture_on_commit_callbacks):
    from perinatal.accounts.roles import Role
    from tests.helpers import make_user

    make_user(Role.REPORTER, "R0A", email="invited.only@nhs.example")
    page = _ask(client, django_capture_on_commit_callbacks, "invited.only@nhs.example").content.decode()
    assert "Check your email" in page and "use the link in your invitation" in page
    assert not mail.outbox and not AccountLink.objects.filter(purpose="password_reset").exists()


def test_a_bad_new_password_names_the_field(client, django_capture_on_commit_callbacks):
    _ask(client, django_capture_on_commit_callbacks, MIDWIFE)
    path = last_link_to(MIDWIFE, "reset-password")
    page = client.post(path, {"password": "password", "confirm": "password"}).content.decode()
    assert "<title>Error:" in page and 'href="#id_password"' in page
    assert client.get(path).status_code == 200  # still usable after a mistake


def test_an_email_that_is_not_an_address_is_refused(client):
    page = client.post(reverse("accounts:forgot_password"), {"email": "midwife"}).content.decode()
    assert "Enter your email address in the correct format, like name@nhs.net" in page
