"""Births data for MOSS tests, built row by row so that every count is known.

The scenario mirrors the worked example of docs/rules/surveillance.md §1 through the platform:
R0A01 and RRK01 each have 2,500 term births in 2024 (mean 2500/12 a month) and 5 events,
so the national reference rate for 2025 is 10 / 5,000 = 0.002 and each site's IC is 0.42.
In 2025 R0A01 has the worked example's counts 2, 1, 1, 3, 3, 0 (January to June) and RRK01
one event in June, so June is evaluated.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from django.db import connection

from perinatal.core import clock
from perinatal.dashboard.models import BirthRecord, Upload
from perinatal.organisations.models import Organisation, Site
from perinatal.surveillance.models import (
    ContactNotice,
    CriticalSafetyCheck,
    MossRun,
    SafetyCheckAction,
    SafetyCheckActionUpdate,
    SafetyCheckFinding,
    SafetyCheckStatusRecord,
    Signal,
    SignalStatusRecord,
    SiteMonthResult,
)

SITE_A = "R0A01"
SITE_B = "RRK01"
WORKED_COUNTS = (2, 1, 1, 3, 3, 0)  # R0A01, January–June 2025
WORKED_NOW = "2025-07-10T09:00"  # a Thursday: the check is due on Tuesday 22 July 2025
WORKED_DUE = date(2025, 7, 22)
_BABY_NUMBERS = count()


def clear_births_and_signals() -> None:
    """Start from no births and no MOSS state (the test database holds the small demo)."""
    for model in (
        ContactNotice,
        SignalStatusRecord,
        Signal,
        SafetyCheckFinding,
        SafetyCheckActionUpdate,
        SafetyCheckAction,
        SafetyCheckStatusRecord,
        CriticalSafetyCheck,
        SiteMonthResult,
        MossRun,
    ):
        model.objects.all().delete()
    BirthRecord.objects.all().delete()


_COLUMNS = (
    "baby_id",
    "mother_id",
    "trust_id",
    "site_id",
    "born_on",
    "gestation_days",
    "outcome",
    "termination",
    "neonatal_death_on",
    "neonatal_death_day",
    "upload_id",
)


class BirthsBuilder:
    """Adds births rows to one upload; baby ids are numbered in order."""

    def __init__(self):
        self.upload = Upload.objects.create(
            dataset="births", filename="test-births.csv", started_at=clock.now(), status=Upload.Status.LOADED
        )
        self.rows: list[tuple] = []
        self.sites = dict(Site.objects.filter(code__in=[SITE_A, SITE_B, "R0A02"]).values_list("code", "pk"))
        self.trusts = dict(Organisation.objects.filter(code__in=["R0A", "RRK"]).values_list("code", "pk"))

    def add(
        self,
        *,
        site: str,
        born_on: date,
        outcome: str = "live",
        gestation_days: int | None = 280,
        termination: bool = False,
        death_day: int | None = None,
    ) -> None:
        number = next(_BABY_NUMBERS)
        died_on = None if death_day is None else born_on + timedelta(days=death_day)
        as_db = connection.ops.adapt_datefield_value
        self.rows.append(
            (
                f"T{number:08d}",
                f"M{number:08d}",
                self.trusts[site[:3]],
                self.sites[site],
                as_db(born_on),
                gestation_days,
                outcome,
                termination,
                as_db(died_on),
                death_day,
                self.upload.pk,
            )
        )

    def month(
        self, *, site: str, year: int, month: int, births: int = 0, stillbirths: int = 0, neonatal_deaths: int = 0
    ) -> None:
        """`births` term births in the month, of which the given numbers died (all on the 5th)."""
        day = date(year, month, 5)
        for _ in range(stillbirths):
            self.add(site=site, born_on=day, outcome="stillbirth")
        for _ in range(neonatal_deaths):
            self.add(site=site, born_on=day, death_day=3)
        for index in range(births - stillbirths - neonatal_deaths):
            self.add(site=site, born_on=date(year, month, 1 + index % 28))

    def year_of_births(self, *, site: str, year: int, total: int, events: int) -> None:
        """`total` term births spread as evenly as the worked example's (2500 → 209 × 4, 208 × 8)."""
        for month in range(1, 13):
            births = total // 12 + (1 if month <= total % 12 else 0)
            self.month(site=site, year=year, month=month, births=births, stillbirths=1 if month <= events else 0)

    def save(self) -> None:
        """One executemany of plain tuples: building thousands of model instances takes seconds."""
        table = BirthRecord._meta.db_table
        columns = ", ".join(connection.ops.quote_name(column) for column in _COLUMNS)
        placeholders = ", ".join(["%s"] * len(_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", self.rows)
        self.rows = []


def worked_example(*, extra_months: dict[tuple[str, int, int], int] | None = None) -> BirthsBuilder:
    """The worked example (see the module docstring); ``extra_months`` adds stillbirths (site, year, month)."""
    clear_births_and_signals()
    builder = BirthsBuilder()
    for site in (SITE_A, SITE_B):
        builder.year_of_births(site=site, year=2024, total=2500, events=5)
    for month, events in enumerate(WORKED_COUNTS, start=1):
        builder.month(site=SITE_A, year=2025, month=month, births=events, stillbirths=events)
    builder.month(site=SITE_B, year=2025, month=6, births=1, stillbirths=1)
    for (site, year, month), events in (extra_months or {}).items():
        builder.month(site=site, year=year, month=month, births=events, stillbirths=events)
    builder.save()
    return builder
