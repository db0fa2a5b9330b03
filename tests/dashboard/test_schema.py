"""The dataset schemas agree with docs/rules/dashboard.md §1 and with the record types."""

from dataclasses import fields

import pytest

from perinatal.dashboard.datasets import DATASET_NAMES, SCHEMAS
from perinatal.dashboard.datasets.schema import KIND_DATE, KIND_TIMESTAMP

SECTION_1_COLUMNS = {
    "units": "unit_code, site_code, trust_code, unit_type, neonatal_level, opened_on, closed_on",
    "births": "baby_id, mother_id, trust_code, site_code, born_on, gestation_days, birth_weight_g, outcome, "
    "termination, neonatal_death_on, blood_loss_ml, multiple_birth, mother_age, ethnic_group, "
    "imd_quintile, onset_of_labour",
    "neonatal_care": "baby_id, trust_code, site_code, born_on, gestation_days, multiple_birth, antenatal_steroids, "
    "antenatal_magnesium, born_in_nicu_site, cord_clamping_seconds, admission_temperature_c, "
    "temperature_within_hour, breastmilk_day_1_2",
    "unit_status": "unit_code, status, started_at, ended_at",
    "inductions": "induction_id, trust_code, site_code, admitted_at, started_at",
    "survey": "trust_code, survey_year, question, responses, yes",
}
SECTION_1_KEYS = {
    "units": ("unit_code",),
    "births": ("baby_id",),
    "neonatal_care": ("baby_id",),
    "unit_status": ("unit_code", "started_at"),
    "inductions": ("induction_id",),
    "survey": ("trust_code", "survey_year", "question"),
}


def test_dataset_names_in_load_order():
    assert DATASET_NAMES == ("units", "births", "neonatal_care", "unit_status", "inductions", "survey")


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_columns_in_section_1_order(name):
    assert ", ".join(SCHEMAS[name].column_names) == SECTION_1_COLUMNS[name]


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_record_fields_follow_the_columns(name):
    schema = SCHEMAS[name]
    assert tuple(f.name for f in fields(schema.record_type)) == schema.column_names


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_natural_keys_are_required_columns(name):
    schema = SCHEMAS[name]
    assert schema.key == SECTION_1_KEYS[name]
    assert all(schema.column(column).required for column in schema.key)


@pytest.mark.parametrize(
    ("name", "column", "empty_means"),
    [
        ("units", "closed_on", "still open"),
        ("births", "neonatal_death_on", "no neonatal death"),
        ("unit_status", "ended_at", "still going on"),
        ("inductions", "started_at", "not yet started"),
    ],
)
def test_columns_that_say_what_empty_means(name, column, empty_means):
    assert SCHEMAS[name].column(column).empty_means == empty_means


def test_dates_and_timestamps():
    kinds = {
        (s.name, c.name): c.kind for s in SCHEMAS.values() for c in s.columns if c.kind in (KIND_DATE, KIND_TIMESTAMP)
    }
    assert kinds == {
        ("units", "opened_on"): KIND_DATE,
        ("units", "closed_on"): KIND_DATE,
        ("births", "born_on"): KIND_DATE,
        ("births", "neonatal_death_on"): KIND_DATE,
        ("neonatal_care", "born_on"): KIND_DATE,
        ("unit_status", "started_at"): KIND_TIMESTAMP,
        ("unit_status", "ended_at"): KIND_TIMESTAMP,
        ("inductions", "admitted_at"): KIND_TIMESTAMP,
        ("inductions", "started_at"): KIND_TIMESTAMP,
    }


def test_unknown_column_lookup():
    with pytest.raises(KeyError):
        SCHEMAS["units"].column("ward")
