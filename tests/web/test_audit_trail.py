"""The audit trail page: filtered by what was done and to what kind of record, paged
with the filter kept, and never wider than the reader's trust."""

import pytest
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.core import audit
from perinatal.organisations.models import Organisation
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db


def _events(trust, count, *, action, object_type, summary):
    for i in range(count):
        audit.record(
            action=action,
            object_type=object_type,
            object_id=str(i),
            organisation=trust,
            summary=f"{summary} {i}",
            actor=None,
        )


def test_the_filter_finds_one_decision_among_many_views(client):
    r0a = Organisation.objects.get(code="R0A")
    _events(r0a, 1, action=audit.Action.DECIDE, object_type="accounts.AccessRequest", summary="Access request approved")
    _events(r0a, 60, action=audit.Action.VIEW, object_type="notifications.Notification", summary="Viewed notification")
    sign_in(client, make_user(Role.LOCAL_AUTHORISER, "R0A"))

    everything = client.get(reverse("web:audit")).content.decode()
    assert "Access request approved" not in everything  # pushed off the first page of 50

    decisions = client.get(reverse("web:audit"), {"action": "decide"}).content.decode()
    assert "Access request approved" in decisions and "Viewed notification" not in decisions
    assert "1 event matches" in decisions and "Show all events" in decisions

    by_record = client.get(reverse("web:audit"), {"record": "accounts.AccessRequest"}).content.decode()
    assert "Access request approved" in by_record and "Viewed notification" not in by_record


def test_paging_keeps_the_filter(client):
    r0a = Organisation.objects.get(code="R0A")
    _events(r0a, 55, action=audit.Action.VIEW, object_type="notifications.Notification", summary="Viewed notification")
    _events(r0a, 3, action=audit.Action.DECIDE, object_type="accounts.AccessRequest", summary="A decision")
    sign_in(client, make_user(Role.LOCAL_AUTHORISER, "R0A"))
    first = client.get(reverse("web:audit"), {"action": "view"}).content.decode()
    assert "55 events match" in first
    assert "?action=view&amp;page=2" in first
    second = client.get(reverse("web:audit"), {"action": "view", "page": "2"}).content.decode()
    assert "Viewed notification 0" in second and "A decision" not in second


def test_an_unknown_filter_value_shows_the_whole_trail(client):
    r0a = Organisation.objects.get(code="R0A")
    _events(r0a, 2, action=audit.Action.DECIDE, object_type="accounts.AccessRequest", summary="Decided")
    sign_in(client, make_user(Role.LOCAL_AUTHORISER, "R0A"))
    page = client.get(reverse("web:audit"), {"action": "drop table"}).content.decode()
    assert "Decided 0" in page and "Decided 1" in page


def test_record_kinds_offered_are_only_the_readers_own(client):
    _events(Organisation.objects.get(code="RRK"), 1, action=audit.Action.VIEW, object_type="secret.Kind", summary="x")
    _events(Organisation.objects.get(code="R0A"), 1, action=audit.Action.VIEW, object_type="own.Kind", summary="y")
    sign_in(client, make_user(Role.LOCAL_AUTHORISER, "R0A"))
    page = client.get(reverse("web:audit")).content.decode()
    assert "own.Kind" in page and "secret.Kind" not in page


def test_actions_offered_are_those_in_the_readers_trail(client):
    _events(Organisation.objects.get(code="RRK"), 1, action=audit.Action.UPLOAD, object_type="x.Y", summary="x")
    _events(Organisation.objects.get(code="R0A"), 1, action=audit.Action.DECIDE, object_type="x.Y", summary="y")
    sign_in(client, make_user(Role.LOCAL_AUTHORISER, "R0A"))
    page = client.get(reverse("web:audit")).content.decode()
    assert '<option value="decide">Decided</option>' in page and 'value="upload"' not in page
