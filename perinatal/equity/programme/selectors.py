"""Reads of the equity programme (docs/rules/equity.md §3): the plan, a site's record, progress.

Statuses come from :mod:`.rules` on the service clock's date. The record-level reads for the
pages are filtered by ``scope_for(request)`` (:func:`visible_trust_ids`); the board report's
selector (:func:`programme_progress_for_trust`) is given its trust and date, and the caller
decides who may read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from perinatal.accounts.scoping import READ_EQUITY_PROGRAMME, Scope
from perinatal.core import clock
from perinatal.equity.models import (
    Allocation,
    ElementUpdate,
    ExecutiveBacking,
    HistoryEntry,
    Intake,
    OnboardingNotice,
    Programme,
    Session,
    SessionAttendance,
    SurveyReturn,
    Team,
    TeamMember,
)
from perinatal.equity.programme import rules
from perinatal.equity.programme.rules import ElementStatus, SiteStatus, SurveyRound
from perinatal.kernel.london_time import LONDON
from perinatal.organisations.models import Organisation, Site, SiteOwnership, Unit
from perinatal.organisations.selectors import region_codes_on


def current_programme() -> Programme | None:
    return Programme.objects.first()


# --- The register as the plan sees it --------------------------------------------------------


@dataclass(frozen=True)
class PlanSite:
    """A site with an open obstetric unit, with the trust running it and that trust's region."""

    site: Site
    trust: Organisation | None
    region: Organisation | None

    @property
    def region_code(self) -> str:
        return self.region.code if self.region else ""


def open_obstetric_site_ids(day: date) -> set[int]:
    """Sites with an obstetric unit open on ``day`` (opened on or before it, not closed by it)."""
    units = Unit.objects.filter(unit_type=Unit.UnitType.OBSTETRIC, opened_on__lte=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )
    return set(units.values_list("site_id", flat=True))


def site_facts(sites: Iterable[Site], day: date) -> dict[int, PlanSite]:
    """Each site's trust (by its dated ownership) and the trust's region on ``day``, in a few queries."""
    sites = list(sites)
    owners = {
        ownership.site_id: ownership.trust
        for ownership in SiteOwnership.objects.on(day)
        .filter(site__in=[site.pk for site in sites])
        .select_related("trust")
    }
    region_codes = region_codes_on(day)
    regions = {org.code: org for org in Organisation.objects.filter(kind=Organisation.Kind.REGION)}
    result = {}
    for site in sites:
        trust = owners.get(site.pk)
        region = regions.get(region_codes.get(trust.pk, "")) if trust else None
        result[site.pk] = PlanSite(site=site, trust=trust, region=region)
    return result


def plan_sites(day: date) -> list[PlanSite]:
    """Every site the plan covers on ``day``, ordered by region code then site code."""
    sites = Site.objects.filter(pk__in=open_obstetric_site_ids(day)).order_by("code")
    facts = site_facts(sites, day)
    return sorted(facts.values(), key=lambda fact: (fact.region_code == "", fact.region_code, fact.site.code))


def plan_site(site: Site, day: date) -> PlanSite:
    return site_facts([site], day)[site.pk]


# --- The plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    """One row of ``perinatal equity-programme plan`` and of the plan pages."""

    site: Site
    trust: Organisation | None
    region: Organisation | None
    intake: Intake | None
    status: SiteStatus

    @property
    def cells(self) -> dict[str, object]:
        return {
            "site_code": self.site.code,
            "trust_code": self.trust.code if self.trust else "",
            "region_code": self.region.code if self.region else "",
            "intake": self.intake.number if self.intake else None,
            "intake_start": self.intake.start_on if self.intake else None,
            "status": self.status.value,
        }


PLAN_COLUMNS = ("site_code", "trust_code", "region_code", "intake", "intake_start", "status")


def allocations_by_site(programme: Programme | None) -> dict[int, Allocation]:
    if programme is None:
        return {}
    return {
        allocation.site_id: allocation
        for allocation in Allocation.objects.filter(programme=programme).select_related("intake")
    }


