"""Drafts are their author's alone, for a trust they report for: every other role and trust
gets 403 or 404 on every journey URL and never sees the answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from perinatal.accounts.models import Membership, User
from perinatal.accounts.roles import Role
from perinatal.notifications.journey import steps
from perinatal.notifications.models import Draft
from perinatal.notifications.services.submission import submit_notification
from tests.helpers import make_user, sign_in
from tests.notifications.journey.pages import TRANSFERRED_NEONATAL_DEATH, make_draft, start

pytestmark = pytest.mark.django_db

AUTHOR = "midwife.r0a@perinatal.example"

OUTSIDERS = [
    (Role.REPORTER, "R0A"),  # a colleague: drafts are per person
    (Role.LOCAL_AUTHORISER, "R0A"),
    (Role.TRUST_VIEWER, "R0A"),
    (Role.REPORTER, "RYR"),
    (Role.LOCAL_AUTHORISER, "RYR"),
    (Role.TRUST_VIEWER, "RYR"),
    (Role.ICB_VIEWER, "QOP"),
    (Role.REGIONAL_VIEWER, "Y62"),  # R0A's own ICB and region
    (Role.NATIONAL_REVIEWER, "MNSI"),
    (Role.NATIONAL_REVIEWER, "MBRRACE_UK"),
    (Role.IMPROVEMENT_SUPPORT, "E92000001"),
    (Role.PROGRAMME_ADMIN, "E92000001"),
    (Role.SYSTEM_ADMIN, "E92000001"),
]


@pytest.fixture
def draft_and_submitted():
    author = User.objects.get(email=AUTHOR)
    draft = make_draft(user=author)
    done = make_draft(user=author, pages=TRANSFERRED_NEONATAL_DEATH)
    submit_notification(
        document=steps.build_document(done.answers, trust="R0A"), trust=done.trust, user=author, draft=done
    )
    done.refresh_from_db()
    assert done.submitted is not None
    return draft, done


def draft_urls(draft) -> list[str]:
    return [
        reverse("journey:resume", args=[draft.pk]),
        reverse("journey:delete", args=[draft.pk]),
        reverse("journey:check", args=[draft.pk]),
        reverse("journey:duplicates", args=[draft.pk]),
        reverse("journey:destinations", args=[draft.pk]),
        reverse("journey:question", args=[draft.pk, "mother"]),
        reverse("journey:question", args=[draft.pk, "gestation"]),
    ]


@pytest.mark.parametrize("role, org", OUTSIDERS)
def test_no_one_else_reads_or_changes_a_draft(client, draft_and_submitted, role, org):
    draft, done = draft_and_submitted
    before = Draft.objects.get(pk=draft.pk).answers
    sign_in(client, make_user(role, org))
    for url in draft_urls(draft) + [reverse("journey:submitted", args=[done.pk])]:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "943 476 5919" not in response.content.decode() and "38+2" not in response.content.decode()
    for url in draft_urls(draft):
        assert client.post(url, {"weeks": "20", "days": "0", "certainty": "sure"}).status_code in (403, 404), url
    assert Draft.objects.filter(pk=draft.pk).exists()
    assert Draft.objects.get(pk=draft.pk).answers == before
    listing = client.get(reverse("journey:start"))
    assert listing.status_code in (200, 403)
    assert str(draft.pk) not in listing.content.decode()


@pytest.mark.parametrize(
    "role, org",
    [
        (Role.TRUST_VIEWER, "R0A"),
        (Role.ICB_VIEWER, "QOP"),
        (Role.NATIONAL_REVIEWER, "MNSI"),
        (Role.SYSTEM_ADMIN, "E92000001"),
    ],
)
def test_only_reporters_and_authorisers_can_start(client, role, org):
    sign_in(client, make_user(role, org))
    assert client.get(reverse("journey:start")).status_code == 403
    assert client.post(reverse("journey:start"), {"trust": "R0A"}).status_code == 403
    assert not Draft.objects.exists()


def test_a_reporter_cannot_start_for_another_trust(client):
    sign_in(client, User.objects.get(email=AUTHOR))
    assert client.post(reverse("journey:start"), {"trust": "RYR"}).status_code == 403
    assert not Draft.objects.exists()


def test_the_trusts_authoriser_can_report_too(client):
    sign_in(client, User.objects.get(email="hom.r0a@perinatal.example"))
    draft = start(client)
    assert draft.created_by.email == "hom.r0a@perinatal.example"
    assert client.get(reverse("journey:question", args=[draft.pk, "what-happened"])).status_code == 200


def test_the_author_who_lost_the_role_can_no_longer_open_the_draft(client, draft_and_submitted):
    draft, _done = draft_and_submitted
    author = User.objects.get(email=AUTHOR)
    Membership.objects.filter(user=author).update(revoked_at="2026-01-01T00:00Z")
    sign_in(client, author)
    for url in draft_urls(draft):
        assert client.get(url).status_code in (403, 404), url


def test_the_author_sees_their_draft_and_confirmation(client, draft_and_submitted):
    draft, done = draft_and_submitted
    sign_in(client, User.objects.get(email=AUTHOR))
    assert str(draft.pk) in client.get(reverse("journey:start")).content.decode()
    assert client.get(reverse("journey:check", args=[draft.pk])).status_code == 200
    assert done.submitted.reference in client.get(reverse("journey:submitted", args=[done.pk])).content.decode()
