"""Nominated and approved people are invited by email with a set-up link that expires and that
their local authoriser can send again (docs/rules/accounts.md §1, §2)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from perinatal.accounts.models import AccountLink, User
from perinatal.accounts.roles import Role
from perinatal.core.models import AuditEvent
from perinatal.organisations.models import Organisation
from perinatal.surveillance.services.safety_checks import eligible_owners
from tests.accounts.mailbox import emails_to, last_link_to
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

HOM = "hom.r0a@perinatal.example"
NOMINATIONS = b"name,email,role\nAl Jones,al.jones@nhs.example,trust viewer\nBo Li,bo.li@nhs.example,reporter\n"


def _upload(client, commit, content=NOMINATIONS):
    with commit(execute=True):
        return client.post(
            reverse("accounts:nominations", args=["R0A"]), {"file": SimpleUploadedFile("list.csv", content)}
        )


@pytest.fixture
def hom_client(client):
    sign_in(client, User.objects.get(email=HOM))
    return client


def test_each_nominated_person_is_emailed_a_set_up_link(hom_client, django_capture_on_commit_callbacks):
    response = _upload(hom_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    for address in ("al.jones@nhs.example", "bo.li@nhs.example"):
        (email,) = emails_to(address)
        assert email.subject == "Set up your account for the Perinatal safety platform"
        assert "Manchester University NHS Foundation Trust" in email.body
        assert "The link works until 4 December 2026 at 9:00am" in email.body  # 7 days on the service clock
        assert last_link_to(address, "setup")
    link = AccountLink.objects.get(user__email="al.jones@nhs.example")
    assert link.purpose == "set_up" and link.sent_at is not None and link.created_by.email == HOM
    assert AuditEvent.objects.filter(action="upload", summary__contains="each invited by email").exists()


def test_a_set_up_person_nominated_again_is_not_sent_a_link(hom_client, django_capture_on_commit_callbacks):
    # The demo's board member has an account; nominated for a new role they are told, with no link.
    content = b"name,email,role\nCarl Dunn,board.r0a@perinatal.example,reporter\n"
    _upload(hom_client, django_capture_on_commit_callbacks, content)
    (email,) = emails_to("board.r0a@perinatal.example")
    assert "/account/" not in email.body and "Sign in" in email.body
    assert not AccountLink.objects.filter(user__email="board.r0a@perinatal.example").exists()
    # The same list again changes nothing for them and sends nothing more.
    _upload(hom_client, django_capture_on_commit_callbacks, content)
    assert len(emails_to("board.r0a@perinatal.example")) == 1


def test_an_approved_request_invites_the_person(hom_client, django_capture_on_commit_callbacks):
    from perinatal.accounts.models import AccessRequest

    request = AccessRequest.objects.create(
        full_name="Sam Taylor",
        email="sam.taylor@nhs.example",
        job_title="Midwife",
        trust=Organisation.objects.get(code="R0A"),
        role="reporter",
        created_at="2026-11-01T10:00Z",
    )
    with django_capture_on_commit_callbacks(execute=True):
        hom_client.post(reverse("accounts:access_request", args=[request.pk]), {"decision": "approve"})
    assert hom_client.get(last_link_to("sam.taylor@nhs.example", "setup")).status_code == 200


def test_people_not_yet_set_up_are_not_offered_as_safety_check_owners(hom_client, django_capture_on_commit_callbacks):
    _upload(hom_client, django_capture_on_commit_callbacks)
    trust = Organisation.objects.get(code="R0A")
    al = User.objects.get(email="al.jones@nhs.example")
    owners = set(eligible_owners(trust).values_list("email", flat=True))
    assert "board.r0a@perinatal.example" in owners and al.email not in owners
    # Once set up, they are offered.
    al.set_up_at = "2026-11-27T09:00Z"
    al.save()
    assert al.email in set(eligible_owners(trust).values_list("email", flat=True))


def test_the_owner_page_offers_only_people_who_can_sign_in(hom_client, django_capture_on_commit_callbacks):
    from perinatal.surveillance.models import CriticalSafetyCheck

    _upload(hom_client, django_capture_on_commit_callbacks)
    check = CriticalSafetyCheck.objects.filter(trust__code="R0A").first()
    page = hom_client.get(reverse("surveillance:check_owner", args=[check.pk])).content.decode()
    assert "Carl Dunn" in page and "Al Jones" not in page


def test_the_authoriser_sends_a_new_link_and_the_old_one_stops_working(
    hom_client, client, django_capture_on_commit_callbacks
):
    _upload(hom_client, django_capture_on_commit_callbacks)
    al = User.objects.get(email="al.jones@nhs.example")
    old = last_link_to(al.email, "setup")
    with django_capture_on_commit_callbacks(execute=True):
        response = hom_client.post(reverse("accounts:user_resend_invitation", args=["R0A", al.pk]))
    assert response.status_code == 302
    new = last_link_to(al.email, "setup")
    assert new != old and len(emails_to(al.email)) == 2
    stopped = hom_client.get(old)
    assert stopped.status_code == 400 and "This link has stopped working" in stopped.content.decode()
    assert hom_client.get(new).status_code == 200
    event = AuditEvent.objects.filter(object_id=str(al.pk), summary__contains="Set-up link sent again").get()
    assert event.actor.email == HOM and f"by user {event.actor.pk}" in event.summary


def test_a_set_up_link_expires_after_7_days(hom_client, settings, django_capture_on_commit_callbacks):
    _upload(hom_client, django_capture_on_commit_callbacks)
    path = last_link_to("al.jones@nhs.example", "setup")
    settings.PERINATAL_NOW = "2026-12-04T08:59"
    assert hom_client.get(path).status_code == 200
    settings.PERINATAL_NOW = "2026-12-04T09:00"
    page = hom_client.get(path)
    assert page.status_code == 400 and "works for 7 days" in page.content.decode()


def test_a_mail_failure_is_shown_on_the_users_page(hom_client, settings, django_capture_on_commit_callbacks):
    settings.SURVEILLANCE_NOTIFIER = "govuk_notify"  # without a key: every send fails
    settings.GOVUK_NOTIFY_API_KEY = ""
    _upload(hom_client, django_capture_on_commit_callbacks)
    link = AccountLink.objects.get(user__email="al.jones@nhs.example")
    assert link.sent_at is None and "GOVUK_NOTIFY_API_KEY" in link.send_problem
    page = hom_client.get(reverse("accounts:users", args=["R0A"])).content.decode()
    assert "Email not sent: send a new invitation" in page


def test_a_link_is_never_stored_only_its_hash(hom_client, django_capture_on_commit_callbacks):
    _upload(hom_client, django_capture_on_commit_callbacks)
    token = last_link_to("al.jones@nhs.example", "setup").rstrip("/").rsplit("/", 1)[1]
    link = AccountLink.objects.get(user__email="al.jones@nhs.example")
    assert token not in link.token_hash and len(link.token_hash) == 64


def test_resending_to_someone_set_up_is_refused(hom_client):
    carl = User.objects.get(email="board.r0a@perinatal.example")
    response = hom_client.post(reverse("accounts:user_resend_invitation", args=["R0A", carl.pk]), follow=True)
    assert "already set up their account" in response.content.decode()
    assert not AccountLink.objects.filter(user=carl).exists()


def test_make_user_people_are_invited_until_set_up():
    # tests.helpers.make_user makes someone without a password: invited, not active.
    user = make_user(Role.TRUST_VIEWER, "R0A", email="viewer.invited@test.example")
    assert not user.is_set_up
    assert user not in eligible_owners(Organisation.objects.get(code="R0A"))
