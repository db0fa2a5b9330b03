"""The span of the loaded births: every series and period list of the pages covers it, and
its last day is the pages' "as of" date (pages.reporting_periods builds the periods on it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Min

from perinatal.dashboard.models import BirthRecord


@dataclass(frozen=True)
class DataSpan:
    """The first and last dates of the loaded births data: the range every series covers."""

    first: date
    last: date

    @property
    def as_of(self) -> date:
        return self.last

    @property
    def series_start(self) -> date:
        """The first day of the first month with data: series start on a month boundary."""
        return self.first.replace(day=1)


def data_start() -> date | None:
    return BirthRecord.objects.aggregate(first=Min("born_on"))["first"]


def data_end() -> date | None:
    """The last birth date loaded: the "as of" date of tiles and series."""
    return BirthRecord.objects.aggregate(last=Max("born_on"))["last"]


def data_span() -> DataSpan | None:
    """The first and last `born_on` of the loaded births; None when no births are loaded."""
    last = data_end()
    if last is None:
        return None
    return DataSpan(first=data_start(), last=last)
