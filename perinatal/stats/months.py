"""Calendar months as values: MOSS counts events by month of birth (docs/rules/surveillance.md §1.1)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["YearMonth"]

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
