"""The daily job that tells the regional and national teams when a case's clock turns
(docs/rules/improvement.md §2, "Turns"): the diagnostic due soon or overdue, a month ended
without an executive meeting, a quarter without an improvement review.

`clocks.clock_turns` finds each turn on exactly one day, with a key that names it; a notice is
stored once per case and key (a unique constraint), so a turn is told once however often the
job runs. The job looks at every day since the last one it looked at (a job that missed days
looks at each of them), and on its first run at today only, so that cases loaded with their
history do not send a notice for every turn of their past. Notices are sent through the
platform's notifier (`perinatal.core.notify`) after they are stored; one that fails is tried
again the next day. Messages name the case and the trust, never a person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from perinatal.accounts.models import Membership
from perinatal.accounts.roles import Role
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date, month_and_year
from perinatal.core.notify import Message, NotifierError, get_notifier, service_base_url
from perinatal.improvement import clocks as c
from perinatal.improvement.models import Case, CasePerson, ClockDay, ClockNotice, PersonRole
from perinatal.improvement.selectors.cases import timelines_of
from perinatal.organisations.selectors import parent_on
from perinatal.stats.months import YearMonth, YearQuarter

logger = logging.getLogger(__name__)

NOTICE_MAX_ATTEMPTS = 10
#: A job down for longer than this looks back this far only (each turn still has one day).
MAX_DAYS_BACK = 92


def recipients_for(case: Case, day: date) -> list[str]:
    """The regional team of the trust's region on the day, the national Improvement Support
    Team, and the case's improvement advisor and regional chief midwife when named."""
    parent = parent_on(case.trust, day)
    memberships = Membership.objects.active().filter(user__is_active=True).select_related("user")
    emails = []
    if parent is not None and parent.region is not None:
        emails += [
            m.user.email for m in memberships.filter(organisation=parent.region, role=Role.REGIONAL_VIEWER.value)
        ]
    emails += [m.user.email for m in memberships.filter(role=Role.IMPROVEMENT_SUPPORT.value)]
    emails += list(
        CasePerson.objects.filter(
            case=case,
            end__isnull=True,
            role__in=[PersonRole.IMPROVEMENT_ADVISOR, PersonRole.REGIONAL_CHIEF_MIDWIFE],
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted({email.lower() for email in emails})


def _subject_and_lines(case: Case, turn: c.ClockTurn) -> tuple[str, list[str]]:
    where = f"{case.trust.display_name} ({case.trust.code})"
    if turn.kind == c.TURN_DIAGNOSTIC_DUE_SOON:
        due = date.fromisoformat(turn.subject)
        return f"Case {case.case_id}: diagnostic due by {long_date(due)}", [
            f"The diagnostic of improvement case {case.case_id} ({where}) is due by {long_date(due)}, "
            "6 weeks after the concern was identified, and is not completed yet."
        ]
    if turn.kind == c.TURN_DIAGNOSTIC_OVERDUE:
        due = date.fromisoformat(turn.subject)
        return f"Case {case.case_id}: diagnostic overdue", [
            f"The diagnostic of improvement case {case.case_id} ({where}) was due on {long_date(due)} "
            "and is not completed."
        ]
    if turn.kind == c.TURN_EXECUTIVE_MEETING_MISSED:
        month = month_and_year(YearMonth.parse(turn.subject).first_day)
        return f"Case {case.case_id}: no executive meeting in {month}", [
            f"{month} ended without an executive meeting for improvement case {case.case_id} ({where})."
        ]
    year, quarter = turn.subject.split("-Q")
    span = YearQuarter(int(year), int(quarter))
    words = f"{month_and_year(span.first_day).split()[0]} to {month_and_year(span.last_day)}"
    return f"Case {case.case_id}: no improvement review in {words}", [
        f"The quarter {words} ended without an improvement review for improvement case {case.case_id} ({where})."
    ]


def _store(case: Case, turn: c.ClockTurn) -> ClockNotice | None:
    subject, lines = _subject_and_lines(case, turn)
    body = "\n".join([*lines, "", f"See the case: {service_base_url()}/improvement/cases/{case.pk}/"])
    try:
        with transaction.atomic():
            return ClockNotice.objects.create(
                case=case,
                key=turn.key,
                turned_on=turn.on,
                recipients=recipients_for(case, turn.on),
                subject=subject,
                body=body,
                created_at=clock.now(),
            )
    except IntegrityError:
        return None  # told already (another job, or a day looked at twice)


@dataclass(frozen=True)
class ClockJobOutcome:
    days: tuple[date, ...]
    stored: int
    sent: int


def days_to_look_at(today: date) -> list[date]:
    """Every day after the last one looked at, up to today (today only on the first run)."""
    last = ClockDay.objects.order_by("-day").values_list("day", flat=True).first()
    if last is None or last >= today:
        return [] if last == today else [today]
    first = max(last + timedelta(days=1), today - timedelta(days=MAX_DAYS_BACK))
    return [first + timedelta(days=offset) for offset in range((today - first).days + 1)]


def notify_clock_turns(*, today: date | None = None) -> ClockJobOutcome:
    """Find the turns of every case on each day to look at, store a notice per new turn, send."""
    today = today or clock.today()
    days = days_to_look_at(today)
    stored = 0
    cases = list(Case.objects.select_related("trust"))
    timelines = timelines_of(cases)
    for day in days:
        for case in cases:
            for turn in c.clock_turns(timelines[case.pk], day):
                stored += _store(case, turn) is not None
        ClockDay.objects.get_or_create(day=day, defaults={"looked_at": clock.now()})
    sent = send_pending_clock_notices()
    return ClockJobOutcome(days=tuple(days), stored=stored, sent=len(sent))


def send_pending_clock_notices() -> list[ClockNotice]:
    """Send every notice not sent yet (new ones, and failed ones with attempts left)."""
    pending = list(
        ClockNotice.objects.filter(
            status__in=[ClockNotice.Status.PENDING, ClockNotice.Status.FAILED], attempts__lt=NOTICE_MAX_ATTEMPTS
        )
        .select_related("case__trust")
        .order_by("created_at", "id")
    )
    if not pending:
        return []
    try:
        notifier = get_notifier()
    except NotifierError as error:
        logger.error("Improvement clock notices not sent: %s", error)
        return []
    sent = []
    for notice in pending:
        notice.attempts += 1
        notice.backend = notifier.name
        if not notice.recipients:
            notice.status = ClockNotice.Status.FAILED
            notice.last_error = "no regional or national team member to tell"
        else:
            try:
                notifier.send(
                    Message(
                        recipients=tuple(notice.recipients),
                        subject=notice.subject,
                        body=notice.body,
                        reference=f"improvement-{notice.case_id}-{notice.key}",
                    )
                )
            except NotifierError as error:
                notice.status = ClockNotice.Status.FAILED
                notice.last_error = str(error)[:300]
            else:
                notice.status = ClockNotice.Status.SENT
                notice.sent_at = clock.now()
                notice.last_error = ""
                sent.append(notice)
        notice.save()
        if notice.status == ClockNotice.Status.SENT:
            audit.record(
                action=audit.Action.CREATE,
                obj=notice,
                organisation=notice.case.trust,
                summary=(
                    f"Improvement case {notice.case.case_id}: told of {notice.key} "
                    f"({len(notice.recipients)} recipients)"
                ),
            )
        else:
            logger.warning("Improvement clock notice %s not sent: %s", notice.pk, notice.last_error)
    return sent
