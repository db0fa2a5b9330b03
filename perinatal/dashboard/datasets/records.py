"""Typed records, one dataclass per dataset, fields named and ordered as the CSV columns.

Spec: docs/rules/dashboard.md §1. `None` means unknown, or what the column says empty means
(`closed_on` still open, `neonatal_death_on` no neonatal death, `ended_at` still going on,
`started_at` not yet started). Timestamps are aware datetimes in Europe/London; compare
and subtract them through `local_time.elapsed` / `to_utc`, never as wall-clock times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class UnitRecord:
    unit_code: str
    site_code: str
    trust_code: str
    unit_type: str  # obstetric | midwifery_led | neonatal
    neonatal_level: str | None  # NICU | LNU | SCU for neonatal units
    opened_on: date  # first day open
    closed_on: date | None  # first day closed; None = still open


@dataclass(frozen=True, slots=True)
class BirthRecord:
    baby_id: str
    mother_id: str
    trust_code: str
    site_code: str | None  # None: not born in a hospital site, or unknown
    born_on: date
    gestation_days: int | None
    birth_weight_g: int | None
    outcome: str  # live | stillbirth
    termination: bool  # an empty cell counts as False (reported in the data-quality note)
    neonatal_death_on: date | None  # None = no neonatal death
    blood_loss_ml: int | None
    multiple_birth: bool | None
    mother_age: int | None
    ethnic_group: str | None
    imd_quintile: int | None
    onset_of_labour: str | None


@dataclass(frozen=True, slots=True)
class NeonatalCareRecord:
    baby_id: str
    trust_code: str  # trust of the place of birth
    site_code: str | None  # site of birth
    born_on: date
    gestation_days: int | None
    multiple_birth: bool | None
    antenatal_steroids: bool | None
    antenatal_magnesium: bool | None
    born_in_nicu_site: bool | None
    cord_clamping_seconds: int | None
    admission_temperature_c: Decimal | None
    temperature_within_hour: bool | None
    breastmilk_day_1_2: bool | None


@dataclass(frozen=True, slots=True)
class UnitStatusRecord:
    unit_code: str
    status: str  # suspended | closed_external | closed_internal
    started_at: datetime
    ended_at: datetime | None  # None = still going on


@dataclass(frozen=True, slots=True)
class InductionRecord:
    induction_id: str
    trust_code: str
    site_code: str
    admitted_at: datetime
    started_at: datetime | None  # None = not yet started


@dataclass(frozen=True, slots=True)
class SurveyRecord:
    trust_code: str
    survey_year: int
    question: str
    responses: int
    yes: int
