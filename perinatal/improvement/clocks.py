"""The clocks of an improvement support case as of a date (docs/rules/improvement.md §2).

Pure functions over a `CaseTimeline`: the dates a case has reached and its meetings and
escalations. Every clock reads "as of" a date, and a date after ``as_of`` is one the case has
not reached yet, so the same timeline answers for any day, past or present (the export's
``--as-of`` and the daily job both rely on that).

- The diagnostic is due 42 days after identification and due soon from the 28th day
  (support within 4–6 weeks); `diagnostic_status` says where it stands.
- A calendar month after the month the plan was agreed, ended before ``as_of`` and not after
  the month of exit, is counted; a counted month without an executive meeting is missed.
  Quarters are counted the same way and missed without an improvement review.
- The escalation level is the highest escalation in force; `trust` when none is.
- The stage: diagnostic, planning, improvement, exited.
- `clock_turns` lists what turned on a day (the diagnostic due soon or overdue, a month or a
  quarter that ended without its meeting), so that a daily job tells people once per turn.

**policy** (docs/rules/improvement.md §2): a case's clocks stop at its exit. A diagnostic not
completed by the exit keeps the status it had on the exit date, and the month and the quarter
of exit are the last ones counted (each once it has ended).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from perinatal.stats.months import YearMonth, YearQuarter

__all__ = [
    "CaseClocks",
    "CaseTimeline",
    "ClockTurn",
    "DateOrderProblem",
    "Escalation",
    "Meeting",
    "case_date_problems",
    "clock_turns",
    "clocks_of",
    "counted_months",
    "counted_quarters",
    "diagnostic_due_on",
    "diagnostic_due_soon_from",
    "diagnostic_status",
    "escalation_date_problem",
    "escalation_level",
    "missed_executive_months",
    "missed_review_quarters",
    "stage",
]

#: The diagnostic is due this many days after identification (6 weeks).
DIAGNOSTIC_DUE_DAYS = 42
#: It is due soon from this many days after identification (4 weeks).
DIAGNOSTIC_DUE_SOON_DAYS = 28

COMPLETED_ON_TIME = "completed_on_time"
COMPLETED_LATE = "completed_late"
ON_TRACK = "on_track"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
DIAGNOSTIC_STATUSES = (COMPLETED_ON_TIME, COMPLETED_LATE, ON_TRACK, DUE_SOON, OVERDUE)

STAGE_DIAGNOSTIC = "diagnostic"
STAGE_PLANNING = "planning"
STAGE_IMPROVEMENT = "improvement"
STAGE_EXITED = "exited"
STAGES = (STAGE_DIAGNOSTIC, STAGE_PLANNING, STAGE_IMPROVEMENT, STAGE_EXITED)

EXECUTIVE_MEETING = "executive"
QUARTERLY_REVIEW = "quarterly_review"
MEETING_KINDS = (EXECUTIVE_MEETING, QUARTERLY_REVIEW)

LEVEL_TRUST = "trust"
#: The levels a case is escalated to, lowest first.
ESCALATION_LEVELS = ("icb", "region", "national", "regulator")
#: Every level a case can be at, lowest first: `trust` when nothing is in force.
LEVELS = (LEVEL_TRUST, *ESCALATION_LEVELS)

TURN_DIAGNOSTIC_DUE_SOON = "diagnostic_due_soon"
TURN_DIAGNOSTIC_OVERDUE = "diagnostic_overdue"
TURN_EXECUTIVE_MEETING_MISSED = "executive_meeting_missed"
TURN_QUARTERLY_REVIEW_MISSED = "quarterly_review_missed"
TURN_KINDS = (
    TURN_DIAGNOSTIC_DUE_SOON,
    TURN_DIAGNOSTIC_OVERDUE,
    TURN_EXECUTIVE_MEETING_MISSED,
    TURN_QUARTERLY_REVIEW_MISSED,
)

_ONE_DAY = timedelta(days=1)


# --- what a case has been through -----------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    """An executive meeting or a quarterly improvement review, held on a date."""

    kind: str
    held_on: date

    def __post_init__(self) -> None:
        if self.kind not in MEETING_KINDS:
            raise ValueError(f"a meeting is {' or '.join(MEETING_KINDS)}, not {self.kind!r}")


@dataclass(frozen=True)
class Escalation:
    """An escalation to a level, in force from ``escalated_on`` until ``deescalated_on`` (that day excluded)."""

    level: str
    escalated_on: date
    deescalated_on: date | None = None

    def __post_init__(self) -> None:
        if self.level not in ESCALATION_LEVELS:
            raise ValueError(f"an escalation is to {', '.join(ESCALATION_LEVELS)}, not {self.level!r}")
        problem = escalation_date_problem(escalated_on=self.escalated_on, deescalated_on=self.deescalated_on)
        if problem is not None:
            raise ValueError(problem)

    def in_force_on(self, day: date) -> bool:
        return self.escalated_on <= day and (self.deescalated_on is None or self.deescalated_on > day)


@dataclass(frozen=True)
class DateOrderProblem:
    """A case date earlier than one it must follow: the field at fault and why."""

    field: str
    message: str


def case_date_problems(
    *,
    identified_on: date,
    diagnostic_completed_on: date | None,
    plan_agreed_on: date | None,
    exited_on: date | None,
) -> list[DateOrderProblem]:
    """The case's dates out of order: every one of them, so a file or a form names them all.

    The dates given follow each other: identification, diagnostic, plan, exit (docs/rules/improvement.md §2
    stages). **policy**: a plan cannot be agreed before the diagnostic is completed, nor
    without it; a case may exit at any stage after identification.
    """
    # In the order a case goes through them, each with the words a message uses.
    steps = (
        ("identified_on", "identification", identified_on),
        ("diagnostic_completed_on", "the diagnostic's completion", diagnostic_completed_on),
        ("plan_agreed_on", "the plan's agreement", plan_agreed_on),
        ("exited_on", "exit", exited_on),
    )
    problems: list[DateOrderProblem] = []
    latest: tuple[str, date] | None = None  # the latest of the earlier steps given: each date must follow it
    for name, words, day in steps:
        if day is None:
            continue
        if latest is None or day >= latest[1]:
            latest = (words, day)
        else:
            problems.append(
                DateOrderProblem(name, f"{words} ({day.isoformat()}) is before {latest[0]} ({latest[1].isoformat()})")
            )
    if plan_agreed_on is not None and diagnostic_completed_on is None:
        problems.append(DateOrderProblem("plan_agreed_on", "a plan is agreed only after the diagnostic is completed"))
    return problems


def escalation_date_problem(*, escalated_on: date, deescalated_on: date | None) -> str | None:
    """Why the de-escalation date cannot follow the escalation date, or None.

    A de-escalation on the day of the escalation is allowed (it was never in force at a day's end).
    """
    if deescalated_on is not None and deescalated_on < escalated_on:
        return f"the de-escalation ({deescalated_on.isoformat()}) is before the escalation ({escalated_on.isoformat()})"
    return None


@dataclass(frozen=True)
class CaseTimeline:
    """What the clocks read of a case: its dates (empty: not yet) and its meetings and escalations.

    Refuses dates out of order (`case_date_problems`), so no clock reads a contradiction.
    """

    identified_on: date
    diagnostic_completed_on: date | None = None
    plan_agreed_on: date | None = None
    exited_on: date | None = None
    meetings: tuple[Meeting, ...] = field(default=())
    escalations: tuple[Escalation, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "meetings", tuple(self.meetings))
        object.__setattr__(self, "escalations", tuple(self.escalations))
        problems = case_date_problems(
            identified_on=self.identified_on,
            diagnostic_completed_on=self.diagnostic_completed_on,
            plan_agreed_on=self.plan_agreed_on,
            exited_on=self.exited_on,
        )
        if problems:
            raise ValueError("; ".join(f"{problem.field}: {problem.message}" for problem in problems))

    def exited_by(self, as_of: date) -> bool:
        return self.exited_on is not None and self.exited_on <= as_of

    def meeting_days(self, kind: str) -> tuple[date, ...]:
        return tuple(meeting.held_on for meeting in self.meetings if meeting.kind == kind)


def _reached(day: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of


# --- the diagnostic -----------------------------------------------------------------------------


def diagnostic_due_on(identified_on: date) -> date:
    """Identification + 42 days: 2026-01-05 → 2026-02-16 (docs/rules/improvement.md §2)."""
    return identified_on + timedelta(days=DIAGNOSTIC_DUE_DAYS)


def diagnostic_due_soon_from(identified_on: date) -> date:
    """Identification + 28 days: the first day the diagnostic is due soon."""
    return identified_on + timedelta(days=DIAGNOSTIC_DUE_SOON_DAYS)


def diagnostic_status(timeline: CaseTimeline, as_of: date) -> str:
    """Completed on time (on or before the due date) or late; while not completed, on track
    before day 28, due soon from day 28 to the due date (day 42) included, overdue after it.

    The clock stops at exit (**policy**): an uncompleted diagnostic keeps its status of the exit date.
    """
    due = diagnostic_due_on(timeline.identified_on)
    completed = timeline.diagnostic_completed_on
    if _reached(completed, as_of):
        return COMPLETED_ON_TIME if completed <= due else COMPLETED_LATE
    day = timeline.exited_on if timeline.exited_by(as_of) else as_of
    if day > due:
        return OVERDUE
    if day >= diagnostic_due_soon_from(timeline.identified_on):
        return DUE_SOON
    return ON_TRACK


# --- meetings by month and quarter --------------------------------------------------------------


def counted_months(timeline: CaseTimeline, as_of: date) -> tuple[YearMonth, ...]:
    """The months that must have an executive meeting: after the plan's month, ended before
    ``as_of`` and up to the month of exit included; none before the plan is agreed."""
    if not _reached(timeline.plan_agreed_on, as_of):
        return ()
    first = YearMonth.of(timeline.plan_agreed_on).shifted(1)
    last = YearMonth.of(as_of).shifted(-1)  # the last month ended before as_of
    if timeline.exited_on is not None:
        last = min(last, YearMonth.of(timeline.exited_on))
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = month.shifted(1)
    return tuple(months)


def counted_quarters(timeline: CaseTimeline, as_of: date) -> tuple[YearQuarter, ...]:
    """The quarters that must have an improvement review, counted as the months are."""
    if not _reached(timeline.plan_agreed_on, as_of):
        return ()
    first = YearQuarter.of(timeline.plan_agreed_on).shifted(1)
    last = YearQuarter.of(as_of).shifted(-1)  # the last quarter ended before as_of
    if timeline.exited_on is not None:
        last = min(last, YearQuarter.of(timeline.exited_on))
    quarters = []
    quarter = first
    while quarter <= last:
        quarters.append(quarter)
        quarter = quarter.shifted(1)
    return tuple(quarters)


def missed_executive_months(timeline: CaseTimeline, as_of: date) -> tuple[YearMonth, ...]:
    """The counted months with no executive meeting held in them, oldest first."""
    held = {YearMonth.of(day) for day in timeline.meeting_days(EXECUTIVE_MEETING)}
    return tuple(month for month in counted_months(timeline, as_of) if month not in held)


def missed_review_quarters(timeline: CaseTimeline, as_of: date) -> tuple[YearQuarter, ...]:
    """The counted quarters with no quarterly improvement review held in them, oldest first."""
    held = {YearQuarter.of(day) for day in timeline.meeting_days(QUARTERLY_REVIEW)}
    return tuple(quarter for quarter in counted_quarters(timeline, as_of) if quarter not in held)


# --- escalation and stage -----------------------------------------------------------------------


def escalation_level(escalations: Iterable[Escalation], as_of: date) -> str:
    """The highest level among the escalations in force on ``as_of`` (escalated on or before
    it, not de-escalated on or before it); `trust` when none is."""
    in_force = [LEVELS.index(escalation.level) for escalation in escalations if escalation.in_force_on(as_of)]
    return LEVELS[max(in_force, default=0)]


def stage(timeline: CaseTimeline, as_of: date) -> str:
    """Exited (exit date on or before ``as_of``), else improvement (plan agreed), else
    planning (diagnostic completed), else diagnostic."""
    if timeline.exited_by(as_of):
        return STAGE_EXITED
    if _reached(timeline.plan_agreed_on, as_of):
        return STAGE_IMPROVEMENT
    if _reached(timeline.diagnostic_completed_on, as_of):
        return STAGE_PLANNING
    return STAGE_DIAGNOSTIC


# --- all the clocks at once ---------------------------------------------------------------------


@dataclass(frozen=True)
class CaseClocks:
    """Every clock of one case as of a date: what the case list, the case page and the export show."""

    as_of: date
    stage: str
    diagnostic_due_on: date
    diagnostic_due_soon_from: date
    diagnostic_status: str
    executive_months_missed: tuple[YearMonth, ...]
    review_quarters_missed: tuple[YearQuarter, ...]
    escalation_level: str

    @property
    def executive_meetings_missed(self) -> int:
        return len(self.executive_months_missed)

    @property
    def quarterly_reviews_missed(self) -> int:
        return len(self.review_quarters_missed)


def clocks_of(timeline: CaseTimeline, as_of: date) -> CaseClocks:
    """The case's clocks as of ``as_of``; refused (ValueError) before the case was identified,
    when it did not exist yet."""
    if as_of < timeline.identified_on:
        raise ValueError(f"the case was identified on {timeline.identified_on.isoformat()}, after {as_of.isoformat()}")
    return CaseClocks(
        as_of=as_of,
        stage=stage(timeline, as_of),
        diagnostic_due_on=diagnostic_due_on(timeline.identified_on),
        diagnostic_due_soon_from=diagnostic_due_soon_from(timeline.identified_on),
        diagnostic_status=diagnostic_status(timeline, as_of),
        executive_months_missed=missed_executive_months(timeline, as_of),
        review_quarters_missed=missed_review_quarters(timeline, as_of),
        escalation_level=escalation_level(timeline.escalations, as_of),
    )


# --- the days the clocks turn -------------------------------------------------------------------


@dataclass(frozen=True)
class ClockTurn:
    """A clock that turned on a day: its kind and what it turned for (the diagnostic's due
    date ``YYYY-MM-DD``, the month ``YYYY-MM`` or the quarter ``YYYY-Qn``).

    ``key`` is the same whichever day the turn is looked for, so a job that records the keys
    it has told people about tells them once per turn.
    """

    kind: str
    on: date
    subject: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"


def clock_turns(timeline: CaseTimeline, as_of: date) -> tuple[ClockTurn, ...]:
    """What turned on ``as_of``: each is a difference between the clocks on ``as_of`` and on
    the day before, so a turn is found on exactly one day.

    - the diagnostic became due soon (day 28) or overdue (day 43), not completed by then;
    - a month ended without an executive meeting (found on the 1st of the next month);
    - a quarter ended without an improvement review (found on the 1st of the next quarter).

    A job that missed days looks for the turns of each of them.
    """
    if as_of < timeline.identified_on:
        return ()
    day_before = as_of - _ONE_DAY
    turns: list[ClockTurn] = []
    status = diagnostic_status(timeline, as_of)
    if status != diagnostic_status(timeline, day_before):
        turned = {DUE_SOON: TURN_DIAGNOSTIC_DUE_SOON, OVERDUE: TURN_DIAGNOSTIC_OVERDUE}.get(status)
        if turned is not None:
            turns.append(ClockTurn(turned, as_of, diagnostic_due_on(timeline.identified_on).isoformat()))
    already_missed = set(missed_executive_months(timeline, day_before))
    turns.extend(
        ClockTurn(TURN_EXECUTIVE_MEETING_MISSED, as_of, str(month))
        for month in missed_executive_months(timeline, as_of)
        if month not in already_missed
    )
    already_missed_quarters = set(missed_review_quarters(timeline, day_before))
    turns.extend(
        ClockTurn(TURN_QUARTERLY_REVIEW_MISSED, as_of, str(quarter))
        for quarter in missed_review_quarters(timeline, as_of)
        if quarter not in already_missed_quarters
    )
    return tuple(turns)
