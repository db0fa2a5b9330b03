"""births.csv's ethnic group and deprivation as a file may give them, checked in memory
(docs/rules/equity.md §1, docs/rules/dashboard.md §1): broad groups or NHS ethnic category
codes; quintiles in either order, or IoD 2025 ranks; notes on mothers whose rows disagree.
The large import path (staged rows, notes in SQL) is tested in test_imports.py."""

import csv
import io

import pytest

from perinatal.dashboard.datasets import SCHEMAS, validate_csv, validate_rows
from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.datasets.deprivation import (
    IOD_2025_AREAS,
    LEAST_DEPRIVED_FIRST,
    MOST_DEPRIVED_FIRST,
    quintile_of_rank,
    stored_quintile,
)
from perinatal.dashboard.datasets.ethnic_category import NHS_ETHNIC_CATEGORY_GROUPS

TRUSTS = {"R0A"}
SITES = {"R0A01": "R0A"}
HEADER = ",".join(SCHEMAS["births"].column_names)
RANK_HEADER = HEADER.replace("imd_quintile", "imd_rank")


def line(baby: str, *, mother: str | None = None, ethnic: str = "White", deprivation: str = "3") -> str:
    return (
        f"{baby},{mother or 'M-' + baby},R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,"
        f"{ethnic},{deprivation},spontaneous"
    )


def check(*lines, header=HEADER, **options):
    text = "\n".join([header, *lines]) + "\n"
    stream = io.StringIO(text, newline="")
    validation = validate_csv("births", stream, known_trusts=TRUSTS, known_sites=SITES, **options)
    return validation, validation.records()


def where(validation):
    return [(e.line, e.column, e.code) for e in validation.errors]


def notes(validation):
    return {n.code: n for n in validation.notes}


# --- ethnic_group --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "stored"),
    [
        *((group, group) for group in ("White", "Black", "Asian", "Mixed", "Other")),
        ("A", "White"),
        ("B", "White"),
        ("C", "White"),
        ("D", "Mixed"),
        ("E", "Mixed"),
        ("F", "Mixed"),
        ("G", "Mixed"),
        ("H", "Asian"),
        ("J", "Asian"),
        ("K", "Asian"),
        ("L", "Asian"),
        ("M", "Black"),
        ("N", "Black"),
        ("P", "Black"),
        ("R", "Other"),
        ("S", "Other"),
        ("Z", None),
        ("99", None),
        ("", None),
        (" C ", "White"),  # surrounding spaces are ignored, as in every cell
    ],
)
def test_every_accepted_ethnic_group_and_what_is_stored(given, stored):
    validation, records = check(line("B1", ethnic=given))
    assert validation.ok, where(validation)
    assert records[0].ethnic_group == stored


def test_the_code_list_is_the_nhs_data_dictionary_s_and_nothing_else():
    assert sorted(NHS_ETHNIC_CATEGORY_GROUPS) == sorted([*"ABCDEFGHJKLMNPRSZ", "99"])


@pytest.mark.parametrize("given", ["Q", "I", "O", "T", "White British", "Not stated", "a", "white", "9", "ZZ"])
def test_any_other_ethnic_group_is_refused_naming_the_column_and_what_is_accepted(given):
    validation, records = check(line("B1"), line("B2", ethnic=given))
    assert where(validation) == [(3, "ethnic_group", p.ERR_NOT_A_CHOICE)]
    message = validation.errors[0].message
    assert message.startswith(f"ethnic_group '{given}' is not accepted")
    assert "White, Black, Asian, Mixed, Other" in message and "NHS ethnic category code" in message
    assert "A, B, C, D, E, F, G, H, J, K, L, M, N, P, R, S, Z, 99" in message and "leave it empty" in message
    assert not validation.ok


def test_a_code_in_the_wrong_case_gets_a_hint():
    validation, _ = check(line("B1", ethnic="a"))
    assert "(did you mean 'A'?)" in validation.errors[0].message


# --- imd_rank in place of imd_quintile ----------------------------------------------------------
@pytest.mark.parametrize(
    ("rank", "quintile"),
    [(1, 1), (6751, 1), (6752, 2), (13502, 2), (13503, 3), (20253, 3), (20254, 4), (27004, 4), (27005, 5), (33755, 5)],
)
def test_the_quintile_of_an_iod_2025_rank(rank, quintile):
    assert quintile_of_rank(rank) == quintile
    validation, records = check(line("B1", deprivation=str(rank)), header=RANK_HEADER)
    assert validation.ok and records[0].imd_quintile == quintile


