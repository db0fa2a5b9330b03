"""The plan of the programme (docs/rules/equity.md §3): its start, its intakes and their sites.

Changed by the national programme team. Every intake starts within 18 months of the programme's
start (:func:`~perinatal.equity.programme.rules.intake_start_problem`); every site with an open
obstetric unit is in at most one intake (and the database holds it to that); an intake takes no
more sites than its capacity, and only sites of its regions. Once an intake has started its
start date and its sites stay as they are: the history is what happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from perinatal.accounts.models import User
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.equity.models import Allocation, Intake, Programme, Team
from perinatal.equity.programme import rules
from perinatal.equity.programme.selectors import open_obstetric_site_ids, site_facts
from perinatal.equity.programme.services.history import ProgrammeRefused, record_change
from perinatal.equity.programme.services.notices import queue_onboarding_notices
from perinatal.organisations.models import Organisation, Site


def site_label(site: Site) -> str:
    return f"{site.name} ({site.code})"


@transaction.atomic
def set_programme_start(*, start_on: date | None, by: User, request=None) -> Programme:
    """Set the programme's start date (first time), or move it before the programme has started."""
    if start_on is None:
        raise ProgrammeRefused("start_on", "Enter the date the programme starts")
    programme = Programme.objects.select_for_update().first()
    if programme is None:
        programme = Programme.objects.create(start_on=start_on, created_at=clock.now())
        record_change(
            programme=programme,
            by=by,
            obj=programme,
            action=audit.Action.CREATE,
            summary=f"Programme start set to {long_date(start_on)}",
            request=request,
        )
        return programme
    if programme.start_on == start_on:
        return programme
    if programme.start_on <= clock.today():
        raise ProgrammeRefused(
            "start_on", f"The programme started on {long_date(programme.start_on)}: its start date can no longer change"
        )
    for intake in programme.intakes.order_by("start_on", "number"):
        problem = rules.intake_start_problem(programme_start=start_on, intake_start=intake.start_on)
        if problem:
            raise ProgrammeRefused(
                "start_on",
                f"Intake {intake.number} starts on {long_date(intake.start_on)}, and an intake {problem}: "
                "move the intake first",
            )
    before = programme.start_on
    programme.start_on = start_on
    programme.save(update_fields=["start_on"])
    record_change(
        programme=programme,
        by=by,
        obj=programme,
        summary=f"Programme start moved from {long_date(before)} to {long_date(start_on)}",
        request=request,
    )
    return programme


def _require_programme() -> Programme:
    programme = Programme.objects.first()
    if programme is None:
        raise ProgrammeRefused("__all__", "Set the programme's start date before planning intakes")
    return programme


def _checked_fields(
    *,
    programme: Programme,
    name: str,
    regions: Iterable[Organisation],
    start_on: date | None,
    capacity: int | None,
) -> tuple[str, list[Organisation]]:
    name = (name or "").strip()
    if not name:
        raise ProgrammeRefused("name", "Enter the intake's name, like North West and London")
    regions = list(dict.fromkeys(regions))
    if not regions:
        raise ProgrammeRefused("regions", "Select the intake's region or regions")
    if any(region.kind != Organisation.Kind.REGION for region in regions):
        raise ProgrammeRefused("regions", "Select NHS England regions only")
    if start_on is None:
        raise ProgrammeRefused("start_on", "Enter the date the intake starts")
    problem = rules.intake_start_problem(programme_start=programme.start_on, intake_start=start_on)
    if problem:
        raise ProgrammeRefused("start_on", f"The intake's start date {problem}")
    if capacity is None or capacity < 1:
        raise ProgrammeRefused("capacity", "Enter how many sites the intake can take, 1 or more")
    return name, regions


@transaction.atomic
def add_intake(
    *,
    number: int | None,
    name: str,
    regions: Iterable[Organisation],
    start_on: date | None,
    capacity: int | None,
    by: User,
    request=None,
) -> Intake:
    programme = _require_programme()
    if number is None or number < 1:
        raise ProgrammeRefused("number", "Enter the intake's number, 1 or more")
    if Intake.objects.filter(programme=programme, number=number).exists():
        raise ProgrammeRefused("number", f"Intake {number} already exists: give this intake another number")
    name, regions = _checked_fields(
        programme=programme, name=name, regions=regions, start_on=start_on, capacity=capacity
    )
    intake = Intake.objects.create(
        programme=programme, number=number, name=name, start_on=start_on, capacity=capacity, created_at=clock.now()
    )
    intake.regions.set(regions)
    record_change(
        programme=programme,
        by=by,
        obj=intake,
        intake=intake,
        action=audit.Action.CREATE,
        summary=(
            f"Intake {number} ({name}) planned: {_region_words(regions)}, starting {long_date(start_on)}, "
            f"for {capacity} site{'s' if capacity != 1 else ''}"
        ),
        request=request,
    )
    return intake


def _region_words(regions: Iterable[Organisation]) -> str:
    return ", ".join(region.display_name for region in sorted(regions, key=lambda region: region.code))


