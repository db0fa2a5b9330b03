"""Streaming validation of uploads: line numbers, columns, reasons, notes (docs/rules/dashboard.md §1)."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from perinatal.dashboard.datasets import (
    SCHEMAS,
    BirthRecord,
    CsvRow,
    UnitRecord,
    read_csv,
    to_utc,
    validate_csv,
    validate_rows,
)
from perinatal.dashboard.datasets import problems as p

TRUSTS = {"R0A", "R1B", "RVJ", "RA7"}
SITES = {"R0A01": "R0A", "R0A02": "R0A", "R1B01": "R1B", "RVJ01": {"RVJ", "RA7"}}
UNITS = {
    "U1": UnitRecord("U1", "R0A01", "R0A", "obstetric", None, date(2020, 1, 1), date(2025, 7, 1)),
    "M1": UnitRecord("M1", "R0A01", "R0A", "midwifery_led", None, date(2020, 1, 1), None),
    "N1": UnitRecord("N1", "R0A02", "R0A", "neonatal", "NICU", date(2021, 1, 1), None),
}
HEADERS = {name: ",".join(schema.column_names) for name, schema in SCHEMAS.items()}
GOOD_BIRTH = "B1,M1,R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,White,3,spontaneous"


def check(dataset, *lines, header=None, **kwargs):
    """Validate CSV text made of a header line (the dataset's own unless given) and `lines`."""
    text = "\n".join([HEADERS[dataset] if header is None else header, *lines]) + "\n"
    validation = validate_csv(
        dataset, io.StringIO(text, newline=""), known_trusts=TRUSTS, known_sites=SITES, known_units=UNITS, **kwargs
    )
    records = validation.records()
    return validation, records


def where(validation):
    return [(e.line, e.column, e.code) for e in validation.errors]


def note_codes(validation):
    return {n.code: (n.count, n.lines) for n in validation.notes}


# --- header ------------------------------------------------------------------------
def test_a_good_file():
    validation, records = check("births", GOOD_BIRTH, GOOD_BIRTH.replace("B1,M1", "B2,M2"))
    assert validation.ok and validation.errors == [] and validation.error_count == 0
    assert [r.baby_id for r in records] == ["B1", "B2"]
    assert records[0] == BirthRecord(
        "B1",
        "M1",
        "R0A",
        "R0A01",
        date(2025, 6, 15),
        280,
        3400,
        "live",
        False,
        None,
        300,
        False,
        30,
        "White",
        3,
        "spontaneous",
    )


def test_missing_column_is_reported_on_line_1_and_stops():
    header = HEADERS["units"].replace(",closed_on", "")
    validation, records = check("units", "U9,R0A01,R0A,obstetric,,2020-01-01", header=header)
    assert where(validation) == [(1, "closed_on", p.ERR_MISSING_COLUMN)]
    assert records == [] and not validation.ok and validation.finished


def test_unknown_column_is_reported_and_rows_still_checked():
    header = HEADERS["units"] + ",ward"
    validation, records = check(
        "units", "U9,R0A01,R0A,obstetric,,2020-01-01,,W1", "U8,R0A01,R0A,obstetric,,2020-13-01,,W2", header=header
    )
    assert where(validation) == [(1, "ward", p.ERR_UNKNOWN_COLUMN), (3, "opened_on", p.ERR_NOT_A_DATE)]
    assert not validation.ok


def test_unknown_column_suggests_the_right_name():
    header = HEADERS["units"].replace("unit_code", "Unit_Code")
    validation, _ = check("units", header=header)
    assert where(validation) == [(1, "Unit_Code", p.ERR_UNKNOWN_COLUMN), (1, "unit_code", p.ERR_MISSING_COLUMN)]
    assert "did you mean unit_code?" in validation.errors[0].message


def test_duplicate_column():
    validation, _ = check("survey", header=HEADERS["survey"] + ",yes")
    assert where(validation) == [(1, "yes", p.ERR_DUPLICATE_COLUMN)]


def test_columns_may_come_in_any_order_and_a_bom_is_ignored():
    header = "\ufeffyes,responses,question,survey_year,trust_code"
    validation, records = check("survey", "30,200,considered_complaint,2025,R0A", header=header)
    assert validation.ok
    assert (records[0].trust_code, records[0].responses, records[0].yes) == ("R0A", 200, 30)


def test_an_empty_file():
    validation = validate_csv("survey", io.StringIO(""), known_trusts=TRUSTS, known_sites=SITES)
    assert validation.records() == []
    assert where(validation) == [(1, None, p.ERR_EMPTY_FILE)]


# --- rows ----------------------------------------------------------------------------
def test_errors_name_physical_line_column_and_reason():
    validation, records = check(
        "births",
        GOOD_BIRTH,
        "B2,M2,R0A,R0A01,2025-06-31,280,3400,live,0,,300,0,30,White,3,spontaneous",
        '"B3",M3,R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,White,3,"spon\ntaneous"',
        "B4,M4,R0A,R0A01,2025-06-15,280,3400,alive,0,,300,0,30,White,3,spontaneous",
    )
    assert where(validation) == [
        (3, "born_on", p.ERR_NOT_A_DATE),
        (4, "onset_of_labour", p.ERR_NOT_A_CHOICE),
        (6, "outcome", p.ERR_NOT_A_CHOICE),
    ]  # line 4 holds a line break
    assert str(validation.errors[0]) == "line 3, column born_on: '2025-06-31' is not a real date"
    assert [r.baby_id for r in records] == ["B1"]  # rows with errors are never yielded
    assert not validation.ok


def test_several_errors_on_one_row_all_reported():
    validation, _ = check("births", "B1,M1,RXX,R0A09,2025-06-15,20,3400,live,maybe,,300,0,30,White,3,")
    assert where(validation) == [
        (2, "gestation_days", p.ERR_OUT_OF_RANGE),
        (2, "termination", p.ERR_NOT_BOOLEAN),
        (2, "trust_code", p.ERR_UNKNOWN_TRUST),
        (2, "site_code", p.ERR_UNKNOWN_SITE),
    ]


def test_wrong_number_of_cells():
    validation, _ = check("survey", "R0A,2025,considered_complaint,200", "R0A,2024,considered_complaint,200,3,9")
    assert where(validation) == [(2, None, p.ERR_WRONG_CELL_COUNT), (3, None, p.ERR_WRONG_CELL_COUNT)]
    assert "4 values but the header has 5 columns" in validation.errors[0].message


def test_blank_lines_are_skipped_and_noted_without_moving_line_numbers():
    validation, records = check(
        "survey", "R0A,2025,considered_complaint,200,30", "", ",,,,", "R0A,2024,considered_complaint,200,300"
    )
    assert where(validation) == [(5, "yes", p.ERR_YES_EXCEEDS_RESPONSES)]
    assert note_codes(validation)[p.DQ_BLANK_LINES] == (2, (3, 4))
    assert len(records) == 1


def test_duplicate_natural_key_names_both_lines():
    validation, records = check("births", GOOD_BIRTH, GOOD_BIRTH.replace("M1", "M2"), GOOD_BIRTH.replace("M1", "M3"))
    assert where(validation) == [(3, "baby_id", p.ERR_DUPLICATE_KEY), (4, "baby_id", p.ERR_DUPLICATE_KEY)]
    assert "line 2 and line 3" in validation.errors[0].message
    assert "line 2 and line 4" in validation.errors[1].message


def test_duplicate_composite_key_compares_instants():
    validation, _ = check(
        "unit_status",
        "U1,suspended,2025-06-01T10:00,2025-06-01T12:00",
        "U1,suspended,2025-06-01T10:00,",
        "M1,suspended,2025-06-01T10:00,",
    )
    assert where(validation) == [(3, "unit_code + started_at", p.ERR_DUPLICATE_KEY)]


def test_keep_errors_keeps_the_first_and_counts_all():
    lines = [f"R0A,{2000 + i},considered_complaint,x,1" for i in range(10, 25)]
    validation, _ = check("survey", *lines, keep_errors=5)
    assert validation.error_count == 15
    assert [e.line for e in validation.errors] == [2, 3, 4, 5, 6]


def test_validation_streams_and_iterates_once():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield ["R0A", str(2020 + i), "considered_complaint", "10", "1"]

    validation = validate_rows(
        "survey", rows(), known_trusts=TRUSTS, known_sites=SITES, header=SCHEMAS["survey"].column_names
    )
    iterator = iter(validation)
    first = next(iterator)
    assert first.survey_year == 2020 and consumed == [0]
    assert not validation.finished and not validation.ok
    assert len(list(iterator)) == 2 and validation.ok
    with pytest.raises(RuntimeError):
        iter(validation)


def test_rows_as_lists_need_the_header():
    with pytest.raises(ValueError):
        validate_rows(
            "survey", [["R0A", "2025", "considered_complaint", "1", "1"]], known_trusts=TRUSTS, known_sites=SITES
        ).records()


def test_unknown_dataset():
    with pytest.raises(ValueError):
        validate_rows("deliveries", [], known_trusts=TRUSTS, known_sites=SITES)


def test_csv_rows_keep_their_physical_lines():
    text = 'trust_code,survey_year,question,responses,yes\nR0A,2025,"considered_\ncomplaint",1,1\nR0A,20x5,q,1,1\n'
    header, rows = read_csv(io.StringIO(text, newline=""))
    assert header == ["trust_code", "survey_year", "question", "responses", "yes"]
    rows = list(rows)
    assert [r.line for r in rows] == [2, 4]
    assert isinstance(rows[0], CsvRow)


def test_unreadable_csv():
    csv.field_size_limit(1000)
    try:
        text = HEADERS["survey"] + "\nR0A,2025,considered_complaint,1,1\n" + 'R0A,2024,"' + "x" * 2000 + '",1,1\n'
        validation = validate_csv("survey", io.StringIO(text, newline=""), known_trusts=TRUSTS, known_sites=SITES)
        assert len(validation.records()) == 1
        assert where(validation) == [(3, None, p.ERR_UNREADABLE_CSV)]
    finally:
        csv.field_size_limit(131072)


# --- mappings (csv.DictReader, the API) --------------------------------------------
def test_dict_reader_rows():
    text = (
        HEADERS["survey"] + "\nR0A,2025,considered_complaint,200,30\nR0A,2024,considered_complaint,200\n"
        "R0A,2023,considered_complaint,200,30,extra\n"
    )
    reader = csv.DictReader(io.StringIO(text, newline=""))
    validation = validate_rows("survey", reader, known_trusts=TRUSTS, known_sites=SITES, header=reader.fieldnames)
    assert len(validation.records()) == 1
    assert where(validation) == [(3, None, p.ERR_WRONG_CELL_COUNT), (4, None, p.ERR_WRONG_CELL_COUNT)]


def test_api_mappings_without_header():
    rows = [
        {"trust_code": "R0A", "survey_year": 2025, "question": "considered_complaint", "responses": 200, "yes": 30},
        {"trust_code": "R0A", "survey_year": 2024, "question": "considered_complaint", "responses": 200},
        {
            "trust_code": "R0A",
            "survey_year": 2023,
            "question": "considered_complaint",
            "responses": 2,
            "yes": 1,
            "comment": "x",
        },
        {"trust_code": "R0A", "survey_year": [2022], "question": "considered_complaint", "responses": 2, "yes": 1},
    ]
    validation = validate_rows("survey", rows, known_trusts=TRUSTS, known_sites=SITES)
    assert [r.survey_year for r in validation.records()] == [2025]
    assert where(validation) == [
        (3, "yes", p.ERR_MISSING_COLUMN),
        (4, "comment", p.ERR_UNKNOWN_COLUMN),
        (5, "survey_year", p.ERR_NOT_TEXT),
    ]


def test_api_values_may_be_booleans_and_none():
    row = dict(zip(SCHEMAS["births"].column_names, GOOD_BIRTH.split(",")))
    row.update(termination=False, multiple_birth=True, neonatal_death_on=None, gestation_days=280)
    records = validate_rows("births", [row], known_trusts=TRUSTS, known_sites=SITES).records()
    assert (records[0].termination, records[0].multiple_birth, records[0].gestation_days) == (False, True, 280)


# --- the organisation register ---------------------------------------------------------
@pytest.mark.parametrize(
    ("trust", "site", "found"),
    [
        ("R0A", "R0A01", []),
        ("R0A", "", []),  # no site: not born in a hospital site
        ("RZZ", "R0A01", [(2, "trust_code", p.ERR_UNKNOWN_TRUST)]),
        ("R0A", "R0A77", [(2, "site_code", p.ERR_UNKNOWN_SITE)]),
        ("R1B", "R0A01", [(2, "site_code", p.ERR_SITE_OF_OTHER_TRUST)]),
        ("RVJ", "RVJ01", []),  # a site named under its trust before a transfer ...
        ("RA7", "RVJ01", []),  # ... and after it
    ],
)
def test_births_name_known_trusts_and_their_sites(trust, site, found):
    validation, _ = check("births", GOOD_BIRTH.replace("R0A,R0A01", f"{trust},{site}"))
    assert where(validation) == found


def test_inductions_need_a_known_site_of_the_trust():
    validation, _ = check("inductions", "I1,R0A,R1B01,2025-06-01T10:00,", "I2,R0A,,2025-06-01T10:00,")
    assert where(validation) == [(2, "site_code", p.ERR_SITE_OF_OTHER_TRUST), (3, "site_code", p.ERR_REQUIRED)]
    assert "belongs to trust R1B, not R0A" in validation.errors[0].message


def test_units_add_new_sites_under_their_trust():
    validation, records = check(
        "units",
        "U9,R0A09,R0A,obstetric,,2020-01-01,",
        "N9,R0A09,R0A,neonatal,,2020-01-01,",
        "U8,R1B07,R1B,midwifery_led,,2021-04-01,2024-04-01",
    )
    assert validation.ok and len(records) == 3
    assert validation.new_sites == {"R0A09": "R0A", "R1B07": "R1B"}
    notes = note_codes(validation)
    assert notes[p.DQ_NEW_SITE] == (2, (2, 4))
    assert notes[p.DQ_NEONATAL_LEVEL_UNKNOWN] == (1, (3,))


def test_units_a_known_site_under_another_trust_is_an_error():
    validation, _ = check("units", "U9,R1B01,R0A,obstetric,,2020-01-01,")
    assert where(validation) == [(2, "site_code", p.ERR_SITE_OF_OTHER_TRUST)]


def test_units_a_new_site_under_two_trusts_is_an_error_naming_the_first_line():
    validation, _ = check("units", "U9,R0A09,R0A,obstetric,,2020-01-01,", "U8,R0A09,R1B,obstetric,,2020-01-01,")
    assert where(validation) == [(3, "site_code", p.ERR_SITE_OF_OTHER_TRUST)]
    assert "line 2" in validation.errors[0].message


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("U9,R0A01,R0A,obstetric,SCU,2020-01-01,", [(2, "neonatal_level", p.ERR_NEONATAL_LEVEL_NOT_NEONATAL)]),
        ("U9,R0A01,R0A,neonatal,LNU,2020-01-01,", []),
        ("U9,R0A01,R0A,obstetric,,2020-01-01,2020-01-01", [(2, "closed_on", p.ERR_CLOSED_NOT_AFTER_OPENED)]),
        ("U9,R0A01,R0A,obstetric,,2020-01-01,2019-12-31", [(2, "closed_on", p.ERR_CLOSED_NOT_AFTER_OPENED)]),
        ("U9,R0A01,R0A,obstetric,,2020-01-01,2020-01-02", []),
        ("U9,R0A01,R0A,obstetric,,,", [(2, "opened_on", p.ERR_REQUIRED)]),
    ],
)
def test_units_rules(line, found):
    validation, _ = check("units", line)
    assert where(validation) == found


