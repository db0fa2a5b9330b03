"""Where each dataset's valid records go: the table, its columns and its natural key.

A checked record becomes one row of the staged file (see staging.py): text cells in the
order of `TableSpec.columns`, exactly as the database takes them in bulk (COPY on
PostgreSQL, executemany on SQLite), with ODS codes replaced by register ids and the
instants the metrics do arithmetic on also given as epoch seconds (see models.py).
units.csv is not here: units enter the organisation register (units.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from perinatal.dashboard.metrics.periods import induction_delay_instant
from perinatal.dashboard.models import (
    BirthRecord,
    InductionRecord,
    NeonatalCareRecord,
    SurveyResult,
    UnitStatusEpisode,
)
from perinatal.kernel.london_time import LONDON, to_utc

from .register_snapshot import RegisterSnapshot

VENDOR_POSTGRESQL = "postgresql"
VENDOR_SQLITE = "sqlite"

Cell = str | int | None
CellsOf = Callable[[Any, RegisterSnapshot, str], list[Cell]]

# One value as staged. screen.py stages the lines it passes with these same conversions.


def flag_cell(value: bool | None) -> Cell:
    return None if value is None else 1 if value else 0


def day_cell(value: date | None) -> Cell:
    return None if value is None else value.isoformat()


def instant_cell(value: datetime | None, vendor: str) -> Cell:
    """As Django stores it: timestamptz text on PostgreSQL, naive UTC text on SQLite."""
    if value is None:
        return None
    utc = to_utc(value)
    if vendor == VENDOR_POSTGRESQL:
        return utc.isoformat(sep=" ")
    return str(utc.replace(tzinfo=None))


def seconds_cell(value: datetime | None) -> Cell:
    return None if value is None else int(to_utc(value).timestamp())


def decimal_cell(value: Decimal | None) -> Cell:
    return None if value is None else str(value)


def delay_point_cell(admitted_at: datetime | None) -> Cell:
    """An induction's `delay_point_s`: the instant admitted_at + 24 h (metrics.periods)."""
    return None if admitted_at is None else seconds_cell(induction_delay_instant(admitted_at))


def _site(code: str | None, register: RegisterSnapshot) -> Cell:
    return None if code is None else register.site_ids[code]


@dataclass(frozen=True)
class TableSpec:
    dataset: str
    model: type[models.Model]
    columns: tuple[str, ...]  # database columns written, in staged order (after `line`)
    key: tuple[str, ...]  # the natural key's columns: the unique constraint a load replaces on
    cells: CellsOf

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def field(self, column: str) -> models.Field:
        for field in self.model._meta.concrete_fields:
            if field.column == column:
                return field
        raise KeyError(column)


def _birth_cells(r: Any, register: RegisterSnapshot, vendor: str) -> list[Cell]:
    death_day = None if r.neonatal_death_on is None else (r.neonatal_death_on - r.born_on).days
    return [
        r.baby_id,
        r.mother_id,
        register.trust_ids[r.trust_code],
        _site(r.site_code, register),
        day_cell(r.born_on),
        r.gestation_days,
        r.birth_weight_g,
        r.outcome,
        flag_cell(r.termination),
        day_cell(r.neonatal_death_on),
        death_day,
        r.blood_loss_ml,
        flag_cell(r.multiple_birth),
        r.mother_age,
        r.ethnic_group,
        r.imd_quintile,
        r.onset_of_labour,
    ]


def _neonatal_care_cells(r: Any, register: RegisterSnapshot, vendor: str) -> list[Cell]:
    return [
        r.baby_id,
        register.trust_ids[r.trust_code],
        _site(r.site_code, register),
        day_cell(r.born_on),
        r.gestation_days,
        flag_cell(r.multiple_birth),
        flag_cell(r.antenatal_steroids),
        flag_cell(r.antenatal_magnesium),
        flag_cell(r.born_in_nicu_site),
        r.cord_clamping_seconds,
        decimal_cell(r.admission_temperature_c),
        flag_cell(r.temperature_within_hour),
        flag_cell(r.breastmilk_day_1_2),
    ]


def _unit_status_cells(r: Any, register: RegisterSnapshot, vendor: str) -> list[Cell]:
    return [
        register.units[r.unit_code]["id"],
        r.status,
        instant_cell(r.started_at, vendor),
        instant_cell(r.ended_at, vendor),
        seconds_cell(r.started_at),
        seconds_cell(r.ended_at),
    ]


def _induction_cells(r: Any, register: RegisterSnapshot, vendor: str) -> list[Cell]:
    return [
        r.induction_id,
        register.trust_ids[r.trust_code],
        register.site_ids[r.site_code],
        instant_cell(r.admitted_at, vendor),
        instant_cell(r.started_at, vendor),
        delay_point_cell(r.admitted_at),
        seconds_cell(r.started_at),
    ]


def _survey_cells(r: Any, register: RegisterSnapshot, vendor: str) -> list[Cell]:
    return [register.trust_ids[r.trust_code], r.survey_year, r.question, r.responses, r.yes]


TABLES: dict[str, TableSpec] = {
    spec.dataset: spec
    for spec in (
        TableSpec(
            "births",
            BirthRecord,
            (
                "baby_id",
                "mother_id",
                "trust_id",
                "site_id",
                "born_on",
                "gestation_days",
                "birth_weight_g",
                "outcome",
                "termination",
                "neonatal_death_on",
                "neonatal_death_day",
                "blood_loss_ml",
                "multiple_birth",
                "mother_age",
                "ethnic_group",
                "imd_quintile",
                "onset_of_labour",
            ),
            ("baby_id",),
            _birth_cells,
        ),
        TableSpec(
            "neonatal_care",
            NeonatalCareRecord,
            (
                "baby_id",
                "trust_id",
                "site_id",
                "born_on",
                "gestation_days",
                "multiple_birth",
                "antenatal_steroids",
                "antenatal_magnesium",
                "born_in_nicu_site",
                "cord_clamping_seconds",
                "admission_temperature_c",
                "temperature_within_hour",
                "breastmilk_day_1_2",
            ),
            ("baby_id",),
            _neonatal_care_cells,
        ),
        TableSpec(
            "unit_status",
            UnitStatusEpisode,
            ("unit_id", "status", "started_at", "ended_at", "started_s", "ended_s"),
            ("unit_id", "started_at"),
            _unit_status_cells,
        ),
        TableSpec(
            "inductions",
            InductionRecord,
            ("induction_id", "trust_id", "site_id", "admitted_at", "started_at", "delay_point_s", "started_s"),
            ("induction_id",),
            _induction_cells,
        ),
        TableSpec(
            "survey",
            SurveyResult,
            ("trust_id", "survey_year", "question", "responses", "yes"),
            ("trust_id", "survey_year", "question"),
            _survey_cells,
        ),
    )
}


def key_text(*, spec: TableSpec, values: dict[str, Any], register: RegisterSnapshot) -> str:
    """The natural key as the file wrote it, for an error message (e.g. 'R0A01-OBS, 2025-06-15T09:00')."""
    shown = []
    trusts = register.trust_codes_by_id() if "trust_id" in spec.key else {}
    units = register.unit_codes_by_id() if "unit_id" in spec.key else {}
    for column in spec.key:
        value = values[column]
        if column == "trust_id":
            shown.append(trusts.get(int(value), str(value)))
        elif column == "unit_id":
            shown.append(units.get(int(value), str(value)))
        elif column == "started_at":
            shown.append(_local_text(value))
        else:
            shown.append(str(value))
    return ", ".join(shown)


def _local_text(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
