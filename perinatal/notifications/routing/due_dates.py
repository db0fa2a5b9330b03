"""When each body's notification is due: the dated policy table of docs/rules/routing.md §6.

One row per body and kind of event, each with its period, what the period runs from, its
source and the date the row was last checked against that source. `due_date_for` reads only
this table, so a change of deadline is a change of one row (and of DUE_DATE_POLICY_VERSION).

Working days are England working days (`perinatal.kernel.working_days`). "Within N working
days of day D" is the Nth working day after D. "Within one week" and "within 30 days" are
calendar days after D.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from perinatal.kernel.london_time import london_date
from perinatal.kernel.working_days import add_working_days
from perinatal.notifications.routing.document import EventType, NotificationDocument
from perinatal.notifications.routing.result import Body, Category, RoutingResult

__all__ = [
    "DUE_DATE_POLICIES",
    "DUE_DATE_POLICY_VERSION",
    "Counting",
    "DueDate",
    "DueDatePolicy",
    "due_date_for",
    "due_date_policy_for",
    "due_dates",
    "event_date_for",
]

DUE_DATE_POLICY_VERSION = "2025-10"


class Counting(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    NO_DEADLINE = "no_deadline"


@dataclass(frozen=True)
class DueDatePolicy:
    body: Body
    categories: frozenset[Category]
    period: int | None
    counting: Counting
    runs_from: str
    source: str
    checked_on: date
    # True when the period also runs from the day the reporter became aware of the event.
    from_awareness: bool = False
    caveat: str | None = None

    def __post_init__(self) -> None:
        # No source sets a deadline of zero days; a row saying so is a mistake in the table,
        # refused when the module loads (the counting itself accepts 0: kernel.working_days).
        if self.counting is not Counting.NO_DEADLINE and (self.period is None or self.period < 1):
            raise ValueError(f"{self.body} {self.counting}: a deadline needs a period of 1 day or more")


_PERINATAL = frozenset({Category.LATE_FETAL_LOSS, Category.STILLBIRTH, Category.NEONATAL_DEATH})
_MNSI_CATEGORIES = frozenset(
    {
        Category.INTRAPARTUM_STILLBIRTH,
        Category.EARLY_NEONATAL_DEATH,
        Category.SEVERE_BRAIN_INJURY,
        Category.MATERNAL_DEATH,
    }
)

DUE_DATE_POLICIES: tuple[DueDatePolicy, ...] = (
    DueDatePolicy(
        body=Body.MBRRACE_UK,
        categories=frozenset({Category.MATERNAL_DEATH}),
        period=7,
        counting=Counting.CALENDAR_DAYS,
        runs_from="the death, or the day the trust became aware of it if later",
        source=(
            "MBRRACE-UK maternal data collection: maternal deaths are notified within one week "
            "of the death or of becoming aware of it."
        ),
        checked_on=date(2025, 10, 1),
        from_awareness=True,
    ),
    DueDatePolicy(
        body=Body.MBRRACE_UK,
        categories=_PERINATAL,
        period=7,
        counting=Counting.WORKING_DAYS,
        runs_from="the death",
        source=(
            "Maternity Incentive Scheme, safety action 1: eligible perinatal deaths are notified "
            "to MBRRACE-UK within 7 working days."
        ),
        checked_on=date(2025, 10, 1),
        caveat="Verify against the current Maternity Incentive Scheme year before relying on it.",
    ),
    DueDatePolicy(
        body=Body.NHSR_EN,
        categories=frozenset({Category.SEVERE_BRAIN_INJURY}),
        period=30,
        counting=Counting.CALENDAR_DAYS,
        runs_from="the incident (the baby's birth)",
        source=(
            "NHS Resolution Early Notification scheme guidance for trusts: the legal services "
            "report is due within 30 days of the incident."
        ),
        checked_on=date(2025, 10, 1),
    ),
    DueDatePolicy(
        body=Body.MNSI,
        categories=_MNSI_CATEGORIES,
        period=None,
        counting=Counting.NO_DEADLINE,
        runs_from="the event",
        source="MNSI 'Refer a case': refer as soon as possible; no deadline is published.",
        checked_on=date(2025, 10, 1),
    ),
)


@dataclass(frozen=True)
class DueDate:
    body: Body
    due_on: date | None
    policy: DueDatePolicy


def due_date_policy_for(*, body: Body, category: Category) -> DueDatePolicy:
    for row in DUE_DATE_POLICIES:
        if row.body == body and category in row.categories:
            return row
    raise ValueError(f"no due-date policy for {body} {category}")


def due_date_for(*, body: Body, category: Category, event_date: date, aware_on: date | None = None) -> date | None:
    """The date the notification to `body` is due, or None when no deadline is published.

    `event_date` is the date the period runs from (see `event_date_for`). `aware_on`, the
    day the trust became aware, counts only for rows that run from awareness (maternal deaths
    to MBRRACE-UK), and only when it is later than the event.
    """
    row = due_date_policy_for(body=body, category=category)
    if row.period is None:
        return None
    start = event_date
    if row.from_awareness and aware_on is not None and aware_on > start:
        start = aware_on
    if row.counting is Counting.WORKING_DAYS:
        return add_working_days(start=start, n=row.period)
    return start + timedelta(days=row.period)


def event_date_for(*, body: Body, document: NotificationDocument) -> date:
    """The date (in England) a body's period runs from.

    Maternal events: the date of death. Baby events: for NHS Resolution the date of birth
    (the incident happened in labour or at birth); for the others the date of death, or the
    date of birth when the baby is alive.
    """
    if document.event is EventType.MATERNAL:
        if document.maternal_death is None:
            raise ValueError("a maternal event needs mother.death")
        return london_date(document.maternal_death.died_at)
    baby = document.baby
    if baby is None:
        raise ValueError("a baby event needs the baby's details")
    if body is Body.NHSR_EN or baby.died_at is None:
        return london_date(baby.born_at)
    return london_date(baby.died_at)


def due_dates(
    *, document: NotificationDocument, result: RoutingResult, aware_on: date | None = None
) -> tuple[DueDate, ...]:
    """One `DueDate` per destination of `result`, in the result's order."""
    return tuple(
        DueDate(
            body=destination.body,
            due_on=due_date_for(
                body=destination.body,
                category=destination.category,
                event_date=event_date_for(body=destination.body, document=document),
                aware_on=aware_on,
            ),
            policy=due_date_policy_for(body=destination.body, category=destination.category),
        )
        for destination in result.destinations
    )
