"""Small builders of typed records for the dashboard tests, with defaults that count."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from perinatal.dashboard.datasets import (
    BirthRecord,
    InductionRecord,
    NeonatalCareRecord,
    SurveyRecord,
    UnitRecord,
    UnitStatusRecord,
    localise,
)

TRUST = "R0A"
OTHER_TRUST = "R1B"


def at(text: str) -> datetime:
    """A local Europe/London time, e.g. at("2025-10-26T01:30")."""
    return localise(datetime.fromisoformat(text))


def unit(code: str = "U1", **changes) -> UnitRecord:
    base = UnitRecord(
        unit_code=code,
        site_code=f"{TRUST}01",
        trust_code=TRUST,
        unit_type="obstetric",
        neonatal_level=None,
        opened_on=date(2020, 1, 1),
        closed_on=None,
    )
    return replace(base, **changes)


def neonatal_unit(code: str = "N1", **changes) -> UnitRecord:
    return unit(code, unit_type="neonatal", neonatal_level="NICU", **changes)


def episode(unit_code: str, started: str, ended: str | None, status: str = "suspended") -> UnitStatusRecord:
    return UnitStatusRecord(
        unit_code=unit_code, status=status, started_at=at(started), ended_at=None if ended is None else at(ended)
    )


def birth(baby_id: str = "B1", **changes) -> BirthRecord:
    base = BirthRecord(
        baby_id=baby_id,
        mother_id=f"M-{baby_id}",
        trust_code=TRUST,
        site_code=f"{TRUST}01",
        born_on=date(2025, 6, 15),
        gestation_days=280,
        birth_weight_g=3400,
        outcome="live",
        termination=False,
        neonatal_death_on=None,
        blood_loss_ml=300,
        multiple_birth=False,
        mother_age=30,
        ethnic_group="White",
        imd_quintile=3,
        onset_of_labour="spontaneous",
    )
    return replace(base, **changes)


def admission(baby_id: str = "N-B1", **changes) -> NeonatalCareRecord:
    """A baby at 26+0 weeks (eligible for every component) who met every one."""
    base = NeonatalCareRecord(
        baby_id=baby_id,
        trust_code=TRUST,
        site_code=f"{TRUST}01",
        born_on=date(2025, 6, 15),
        gestation_days=182,
        multiple_birth=False,
        antenatal_steroids=True,
        antenatal_magnesium=True,
        born_in_nicu_site=True,
        cord_clamping_seconds=60,
        admission_temperature_c=Decimal("36.8"),
        temperature_within_hour=True,
        breastmilk_day_1_2=True,
    )
    return replace(base, **changes)


def induction(induction_id: str, admitted: str, started: str | None, trust: str = TRUST) -> InductionRecord:
    return InductionRecord(
        induction_id=induction_id,
        trust_code=trust,
        site_code=f"{trust}01",
        admitted_at=at(admitted),
        started_at=None if started is None else at(started),
    )


def survey_row(
    year: int, responses: int, yes: int, trust: str = TRUST, question: str = "considered_complaint"
) -> SurveyRecord:
    return SurveyRecord(trust_code=trust, survey_year=year, question=question, responses=responses, yes=yes)
