"""The six input datasets: columns in file order, their types, what an empty cell means,
and each dataset's natural key.

Spec: docs/rules/dashboard.md §1. Choices the spec leaves open are marked **policy** in the column
description: which cells may be empty, and the plausible ranges of numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import records
from .deprivation import IOD_2025_RANK_RANGE, QUINTILE_RANGE, quintile_of_rank
from .ethnic_category import ETHNIC_GROUPS, NHS_ETHNIC_CATEGORY_GROUPS, NHS_ETHNIC_CATEGORY_NAME

# Column kinds
KIND_ID = "id"  # a pseudonym or local identifier: letters, digits and . _ : / -
KIND_CODE = "code"  # an ODS code, checked against the organisation register
KIND_TEXT = "text"  # a short lower-case name such as a survey question
KIND_DATE = "date"  # YYYY-MM-DD
KIND_TIMESTAMP = "timestamp"  # YYYY-MM-DDTHH:MM, Europe/London
KIND_BOOL = "bool"  # 1 / 0
KIND_INT = "int"
KIND_DECIMAL = "decimal"
KIND_ENUM = "enum"

EMPTY_UNKNOWN = "unknown"
EMPTY_NOT_ALLOWED = "not allowed"

UNIT_TYPES = ("obstetric", "midwifery_led", "neonatal")
UNIT_TYPE_OBSTETRIC, UNIT_TYPE_MIDWIFERY_LED, UNIT_TYPE_NEONATAL = UNIT_TYPES
NEONATAL_LEVELS = ("NICU", "LNU", "SCU")
OUTCOMES = ("live", "stillbirth")
OUTCOME_LIVE, OUTCOME_STILLBIRTH = OUTCOMES
ONSETS_OF_LABOUR = ("spontaneous", "induced", "none")
STATUSES = ("suspended", "closed_external", "closed_internal")
STATUS_SUSPENDED, STATUS_CLOSED_EXTERNAL, STATUS_CLOSED_INTERNAL = STATUSES
#: Which unit types may record which status (docs/rules/dashboard.md §1 unit_status.csv).
STATUSES_FOR_UNIT_TYPE = {
    UNIT_TYPE_OBSTETRIC: (STATUS_SUSPENDED,),
    UNIT_TYPE_MIDWIFERY_LED: (STATUS_SUSPENDED,),
    UNIT_TYPE_NEONATAL: (STATUS_CLOSED_EXTERNAL, STATUS_CLOSED_INTERNAL),
}
QUESTION_CONSIDERED_COMPLAINT = "considered_complaint"

# Plausible ranges (**policy**: the spec gives none; wide enough for any real record).
GESTATION_DAYS_RANGE = (140, 315)  # 20+0 to 45+0 weeks
BIRTH_WEIGHT_G_RANGE = (1, 7000)
BLOOD_LOSS_ML_RANGE = (0, 25000)
MOTHER_AGE_RANGE = (10, 65)
IMD_QUINTILE_RANGE = QUINTILE_RANGE
CORD_CLAMPING_SECONDS_RANGE = (0, 3600)
ADMISSION_TEMPERATURE_C_RANGE = (Decimal("20.0"), Decimal("45.0"))
SURVEY_YEAR_RANGE = (2007, 2099)  # the CQC maternity survey began in 2007
SURVEY_COUNT_RANGE = (0, 100000)

#: neonatal_death_on may be at most this many calendar days after born_on (docs/rules/dashboard.md §1).
NEONATAL_DEATH_MAX_DAYS = 28


@dataclass(frozen=True, eq=False)
class CodeList:
    """Codes a file may give in an enum column instead of one of its choices, each stored as
    a choice (None: stored empty), e.g. NHS ethnic category codes."""

    name: str  # what the codes are, for messages: "NHS ethnic category code"
    stored: Mapping[str, str | None]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool
    description: str
    empty_means: str = EMPTY_UNKNOWN  # what an empty cell means when not required
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    choices: tuple[str, ...] = ()
    pseudonym: bool = False  # must not be an NHS number: the dashboard holds none
    codes: CodeList | None = None  # enum: other values accepted, stored as a choice
    alternative: AlternativeColumn | None = None  # a column the file may give in this one's place

    def __post_init__(self) -> None:
        if self.required:
            object.__setattr__(self, "empty_means", EMPTY_NOT_ALLOWED)


@dataclass(frozen=True, eq=False)
class AlternativeColumn:
    """A column a file may carry in place of a schema column (**policy**, docs/rules/dashboard.md §1):
    the file gives one or the other, never both. Its cells are read by its own name, type and
    range — a problem names it — and `to_value` turns a value into the value of the column
    it stands for, which is what is stored."""

    column: Column
    to_value: Callable[[Any], Any]


@dataclass(frozen=True)
class DatasetSchema:
    name: str  # the file name without .csv
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # natural key: a load replaces stored rows with the same key
    record_type: type

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def alternatives(self) -> dict[str, str]:
        """Alternative column name -> the name of the column it stands for."""
        return {c.alternative.column.name: c.name for c in self.columns if c.alternative is not None}

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _id(name: str, description: str, *, pseudonym: bool = False) -> Column:
    return Column(name, KIND_ID, True, description, pseudonym=pseudonym)


def _trust(description: str = "ODS code of the trust") -> Column:
    return Column("trust_code", KIND_CODE, True, description)


def _site(*, required: bool, description: str) -> Column:
    return Column("site_code", KIND_CODE, required, description)


def _flag(name: str, description: str) -> Column:
    return Column(name, KIND_BOOL, False, description)


def _int(name: str, bounds: tuple[int, int], description: str, *, required: bool = False) -> Column:
    return Column(name, KIND_INT, required, description, minimum=bounds[0], maximum=bounds[1])


UNITS = DatasetSchema(
    name="units",
    title="Maternity and neonatal units",
    description="One row per unit. Also how sites enter the register: a new site_code is "
    "added under its trust_code. Load it before the other datasets.",
    columns=(
        _id("unit_code", "the unit's code"),
        _site(required=True, description="ODS site code of the unit's hospital site"),
        _trust("ODS code of the trust running the unit"),
        Column("unit_type", KIND_ENUM, True, "type of unit", choices=UNIT_TYPES),
        Column(
            "neonatal_level",
            KIND_ENUM,
            False,
            "level of a neonatal unit; must be empty for other units",
            empty_means="not a neonatal unit (or, for a neonatal unit, unknown)",
            choices=NEONATAL_LEVELS,
        ),
        Column("opened_on", KIND_DATE, True, "first day open"),
        Column("closed_on", KIND_DATE, False, "first day closed", empty_means="still open"),
    ),
    key=("unit_code",),
    record_type=records.UnitRecord,
)

BIRTHS = DatasetSchema(
    name="births",
    title="Births",
    description="One row per baby born at 22+0 weeks or more, or weighing 400 g or more.",
    columns=(
        _id("baby_id", "pseudonym of the baby", pseudonym=True),
        _id("mother_id", "pseudonym of the mother (never an NHS number)", pseudonym=True),
        _trust("ODS code of the trust of birth"),
        _site(
            required=False,
            description="ODS site code of the place of birth; empty when not born in a hospital site (**policy**)",
        ),
        Column("born_on", KIND_DATE, True, "date of birth"),
        _int("gestation_days", GESTATION_DAYS_RANGE, "gestation at birth in days (weeks × 7 + days)"),
        _int("birth_weight_g", BIRTH_WEIGHT_G_RANGE, "birth weight in grams"),
        Column("outcome", KIND_ENUM, True, "live birth or stillbirth (**policy**: required)", choices=OUTCOMES),
        Column(
            "termination",
            KIND_BOOL,
            False,
            "1 if the pregnancy was terminated",
            empty_means="not a termination (0), reported in the data-quality note",
        ),
        Column(
            "neonatal_death_on",
            KIND_DATE,
            False,
            "date of death of a live-born baby who died 0–28 calendar days after birth",
            empty_means="no neonatal death",
        ),
        _int(
            "blood_loss_ml",
            BLOOD_LOSS_ML_RANGE,
            "the mother's measured blood loss at or after this delivery (same on every baby "
            "of a multiple birth; where a mother's rows differ the largest is used)",
        ),
        _flag("multiple_birth", "1 for a baby of a multiple birth"),
        _int("mother_age", MOTHER_AGE_RANGE, "mother's age in years at the birth"),
        Column(
            "ethnic_group",
            KIND_ENUM,
            False,
            "mother's ethnic group: White, Black, Asian, Mixed or Other, or an NHS ethnic category "
            "code, stored as its group (A–C White, D–G Mixed, H–L Asian, M–P Black, R and S Other; "
            "Z and 99 not stated; the mapping is datasets/ethnic_category.py)",
            empty_means="not stated",
            choices=ETHNIC_GROUPS,
            codes=CodeList(NHS_ETHNIC_CATEGORY_NAME, NHS_ETHNIC_CATEGORY_GROUPS),
        ),
        Column(
            "imd_quintile",
            KIND_INT,
            False,
            "deprivation quintile, 1 most deprived … 5 least deprived; a file numbering them the "
            "other way round says so when it is imported, and each is stored as 6 − quintile; "
            "a file may give imd_rank instead (datasets/deprivation.py)",
            empty_means="not stated",
            minimum=IMD_QUINTILE_RANGE[0],
            maximum=IMD_QUINTILE_RANGE[1],
            alternative=AlternativeColumn(
                Column(
                    "imd_rank",
                    KIND_INT,
                    False,
                    "English Indices of Deprivation 2025 rank of the mother's area (LSOA), 1 most "
                    "deprived of 33,755; stored as the quintile ⌈rank ÷ 6,751⌉",
                    empty_means="not stated",
                    minimum=IOD_2025_RANK_RANGE[0],
                    maximum=IOD_2025_RANK_RANGE[1],
                ),
                to_value=quintile_of_rank,
            ),
        ),
        Column("onset_of_labour", KIND_ENUM, False, "onset of labour", choices=ONSETS_OF_LABOUR),
    ),
    key=("baby_id",),
    record_type=records.BirthRecord,
)

NEONATAL_CARE = DatasetSchema(
    name="neonatal_care",
    title="Neonatal care admissions",
    description="Babies born below 34+0 weeks admitted to neonatal care; trust and site are the place of birth.",
    columns=(
        _id("baby_id", "pseudonym of the baby", pseudonym=True),
        _trust("ODS code of the trust of the place of birth"),
        _site(
            required=False,
            description="ODS site code of the place of birth; empty when not born in a hospital site (**policy**)",
        ),
        Column("born_on", KIND_DATE, True, "date of birth"),
        _int("gestation_days", GESTATION_DAYS_RANGE, "gestation at birth in days"),
        _flag("multiple_birth", "1 for a baby of a multiple birth"),
        _flag("antenatal_steroids", "1 if antenatal steroids were given"),
        _flag("antenatal_magnesium", "1 if antenatal magnesium sulphate was given"),
        _flag("born_in_nicu_site", "1 if born in a hospital with a NICU"),
        _int("cord_clamping_seconds", CORD_CLAMPING_SECONDS_RANGE, "seconds from birth to cord clamping"),
        Column(
            "admission_temperature_c",
            KIND_DECIMAL,
            False,
            "first temperature on admission, °C",
            minimum=ADMISSION_TEMPERATURE_C_RANGE[0],
            maximum=ADMISSION_TEMPERATURE_C_RANGE[1],
        ),
        _flag("temperature_within_hour", "1 if that temperature was taken within an hour of birth"),
        _flag("breastmilk_day_1_2", "1 if the baby received its mother's milk in the first two days"),
    ),
    key=("baby_id",),
    record_type=records.NeonatalCareRecord,
)

UNIT_STATUS = DatasetSchema(
    name="unit_status",
    title="Unit suspensions and closures",
    description="Episodes when a unit was closed to admissions.",
    columns=(
        Column("unit_code", KIND_ID, True, "the unit's code, as in units.csv"),
        Column(
            "status",
            KIND_ENUM,
            True,
            "suspended (obstetric or midwifery-led unit); closed_external / closed_internal "
            "(neonatal unit closed to external transfers / to babies born in its hospital)",
            choices=STATUSES,
        ),
        Column("started_at", KIND_TIMESTAMP, True, "start of the episode, UK local time"),
        Column("ended_at", KIND_TIMESTAMP, False, "end of the episode, UK local time", empty_means="still going on"),
    ),
    key=("unit_code", "started_at"),
    record_type=records.UnitStatusRecord,
)

INDUCTIONS = DatasetSchema(
    name="inductions",
    title="Inductions of labour",
    description="One row per woman admitted for induction of labour.",
    columns=(
        _id("induction_id", "pseudonymous identifier of the admission", pseudonym=True),
        _trust(),
        _site(required=True, description="ODS site code where the woman was admitted"),
        Column("admitted_at", KIND_TIMESTAMP, True, "admission for induction, UK local time"),
        Column(
            "started_at", KIND_TIMESTAMP, False, "start of the induction, UK local time", empty_means="not yet started"
        ),
    ),
    key=("induction_id",),
    record_type=records.InductionRecord,
)

SURVEY = DatasetSchema(
    name="survey",
    title="CQC maternity survey",
    description="One row per trust, survey year and question.",
    columns=(
        _trust(),
        _int("survey_year", SURVEY_YEAR_RANGE, "year of the survey", required=True),
        Column(
            "question",
            KIND_TEXT,
            True,
            "question name; considered_complaint = 'At any point during your maternity care "
            "journey, did you consider making a complaint about the care you received?'",
        ),
        _int("responses", SURVEY_COUNT_RANGE, "valid yes/no answers", required=True),
        _int("yes", SURVEY_COUNT_RANGE, "answers 'yes'", required=True),
    ),
    key=("trust_code", "survey_year", "question"),
    record_type=records.SurveyRecord,
)

#: All datasets by name, in load order (units first: the others name its sites).
SCHEMAS: dict[str, DatasetSchema] = {
    schema.name: schema for schema in (UNITS, BIRTHS, NEONATAL_CARE, UNIT_STATUS, INDUCTIONS, SURVEY)
}
DATASET_NAMES: tuple[str, ...] = tuple(SCHEMAS)