# --- births ------------------------------------------------------------------------------
def birth_line(**cells):
    values = dict(zip(SCHEMAS["births"].column_names, GOOD_BIRTH.split(",")))
    values.update(cells)
    return ",".join(values.values())


@pytest.mark.parametrize(
    ("cells", "found"),
    [
        ({"neonatal_death_on": "2025-07-13"}, []),  # 28 days: allowed (not a neonatal death: a note)
        ({"neonatal_death_on": "2025-07-14"}, [(2, "neonatal_death_on", p.ERR_DEATH_AFTER_28_DAYS)]),
        ({"neonatal_death_on": "2025-06-15"}, []),
        ({"neonatal_death_on": "2025-06-14"}, [(2, "neonatal_death_on", p.ERR_DEATH_BEFORE_BIRTH)]),
        (
            {"neonatal_death_on": "2025-06-20", "outcome": "stillbirth"},
            [(2, "neonatal_death_on", p.ERR_DEATH_NOT_LIVE_BIRTH)],
        ),
        ({"outcome": ""}, [(2, "outcome", p.ERR_REQUIRED)]),
        ({"mother_id": ""}, [(2, "mother_id", p.ERR_REQUIRED)]),
        ({"gestation_days": "", "birth_weight_g": ""}, []),
    ],
)
def test_births_rules(cells, found):
    validation, _ = check("births", birth_line(**cells))
    assert where(validation) == found


