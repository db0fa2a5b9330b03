"""The national programme team records sessions and who attended (docs/rules/equity.md §3)."""

from datetime import date

import pytest
from django.urls import reverse

from perinatal.accounts.models import User
from perinatal.equity.models import Session, SessionAttendance, Team
from perinatal.equity.programme.services.history import ProgrammeRefused
from perinatal.equity.programme.services.sessions import record_attendance, record_session
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def test_a_session_held_in_the_future_or_without_a_title_is_refused(admin, intakes):
    values = dict(intake=intakes[1], element=4, kind="face_to_face", title="Clinical leaders' day", by=admin)
    with pytest.raises(ProgrammeRefused) as refused:
        record_session(held_on=date(2026, 11, 28), **values)
    assert refused.value.field == "held_on"
    with pytest.raises(ProgrammeRefused) as refused:
        record_session(held_on=date(2026, 11, 20), **{**values, "title": ""})
    assert refused.value.field == "title"
    with pytest.raises(ProgrammeRefused) as refused:
        record_session(held_on=date(2026, 11, 20), **{**values, "element": 7})
    assert refused.value.field == "element"
    assert not Session.objects.filter(element=4).exists()


def test_attendance_is_only_for_the_intakes_teams_and_a_correction_is_a_new_row(admin, intakes):
    session = record_session(
        intake=intakes[1],
        element=4,
        kind="face_to_face",
        title="Clinical leaders' day",
        held_on=date(2026, 11, 20),
        by=admin,
    )
    rrk = Team.objects.get(site__code="RRK01")
    with pytest.raises(ProgrammeRefused) as refused:
        record_attendance(session=session, attended={rrk: 3}, by=admin)
    assert refused.value.field == "site_RRK01" and "not in intake 1" in refused.value.message
    r0a = Team.objects.get(site__code="R0A01")
    record_attendance(session=session, attended={r0a: 5}, by=admin)
    record_attendance(session=session, attended={r0a: 6}, by=admin)
    assert list(SessionAttendance.objects.filter(session=session).values_list("attended", flat=True)) == [5, 6]


def test_the_programme_team_records_a_session_and_attendance_on_the_pages(client, intakes):
    sign_in(client, User.objects.get(email="programme.admin@perinatal.example"))
    response = client.post(
        reverse("equity_programme:session_new", args=[1]),
        {
            "element": "4",
            "kind": "face_to_face",
            "title": "Clinical leaders' day",
            "held_on_day": "20",
            "held_on_month": "11",
            "held_on_year": "2026",
        },
    )
    session = Session.objects.get(title="Clinical leaders' day")
    assert response["Location"] == reverse("equity_programme:session_attendance", args=[session.pk])
    form = client.get(response["Location"]).content.decode()
    assert 'name="site_R0A01"' in form and 'name="site_RRK01"' not in form
    bad = client.post(response["Location"], {"site_R0A01": "lots"}).content.decode()
    assert "How many from R0A01 attended must be a whole number, like 12" in bad
    assert client.post(response["Location"], {"site_R0A01": "7", "site_RJ101": ""}).status_code == 302
    (row,) = SessionAttendance.objects.filter(session=session)
    assert row.team.site.code == "R0A01" and row.attended == 7
    page = client.get(reverse("equity_programme:site", args=["R0A01"])).content.decode()
    assert "Face-to-face development, 20 November 2026: 7 attended" in page