def test_every_quintile_holds_a_fifth_of_the_areas():
    counts = [0] * 5
    for rank in range(1, IOD_2025_AREAS + 1):
        counts[quintile_of_rank(rank) - 1] += 1
    assert counts == [6751] * 5


def test_an_empty_rank_is_not_stated():
    validation, records = check(line("B1", deprivation=""), header=RANK_HEADER)
    assert validation.ok and records[0].imd_quintile is None


@pytest.mark.parametrize(
    ("rank", "code"),
    [
        ("0", p.ERR_OUT_OF_RANGE),
        ("33756", p.ERR_OUT_OF_RANGE),
        ("-4", p.ERR_OUT_OF_RANGE),
        ("12.5", p.ERR_NOT_A_WHOLE_NUMBER),
        ("high", p.ERR_NOT_A_WHOLE_NUMBER),
    ],
)
def test_a_rank_outside_1_to_33755_or_not_whole_is_refused_naming_imd_rank(rank, code):
    validation, _ = check(line("B1", deprivation="5"), line("B2", deprivation=rank), header=RANK_HEADER)
    assert where(validation) == [(3, "imd_rank", code)]
    if code == p.ERR_OUT_OF_RANGE:
        assert validation.errors[0].message == f"imd_rank {rank} is out of range: it must be from 1 to 33755"


def test_a_rank_column_may_stand_anywhere_in_the_header():
    names = RANK_HEADER.split(",")
    names.remove("imd_rank")
    header = ",".join(["imd_rank", *names])
    cells = line("B1").split(",")
    del cells[14]
    validation, records = check(",".join(["20000", *cells]), header=header)
    assert validation.ok and records[0].imd_quintile == 3


def test_a_file_giving_both_quintile_and_rank_is_refused_on_the_header():
    validation, records = check(line("B1") + ",40", header=HEADER + ",imd_rank")
    assert where(validation) == [(1, "imd_rank", p.ERR_COLUMN_AND_ALTERNATIVE)]
    assert validation.errors[0].message == "give column imd_quintile or column imd_rank, not both"
    assert records == []


def test_a_file_giving_neither_names_both():
    header = HEADER.replace(",imd_quintile", "")
    validation, _ = check("x", header=header)
    assert where(validation) == [(1, "imd_quintile", p.ERR_MISSING_COLUMN)]
    assert validation.errors[0].message == "column imd_quintile is missing from the header (or give imd_rank instead)"


def test_a_misspelt_rank_column_gets_a_hint():
    validation, _ = check(line("B1"), header=RANK_HEADER.replace("imd_rank", "IMD_Rank"))
    assert "(did you mean imd_rank?)" in validation.errors[0].message


def test_dict_reader_rows_may_carry_the_rank():
    text = "\n".join([RANK_HEADER, line("B1", deprivation="20000"), line("B2", deprivation="40000")]) + "\n"
    reader = csv.DictReader(io.StringIO(text, newline=""))
    validation = validate_rows("births", reader, header=reader.fieldnames, known_trusts=TRUSTS, known_sites=SITES)
    assert [r.imd_quintile for r in validation.records()] == [3]
    assert where(validation) == [(3, "imd_rank", p.ERR_OUT_OF_RANGE)]


def test_api_mappings_may_carry_the_rank():
    row = dict(zip(HEADER.split(","), line("B1").split(","), strict=True))
    row["imd_rank"] = row.pop("imd_quintile")
    row["imd_rank"] = 30000
    validation = validate_rows("births", [row], known_trusts=TRUSTS, known_sites=SITES)
    records = validation.records()
    assert validation.ok and records[0].imd_quintile == 5
    both = {**row, "imd_quintile": 2}
    validation = validate_rows("births", [both], known_trusts=TRUSTS, known_sites=SITES)
    assert validation.records() == [] and where(validation) == [(2, "imd_rank", p.ERR_COLUMN_AND_ALTERNATIVE)]


