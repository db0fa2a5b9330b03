"""Gestational ages, ages at death and days after pregnancy (docs/rules/routing.md §1), with their wording.

- Gestation is whole days, weeks * 7 + days; shown as "38+2 weeks".
- A baby's age at death is in completed days, floor((died_at - born_at) / 24 h), computed on
  UTC instants so that a clock change never moves a day boundary (a baby born at 23:30 BST
  on 25 October 2025 is 7 days old at 23:30 GMT on 1 November, not 7 days old an hour later).
- Days from the end of pregnancy to a mother's death are calendar days between the dates,
  the date of death being the date in England.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from perinatal.kernel.london_time import london_date
from perinatal.notifications.routing.document import Baby, MaternalDeath

__all__ = [
    "age_at_death_days",
    "completed_days",
    "days_after_pregnancy_end",
    "format_age",
    "format_gestation",
    "known_gestation_days",
]

_ONE_DAY = timedelta(days=1)


def completed_days(*, start: datetime, end: datetime) -> int:
    """Whole 24-hour periods from `start` to `end` (both aware)."""
    return (end.astimezone(UTC) - start.astimezone(UTC)) // _ONE_DAY


def age_at_death_days(baby: Baby) -> int | None:
    """Age at death in completed days for a baby born alive who died; otherwise None."""
    if not baby.born_alive or baby.died_at is None:
        return None
    return completed_days(start=baby.born_at, end=baby.died_at)


def known_gestation_days(baby: Baby) -> int | None:
    """The gestation in days when it is recorded *and* reliable; None means unknown.

    docs/rules/routing.md §3.1: a null or unreliable gestation "is treated as unknown for every body".
    """
    if baby.gestation is None or not baby.gestation.is_reliable:
        return None
    return baby.gestation.total_days


def days_after_pregnancy_end(death: MaternalDeath) -> int | None:
    """Calendar days from the end of pregnancy to the date of death; None when unknown."""
    if death.pregnancy_ended_on is None:
        return None
    return (london_date(death.died_at) - death.pregnancy_ended_on).days


def format_gestation(days: int) -> str:
    """259 -> "37+0 weeks"."""
    return f"{days // 7}+{days % 7} weeks"


def format_age(days: int) -> str:
    """Age in completed days as people say it: "2 days old", "1 day old"."""
    if days == 0:
        return "less than 1 day old"
    return f"{days} day old" if days == 1 else f"{days} days old"
