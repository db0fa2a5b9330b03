"""What a trust records about a site's team (docs/rules/equity.md §3): its members, the executive
team's backing, progress on the five elements and the participants' surveys.

Recorded by the trust's perinatal leadership (``RECORD_EQUITY_TEAMS``; the views check who). A
site records once it is in an intake. Every record is a new append-only row (the latest is
current), kept with who recorded it and when, and in the programme's history by role, never
by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from perinatal.accounts.models import User
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.equity.models import (
    Allocation,
    ElementUpdate,
    ExecutiveBacking,
    SurveyReturn,
    Team,
    TeamMember,
    TeamMemberLeaving,
)
from perinatal.equity.programme import rules
from perinatal.equity.programme.rules import ElementStatus, SurveyRound, TeamRole
from perinatal.equity.programme.selectors import current_members, current_programme, site_facts
from perinatal.equity.programme.services.history import ProgrammeRefused, record_change
from perinatal.organisations.models import Site

NAME_MAX = 150


def _locked_team(site: Site) -> Team:
    """The site's team, locked for the change; refused when the site is in no intake."""
    programme = current_programme()
    allocation = Allocation.objects.filter(programme=programme, site=site).first() if programme else None
    if allocation is None:
        raise ProgrammeRefused(
            "__all__", f"{site.name} ({site.code}) is not in an intake yet: the programme team allocates it first"
        )
    team, _created = Team.objects.get_or_create(programme=programme, site=site, defaults={"created_at": clock.now()})
    return Team.objects.select_for_update().select_related("programme", "site").get(pk=team.pk)


def _record(team: Team, *, by: User, summary: str, obj, action=audit.Action.UPDATE, request=None) -> None:
    record_change(
        programme=team.programme,
        by=by,
        obj=obj,
        site=team.site,
        trust=site_facts([team.site], clock.today())[team.site_id].trust,
        action=action,
        summary=f"{team.site.code}: {summary}",
        request=request,
    )


@transaction.atomic
def add_team_member(
    *, site: Site, role: str, full_name: str, job_title: str, work_email: str = "", by: User, request=None
) -> TeamMember:
    team = _locked_team(site)
    try:
        team_role = TeamRole(role)
    except ValueError:
        raise ProgrammeRefused("role", "Select the person's role in the team") from None
    full_name, job_title = (full_name or "").strip(), (job_title or "").strip()
    work_email = (work_email or "").strip().lower()
    if not full_name:
        raise ProgrammeRefused("full_name", "Enter the person's name")
    if len(full_name) > NAME_MAX:
        raise ProgrammeRefused("full_name", f"The name must be {NAME_MAX} characters or fewer")
    if not job_title:
        raise ProgrammeRefused("job_title", "Enter the person's job title, like Consultant neonatologist")
    if len(job_title) > NAME_MAX:
        raise ProgrammeRefused("job_title", f"The job title must be {NAME_MAX} characters or fewer")
    if work_email:
        try:
            validate_email(work_email)
        except ValidationError:
            raise ProgrammeRefused(
                "work_email", "Enter a work email address in the correct format, like name@nhs.net"
            ) from None
    problem = rules.second_holder_problem(role=team_role, held=(m.role for m in current_members(team)))
    if problem:
        raise ProgrammeRefused("role", problem)
    member = TeamMember.objects.create(
        team=team,
        role=team_role.value,
        full_name=full_name,
        job_title=job_title,
        work_email=work_email,
        added_at=clock.now(),
        added_by=by,
    )
    _record(
        team,
        by=by,
        obj=member,
        action=audit.Action.CREATE,
        summary=f"{team_role.label} added to the team",
        request=request,
    )
    return member


@transaction.atomic
def remove_team_member(*, member: TeamMember, by: User, request=None) -> TeamMemberLeaving:
    team = Team.objects.select_for_update().select_related("programme", "site").get(pk=member.team_id)
    if TeamMemberLeaving.objects.filter(member=member).exists():
        raise ProgrammeRefused("__all__", "This person has already left the team")
    leaving = TeamMemberLeaving.objects.create(member=member, at=clock.now(), by=by)
    _record(team, by=by, obj=member, summary=f"{member.role_label} left the team", request=request)
    return leaving


