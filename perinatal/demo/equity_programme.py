"""Demo data for the equity programme (docs/rules/equity.md §3): a plan with intakes in progress,
teams, sessions and attendance for the demo trusts.

Every date is placed from the service clock's today when set-up first runs, so the walk-through
reads the same on any day: intake 1 (North West and London) started six months ago and is
active; intake 2 (Midlands and South West) starts at the turn of the next month but one, so its
sites are onboarding; intake 3 (the other three regions) starts in seven months and is planned,
with one site left out of it so the plan names a site not yet allocated. Everything is written
through the programme's services (their checks, history and notices), by the demo's programme
admin and the trusts' Heads of Midwifery. Running set-up again changes nothing: a programme,
once there, is left alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from perinatal.accounts.models import User
from perinatal.core import clock
from perinatal.equity.models import Programme, Team
from perinatal.equity.programme.rules import ElementStatus, SurveyRound, TeamRole, months_after
from perinatal.equity.programme.selectors import plan_sites
from perinatal.equity.programme.services.plan import add_intake, allocate_sites, set_programme_start
from perinatal.equity.programme.services.sessions import record_attendance, record_session
from perinatal.equity.programme.services.teams import (
    add_team_member,
    record_element,
    record_executive_backing,
    record_survey,
)
from perinatal.organisations.models import Organisation, Site

PROGRAMME_ADMIN = "programme.admin@perinatal.example"
HEADS_OF_MIDWIFERY = {"R0A": "hom.r0a@perinatal.example", "RRK": "hom.rrk@perinatal.example"}

# (number, name, region codes, months from today's month to the intake's start)
DEMO_INTAKES = (
    (1, "North West and London", ("Y62", "Y56"), -6),
    (2, "Midlands and South West", ("Y60", "Y58"), 2),
    (3, "South East, East of England, North East and Yorkshire", ("Y59", "Y61", "Y63"), 7),
)
PROGRAMME_MONTHS_BEFORE_TODAY = 7
"""The programme started on the first day of the month this many months before today's month."""

# Fictional people for the demo teams: (role, name, job title).
FULL_TEAM = (
    (TeamRole.HEAD_OF_MIDWIFERY, "Amina Okafor", "Director of Midwifery"),
    (TeamRole.OBSTETRIC_CLINICAL_DIRECTOR, "Dr Tom Fielding", "Clinical Director, Obstetrics"),
    (TeamRole.NEONATAL_CLINICAL_DIRECTOR, "Dr Priya Raman", "Clinical Director, Neonatology"),
    (TeamRole.OPERATIONAL_LEAD, "Jade Brennan", "Maternity and Neonatal Operational Lead"),
    (TeamRole.LABOUR_WARD_COORDINATOR, "Rosa Mendes", "Labour Ward Coordinator"),
    (TeamRole.RESIDENT_OBSTETRICIAN, "Dr Kofi Mensah", "Resident Obstetrician"),
    (TeamRole.RESIDENT_NEONATOLOGIST, "Dr Hannah Cole", "Resident Neonatologist"),
    (TeamRole.LEAD_NEONATAL_NURSE, "Sam Whitaker", "Lead Neonatal Nurse"),
    (TeamRole.POLICY_GOVERNANCE_LEAD, "Leah Ashworth", "Maternity Governance Lead"),
    (TeamRole.SPONSOR_EXECUTIVE, "Mark Ellison", "Chief Nursing Officer"),
    (TeamRole.BOARD_SAFETY_CHAMPION, "Ruth Adebayo", "Non-executive Director, Maternity Safety Champion"),
    (TeamRole.CULTURE_COACH, "Nadia Farouk", "Culture Coach (NHS Race and Health Observatory)"),
)
QUAD_ONLY = FULL_TEAM[:4]


def _first_of_month(today: date, months: int) -> date:
    return months_after(today.replace(day=1), months)


def load_demo_equity_programme(*, stdout=None) -> Programme | None:
    if Programme.objects.exists():
        return None
    admin = User.objects.filter(email=PROGRAMME_ADMIN).first()
    if admin is None:
        return None
    with transaction.atomic():
        programme = _load(admin)
    if stdout is not None:
        stdout.write(
            f"Equity programme: started {programme.start_on.isoformat()}, "
            f"{programme.intakes.count()} intakes, {Team.objects.filter(programme=programme).count()} site teams."
        )
    return programme