def test_births_data_quality_notes_never_refuse_the_file():
    validation, records = check(
        "births",
        birth_line(baby_id="B1", termination=""),
        birth_line(baby_id="B2", gestation_days="", birth_weight_g="380"),
        birth_line(baby_id="B3", gestation_days="", birth_weight_g=""),
        birth_line(baby_id="B4", gestation_days="150", birth_weight_g="390"),
        birth_line(baby_id="B5", gestation_days="150", birth_weight_g="420"),
        birth_line(baby_id="B6", neonatal_death_on="2025-07-13"),
        birth_line(baby_id="T1", mother_id="MT", blood_loss_ml="1400", multiple_birth="1"),
        birth_line(baby_id="T2", mother_id="MT", blood_loss_ml="1600", multiple_birth="1"),
        birth_line(baby_id="T3", mother_id="MT", blood_loss_ml="1700", multiple_birth="1"),
        birth_line(baby_id="T4", mother_id="MU", blood_loss_ml="", multiple_birth="1"),
        birth_line(baby_id="T5", mother_id="MU", blood_loss_ml="900", multiple_birth="1"),
    )
    assert validation.ok and len(records) == 11
    assert records[0].termination is False
    assert note_codes(validation) == {
        p.DQ_EMPTY_TERMINATION: (1, (2,)),
        p.DQ_UNKNOWN_GESTATION_UNDER_400G: (1, (3,)),
        p.DQ_UNKNOWN_GESTATION_AND_WEIGHT: (1, (4,)),
        p.DQ_BELOW_22_WEEKS_UNDER_400G: (1, (5,)),
        p.DQ_DEATH_ON_DAY_28: (1, (7,)),
        p.DQ_BLOOD_LOSS_DIFFERS: (1, (9,)),
    }
    termination = next(n for n in validation.notes if n.code == p.DQ_EMPTY_TERMINATION)
    assert str(termination) == "1 row(s) have an empty termination, counted as 0 (not a termination) (line 2)"