def plan_rows(
    *, programme: Programme | None, today: date, months: int = rules.PROGRAMME_MONTHS, start: date | None = None
) -> list[PlanRow]:
    """Every site with an open obstetric unit on ``today``: its intake and status (rules.site_status).

    A site counts as allocated when its intake starts within ``months`` of ``start`` (the
    programme's start by default); ``perinatal equity-programme plan --months`` narrows it.
    """
    allocations = allocations_by_site(programme)
    window_start = start or (programme.start_on if programme else None)
    rows = []
    for fact in plan_sites(today):
        allocation = allocations.get(fact.site.pk)
        intake = allocation.intake if allocation else None
        if intake is not None and not rules.within_window(
            programme_start=window_start, intake_start=intake.start_on, months=months
        ):
            intake = None
        rows.append(
            PlanRow(
                site=fact.site,
                trust=fact.trust,
                region=fact.region,
                intake=intake,
                status=rules.site_status(intake_start=intake.start_on if intake else None, today=today),
            )
        )
    return rows


def visible_trust_ids(scope: Scope, purpose=READ_EQUITY_PROGRAMME) -> frozenset[int] | None:
    """The trusts whose sites this user may read on the programme's pages; None = every trust."""
    return scope.trust_ids(purpose)


def rows_visible_to(rows: list[PlanRow], scope: Scope) -> list[PlanRow]:
    ids = visible_trust_ids(scope)
    if ids is None:
        return rows
    return [row for row in rows if row.trust is not None and row.trust.pk in ids]


# --- Intakes -------------------------------------------------------------------------------


@dataclass
class IntakeSummary:
    intake: Intake
    regions: list[Organisation]
    sites: list[PlanSite]
    status: SiteStatus
    teams_complete: int = 0
    elements_done: int = 0

    @property
    def allocated(self) -> int:
        return len(self.sites)

    @property
    def room(self) -> int:
        return max(0, self.intake.capacity - self.allocated)

    @property
    def elements_total(self) -> int:
        return self.allocated * len(rules.ELEMENTS)


def intakes_of(programme: Programme | None) -> QuerySet[Intake]:
    if programme is None:
        return Intake.objects.none()
    return Intake.objects.filter(programme=programme).prefetch_related("regions").order_by("start_on", "number")


def intake_summaries(programme: Programme | None, *, today: date, trust_ids: frozenset[int] | None = None):
    """Each intake with its sites (only those of ``trust_ids`` when given) and their progress."""
    intakes = list(intakes_of(programme))
    allocations = list(Allocation.objects.filter(intake__in=intakes).select_related("site").order_by("site__code"))
    facts = site_facts([allocation.site for allocation in allocations], today)
    progress = team_progress(programme, [allocation.site for allocation in allocations], on=today)
    by_intake: dict[int, list[PlanSite]] = defaultdict(list)
    for allocation in allocations:
        fact = facts[allocation.site_id]
        if trust_ids is not None and (fact.trust is None or fact.trust.pk not in trust_ids):
            continue
        by_intake[allocation.intake_id].append(fact)
    summaries = []
    for intake in intakes:
        sites = by_intake.get(intake.pk, [])
        summary = IntakeSummary(
            intake=intake,
            regions=sorted(intake.regions.all(), key=lambda region: region.code),
            sites=sites,
            status=rules.site_status(intake_start=intake.start_on, today=today),
        )
        for fact in sites:
            state = progress.get(fact.site.pk)
            if state is not None:
                summary.teams_complete += 1 if state.team_complete else 0
                summary.elements_done += state.elements_done
        summaries.append(summary)
    return summaries


def unallocated_sites(programme: Programme | None, *, today: date, region_codes: Iterable[str] | None = None):
    """Sites with an open obstetric unit in no intake (of the given regions, when given)."""
    allocated = set(allocations_by_site(programme))
    wanted = set(region_codes) if region_codes is not None else None
    return [
        fact
        for fact in plan_sites(today)
        if fact.site.pk not in allocated and (wanted is None or fact.region_code in wanted)
    ]


