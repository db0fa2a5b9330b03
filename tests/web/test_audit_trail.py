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


# --- issue 12: what was done to what, in words; by person and days; CSV -------------------------------

import csv  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402

from perinatal.accounts.models import User  # noqa: E402
from perinatal.core.models import AuditEvent  # noqa: E402
from perinatal.notifications.services.drafts import save_draft  # noqa: E402

_TAG = re.compile(r"<[^>]*>")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MODEL_LABEL = re.compile(r"\b(accounts|notifications|surveillance|reports|dashboard|organisations|core)\.[A-Z]\w+")


def _text(html: str) -> str:
    return " ".join(_TAG.sub(" ", html).split())


def _download(client, **params) -> list[dict[str, str]]:
    response = client.get(reverse("web:audit_download"), params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="audit-trail-' in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_trail_says_who_did_what_to_what_in_words(client):
    from tests.notifications.factories import intrapartum_stillbirth, submit

    r0a = Organisation.objects.get(code="R0A")
    hom = User.objects.get(email="hom.r0a@perinatal.example")  # Amina Okafor
    board = User.objects.get(email="board.r0a@perinatal.example")  # Carl Dunn
    notification = submit(intrapartum_stillbirth())
    draft = save_draft(trust=r0a, user=hom, answers={}, step="")
    from perinatal.accounts.roles import Role as Roles
    from perinatal.accounts.services.users import change_roles

    change_roles(user=board, trust=r0a, roles={Roles.TRUST_VIEWER, Roles.REPORTER}, by=hom)
    sign_in(client, hom)
    client.get(reverse("notifications:list"))  # an event recorded with the request: who acted for whom
    page = _text(client.get(reverse("web:audit")).content.decode())
    assert not _UUID.search(page) and str(draft.pk) not in page
    assert not _MODEL_LABEL.search(page), _MODEL_LABEL.findall(page)[:3]
    assert f"Created: Notification {notification.reference} submitted" in page
    assert f"Beth Lewis Created: Notification {notification.reference} submitted" in page  # by name
    assert f"Amina Okafor for {r0a.display_name} (R0A) Viewed: Viewed the list of notifications" in page
    assert "Draft notification" in page
    assert "Roles of Carl Dunn at R0A changed by Amina Okafor:" in page
    assert "Trust viewer (board and executives)" in page and "Account of Carl Dunn" in page
    assert not re.search(r"\b[Uu]ser \d+\b", page)
    # The kinds of record offered are named in words too.
    html = client.get(reverse("web:audit")).content.decode()
    assert '<option value="notifications.Notification">Notification</option>' in html
    assert '<option value="notifications.Draft">Draft notification</option>' in html


def test_the_trail_never_shows_a_mothers_or_babys_identifiers(client):
    from tests.notifications.factories import intrapartum_stillbirth, submit

    document = intrapartum_stillbirth()
    notification = submit(document)
    version = notification.current_version
    sign_in(client, User.objects.get(email="hom.r0a@perinatal.example"))
    page = client.get(reverse("web:audit")).content.decode()
    rows = _download(client)
    assert any(notification.reference in row["record"] for row in rows)
    exported = "\n".join(",".join(row.values()) for row in rows)
    identifiers = [value for value in _identifiers(version.document) if value]
    assert identifiers
    for value in identifiers:
        assert value not in page and value not in exported, value


def _identifiers(document: dict) -> list[str]:
    """Every NHS number, date of birth and postcode in a notification document."""
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in ("nhs_number", "date_of_birth", "postcode"):
            found.append(value)

    walk(document)
    return found


def test_the_trail_is_filtered_by_person_and_by_days(client, settings):
    r0a = Organisation.objects.get(code="R0A")
    hom = User.objects.get(email="hom.r0a@perinatal.example")
    board = User.objects.get(email="board.r0a@perinatal.example")
    for when, who, summary in (
        ("2026-10-01T09:00", hom, "First thing"),
        ("2026-10-02T23:30", board, "Late on the 2nd"),  # 23:30 in London (BST): still the 2nd
        ("2026-10-03T08:00", hom, "On the 3rd"),
    ):
        settings.PERINATAL_NOW = when
        audit.record(action=audit.Action.VIEW, object_type="x.Y", organisation=r0a, summary=summary, actor=who)
    settings.PERINATAL_NOW = "2026-10-05T09:00"
    sign_in(client, hom)

    def shown(**params) -> list[str]:
        page = _text(client.get(reverse("web:audit"), params).content.decode())
        return [s for s in ("First thing", "Late on the 2nd", "On the 3rd") if s in page]

    assert shown(person="carl") == ["Late on the 2nd"]
    assert shown(person="hom.r0a@") == ["First thing", "On the 3rd"]
    day = {"since_day": "2", "since_month": "10", "since_year": "2026", "until_day": "2", "until_month": "10"}
    assert shown(**day, until_year="2026") == ["Late on the 2nd"]
    assert shown(since_day="2", since_month="10", since_year="2026") == ["Late on the 2nd", "On the 3rd"]
    assert shown(until_day="1", until_month="10", until_year="2026") == ["First thing"]
    page = client.get(reverse("web:audit"), {**day, "until_day": "1", "until_year": "2026"}).content.decode()
    assert "<title>Error:" in page and "The last day must be the same as or after the first day" in page
    assert 'href="#id_until"' in page
    page = client.get(reverse("web:audit"), {"since_day": "40", "since_month": "1", "since_year": "2026"})
    assert "The first day must be a real date" in page.content.decode()
    # The filter is kept on the next page and in the download.
    html = client.get(reverse("web:audit"), {"person": "carl"}).content.decode()
    assert f'href="{reverse("web:audit_download")}?person=carl"' in html
    assert [row["what"] for row in _download(client, person="carl")] == ["Late on the 2nd"]


def test_the_download_is_the_readers_trail_with_formulas_kept_as_text(client):
    r0a, rrk = Organisation.objects.get(code="R0A"), Organisation.objects.get(code="RRK")
    hom = User.objects.get(email="hom.r0a@perinatal.example")
    audit.record(action=audit.Action.VIEW, object_type="x.Y", organisation=r0a, summary="=HYPERLINK(1)", actor=hom)
    audit.record(action=audit.Action.VIEW, object_type="x.Y", organisation=rrk, summary="Only RRK may read", actor=None)
    sign_in(client, hom)
    rows = _download(client)
    assert list(rows[0]) == ["when", "who", "acting_for", "action", "what", "record", "organisation"]
    whats = [row["what"] for row in rows]
    assert "'=HYPERLINK(1)" in whats and "=HYPERLINK(1)" not in whats
    assert "Only RRK may read" not in whats
    hyperlink = next(row for row in rows if row["what"] == "'=HYPERLINK(1)")
    assert hyperlink["who"] == "Amina Okafor" and hyperlink["organisation"].endswith("(R0A)")
    assert AuditEvent.objects.filter(summary__startswith="Downloaded the audit trail", actor=hom).exists()
    # A role that may not read the trail may not download it.
    sign_in(client, User.objects.get(email="board.r0a@perinatal.example"))
    assert client.get(reverse("web:audit_download")).status_code == 403


def test_automatic_events_and_people_not_signed_in_are_said_so(client):
    r0a = Organisation.objects.get(code="R0A")
    audit.record(action=audit.Action.CREATE, object_type="x.Y", organisation=r0a, summary="Nightly job", actor=None)
    sign_in(client, User.objects.get(email="hom.r0a@perinatal.example"))
    page = _text(client.get(reverse("web:audit")).content.decode())
    assert "The service (automatic) Created: Nightly job" in page