# --- quintile order ---------------------------------------------------------------------------
def test_stored_quintile():
    assert [stored_quintile(q, order=MOST_DEPRIVED_FIRST) for q in range(1, 6)] == [1, 2, 3, 4, 5]
    assert [stored_quintile(q, order=LEAST_DEPRIVED_FIRST) for q in range(1, 6)] == [5, 4, 3, 2, 1]
    with pytest.raises(ValueError):
        stored_quintile(0, order=LEAST_DEPRIVED_FIRST)
    with pytest.raises(ValueError):
        stored_quintile(1, order="backwards")


def test_quintiles_numbered_least_deprived_first_are_stored_reversed_with_a_note():
    given = ["1", "2", "3", "4", "5", ""]
    lines = [line(f"B{n}", deprivation=q) for n, q in enumerate(given)]
    validation, records = check(*lines, quintile_order=LEAST_DEPRIVED_FIRST)
    assert validation.ok
    assert [r.imd_quintile for r in records] == [5, 4, 3, 2, 1, None]
    note = notes(validation)[p.DQ_QUINTILES_REVERSED]
    assert note.count == 5 and note.lines == ()
    assert str(note).startswith("5 row(s) gave imd_quintile numbered least deprived first, as the upload said")
    assert "reversed on import" in str(note)


def test_the_usual_order_is_stored_as_given_without_a_note():
    validation, records = check(line("B1", deprivation="1"), line("B2", deprivation="5"))
    assert [r.imd_quintile for r in records] == [1, 5]
    assert p.DQ_QUINTILES_REVERSED not in notes(validation)


def test_ranks_with_quintiles_said_to_be_reversed_are_refused():
    validation, records = check(line("B1", deprivation="1"), header=RANK_HEADER, quintile_order=LEAST_DEPRIVED_FIRST)
    assert where(validation) == [(1, "imd_rank", p.ERR_RANK_IN_REVERSED_ORDER)]
    assert not validation.ok
    assert records[0].imd_quintile == 1  # never reversed (and the refused file is never stored)
    assert p.DQ_QUINTILES_REVERSED not in notes(validation)


def test_an_unknown_quintile_order_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_rows("births", [], header=HEADER.split(","), known_trusts=TRUSTS, known_sites={}, quintile_order="x")


# --- mothers whose rows disagree ------------------------------------------------------------------
def test_mothers_whose_rows_disagree_are_counted_in_a_note_per_column():
    validation, _ = check(
        line("T1", mother="TWINS"),  # twins who agree: no note
        line("T2", mother="TWINS"),
        line("E1", mother="ETH", ethnic="White"),
        line("E2", mother="ETH", ethnic="A"),  # A is White: agrees
        line("E3", mother="ETH", ethnic="Asian"),  # differs (line 6)
        line("E4", mother="ETH", ethnic="Black"),  # the same mother counts once
        line("N1", mother="EMPTY", ethnic=""),
        line("N2", mother="EMPTY", ethnic="Mixed"),  # empty is Not stated, a value of its own (line 9)
        line("Q1", mother="DEP", deprivation="2"),
        line("Q2", mother="DEP", deprivation="4"),  # line 11
        line("Q3", mother="DEP2", deprivation="1"),
        line("Q4", mother="DEP2", deprivation=""),  # line 13
    )
    assert validation.ok
    found = notes(validation)
    assert (found[p.DQ_ETHNIC_GROUP_DIFFERS].count, found[p.DQ_ETHNIC_GROUP_DIFFERS].lines) == (2, (6, 9))
    assert (found[p.DQ_IMD_QUINTILE_DIFFERS].count, found[p.DQ_IMD_QUINTILE_DIFFERS].lines) == (2, (11, 13))
    assert str(found[p.DQ_ETHNIC_GROUP_DIFFERS]).startswith("2 mother(s) have rows with different ethnic_group")
    assert "Not stated" in found[p.DQ_IMD_QUINTILE_DIFFERS].message


def test_mothers_who_agree_give_no_note():
    validation, _ = check(
        line("A1", mother="M", ethnic="C", deprivation="2"), line("A2", mother="M", ethnic="White", deprivation="2")
    )
    assert p.DQ_ETHNIC_GROUP_DIFFERS not in notes(validation) and p.DQ_IMD_QUINTILE_DIFFERS not in notes(validation)


def test_the_disagreement_notes_need_the_row_index():
    validation, _ = check(
        line("E1", mother="ETH", ethnic="White"), line("E2", mother="ETH", ethnic="Asian"), index_rows=False
    )
    assert p.DQ_ETHNIC_GROUP_DIFFERS not in notes(validation)