# --- Teams and their progress ------------------------------------------------------------------


def _end_of(day: date) -> datetime:
    """The first instant after ``day`` in England: records up to it are "as of" the day."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=LONDON)


def current_members(team: Team, *, on: date | None = None) -> list[TeamMember]:
    """The team's members on a day (added by its end, not left by it), in page order of roles."""
    members = TeamMember.objects.filter(team=team).select_related("leaving")
    if on is not None:
        members = members.filter(added_at__lt=_end_of(on))
    result = []
    for member in members:
        leaving = getattr(member, "leaving", None)
        if leaving is not None and (on is None or leaving.at < _end_of(on)):
            continue
        result.append(member)
    order = {role.value: index for index, role in enumerate(rules.TeamRole)}
    return sorted(result, key=lambda member: (order.get(member.role, 99), member.added_at, member.pk))


def latest_by(rows: Iterable, key) -> dict:
    """The last row for each key, in the rows' order (append-only records: the latest is current)."""
    result = {}
    for row in rows:
        result[key(row)] = row
    return result


@dataclass(frozen=True)
class ElementState:
    element: rules.Element
    latest: ElementUpdate | None
    sessions: tuple[tuple[Session, int | None], ...] = ()
    updates: tuple[ElementUpdate, ...] = ()

    @property
    def status(self) -> ElementStatus:
        return ElementStatus(self.latest.status) if self.latest else ElementStatus.NOT_STARTED

    @property
    def evidence_labels(self) -> list[str]:
        labels = self.element.evidence_labels
        return [labels[key] for key in (self.latest.evidence if self.latest else []) if key in labels]

    @property
    def attended(self) -> int:
        return sum(count for _session, count in self.sessions if count)


@dataclass
class TeamState:
    """A team's record on a day: who is in it, its backing, the five elements, its surveys."""

    team: Team | None
    members: list[TeamMember] = field(default_factory=list)
    backing: ExecutiveBacking | None = None
    elements: list[ElementState] = field(default_factory=list)
    surveys: dict[str, SurveyReturn] = field(default_factory=dict)

    @property
    def missing_roles(self) -> list[rules.TeamRole]:
        return rules.missing_roles(member.role for member in self.members)

    @property
    def team_complete(self) -> bool:
        return self.team is not None and not self.missing_roles

    @property
    def elements_done(self) -> int:
        return sum(1 for state in self.elements if state.status is ElementStatus.DONE)

    @property
    def elements_in_progress(self) -> int:
        return sum(1 for state in self.elements if state.status is ElementStatus.IN_PROGRESS)

    @property
    def executive_backing(self) -> bool | None:
        return self.backing.backed if self.backing else None


def _empty_elements() -> list[ElementState]:
    return [ElementState(element=element, latest=None) for element in rules.ELEMENTS]


def team_progress(programme: Programme | None, sites: Iterable[Site], *, on: date) -> dict[int, TeamState]:
    """Site id -> its team's state as recorded by the end of ``on`` (bulk, for lists and reports)."""
    sites = list(sites)
    if programme is None or not sites:
        return {}
    until = _end_of(on)
    teams = {team.site_id: team for team in Team.objects.filter(programme=programme, site__in=sites)}
    team_ids = [team.pk for team in teams.values()]
    members: dict[int, list[TeamMember]] = defaultdict(list)
    for member in TeamMember.objects.filter(team_id__in=team_ids, added_at__lt=until).select_related("leaving"):
        leaving = getattr(member, "leaving", None)
        if leaving is None or leaving.at >= until:
            members[member.team_id].append(member)
    backings = latest_by(
        ExecutiveBacking.objects.filter(team_id__in=team_ids, recorded_at__lt=until).order_by("recorded_at", "id"),
        key=lambda row: row.team_id,
    )
    updates = latest_by(
        ElementUpdate.objects.filter(team_id__in=team_ids, recorded_at__lt=until).order_by("recorded_at", "id"),
        key=lambda row: (row.team_id, row.element),
    )
    surveys = latest_by(
        SurveyReturn.objects.filter(team_id__in=team_ids, recorded_at__lt=until).order_by("recorded_at", "id"),
        key=lambda row: (row.team_id, row.round),
    )
    result = {}
    for site in sites:
        team = teams.get(site.pk)
        if team is None:
            result[site.pk] = TeamState(team=None, elements=_empty_elements())
            continue
        result[site.pk] = TeamState(
            team=team,
            members=members.get(team.pk, []),
            backing=backings.get(team.pk),
            elements=[
                ElementState(element=element, latest=updates.get((team.pk, element.number)))
                for element in rules.ELEMENTS
            ],
            surveys={
                round_.value: surveys[(team.pk, round_.value)]
                for round_ in SurveyRound
                if (team.pk, round_.value) in surveys
            },
        )
    return result


