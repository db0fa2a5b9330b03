"""The sessions the national programme team runs for an intake (webinars, face-to-face
development, workshops) and how many of each site's team attended (docs/rules/equity.md §3:
"the national programme team plans intakes and records sessions")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction

from perinatal.accounts.models import User
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.equity.models import Intake, Session, SessionAttendance, Team
from perinatal.equity.programme import rules
from perinatal.equity.programme.selectors import site_facts
from perinatal.equity.programme.services.history import ProgrammeRefused, record_change

TITLE_MAX = 200
ATTENDANCE_MAX = 99
"""More than this many people from one site's team at one session is a typing error."""


def attendance_field(team: Team) -> str:
    """The form field that holds a team's attendance (refusals name it)."""
    return f"site_{team.site.code}"


@transaction.atomic
def record_session(
    *, intake: Intake, element: int | None, kind: str, title: str, held_on: date | None, by: User, request=None
) -> Session:
    intake = Intake.objects.select_related("programme").get(pk=intake.pk)
    if element not in rules.ELEMENT_NUMBERS:
        raise ProgrammeRefused("element", "Select the element the session is for")
    if kind not in Session.Kind.values:
        raise ProgrammeRefused("kind", "Select what kind of session it was")
    title = (title or "").strip()
    if not title:
        raise ProgrammeRefused(
            "title", "Enter the session's title, like Webinar 1: understanding racism in maternity care"
        )
    if len(title) > TITLE_MAX:
        raise ProgrammeRefused("title", f"The title must be {TITLE_MAX} characters or fewer")
    if held_on is None:
        raise ProgrammeRefused("held_on", "Enter the date the session was held")
    if held_on > clock.today():
        raise ProgrammeRefused("held_on", "The date the session was held must be today or in the past")
    if held_on < intake.programme.start_on:
        raise ProgrammeRefused(
            "held_on", f"The date the session was held must be on or after {long_date(intake.programme.start_on)}"
        )
    session = Session.objects.create(
        programme=intake.programme,
        intake=intake,
        element=element,
        kind=kind,
        title=title,
        held_on=held_on,
        recorded_at=clock.now(),
        recorded_by=by,
    )
    record_change(
        programme=intake.programme,
        by=by,
        obj=session,
        intake=intake,
        action=audit.Action.CREATE,
        summary=(
            f"{Session.Kind(kind).label} for intake {intake.number} recorded: element {element}, "
            f"held {long_date(held_on)}"
        ),
        request=request,
    )
    return session


@transaction.atomic
def record_attendance(
    *, session: Session, attended: Mapping[Team, int | None], by: User, request=None
) -> list[SessionAttendance]:
    """How many of each team attended; a team left empty is not recorded (a later entry corrects one)."""
    session = Session.objects.select_related("intake", "programme").get(pk=session.pk)
    site_ids = set(session.intake.allocations.values_list("site_id", flat=True))
    for team, count in attended.items():
        if team.site_id not in site_ids or team.programme_id != session.programme_id:
            raise ProgrammeRefused(attendance_field(team), f"{team.site.code} is not in intake {session.intake.number}")
        if count is not None and not 0 <= count <= ATTENDANCE_MAX:
            raise ProgrammeRefused(
                attendance_field(team), f"The number from {team.site.code} must be between 0 and {ATTENDANCE_MAX}"
            )
    entered = {team: count for team, count in attended.items() if count is not None}
    if not entered:
        raise ProgrammeRefused("__all__", "Enter how many attended from at least one site")
    now = clock.now()
    facts = site_facts([team.site for team in entered], clock.today())
    rows = []
    for team, count in sorted(entered.items(), key=lambda item: item[0].site.code):
        rows.append(
            SessionAttendance.objects.create(
                session=session, team=team, attended=count, recorded_at=now, recorded_by=by
            )
        )
        record_change(
            programme=session.programme,
            by=by,
            obj=session,
            intake=session.intake,
            site=team.site,
            trust=facts[team.site_id].trust,
            summary=(
                f"{team.site.code}: {count} attended the {session.get_kind_display().lower()} "
                f"of {long_date(session.held_on)}"
            ),
            request=request,
        )
    return rows
