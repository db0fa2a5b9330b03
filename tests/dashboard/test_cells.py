"""Reading one cell (docs/rules/dashboard.md §1 formats)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from perinatal.dashboard.datasets import SCHEMAS, to_utc
from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.datasets.cells import CellProblem, parse_cell

BIRTHS = SCHEMAS["births"]
CARE = SCHEMAS["neonatal_care"]
STATUS = SCHEMAS["unit_status"]


def problem(column, raw):
    with pytest.raises(CellProblem) as caught:
        parse_cell(column=column, raw=raw)
    return caught.value


@pytest.mark.parametrize(
    ("column", "raw", "value"),
    [
        (BIRTHS.column("born_on"), "2025-02-28", date(2025, 2, 28)),
        (BIRTHS.column("born_on"), "2024-02-29", date(2024, 2, 29)),
        (BIRTHS.column("termination"), "1", True),
        (BIRTHS.column("termination"), "0", False),
        (BIRTHS.column("termination"), "", None),
        (BIRTHS.column("gestation_days"), "140", 140),
        (BIRTHS.column("gestation_days"), "315", 315),
        (BIRTHS.column("blood_loss_ml"), "0", 0),
        (BIRTHS.column("outcome"), "stillbirth", "stillbirth"),
        (BIRTHS.column("ethnic_group"), "", None),
        (BIRTHS.column("mother_id"), "M-0001/a", "M-0001/a"),
        (BIRTHS.column("mother_id"), "943476591", "943476591"),  # 9 digits: not an NHS number
        (BIRTHS.column("mother_id"), "9434765910", "9434765910"),  # fails the check digit
        (CARE.column("admission_temperature_c"), "36.5", Decimal("36.5")),
        (CARE.column("admission_temperature_c"), "37", Decimal("37")),
    ],
)
def test_good_cells(column, raw, value):
    assert parse_cell(column=column, raw=raw) == value


@pytest.mark.parametrize(
    ("column", "raw", "code", "words"),
    [
        (BIRTHS.column("born_on"), "", p.ERR_REQUIRED, "born_on is empty"),
        (BIRTHS.column("born_on"), "15/06/2025", p.ERR_NOT_A_DATE, "YYYY-MM-DD"),
        (BIRTHS.column("born_on"), "2025-02-29", p.ERR_NOT_A_DATE, "not a real date"),
        (BIRTHS.column("born_on"), "2025-6-1", p.ERR_NOT_A_DATE, "YYYY-MM-DD"),
        (BIRTHS.column("termination"), "yes", p.ERR_NOT_BOOLEAN, "1 (yes) or 0 (no)"),
        (BIRTHS.column("termination"), "true", p.ERR_NOT_BOOLEAN, "1 (yes) or 0 (no)"),
        (BIRTHS.column("gestation_days"), "38+2", p.ERR_NOT_A_WHOLE_NUMBER, "whole number"),
        (BIRTHS.column("gestation_days"), "280.0", p.ERR_NOT_A_WHOLE_NUMBER, "whole number"),
        (BIRTHS.column("gestation_days"), "139", p.ERR_OUT_OF_RANGE, "from 140 to 315"),
        (BIRTHS.column("gestation_days"), "316", p.ERR_OUT_OF_RANGE, "from 140 to 315"),
        (BIRTHS.column("imd_quintile"), "0", p.ERR_OUT_OF_RANGE, "from 1 to 5"),
        (BIRTHS.column("blood_loss_ml"), "-1", p.ERR_OUT_OF_RANGE, "from 0 to"),
        (BIRTHS.column("outcome"), "Live", p.ERR_NOT_A_CHOICE, "did you mean 'live'?"),
        (BIRTHS.column("outcome"), "neonatal_death", p.ERR_NOT_A_CHOICE, "live, stillbirth"),
        (BIRTHS.column("baby_id"), "B 1", p.ERR_BAD_IDENTIFIER, "no spaces"),
        (BIRTHS.column("baby_id"), "x" * 65, p.ERR_BAD_IDENTIFIER, "up to 64"),
        (BIRTHS.column("mother_id"), "9434765919", p.ERR_NHS_NUMBER_AS_IDENTIFIER, "NHS number"),
        (BIRTHS.column("baby_id"), "943-476-5919", p.ERR_NHS_NUMBER_AS_IDENTIFIER, "NHS number"),
        (BIRTHS.column("trust_code"), "R0A 1", p.ERR_BAD_IDENTIFIER, "ODS code"),
        (CARE.column("admission_temperature_c"), "36,5", p.ERR_NOT_A_NUMBER, "point"),
        (CARE.column("admission_temperature_c"), "19.9", p.ERR_OUT_OF_RANGE, "from 20.0 to 45.0"),
        (STATUS.column("started_at"), "2025-06-01 10:00", p.ERR_NOT_A_TIMESTAMP, "YYYY-MM-DDTHH:MM"),
        (STATUS.column("started_at"), "2025-06-01T10:00:00", p.ERR_NOT_A_TIMESTAMP, "YYYY-MM-DDTHH:MM"),
        (STATUS.column("started_at"), "2025-06-01T24:00", p.ERR_NOT_A_TIMESTAMP, "not a real date and time"),
        (STATUS.column("started_at"), "2026-03-29T01:30", p.ERR_NONEXISTENT_LOCAL_TIME, "does not exist in UK time"),
        (STATUS.column("status"), "closed", p.ERR_NOT_A_CHOICE, "suspended, closed_external, closed_internal"),
    ],
)
def test_bad_cells_say_why(column, raw, code, words):
    found = problem(column, raw)
    assert found.code == code
    assert words in found.message


@pytest.mark.parametrize(
    ("raw", "utc"),
    [
        ("2025-10-26T01:30", datetime(2025, 10, 26, 0, 30)),  # ambiguous: first occurrence (BST)
        ("2025-10-26T02:30", datetime(2025, 10, 26, 2, 30)),
        ("2025-06-01T10:00", datetime(2025, 6, 1, 9, 0)),
    ],
)
def test_timestamps_are_aware_london_times(raw, utc):
    assert to_utc(parse_cell(column=STATUS.column("started_at"), raw=raw)) == utc.replace(tzinfo=UTC)