# --- A site's page ----------------------------------------------------------------------------


@dataclass
class SiteRecord:
    fact: PlanSite
    programme: Programme | None
    allocation: Allocation | None
    status: SiteStatus
    state: TeamState
    history: list[HistoryEntry]
    notices: list[OnboardingNotice]

    @property
    def site(self) -> Site:
        return self.fact.site

    @property
    def trust(self) -> Organisation | None:
        return self.fact.trust

    @property
    def intake(self) -> Intake | None:
        return self.allocation.intake if self.allocation else None


def site_record(site: Site, *, today: date) -> SiteRecord:
    """Everything the site's page shows: its place in the plan, its team, elements, surveys, history."""
    programme = current_programme()
    fact = plan_site(site, today)
    allocation = (
        Allocation.objects.filter(programme=programme, site=site).select_related("intake").first()
        if programme
        else None
    )
    team = Team.objects.filter(programme=programme, site=site).first() if programme else None
    state = TeamState(team=team, elements=_empty_elements())
    if team is not None:
        state.members = current_members(team)
        state.backing = team.backings.order_by("recorded_at", "id").last()
        updates: dict[int, list[ElementUpdate]] = defaultdict(list)
        for update in team.element_updates.select_related("recorded_by").order_by("recorded_at", "id"):
            updates[update.element].append(update)
        attended = latest_by(
            SessionAttendance.objects.filter(team=team).order_by("recorded_at", "id"), key=lambda row: row.session_id
        )
        sessions: dict[int, list[tuple[Session, int | None]]] = defaultdict(list)
        if allocation is not None:
            for session in Session.objects.filter(intake=allocation.intake).order_by("held_on", "id"):
                row = attended.get(session.pk)
                sessions[session.element].append((session, row.attended if row else None))
        state.elements = [
            ElementState(
                element=element,
                latest=updates[element.number][-1] if updates[element.number] else None,
                sessions=tuple(sessions.get(element.number, [])),
                updates=tuple(reversed(updates[element.number])),
            )
            for element in rules.ELEMENTS
        ]
        state.surveys = latest_by(team.surveys.order_by("recorded_at", "id"), key=lambda row: row.round)
    history = list(HistoryEntry.objects.filter(site=site).select_related("actor", "intake").order_by("-at", "-id"))
    notices = list(OnboardingNotice.objects.filter(sites=site).order_by("created_at", "id"))
    return SiteRecord(
        fact=fact,
        programme=programme,
        allocation=allocation,
        status=rules.site_status(intake_start=allocation.intake.start_on if allocation else None, today=today),
        state=state,
        history=history,
        notices=notices,
    )


def intake_history(intake: Intake) -> list[HistoryEntry]:
    return list(intake.history.select_related("actor", "site").order_by("-at", "-id"))


def programme_history(programme: Programme, *, limit: int = 50) -> list[HistoryEntry]:
    """The plan's changes for the national page: the programme, its intakes and their sites and
    sessions (a team's own records are on its site's page)."""
    return list(
        HistoryEntry.objects.filter(programme=programme)
        .filter(Q(site__isnull=True) | Q(intake__isnull=False))
        .select_related("actor", "intake")
        .order_by("-at", "-id")[:limit]
    )