def test_note_lists_only_the_first_lines_but_counts_all():
    validation, _ = check("births", *(birth_line(baby_id=f"B{i}", termination="") for i in range(15)))
    note = validation.notes[0]
    assert (note.count, note.lines) == (15, tuple(range(2, 12)))
    assert str(note).endswith(", …)")


# --- neonatal care, unit status, inductions, survey --------------------------------------
def test_neonatal_care_notes():
    base = "A{},R0A,R0A01,2025-06-15,{},0,1,1,1,60,36.8,1,1"
    validation, records = check("neonatal_care", base.format(1, 182), base.format(2, 238), base.format(3, ""))
    assert validation.ok and len(records) == 3
    assert note_codes(validation) == {
        p.DQ_NEONATAL_CARE_34_WEEKS_OR_MORE: (1, (3,)),
        p.DQ_NEONATAL_CARE_UNKNOWN_GESTATION: (1, (4,)),
    }


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("U1,suspended,2025-06-01T10:00,2025-06-01T12:00", []),
        ("M1,suspended,2025-06-01T10:00,", []),
        ("N1,closed_internal,2025-06-01T10:00,", []),
        ("U7,suspended,2025-06-01T10:00,", [(2, "unit_code", p.ERR_UNKNOWN_UNIT)]),
        ("N1,suspended,2025-06-01T10:00,", [(2, "status", p.ERR_STATUS_FOR_UNIT_TYPE)]),
        ("U1,closed_external,2025-06-01T10:00,", [(2, "status", p.ERR_STATUS_FOR_UNIT_TYPE)]),
        ("U1,suspended,2025-06-01T10:00,2025-06-01T10:00", [(2, "ended_at", p.ERR_ENDED_NOT_AFTER_STARTED)]),
        ("U1,suspended,2025-06-01T10:00,2025-06-01T09:00", [(2, "ended_at", p.ERR_ENDED_NOT_AFTER_STARTED)]),
        # 01:30 BST to 01:10 GMT on 26 October is 40 real minutes later
        ("U1,suspended,2025-10-26T01:30,2025-10-26T01:10", [(2, "ended_at", p.ERR_ENDED_NOT_AFTER_STARTED)]),
        ("U1,suspended,2026-03-29T01:30,", [(2, "started_at", p.ERR_NONEXISTENT_LOCAL_TIME)]),
        ("U1,suspended,,", [(2, "started_at", p.ERR_REQUIRED)]),
    ],
)
def test_unit_status_rules(line, found):
    validation, _ = check("unit_status", line)
    assert where(validation) == found


