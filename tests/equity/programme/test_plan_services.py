"""Planning the programme (docs/rules/equity.md §3): bad input is refused naming the field, and
nothing is stored; every change is kept in the history and the audit trail."""

from datetime import date

import pytest

from perinatal.core.models import AuditEvent
from perinatal.equity.models import Allocation, HistoryEntry, Intake, OnboardingNotice, Programme, Team
from perinatal.equity.programme.services.history import ProgrammeRefused
from perinatal.equity.programme.services.plan import (
    add_intake,
    allocate_sites,
    change_intake,
    remove_site,
    set_programme_start,
)
from perinatal.organisations.models import Unit
from tests.equity.programme.conftest import region, site

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Intake.objects.count(),
        Allocation.objects.count(),
        HistoryEntry.objects.count(),
        OnboardingNotice.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(field: str, call, **kwargs) -> str:
    before = _counts()
    with pytest.raises(ProgrammeRefused) as refused:
        call(**kwargs)
    assert refused.value.field == field
    assert _counts() == before, "nothing is stored when a change is refused"
    return refused.value.message


def _intake(admin, **changes):
    values = dict(
        number=4,
        name="South East second wave",
        regions=[region("Y59")],
        start_on=date(2027, 9, 1),
        capacity=2,
        by=admin,
    )
    values.update(changes)
    return values


def test_an_intake_starting_after_18_months_is_refused_naming_the_start(admin, programme):
    assert programme.start_on == date(2026, 4, 1)
    message = _refused("start_on", add_intake, **_intake(admin, start_on=date(2027, 10, 1)))
    assert message == (
        "The intake's start date must be within 18 months of the programme's start: on or before 30 September 2027"
    )
    intake = add_intake(**_intake(admin, start_on=date(2027, 9, 30)))
    assert intake.start_on == date(2027, 9, 30)


def test_an_intake_before_the_programme_is_refused(admin):
    assert "on or after 1 April 2026" in _refused("start_on", add_intake, **_intake(admin, start_on=date(2026, 3, 31)))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"number": 1}, "number", "Intake 1 already exists"),
        ({"number": 0}, "number", "1 or more"),
        ({"name": "  "}, "name", "Enter the intake's name"),
        ({"regions": []}, "regions", "Select the intake's region or regions"),
        ({"start_on": None}, "start_on", "Enter the date the intake starts"),
        ({"capacity": 0}, "capacity", "1 or more"),
    ],
)
def test_bad_intake_fields_are_refused_by_name(admin, changes, field, words):
    assert words in _refused(field, add_intake, **_intake(admin, **changes))


def test_a_region_that_is_not_a_region_is_refused(admin):
    from perinatal.organisations.models import Organisation

    trust = Organisation.objects.get(code="R0A")
    assert _refused("regions", add_intake, **_intake(admin, regions=[trust])) == "Select NHS England regions only"


def test_a_site_in_two_intakes_is_refused_naming_the_site(admin, intakes):
    new = add_intake(**_intake(admin))
    message = _refused("sites", allocate_sites, intake=new, sites=[site("RYR02"), site("RYR01")], by=admin)
    assert message.startswith("RYR01") or "(RYR01)" in message
    assert "is already in intake 3" in message and "a site is in one intake only" in message
    assert not Allocation.objects.filter(intake=new).exists(), "RYR02 was not stored either"


def test_the_database_holds_a_site_to_one_intake(admin, intakes, programme):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            programme=programme,
            intake=intakes[2],
            site=site("RYR01"),
            allocated_at=intakes[2].created_at,
            allocated_by=admin,
        )


def test_allocating_a_site_records_it_makes_its_team_and_tells_its_trust(admin, django_capture_on_commit_callbacks):
    new = add_intake(**_intake(admin))
    with django_capture_on_commit_callbacks() as callbacks:
        (allocation,) = allocate_sites(intake=new, sites=[site("RYR02")], by=admin)
    assert allocation.site.code == "RYR02" and allocation.intake == new
    assert Team.objects.filter(site__code="RYR02").exists()
    (notice,) = OnboardingNotice.objects.filter(intake=new)
    assert notice.trust.code == "RYR" and notice.starts_on == date(2027, 9, 1)
    assert [s.code for s in notice.sites.all()] == ["RYR02"]
    assert "hom.ryr@perinatal.example" in notice.recipients
    assert len(callbacks) == 1, "sending is queued for after the allocation commits"
    entry = HistoryEntry.objects.filter(site__code="RYR02").first()
    assert entry.summary == "RYR02 added to intake 4 (South East second wave), starting 1 September 2027"
    assert entry.actor == admin and entry.trust.code == "RYR"
    assert AuditEvent.objects.filter(summary__startswith="Equity programme: RYR02 added").exists()