def sessions_of(intake: Intake) -> list[Session]:
    return list(Session.objects.filter(intake=intake).order_by("held_on", "id"))


def attendance_of(session: Session) -> dict[int, int]:
    """Team id -> the latest recorded attendance at the session."""
    rows = latest_by(session.attendance.order_by("recorded_at", "id"), key=lambda row: row.team_id)
    return {team_id: row.attended for team_id, row in rows.items()}


def teams_of(intake: Intake) -> list[Team]:
    site_ids = intake.allocations.values("site_id")
    return list(
        Team.objects.filter(programme=intake.programme, site_id__in=site_ids)
        .select_related("site")
        .order_by("site__code")
    )


# --- For the board report (a later issue) ---------------------------------------------------------


@dataclass(frozen=True)
class SiteProgress:
    """One site of a trust on the programme, as its board report shows it."""

    site_code: str
    site_name: str
    intake_number: int | None
    intake_name: str
    intake_start: date | None
    status: SiteStatus
    team_complete: bool
    roles_missing: tuple[str, ...]
    executive_backing: bool | None
    elements: tuple[tuple[int, str, ElementStatus], ...]
    survey_before: SurveyReturn | None
    survey_after: SurveyReturn | None

    @property
    def elements_done(self) -> int:
        return sum(1 for _number, _title, status in self.elements if status is ElementStatus.DONE)


@dataclass(frozen=True)
class TrustProgress:
    trust: Organisation
    on: date
    sites: tuple[SiteProgress, ...]

    @property
    def elements_done(self) -> int:
        return sum(site.elements_done for site in self.sites)

    @property
    def elements_total(self) -> int:
        return sum(len(site.elements) for site in self.sites)

    @property
    def teams_complete(self) -> int:
        return sum(1 for site in self.sites if site.team_complete)


def programme_progress_for_trust(trust: Organisation, *, on: date | None = None) -> TrustProgress:
    """The trust's sites on the programme on a day (default: today by the service clock), with
    each site's status, team, executive backing, the five elements and the surveys as recorded
    by the end of that day. For the trust's board report; the caller scopes who reads it.

    The sites are those the trust runs on the day with an open obstetric unit or an intake.
    The plan itself is read as it stands now (a site's intake is the current one, counted from
    the day it was allocated): the plan's earlier states are in the history, not replayed."""
    on = on or clock.today()
    programme = current_programme()
    site_ids = SiteOwnership.objects.on(on).filter(trust=trust).values("site_id")
    sites = list(Site.objects.filter(pk__in=site_ids))
    allocations = allocations_by_site(programme)
    open_ids = open_obstetric_site_ids(on)
    sites = [site for site in sites if site.pk in open_ids or site.pk in allocations]
    states = team_progress(programme, sites, on=on)
    result = []
    for site in sorted(sites, key=lambda s: s.code):
        allocation = allocations.get(site.pk)
        intake = allocation.intake if allocation and allocation.allocated_at < _end_of(on) else None
        state = states.get(site.pk) or TeamState(team=None, elements=_empty_elements())
        result.append(
            SiteProgress(
                site_code=site.code,
                site_name=site.name,
                intake_number=intake.number if intake else None,
                intake_name=intake.name if intake else "",
                intake_start=intake.start_on if intake else None,
                status=rules.site_status(intake_start=intake.start_on if intake else None, today=on),
                team_complete=state.team_complete,
                roles_missing=tuple(role.label for role in state.missing_roles),
                executive_backing=state.executive_backing,
                elements=tuple((s.element.number, s.element.title, s.status) for s in state.elements),
                survey_before=state.surveys.get(SurveyRound.BEFORE.value),
                survey_after=state.surveys.get(SurveyRound.AFTER.value),
            )
        )
    return TrustProgress(trust=trust, on=on, sites=tuple(result))
