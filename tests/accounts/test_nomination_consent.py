"""A nominations list cannot give a role to someone who works for another organisation unless
they agree (docs/rules/accounts.md §1.1, issue 13)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from perinatal.accounts.models import Membership, NominatedUser, User
from perinatal.accounts.roles import Role
from perinatal.core.models import AuditEvent
from tests.accounts.mailbox import emails_to
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

HOM = "hom.r0a@perinatal.example"
ELSEWHERE = "reporter.rrk@nhs.example"
LIST = f"name,email,role\nDi Rose,{ELSEWHERE},perinatal leadership\nAl Jones,al.jones@nhs.example,reporter\n".encode()


def _upload(client, commit, content=LIST):
    with commit(execute=True):
        return client.post(
            reverse("accounts:nominations", args=["R0A"]), {"file": SimpleUploadedFile("list.csv", content)}
        )


def _roles_at_r0a(user: User) -> set[str]:
    return set(Membership.objects.current().filter(user=user, organisation__code="R0A").values_list("role", flat=True))


@pytest.fixture
def elsewhere():
    return make_user(Role.REPORTER, "RRK", email=ELSEWHERE)


@pytest.fixture
def uploaded(client, elsewhere, django_capture_on_commit_callbacks):
    sign_in(client, User.objects.get(email=HOM))
    assert _upload(client, django_capture_on_commit_callbacks).status_code == 302
    client.logout()
    return NominatedUser.objects.get(email=ELSEWHERE)


def test_someone_of_another_trust_is_asked_and_given_nothing_until_they_agree(uploaded, elsewhere):
    assert uploaded.status == NominatedUser.Status.AWAITING_CONSENT
    assert _roles_at_r0a(elsewhere) == set()
    (email,) = emails_to(ELSEWHERE)
    assert "nominated you" in email.subject and "only if you agree" in email.body
    assert "/account/" not in email.body  # no set-up link: they have an account
    # A new person on the same list is given the role and invited as before.
    assert _roles_at_r0a(User.objects.get(email="al.jones@nhs.example")) == {Role.REPORTER.value}
    assert AuditEvent.objects.filter(summary__contains="1 who work for another organisation asked to agree").exists()


def test_agreeing_on_the_home_page_gives_the_role(client, uploaded, elsewhere):
    sign_in(client, elsewhere)
    home = client.get("/").content.decode()
    assert "Manchester University NHS Foundation Trust has nominated you" in home
    response = client.post(reverse("accounts:nomination_decision", args=[uploaded.pk]), {"decision": "agree"})
    assert response.status_code == 302
    assert _roles_at_r0a(elsewhere) == {Role.PERINATAL_LEADERSHIP.value}
    uploaded.refresh_from_db()
    assert uploaded.status == NominatedUser.Status.ACCEPTED and uploaded.decided_at is not None
    assert "has nominated you" not in client.get("/").content.decode()
    # Answering twice changes nothing.
    client.post(reverse("accounts:nomination_decision", args=[uploaded.pk]), {"decision": "decline"})
    uploaded.refresh_from_db()
    assert uploaded.status == NominatedUser.Status.ACCEPTED


def test_declining_leaves_them_without_a_role_and_the_trust_sees_it(client, uploaded, elsewhere):
    sign_in(client, elsewhere)
    client.post(reverse("accounts:nomination_decision", args=[uploaded.pk]), {"decision": "decline"})
    assert _roles_at_r0a(elsewhere) == set()
    client.logout()
    sign_in(client, User.objects.get(email=HOM))
    page = client.get(reverse("accounts:nominations", args=["R0A"])).content.decode()
    assert "Declined" in page
    assert AuditEvent.objects.filter(action="decide", summary__contains="declined the nomination").exists()


def test_only_the_nominated_person_may_answer(client, uploaded, elsewhere):
    sign_in(client, User.objects.get(email=HOM))
    client.post(reverse("accounts:nomination_decision", args=[uploaded.pk]), {"decision": "agree"})
    uploaded.refresh_from_db()
    assert uploaded.status == NominatedUser.Status.AWAITING_CONSENT
    assert _roles_at_r0a(elsewhere) == set()


def test_someone_who_already_has_a_role_at_the_trust_is_given_the_new_one_at_once(
    client, elsewhere, django_capture_on_commit_callbacks
):
    make_user(Role.TRUST_VIEWER, "R0A", email=ELSEWHERE)
    sign_in(client, User.objects.get(email=HOM))
    _upload(client, django_capture_on_commit_callbacks)
    assert NominatedUser.objects.get(email=ELSEWHERE).status == NominatedUser.Status.GRANTED
    assert _roles_at_r0a(elsewhere) == {Role.TRUST_VIEWER.value, Role.PERINATAL_LEADERSHIP.value}
