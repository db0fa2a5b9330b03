"""The Head of Midwifery's users page: statuses, roles, suspend and reinstate, remove a leaver
(sessions end at once, API tokens revoked), send a new invitation, reset a lost authenticator
(docs/rules/accounts.md §4, §5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from perinatal.accounts.models import Membership, SignedInSession, User
from perinatal.accounts.roles import Role
from perinatal.core.models import AuditEvent
from perinatal.demo.users import DEMO_PASSWORD
from perinatal.notifications.models import ApiToken
from perinatal.notifications.services.api_tokens import issue_api_token
from perinatal.organisations.models import Organisation
from tests.accounts.mailbox import emails_to, last_link_to
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

HOM = "hom.r0a@perinatal.example"
MIDWIFE = "midwife.r0a@perinatal.example"
BOARD = "board.r0a@perinatal.example"


def _user(email):
    return User.objects.get(email=email)


@pytest.fixture
def hom(client):
    sign_in(client, _user(HOM))
    return client


@pytest.fixture
def midwife_session():
    """The midwife, signed in in another browser."""
    other = Client()
    sign_in(other, _user(MIDWIFE))
    assert other.get("/").status_code == 200
    return other


def _url(name, email, *, code="R0A"):
    return reverse(f"accounts:{name}", args=[code, _user(email).pk])


def test_the_list_shows_each_person_their_roles_and_status(hom):
    invited = make_user(Role.REPORTER, "R0A", email="invited.person@nhs.example")
    page = hom.get(reverse("accounts:users", args=["R0A"])).content.decode()
    for text in ("Beth Lewis", MIDWIFE, "Reporter", "Carl Dunn", "Trust viewer (board and executives)"):
        assert text in page
    assert page.count("Active") >= 4 and "Invited" in page and invited.email in page
    assert "hom.rrk@perinatal.example" not in page  # another trust's people


def test_the_trust_page_and_the_home_page_lead_to_it(hom):
    users_url = reverse("accounts:users", args=["R0A"])
    assert users_url in hom.get(reverse("organisations:trust", args=["R0A"])).content.decode()
    assert users_url in hom.get("/").content.decode()


def test_change_roles(hom):
    response = hom.post(_url("user_roles", MIDWIFE), {"roles": ["reporter", "trust_viewer"]})
    assert response.status_code == 302
    held = set(Membership.objects.active().filter(user__email=MIDWIFE).values_list("role", flat=True))
    assert held == {"reporter", "trust_viewer"}
    hom.post(_url("user_roles", MIDWIFE), {"roles": ["trust_viewer"]})
    assert set(Membership.objects.active().filter(user__email=MIDWIFE).values_list("role", flat=True)) == {
        "trust_viewer"
    }
    # The old role is kept as history, revoked by the authoriser.
    revoked = Membership.objects.get(user__email=MIDWIFE, role="reporter")
    assert revoked.revoked_at and revoked.revoked_by.email == HOM
    page = hom.post(_url("user_roles", MIDWIFE), {}).content.decode()
    assert "<title>Error:" in page and "Select at least one role" in page and 'href="#id_roles' in page
    event = AuditEvent.objects.filter(summary__contains=f"Roles of user {_user(MIDWIFE).pk}").first()
    assert event.actor.email == HOM and "reporter, trust_viewer -> trust_viewer" in event.summary


def test_suspending_ends_their_session_at_once_and_reinstating_restores_access(hom, midwife_session):
    assert hom.get(_url("user_suspend", MIDWIFE)).status_code == 200  # the confirmation page
    assert hom.post(_url("user_suspend", MIDWIFE)).status_code == 302
    assert midwife_session.get("/").status_code == 302  # signed out at once
    assert not SignedInSession.objects.filter(user__email=MIDWIFE).exists()
    assert "Suspended" in hom.get(reverse("accounts:users", args=["R0A"])).content.decode()
    # No access left anywhere: they cannot sign in.
    assert Client().post(reverse("accounts:sign_in"), {"email": MIDWIFE, "password": DEMO_PASSWORD}).status_code == 200
    assert hom.post(_url("user_reinstate", MIDWIFE)).status_code == 302
    again = Client()
    response = again.post(reverse("accounts:sign_in"), {"email": MIDWIFE, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:verify")
    summaries = list(AuditEvent.objects.filter(object_id=str(_user(MIDWIFE).pk)).values_list("summary", flat=True))
    assert any("suspended at R0A by user" in s for s in summaries) and any("reinstated" in s for s in summaries)


def test_a_session_ends_even_if_the_session_store_missed_it(hom, midwife_session):
    # A session signed in before sessions were recorded: only the generation check can end it.
    SignedInSession.objects.filter(user__email=MIDWIFE).delete()
    hom.post(_url("user_suspend", MIDWIFE))
    assert midwife_session.get("/").status_code == 302


def test_removing_a_leaver_ends_their_session_and_revokes_their_api_tokens(hom, midwife_session):
    midwife = _user(MIDWIFE)
    admin = _user("system.admin@perinatal.example")
    _plaintext, token = issue_api_token(trust=Organisation.objects.get(code="R0A"), name="Ward system", user=midwife)
    _other, kept = issue_api_token(trust=Organisation.objects.get(code="R0A"), name="Other", user=admin)
    response = hom.post(_url("user_remove", MIDWIFE))
    assert response.status_code == 302 and response.url == reverse("accounts:users", args=["R0A"])
    assert midwife_session.get("/").status_code == 302
    midwife.refresh_from_db()
    assert not midwife.is_active and not Membership.objects.current().filter(user=midwife).exists()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=kept.pk).revoked_at is None
    assert MIDWIFE not in hom.get(reverse("accounts:users", args=["R0A"])).content.decode()
    event = AuditEvent.objects.get(action="delete", object_id=str(midwife.pk))
    assert event.actor.email == HOM and f"removed from R0A by user {event.actor.pk}" in event.summary
    assert AuditEvent.objects.filter(object_id=str(token.pk), summary__contains="revoked").exists()
    # Given access again later, their account opens again.
    from perinatal.accounts.services import grant_membership

    grant_membership(
        user=midwife, organisation=Organisation.objects.get(code="R0A"), role=Role.REPORTER, granted_by=None
    )
    midwife.refresh_from_db()
    assert midwife.is_active


def test_someone_with_a_role_at_another_trust_keeps_it(hom):
    both = make_user(Role.REPORTER, "R0A", email="bank.midwife@nhs.example")
    make_user(Role.REPORTER, "RRK", email="bank.midwife@nhs.example")
    hom.post(reverse("accounts:user_remove", args=["R0A", both.pk]))
    both.refresh_from_db()
    assert both.is_active
    assert list(Membership.objects.active().filter(user=both).values_list("organisation__code", flat=True)) == ["RRK"]


def test_resetting_a_lost_authenticator(hom, midwife_session, django_capture_on_commit_callbacks):
    midwife = _user(MIDWIFE)
    assert "Reset their authenticator app" in hom.get(_url("user", MIDWIFE)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert hom.post(_url("user_reset_second_factor", MIDWIFE)).status_code == 302
    assert midwife_session.get("/").status_code == 302
    assert (
        not TOTPDevice.objects.filter(user=midwife).exists() and not StaticDevice.objects.filter(user=midwife).exists()
    )
    event = AuditEvent.objects.get(summary__contains=f"Second factor of user {midwife.pk} reset")
    assert event.actor.email == HOM and f"reset by user {event.actor.pk}" in event.summary
    (email,) = emails_to(MIDWIFE)
    assert "reset the authenticator app" in email.body
    path = last_link_to(MIDWIFE, "new-authenticator")
    # Signing in with the password alone no longer reaches a code prompt: it goes to set-up.
    person = Client()
    wrong = person.post(path, {"password": "not my password"})
    assert "The password is not right" in wrong.content.decode()
    response = person.post(path, {"password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:setup_authenticator")
    assert "Set up your authenticator app" in person.get(response.url).content.decode()
    device = TOTPDevice.objects.get(user=midwife, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    done = person.post(reverse("accounts:setup_authenticator"), {"code": code})
    assert "Your backup codes" in done.content.decode()
    assert person.get("/").status_code == 200
    assert person.get(path).status_code == 400  # used up
    assert AuditEvent.objects.filter(summary=f"User {midwife.pk} set up a new authenticator app").exists()


def test_signing_in_after_a_reset_goes_to_set_up_not_a_code(hom, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hom.post(_url("user_reset_second_factor", MIDWIFE))
    response = Client().post(reverse("accounts:sign_in"), {"email": MIDWIFE, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:setup_authenticator")


def test_an_authoriser_cannot_reset_someone_with_a_role_elsewhere_but_a_system_admin_can(client, hom):
    wider = make_user(Role.REPORTER, "R0A", email="also.icb@nhs.example")
    make_user(Role.ICB_VIEWER, "QOP", email="also.icb@nhs.example")
    wider.set_up_at = "2026-11-01T09:00Z"
    wider.save()
    TOTPDevice.objects.create(user=wider, name="app", confirmed=True)
    page = hom.get(reverse("accounts:user", args=["R0A", wider.pk])).content.decode()
    assert "a system admin resets their authenticator app" in page
    refused = hom.post(reverse("accounts:user_reset_second_factor", args=["R0A", wider.pk]), follow=True)
    assert "ask a system admin" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=wider).exists()
    admin = Client()
    sign_in(admin, _user("system.admin@perinatal.example"))
    assert admin.post(reverse("accounts:user_reset_second_factor", args=["R0A", wider.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=wider).exists()


def test_nobody_changes_their_own_access(hom):
    me = _user(HOM)
    page = hom.get(reverse("accounts:user", args=["R0A", me.pk])).content.decode()
    assert "You cannot change your own access" in page
    for name in ("user_suspend", "user_remove", "user_reset_second_factor"):
        hom.post(reverse(f"accounts:{name}", args=["R0A", me.pk]))
    hom.post(reverse("accounts:user_roles", args=["R0A", me.pk]), {"roles": ["reporter"]})
    assert Membership.objects.active().filter(user=me, role="local_authoriser").exists()
    assert TOTPDevice.objects.filter(user=me, confirmed=True).exists()
    assert hom.get("/").status_code == 200


@pytest.mark.parametrize(
    "role, org, status",
    [
        (Role.LOCAL_AUTHORISER, "RRK", 404),  # another trust's authoriser
        (Role.REPORTER, "R0A", 403),
        (Role.TRUST_VIEWER, "R0A", 403),
        (Role.ICB_VIEWER, "QOP", 403),
        (Role.NATIONAL_REVIEWER, "MNSI", 403),
    ],
)
def test_only_the_trusts_authoriser_manages_its_users(client, role, org, status, midwife_session):
    sign_in(client, make_user(role, org))
    assert client.get(reverse("accounts:users", args=["R0A"])).status_code == status
    assert client.get(_url("user", MIDWIFE)).status_code == status
    for name in ("user_suspend", "user_remove", "user_reset_second_factor", "user_resend_invitation"):
        assert client.post(_url(name, MIDWIFE)).status_code == status
    assert client.post(_url("user_roles", MIDWIFE), {"roles": ["trust_viewer"]}).status_code == status
    assert midwife_session.get("/").status_code == 200
    assert TOTPDevice.objects.filter(user__email=MIDWIFE, confirmed=True).exists()


def test_someone_from_another_trust_is_not_found_on_this_trusts_page(hom):
    assert hom.get(reverse("accounts:user", args=["R0A", _user("midwife.rrk@perinatal.example").pk])).status_code == 404


def test_tokens_issued_for_another_trust_stay_while_the_person_works_there(hom):
    both = make_user(Role.REPORTER, "R0A", email="bank.issuer@nhs.example")
    make_user(Role.REPORTER, "RRK", email="bank.issuer@nhs.example")
    _a, here = issue_api_token(trust=Organisation.objects.get(code="R0A"), name="Here", user=both)
    _b, there = issue_api_token(trust=Organisation.objects.get(code="RRK"), name="There", user=both)
    hom.post(reverse("accounts:user_suspend", args=["R0A", both.pk]))
    assert ApiToken.objects.get(pk=here.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=there.pk).revoked_at is None
