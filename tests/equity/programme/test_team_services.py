"""What a trust records about a site's team (docs/rules/equity.md §3): append-only, named by field."""

from datetime import date

import pytest

from perinatal.core.models import AppendOnlyError
from perinatal.equity.models import ElementUpdate, ExecutiveBacking, HistoryEntry, SurveyReturn, TeamMember
from perinatal.equity.programme.selectors import site_record
from perinatal.equity.programme.services.history import ProgrammeRefused
from perinatal.equity.programme.services.teams import (
    add_team_member,
    record_element,
    record_executive_backing,
    record_survey,
    remove_team_member,
)
from tests.equity.programme.conftest import site

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


def _stored():
    return (
        TeamMember.objects.count(),
        ElementUpdate.objects.count(),
        ExecutiveBacking.objects.count(),
        SurveyReturn.objects.count(),
        HistoryEntry.objects.count(),
    )


def _refused(field, call, **kwargs):
    before = _stored()
    with pytest.raises(ProgrammeRefused) as refused:
        call(**kwargs)
    assert refused.value.field == field
    assert _stored() == before
    return refused.value.message


def test_a_team_member_is_added_with_name_job_title_and_work_email(hom):
    member = add_team_member(
        site=site("R0A03"),
        role="culture_coach",
        full_name="Zara Iqbal",
        job_title="Culture coach",
        work_email="Zara.Iqbal@NHS.example",
        by=hom,
    )
    assert member.work_email == "zara.iqbal@nhs.example"
    entry = HistoryEntry.objects.filter(site__code="R0A03").first()
    assert entry.summary == "R0A03: Culture coach added to the team"
    assert "Zara" not in entry.summary, "history names the role, never the person"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"role": "chief_executive"}, "role", "Select the person's role"),
        ({"full_name": " "}, "full_name", "Enter the person's name"),
        ({"job_title": ""}, "job_title", "Enter the person's job title"),
        ({"work_email": "not an email"}, "work_email", "correct format"),
        ({"role": "sponsor_executive"}, "role", "The team already has a sponsor executive"),
    ],
)
def test_bad_team_members_are_refused_by_field(hom, changes, field, words):
    values = dict(site=site("R0A01"), role="labour_ward_coordinator", full_name="A Person", job_title="Midwife", by=hom)
    values.update(changes)
    assert words in _refused(field, add_team_member, **values)


def test_a_site_in_no_intake_records_nothing(hom):
    message = _refused(
        "__all__", add_team_member, site=site("RYR02"), role="culture_coach", full_name="A", job_title="B", by=hom
    )
    assert message.endswith("is not in an intake yet: the programme team allocates it first")


def test_a_member_who_leaves_is_kept_in_the_history_and_the_role_can_be_filled_again(hom):
    sponsor = TeamMember.objects.get(team__site__code="R0A01", role="sponsor_executive")
    remove_team_member(member=sponsor, by=hom)
    assert "sponsor_executive" not in [m.role for m in site_record(site("R0A01"), today=TODAY).state.members]
    with pytest.raises(ProgrammeRefused):
        remove_team_member(member=sponsor, by=hom)
    add_team_member(site=site("R0A01"), role="sponsor_executive", full_name="New", job_title="CEO", by=hom)
    with pytest.raises(AppendOnlyError):
        sponsor.full_name = "Changed"
        sponsor.save()


def test_marking_an_element_done_needs_its_dates_and_evidence(hom):
    values = dict(site=site("R0A01"), element=3, status="done", started_on=date(2026, 9, 1), by=hom)
    assert (
        _refused("completed_on", record_element, completed_on=None, **values) == "Enter the date the element was done"
    )
    assert "Select the evidence" in _refused("evidence", record_element, completed_on=date(2026, 11, 20), **values)
    update = record_element(
        completed_on=date(2026, 11, 20),
        evidence=["face_to_face_development", "anti_racist_policies"],
        notes="Policies co-produced with the MNVP",
        **values,
    )
    state = [s for s in site_record(site("R0A01"), today=TODAY).state.elements if s.element.number == 3][0]
    assert state.latest == update and state.status.value == "done"
    assert len(state.updates) == 2, "the earlier in-progress row is kept"
    assert HistoryEntry.objects.filter(site__code="R0A01").first().summary == (
        "R0A01: element 3 (engaging leadership) marked done"
    )


def test_an_unknown_element_or_status_is_refused(hom):
    values = dict(site=site("R0A01"), started_on=None, completed_on=None, by=hom)
    assert "no element 6" in _refused("element", record_element, element=6, status="not_started", **values)
    assert "Select whether" in _refused("status", record_element, element=1, status="finished", **values)


def test_executive_backing_not_given_needs_a_note(hom):
    values = dict(site=site("R0A03"), backed=False, confirmed_on=date(2026, 11, 2), by=hom)
    assert "Enter what the executive team said" in _refused("note", record_executive_backing, **values)
    assert "today or in the past" in _refused(
        "confirmed_on", record_executive_backing, **{**values, "confirmed_on": date(2026, 11, 28), "note": "x"}
    )
    assert record_executive_backing(note="Board meets in December", **values).backed is False


def test_a_survey_with_more_responses_than_invited_is_refused(hom):
    values = dict(
        site=site("R0A01"),
        round_="after",
        held_on=date(2026, 11, 20),
        invited=12,
        scores={"safe_to_speak_up": 60, "treated_fairly": 64, "confident_to_challenge": 58},
        by=hom,
    )
    message = _refused("responses", record_survey, responses=13, **values)
    assert message == "The number of responses must be no more than the 12 invited"
    survey = record_survey(responses=10, **values)
    assert site_record(site("R0A01"), today=TODAY).state.surveys["after"] == survey
