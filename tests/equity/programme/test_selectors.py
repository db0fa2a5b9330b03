"""Progress for the board report (a later issue) comes from one selector, on a given day."""

from datetime import date

import pytest

from perinatal.equity.programme.rules import ElementStatus, SiteStatus
from perinatal.equity.programme.selectors import intake_summaries, programme_progress_for_trust
from perinatal.equity.programme.services.teams import record_element
from perinatal.organisations.models import Organisation
from tests.equity.programme.conftest import site

pytestmark = pytest.mark.django_db


def _r0a():
    return Organisation.objects.get(code="R0A")


def test_a_trusts_progress_names_each_site_its_intake_team_and_elements():
    progress = programme_progress_for_trust(_r0a(), on=date(2026, 11, 27))
    assert [s.site_code for s in progress.sites] == ["R0A01", "R0A02", "R0A03"]
    first, second, third = progress.sites
    assert (first.intake_number, first.intake_start, first.status) == (1, date(2026, 5, 1), SiteStatus.ACTIVE)
    assert first.team_complete and first.executive_backing is True
    assert [status for _number, _title, status in first.elements] == [
        ElementStatus.DONE,
        ElementStatus.DONE,
        ElementStatus.IN_PROGRESS,
        ElementStatus.IN_PROGRESS,
        ElementStatus.NOT_STARTED,
    ]
    assert first.survey_before.responses == 11 and first.survey_after is None
    assert not second.team_complete and "Sponsor executive" in second.roles_missing
    assert third.elements_done == 0 and third.executive_backing is None
    assert (progress.elements_done, progress.elements_total, progress.teams_complete) == (2, 15, 1)


def test_progress_on_an_earlier_day_leaves_out_what_was_recorded_later(hom, settings):
    settings.PERINATAL_NOW = "2026-12-10T09:00"
    record_element(
        site=site("R0A01"),
        element=5,
        status="in_progress",
        started_on=date(2026, 12, 1),
        completed_on=None,
        by=hom,
    )
    before = programme_progress_for_trust(_r0a(), on=date(2026, 11, 27)).sites[0]
    after = programme_progress_for_trust(_r0a(), on=date(2026, 12, 10)).sites[0]
    assert before.elements[4][2] is ElementStatus.NOT_STARTED
    assert after.elements[4][2] is ElementStatus.IN_PROGRESS


def test_status_is_read_on_the_day_asked():
    assert programme_progress_for_trust(_r0a(), on=date(2027, 5, 1)).sites[0].status is SiteStatus.COMPLETED
    rrk = programme_progress_for_trust(Organisation.objects.get(code="RRK"), on=date(2026, 11, 27))
    assert {s.status for s in rrk.sites} == {SiteStatus.ONBOARDING}


def test_intake_summaries_count_teams_and_elements(programme):
    summaries = {s.intake.number: s for s in intake_summaries(programme, today=date(2026, 11, 27))}
    assert [fact.site.code for fact in summaries[1].sites] == ["R0A01", "R0A02", "R0A03", "RJ101", "RJ102"]
    assert summaries[1].teams_complete == 1 and summaries[1].elements_done == 2
    assert summaries[3].allocated == 1 and summaries[3].room == 1
    assert summaries[2].status is SiteStatus.ONBOARDING