@transaction.atomic
def record_executive_backing(
    *, site: Site, backed: bool | None, confirmed_on: date | None, note: str = "", by: User, request=None
) -> ExecutiveBacking:
    team = _locked_team(site)
    note = (note or "").strip()
    if backed is None:
        raise ProgrammeRefused("backed", "Select whether the executive team backs the site's work")
    if confirmed_on is None:
        raise ProgrammeRefused("confirmed_on", "Enter the date the executive team confirmed it")
    if confirmed_on > clock.today():
        raise ProgrammeRefused("confirmed_on", "The date the executive team confirmed it must be today or in the past")
    if not backed and not note:
        raise ProgrammeRefused("note", "Enter what the executive team said, and what happens next")
    backing = ExecutiveBacking.objects.create(
        team=team, backed=backed, confirmed_on=confirmed_on, note=note, recorded_at=clock.now(), recorded_by=by
    )
    words = "backed" if backed else "not backed yet"
    _record(
        team,
        by=by,
        obj=backing,
        summary=f"executive backing recorded: {words} ({long_date(confirmed_on)})",
        request=request,
    )
    return backing


@transaction.atomic
def record_element(
    *,
    site: Site,
    element: int,
    status: str,
    started_on: date | None,
    completed_on: date | None,
    participants: int | None = None,
    evidence: Iterable[str] = (),
    notes: str = "",
    by: User,
    request=None,
) -> ElementUpdate:
    """Record a team's progress on one element (status, dates, who took part, evidence)."""
    team = _locked_team(site)
    if element not in rules.ELEMENT_NUMBERS:
        raise ProgrammeRefused("element", f"There is no element {element}: the elements are 1 to {len(rules.ELEMENTS)}")
    try:
        element_status = ElementStatus(status)
    except ValueError:
        raise ProgrammeRefused("status", "Select whether the element is not started, in progress or done") from None
    evidence = list(dict.fromkeys(evidence))
    notes = (notes or "").strip()
    if participants is not None and participants < 0:
        raise ProgrammeRefused("participants", "The number who took part must be 0 or more")
    problems = rules.element_problems(
        status=element_status,
        started_on=started_on,
        completed_on=completed_on,
        evidence=evidence,
        notes=notes,
        element_number=element,
        programme_start=team.programme.start_on,
        today=clock.today(),
    )
    if problems:
        raise ProgrammeRefused(*problems[0])
    update = ElementUpdate.objects.create(
        team=team,
        element=element,
        status=element_status.value,
        started_on=started_on,
        completed_on=completed_on,
        participants=participants,
        evidence=evidence,
        notes=notes,
        recorded_at=clock.now(),
        recorded_by=by,
    )
    title = rules.element(element).title
    _record(
        team,
        by=by,
        obj=update,
        summary=f"element {element} ({title.lower()}) marked {element_status.label.lower()}",
        request=request,
    )
    return update


@transaction.atomic
def record_survey(
    *,
    site: Site,
    round_: str,
    held_on: date | None,
    invited: int | None,
    responses: int | None,
    scores: Mapping[str, int | None],
    by: User,
    request=None,
) -> SurveyReturn:
    """Record a round of the participants' survey (before or after the intake), as the team enters it."""
    team = _locked_team(site)
    try:
        survey_round = SurveyRound(round_)
    except ValueError:
        raise ProgrammeRefused("round", "Choose the survey before or the survey after the intake") from None
    other = SurveyRound.AFTER if survey_round is SurveyRound.BEFORE else SurveyRound.BEFORE
    other_return = team.surveys.filter(round=other.value).order_by("recorded_at", "id").last()
    problems = rules.survey_problems(
        round_=survey_round,
        held_on=held_on,
        invited=invited,
        responses=responses,
        scores=scores,
        other_round_held_on=other_return.held_on if other_return else None,
        today=clock.today(),
    )
    if problems:
        raise ProgrammeRefused(*problems[0])
    survey = SurveyReturn.objects.create(
        team=team,
        round=survey_round.value,
        held_on=held_on,
        invited=invited,
        responses=responses,
        **{key: scores.get(key) for key in rules.HEADLINE_KEYS},
        recorded_at=clock.now(),
        recorded_by=by,
    )
    _record(
        team,
        by=by,
        obj=survey,
        summary=f"survey {survey_round.value} the intake recorded: {responses} of {invited} responded",
        request=request,
    )
    return survey