def test_a_site_outside_the_intakes_regions_is_refused(admin, intakes):
    new = add_intake(**_intake(admin, regions=[region("Y61")]))
    message = _refused("sites", allocate_sites, intake=new, sites=[site("RYR02")], by=admin)
    assert message == "Shown (RYR02) is in South East, which is not one of the intake's regions".replace(
        "Shown", site("RYR02").name
    )


def test_a_site_without_an_open_obstetric_unit_is_refused(admin):
    new = add_intake(**_intake(admin))
    Unit.objects.filter(site__code="RYR02", unit_type="obstetric").update(closed_on=date(2026, 6, 1))
    message = _refused("sites", allocate_sites, intake=new, sites=[site("RYR02")], by=admin)
    assert "has no open obstetric unit" in message


def test_capacity_is_respected(admin, intakes):
    full = intakes[3]
    change_intake(
        intake=full,
        name=full.name,
        regions=list(full.regions.all()),
        start_on=full.start_on,
        capacity=1,
        by=admin,
    )
    assert _refused("sites", allocate_sites, intake=full, sites=[site("RYR02")], by=admin) == (
        "The intake is full: it takes 1 site"
    )


def test_an_intake_cannot_shrink_below_its_sites_or_drop_their_region(admin, intakes):
    intake = intakes[2]  # RA701, RRK01, RRK02 in Midlands and South West
    values = dict(intake=intake, name=intake.name, start_on=intake.start_on, by=admin)
    message = _refused("capacity", change_intake, regions=list(intake.regions.all()), capacity=2, **values)
    assert message == "The intake already has 3 sites: its capacity must be 3 or more"
    message = _refused("regions", change_intake, regions=[region("Y60")], capacity=3, **values)
    assert "(RA701) is in the intake and in South West" in message


def test_a_started_intake_keeps_its_start_and_its_sites(admin, intakes):
    intake = intakes[1]
    message = _refused(
        "start_on",
        change_intake,
        intake=intake,
        name=intake.name,
        regions=list(intake.regions.all()),
        start_on=date(2026, 6, 1),
        capacity=intake.capacity,
        by=admin,
    )
    assert message == "Intake 1 started on 1 May 2026: its start date can no longer change"
    assert "its sites stay in it" in _refused("site", remove_site, intake=intake, site=site("R0A01"), by=admin)


def test_moving_an_intakes_start_tells_its_trusts_the_new_date(admin, intakes):
    intake = intakes[2]
    before = OnboardingNotice.objects.filter(intake=intake).count()
    change_intake(
        intake=intake,
        name=intake.name,
        regions=list(intake.regions.all()),
        start_on=date(2027, 2, 1),
        capacity=intake.capacity,
        by=admin,
    )
    moved = OnboardingNotice.objects.filter(intake=intake, starts_on=date(2027, 2, 1))
    assert moved.count() == 2 and OnboardingNotice.objects.filter(intake=intake).count() == before + 2
    assert {notice.trust.code for notice in moved} == {"RA7", "RRK"}
    assert all("has changed" in notice.body for notice in moved)
    assert HistoryEntry.objects.filter(intake=intake).first().summary == (
        "Intake 2 changed: start 1 January 2027 to 1 February 2027"
    )


def test_a_site_taken_out_of_an_intake_that_has_not_started_is_not_allocated(admin, intakes):
    remove_site(intake=intakes[3], site=site("RYR01"), by=admin)
    assert not Allocation.objects.filter(site__code="RYR01").exists()
    assert HistoryEntry.objects.filter(site__code="RYR01").first().summary.endswith("not allocated")


def test_the_programme_start_moves_only_before_it_starts_and_keeps_its_intakes_within_18_months(admin, programme):
    message = _refused("start_on", set_programme_start, start_on=date(2026, 5, 1), by=admin)
    assert message == "The programme started on 1 April 2026: its start date can no longer change"
    Programme.objects.filter(pk=programme.pk).update(start_on=date(2027, 1, 1))
    Intake.objects.filter(number=1).update(start_on=date(2027, 1, 1))  # as if nothing had started yet
    message = _refused("start_on", set_programme_start, start_on=date(2025, 12, 1), by=admin)
    assert message.startswith("Intake 3 starts on 1 June 2027, and an intake must be within 18 months")
    assert set_programme_start(start_on=date(2026, 12, 1), by=admin).start_on == date(2026, 12, 1)


def test_a_site_cannot_join_an_intake_that_has_finished(admin, settings):
    new = add_intake(**_intake(admin, start_on=date(2026, 5, 1)))
    settings.PERINATAL_NOW = "2027-05-01T09:00"  # twelve months of delivery are over
    message = _refused("sites", allocate_sites, intake=new, sites=[site("RYR02")], by=admin)
    assert message == "Intake 4 finished on 1 May 2027: put the site in an intake still to come"
