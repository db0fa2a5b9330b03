"""The board report's own rules, framework-free (docs/rules/board_report.md §1.3, §2).

- A report is for one trust and one calendar month, named ``YYYY-MM``.
- Drafts for month M are generated on the 5th working day of the month after M (**policy**),
  counted in England's working days (`perinatal.kernel.working_days`).
- A critical safety check's status on the day a report is generated: completed on time,
  completed late, open, or overdue, from its due date (the 8th working day after the signal,
  docs/rules/surveillance.md §1.4) and the day it was completed, if it was by then.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from perinatal.kernel.working_days import add_working_days

#: Drafts are generated on this working day of the month after the report's month (**policy**).
DRAFT_WORKING_DAY = 5

STATUS_COMPLETED_ON_TIME = "completed_on_time"
STATUS_COMPLETED_LATE = "completed_late"
STATUS_OPEN = "open"
STATUS_OVERDUE = "overdue"
CHECK_STATUSES = (STATUS_COMPLETED_ON_TIME, STATUS_COMPLETED_LATE, STATUS_OPEN, STATUS_OVERDUE)

_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class ReportMonth:
    """A calendar month: the period a board report covers."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1 to 12, not {self.month}")

    @classmethod
    def parse(cls, text: str) -> ReportMonth:
        """``YYYY-MM``; anything else is refused with a message naming the form expected."""
        match = _MONTH.fullmatch((text or "").strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"'{text}' is not a month: use YYYY-MM, for example 2026-10")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> ReportMonth:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shifted(self, months: int) -> ReportMonth:
        index = self.year * 12 + self.month - 1 + months
        return ReportMonth(index // 12, index % 12 + 1)

    def contains(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    @property
    def twelve_months_start(self) -> date:
        """The first day of the 12 months ending with this month."""
        return self.shifted(-11).first_day

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def drafts_due_on(month: ReportMonth) -> date:
    """The 5th working day of the month after `month` (its last day is day 0)."""
    return add_working_days(start=month.last_day, n=DRAFT_WORKING_DAY)


def month_due_for_drafts(today: date) -> ReportMonth | None:
    """The month whose drafts are due today, or None: today must be the 5th working day of
    its month, and the report is for the month before."""
    previous = ReportMonth.of(today).shifted(-1)
    return previous if drafts_due_on(previous) == today else None


def check_status_on(*, due_on: date, completed_on: date | None, on: date) -> str:
    """A safety check's status on the day `on` (docs/rules/board_report.md §1.3).

    Completed by `on`: on time when completed on or before its due date (the due day itself
    is in time), late after it. Not completed by `on` (a completion recorded later does not
    count): open up to and including the due date, overdue from the day after.
    """
    if completed_on is not None and completed_on <= on:
        return STATUS_COMPLETED_ON_TIME if completed_on <= due_on else STATUS_COMPLETED_LATE
    return STATUS_OVERDUE if on > due_on else STATUS_OPEN