def test_unit_status_timestamps_are_london_instants():
    _, records = check("unit_status", "U1,suspended,2025-06-01T10:00,")
    assert to_utc(records[0].started_at) == datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    assert records[0].ended_at is None


def test_unit_status_notes():
    validation, records = check(
        "unit_status",
        "M1,suspended,2025-06-01T10:00,2025-06-01T12:00",
        "M1,suspended,2025-06-01T11:00,2025-06-01T13:00",  # overlaps the one before
        "M1,suspended,2025-06-01T13:00,2025-06-01T14:00",  # touches, does not overlap
        "M1,suspended,2025-07-01T00:00,",
        "M1,suspended,2025-08-01T00:00,2025-08-02T00:00",  # inside an ongoing episode
        "U1,suspended,2025-06-30T23:59,2025-07-01T02:00",
        "U1,suspended,2025-07-01T00:00,2025-07-01T02:00",  # starts on closed_on
        "N1,closed_external,2020-12-31T10:00,2020-12-31T12:00",  # before opened_on
        "N1,closed_internal,2025-06-01T10:00,2025-06-03T10:00",
        "N1,closed_external,2025-06-02T10:00,2025-06-02T20:00",  # overlap of different statuses
    )
    assert validation.ok and len(records) == 10
    assert note_codes(validation) == {
        p.DQ_OVERLAPPING_EPISODES: (4, (3, 6, 8, 11)),
        p.DQ_EPISODE_AFTER_CLOSURE: (1, (8,)),
        p.DQ_EPISODE_BEFORE_OPENING: (1, (9,)),
    }


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("I1,R0A,R0A01,2025-06-01T10:00,", []),
        ("I1,R0A,R0A01,2025-06-01T10:00,2025-06-01T10:00", []),
        ("I1,R0A,R0A01,2025-06-01T10:00,2025-06-01T09:59", [(2, "started_at", p.ERR_STARTED_BEFORE_ADMITTED)]),
        ("9434765919,R0A,R0A01,2025-06-01T10:00,", [(2, "induction_id", p.ERR_NHS_NUMBER_AS_IDENTIFIER)]),
    ],
)
def test_inductions_rules(line, found):
    validation, _ = check("inductions", line)
    assert where(validation) == found


def test_survey_rules_and_notes():
    validation, records = check(
        "survey",
        "R0A,2025,considered_complaint,200,30",
        "R0A,2025,felt_safe,200,150",
        "R0A,2025,considered_complaint,20,30",
        "R0A,2006,considered_complaint,20,3",
        "R0A,2025,Considered Complaint,20,3",
    )
    assert where(validation) == [
        (4, "yes", p.ERR_YES_EXCEEDS_RESPONSES),
        (4, "trust_code + survey_year + question", p.ERR_DUPLICATE_KEY),
        (5, "survey_year", p.ERR_OUT_OF_RANGE),
        (6, "question", p.ERR_BAD_IDENTIFIER),
    ]
    assert note_codes(validation) == {p.DQ_UNUSED_SURVEY_QUESTION: (1, (3,))}
    assert len(records) == 2
