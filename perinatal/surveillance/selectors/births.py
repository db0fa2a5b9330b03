"""MOSS inputs read from the births data: term births, stillbirths and neonatal deaths
(docs/rules/surveillance.md §1.1).

Aggregate figures (published statistics, not scoped). The term and neonatal-death limits
are here because every reading of the births data and of notified deaths uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast, Substr, TruncMonth

from perinatal.dashboard.datasets.schema import OUTCOME_LIVE, OUTCOME_STILLBIRTH
from perinatal.dashboard.models import BirthRecord
from perinatal.kernel import clinical
from perinatal.organisations.models import Site, SiteOwnership
from perinatal.stats.months import YearMonth
from perinatal.surveillance.calculation import SiteMonthCounts

# docs/rules/surveillance.md §1.1: term is GA ≥ 37+0; a neonatal death is at 0–27 completed days
# (births.csv gives neonatal_death_on up to 28 days after born_on).
TERM_GESTATION_DAYS = clinical.GA_37_0_DAYS
NEONATAL_DEATH_LAST_DAY = clinical.NEONATAL_LAST_DAY


def _term_births() -> QuerySet[BirthRecord]:
    """Term births (live + still) at a known site, terminations excluded (docs/rules/surveillance.md §1.1)."""
    return BirthRecord.objects.filter(site__isnull=False, gestation_days__gte=TERM_GESTATION_DAYS, termination=False)


TERM_STILLBIRTH = Q(outcome=OUTCOME_STILLBIRTH)
TERM_NEONATAL_DEATH = Q(
    outcome=OUTCOME_LIVE, neonatal_death_day__isnull=False, neonatal_death_day__lte=NEONATAL_DEATH_LAST_DAY
)


def _birth_month():
    """The month of birth as a grouping key, computed by the database itself.

    PostgreSQL truncates natively; SQLite's Trunc is a Python function called once per row
    (30 s over the national 2.5 million births), whereas its dates are ISO text, so the first
    seven characters are the month (under 10 s).
    """
    if connection.vendor == "postgresql":
        return TruncMonth("born_on")
    return Substr(Cast("born_on", CharField()), 1, 7)


def _year_month(value) -> YearMonth:
    return YearMonth.parse(value) if isinstance(value, str) else YearMonth.of(value)


def term_monthly_counts() -> list[SiteMonthCounts]:
    """Per site of birth and month of birth: term births, term stillbirths, term neonatal deaths.

    One SQL aggregate query over the births records (docs/rules/surveillance.md §1.1), ordered by site and month.
    """
    rows = (
        _term_births()
        .annotate(birth_month=_birth_month())
        .values("site__code", "birth_month")
        .annotate(
            term_births=Count("id"),
            stillbirths=Count("id", filter=TERM_STILLBIRTH),
            neonatal_deaths=Count("id", filter=TERM_NEONATAL_DEATH),
        )
        .order_by()  # sorted below: sorting in SQL costs the database more than sorting these few rows here
    )
    counts = [
        SiteMonthCounts(
            site_code=row["site__code"],
            month=_year_month(row["birth_month"]),
            term_births=row["term_births"],
            term_stillbirths=row["stillbirths"],
            term_neonatal_deaths=row["neonatal_deaths"],
        )
        for row in rows
    ]
    return sorted(counts, key=lambda row: (row.site_code, row.month))


@dataclass(frozen=True)
class DayEvents:
    stillbirths: int = 0
    neonatal_deaths: int = 0

    @property
    def events(self) -> int:
        return self.stillbirths + self.neonatal_deaths


def daily_term_events(*, site: Site, first: date, last: date) -> dict[date, DayEvents]:
    """Term stillbirths and term neonatal deaths at one site, by day of birth, for the excess-events chart."""
    rows = (
        _term_births()
        .filter(site=site, born_on__gte=first, born_on__lte=last)
        # Every birth at a site is recorded under one of the trusts that have owned it (the
        # import refuses any other: dashboard.datasets.row_rules). Saying so lets the database
        # use its (trust, born_on) index instead of reading every birth in the period (issue 12:
        # the site page took 0.5 s on the national data for this query alone).
        .filter(trust__in=SiteOwnership.objects.filter(site=site).values("trust"))
        .filter(TERM_STILLBIRTH | TERM_NEONATAL_DEATH)
        .values("born_on")
        .annotate(
            stillbirths=Count("id", filter=TERM_STILLBIRTH), neonatal_deaths=Count("id", filter=TERM_NEONATAL_DEATH)
        )
    )
    return {row["born_on"]: DayEvents(row["stillbirths"], row["neonatal_deaths"]) for row in rows}