def _load(admin: User) -> Programme:
    today = clock.today()
    programme = set_programme_start(start_on=_first_of_month(today, -PROGRAMME_MONTHS_BEFORE_TODAY), by=admin)
    regions = {org.code: org for org in Organisation.objects.filter(kind=Organisation.Kind.REGION)}
    sites_by_region: dict[str, list[Site]] = {}
    for fact in plan_sites(today):
        sites_by_region.setdefault(fact.region_code, []).append(fact.site)
    intakes = {}
    for number, name, codes, months in DEMO_INTAKES:
        sites = [site for code in codes for site in sites_by_region.get(code, [])]
        if number == len(DEMO_INTAKES) and sites:
            sites = sorted(sites, key=lambda site: site.code)[:-1]  # one site not yet allocated
        intake = add_intake(
            number=number,
            name=name,
            regions=[regions[code] for code in codes],
            start_on=_first_of_month(today, months),
            capacity=max(1, len([s for code in codes for s in sites_by_region.get(code, [])])),
            by=admin,
        )
        if sites:
            allocate_sites(intake=intake, sites=sites, by=admin)
        intakes[number] = (intake, sites)
    _active_intake(*intakes[1], admin=admin, today=today)
    _onboarding_intake(*intakes[2], today=today)
    return programme


def _user(trust_code: str) -> User | None:
    email = HEADS_OF_MIDWIFERY.get(trust_code)
    return User.objects.filter(email=email).first() if email else None


def _name_team(site: Site, people, by: User) -> None:
    for role, name, title in people:
        add_team_member(site=site, role=role.value, full_name=name, job_title=title, by=by)


def _active_intake(intake, sites: list[Site], *, admin: User, today: date) -> None:
    """Intake 1 started six months ago: sessions held, R0A's first site well on, its second starting."""
    start = intake.start_on
    webinars = [
        record_session(
            intake=intake,
            element=1,
            kind="webinar",
            title=f"Webinar {n}: {title}",
            held_on=start + timedelta(days=days),
            by=admin,
        )
        for n, title, days in (
            (1, "racism and discrimination in maternity and neonatal care", 14),
            (2, "from evidence to action", 42),
        )
    ]
    face_to_face = record_session(
        intake=intake,
        element=3,
        kind="face_to_face",
        title="Leadership development day",
        held_on=start + timedelta(days=120),
        by=admin,
    )
    teams = list(Team.objects.filter(site__in=sites).select_related("site").order_by("site__code"))
    for session, counts in ((webinars[0], (9, 6, 4)), (webinars[1], (10, 5, 0)), (face_to_face, (7, 3, 0))):
        attended = {team: counts[index % len(counts)] for index, team in enumerate(teams)}
        record_attendance(session=session, attended=attended, by=admin)

    r0a = [site for site in sites if site.code.startswith("R0A")]
    hom = _user("R0A")
    if hom is None or len(r0a) < 2:
        return
    first, second = r0a[0], r0a[1]
    _name_team(first, FULL_TEAM, hom)
    record_executive_backing(
        site=first,
        backed=True,
        confirmed_on=start - timedelta(days=30),
        note="Backed by the executive team; the Chief Nursing Officer sponsors the work.",
        by=hom,
    )
    record_survey(
        site=first,
        round_=SurveyRound.BEFORE.value,
        held_on=start - timedelta(days=14),
        invited=14,
        responses=11,
        scores={"safe_to_speak_up": 45, "treated_fairly": 52, "confident_to_challenge": 38},
        by=hom,
    )
    progress = (
        (1, ElementStatus.DONE, 14, 60, ["webinars_attended"], "All of the team took part in both webinars."),
        (
            2,
            ElementStatus.DONE,
            30,
            110,
            ["mnvp_findings", "improvement_plan_actions"],
            "Listening events with the MNVP; three actions added to the maternity improvement plan.",
        ),
        (3, ElementStatus.IN_PROGRESS, 120, None, ["face_to_face_development"], ""),
        (4, ElementStatus.IN_PROGRESS, 150, None, [], "First development sessions booked."),
    )
    for number, status, started, done, evidence, notes in progress:
        record_element(
            site=first,
            element=number,
            status=status.value,
            started_on=start + timedelta(days=started),
            completed_on=start + timedelta(days=done) if done is not None else None,
            participants=9,
            evidence=evidence,
            notes=notes,
            by=hom,
        )
    _name_team(second, QUAD_ONLY, hom)
    record_element(
        site=second,
        element=1,
        status=ElementStatus.IN_PROGRESS.value,
        started_on=start + timedelta(days=14),
        completed_on=None,
        participants=5,
        evidence=[],
        notes="",
        by=hom,
    )


def _onboarding_intake(intake, sites: list[Site], *, today: date) -> None:
    """Intake 2 starts soon: RRK's first site has named its quad and has its backing."""
    hom = _user("RRK")
    rrk = [site for site in sites if site.code.startswith("RRK")]
    if hom is None or not rrk:
        return
    _name_team(rrk[0], QUAD_ONLY, hom)
    record_executive_backing(
        site=rrk[0],
        backed=True,
        confirmed_on=today - timedelta(days=7),
        note="Agreed at the executive meeting.",
        by=hom,
    )
