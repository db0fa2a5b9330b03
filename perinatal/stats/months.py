"""Calendar months and quarters as values: MOSS counts events by month of birth
(docs/rules/surveillance.md §1.1); improvement support counts executive meetings by month and
improvement reviews by quarter (docs/rules/improvement.md §2)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["YearMonth", "YearQuarter"]

_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class YearMonth:
    """A calendar month, ordered by time, written ``YYYY-MM``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1 to 12, not {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1 to 9999, not {self.year}")

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        """Parse ``YYYY-MM`` (the only form NHS England's ``year_month`` column uses)."""
        match = _YEAR_MONTH.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a month written YYYY-MM")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> YearMonth:
        """The month a date falls in."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shifted(self, months: int) -> YearMonth:
        """The month ``months`` later (earlier when negative)."""
        index = self.year * 12 + (self.month - 1) + months
        return YearMonth(index // 12, index % 12 + 1)

    @property
    def days(self) -> int:
        """Number of days in the month."""
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def dates(self) -> list[date]:
        """Every day of the month, in order."""
        return [date(self.year, self.month, day) for day in range(1, self.days + 1)]


@dataclass(frozen=True, order=True)
class YearQuarter:
    """A calendar quarter (1: January–March, … 4: October–December), ordered by time, written ``YYYY-Qn``."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1 to 4, not {self.quarter}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1 to 9999, not {self.year}")

    @classmethod
    def of(cls, day: date) -> YearQuarter:
        """The quarter a date falls in."""
        return cls.of_month(YearMonth.of(day))

    @classmethod
    def of_month(cls, month: YearMonth) -> YearQuarter:
        """The quarter a month falls in."""
        return cls(month.year, (month.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"

    def shifted(self, quarters: int) -> YearQuarter:
        """The quarter ``quarters`` later (earlier when negative)."""
        index = self.year * 4 + (self.quarter - 1) + quarters
        return YearQuarter(index // 4, index % 4 + 1)

    @property
    def months(self) -> tuple[YearMonth, YearMonth, YearMonth]:
        """Its three months, in order."""
        first = YearMonth(self.year, 3 * self.quarter - 2)
        return (first, first.shifted(1), first.shifted(2))

    @property
    def first_day(self) -> date:
        return self.months[0].first_day

    @property
    def last_day(self) -> date:
        last = self.months[2]
        return date(last.year, last.month, last.days)