@transaction.atomic
def change_intake(
    *,
    intake: Intake,
    name: str,
    regions: Iterable[Organisation],
    start_on: date | None,
    capacity: int | None,
    by: User,
    request=None,
) -> Intake:
    intake = Intake.objects.select_for_update().select_related("programme").get(pk=intake.pk)
    programme = intake.programme
    name, regions = _checked_fields(
        programme=programme, name=name, regions=regions, start_on=start_on, capacity=capacity
    )
    today = clock.today()
    if start_on != intake.start_on and intake.start_on <= today:
        raise ProgrammeRefused(
            "start_on",
            f"Intake {intake.number} started on {long_date(intake.start_on)}: its start date can no longer change",
        )
    allocations = list(intake.allocations.select_related("site").order_by("site__code"))
    if capacity < len(allocations):
        raise ProgrammeRefused(
            "capacity",
            f"The intake already has {len(allocations)} sites: its capacity must be {len(allocations)} or more",
        )
    region_codes = {region.code for region in regions}
    facts = site_facts([allocation.site for allocation in allocations], today)
    for allocation in allocations:
        fact = facts[allocation.site_id]
        if fact.region is not None and fact.region.code not in region_codes:
            raise ProgrammeRefused(
                "regions",
                f"{site_label(allocation.site)} is in the intake and in {fact.region.display_name}: "
                "keep that region, or remove the site from the intake first",
            )
    old_regions = list(intake.regions.all())
    changes = []
    if name != intake.name:
        changes.append(f"name {intake.name} to {name}")
    if {r.code for r in old_regions} != region_codes:
        changes.append(f"regions {_region_words(old_regions)} to {_region_words(regions)}")
    moved = start_on != intake.start_on
    if moved:
        changes.append(f"start {long_date(intake.start_on)} to {long_date(start_on)}")
    if capacity != intake.capacity:
        changes.append(f"capacity {intake.capacity} to {capacity}")
    if not changes:
        return intake
    intake.name, intake.start_on, intake.capacity = name, start_on, capacity
    intake.save(update_fields=["name", "start_on", "capacity"])
    intake.regions.set(regions)
    record_change(
        programme=programme,
        by=by,
        obj=intake,
        intake=intake,
        summary=f"Intake {intake.number} changed: {'; '.join(changes)}",
        request=request,
    )
    if moved and allocations:
        # The trusts were told the old date: each is told the new one (once).
        queue_onboarding_notices(intake=intake, sites=[allocation.site for allocation in allocations], moved=True)
    return intake


@transaction.atomic
def allocate_sites(*, intake: Intake, sites: Iterable[Site], by: User, request=None) -> list[Allocation]:
    """Put sites (each with its neonatal units) into an intake; their trusts are told when it starts."""
    intake = Intake.objects.select_for_update().select_related("programme").get(pk=intake.pk)
    programme = intake.programme
    sites = sorted(dict.fromkeys(sites), key=lambda site: site.code)
    if not sites:
        raise ProgrammeRefused("sites", "Select the sites to add to the intake")
    today = clock.today()
    if today >= rules.delivery_ends(intake.start_on):
        raise ProgrammeRefused(
            "sites",
            f"Intake {intake.number} finished on {long_date(rules.delivery_ends(intake.start_on))}: "
            "put the site in an intake still to come",
        )
    open_ids = open_obstetric_site_ids(today)
    facts = site_facts(sites, today)
    region_codes = {region.code for region in intake.regions.all()}
    existing = {
        allocation.site_id: allocation
        for allocation in Allocation.objects.filter(programme=programme, site__in=sites).select_related("intake")
    }
    for site in sites:
        if site.pk not in open_ids:
            raise ProgrammeRefused(
                "sites", f"{site_label(site)} has no open obstetric unit: only sites with one join the programme"
            )
        other = existing.get(site.pk)
        if other is not None:
            where = (
                "this intake" if other.intake_id == intake.pk else f"intake {other.intake.number} ({other.intake.name})"
            )
            raise ProgrammeRefused("sites", f"{site_label(site)} is already in {where}: a site is in one intake only")
        region = facts[site.pk].region
        if region is None or region.code not in region_codes:
            where = region.display_name if region else "no region"
            raise ProgrammeRefused(
                "sites", f"{site_label(site)} is in {where}, which is not one of the intake's regions"
            )
    problem = rules.capacity_problem(capacity=intake.capacity, allocated=intake.allocations.count(), adding=len(sites))
    if problem:
        raise ProgrammeRefused("sites", problem)
    now = clock.now()
    created = []
    for site in sites:
        allocation = Allocation.objects.create(
            programme=programme, intake=intake, site=site, allocated_at=now, allocated_by=by
        )
        Team.objects.get_or_create(programme=programme, site=site, defaults={"created_at": now})
        record_change(
            programme=programme,
            by=by,
            obj=allocation,
            intake=intake,
            site=site,
            trust=facts[site.pk].trust,
            action=audit.Action.CREATE,
            summary=(
                f"{site.code} added to intake {intake.number} ({intake.name}), starting {long_date(intake.start_on)}"
            ),
            request=request,
        )
        created.append(allocation)
    queue_onboarding_notices(intake=intake, sites=sites)
    return created


@transaction.atomic
def remove_site(*, intake: Intake, site: Site, by: User, request=None) -> None:
    """Take a site out of an intake that has not started (it is then not allocated)."""
    intake = Intake.objects.select_for_update().select_related("programme").get(pk=intake.pk)
    allocation = Allocation.objects.filter(intake=intake, site=site).first()
    if allocation is None:
        raise ProgrammeRefused("site", f"{site_label(site)} is not in intake {intake.number}")
    if intake.start_on <= clock.today():
        raise ProgrammeRefused(
            "site", f"Intake {intake.number} started on {long_date(intake.start_on)}: its sites stay in it"
        )
    trust = site_facts([site], clock.today())[site.pk].trust
    allocation.delete()
    record_change(
        programme=intake.programme,
        by=by,
        obj=intake,
        intake=intake,
        site=site,
        trust=trust,
        action=audit.Action.DELETE,
        summary=f"{site.code} taken out of intake {intake.number} ({intake.name}): not allocated",
        request=request,
    )
