"""The births screen (imports/screen.py) gives exactly what checking every row gives.

docs/adr/0024-vectorised-import.md: the screen passes only lines it is sure of and hands every
other line to the row validator, so errors, notes, counts and staged rows must be those of
the row-by-row check (`stage_file(screen=False)`), whatever is wrong in the file.
"""

from __future__ import annotations

import pytest
from django.db import connections

from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.imports import staging
from perinatal.dashboard.models import Upload
from perinatal.dashboard.services import import_dataset
from tests.dashboard.import_helpers import write_text
from tests.dashboard.screen_helpers import screen_register, stage_both_ways

COLUMNS = (
    "baby_id",
    "mother_id",
    "trust_code",
    "site_code",
    "born_on",
    "gestation_days",
    "birth_weight_g",
    "outcome",
    "termination",
    "neonatal_death_on",
    "blood_loss_ml",
    "multiple_birth",
    "mother_age",
    "ethnic_group",
    "imd_quintile",
    "onset_of_labour",
)
HEADER = ",".join(COLUMNS)
GOOD = {
    "mother_id": "M1",
    "trust_code": "R0A",
    "site_code": "R0A01",
    "born_on": "2025-06-15",
    "gestation_days": "280",
    "birth_weight_g": "3400",
    "outcome": "live",
    "termination": "0",
    "neonatal_death_on": "",
    "blood_loss_ml": "300",
    "multiple_birth": "0",
    "mother_age": "30",
    "ethnic_group": "White",
    "imd_quintile": "3",
    "onset_of_labour": "spontaneous",
}
A_VALID_NHS_NUMBER = "9434765919"  # the test number the cell tests use

#: One line per kind of fault or oddity: the cells that differ from GOOD (baby_id added).
FAULTS: list[dict[str, str]] = [
    {},
    {"baby_id": ""},  # required
    {"baby_id": "B 1"},  # bad identifier
    {"baby_id": "B" * 65},  # too long
    {"baby_id": A_VALID_NHS_NUMBER},  # NHS number as identifier
    {"mother_id": "943 476 5919"},
    {"mother_id": "943-476-5919"},
    {"mother_id": "943476591"},  # nine digits: a fine pseudonym
    {"baby_id": "123-456-7890"},  # shaped like one, not a valid NHS number
    {"trust_code": "XYZ99"},  # unknown trust
    {"trust_code": "R0A!"},  # not an ODS code
    {"site_code": "NOPE1"},  # unknown site
    {"site_code": "RJ101"},  # site of another trust
    {"trust_code": "RJ1", "site_code": "RJ101"},  # another trust (in a trust's own upload)
    {"site_code": ""},  # not born in a hospital site
    {"born_on": "2025-13-01"},
    {"born_on": "15/06/2025"},
    {"born_on": ""},
    {"gestation_days": "28x"},
    {"gestation_days": "100"},  # out of range
    {"gestation_days": "0280"},
    {"gestation_days": " 280 "},
    {"gestation_days": "-5"},
    {"birth_weight_g": "9000"},
    {"birth_weight_g": "3.4"},
    {"outcome": "Live"},
    {"outcome": ""},
    {"termination": "yes"},
    {"termination": ""},  # noted
    {"termination": "1"},
    {"neonatal_death_on": "2025-06-20"},
    {"neonatal_death_on": "2025-06-20", "outcome": "stillbirth"},
    {"neonatal_death_on": "2025-06-10"},  # before birth
    {"neonatal_death_on": "2025-07-14"},  # 29 days
    {"neonatal_death_on": "2025-07-13"},  # day 28: noted
    {"neonatal_death_on": "2025-02-30"},
    {"gestation_days": "", "birth_weight_g": "300"},  # noted
    {"gestation_days": "", "birth_weight_g": ""},  # noted
    {"gestation_days": "", "birth_weight_g": "500"},
    {"gestation_days": "150", "birth_weight_g": "300"},  # noted
    {"gestation_days": "150", "birth_weight_g": ""},  # noted
    {"gestation_days": "150", "birth_weight_g": "500"},
    {"gestation_days": "154", "birth_weight_g": "300"},
    {"blood_loss_ml": ""},
    {"blood_loss_ml": "99999"},
    {"multiple_birth": "2"},
    {"multiple_birth": ""},
    {"mother_age": "9"},
    {"ethnic_group": "A"},  # an NHS ethnic category code
    {"ethnic_group": "Z"},  # not stated
    {"ethnic_group": "99"},
    {"ethnic_group": "white"},
    {"ethnic_group": "purple"},
    {"ethnic_group": ""},
    {"imd_quintile": "6"},
    {"imd_quintile": ""},
    {"onset_of_labour": "induced"},
    {"onset_of_labour": "planned"},
    {"mother_id": "M1 "},  # surrounding spaces are ignored
]


def _line(number: int, changes: dict[str, str]) -> str:
    values = {"baby_id": f"B{number}", **GOOD, **changes}
    return ",".join(values[name] for name in COLUMNS)


def _body() -> list[str]:
    lines = [_line(n, changes) for n, changes in enumerate(FAULTS)]
    lines += [
        "",  # blank lines
        ",,,,,,,,,,,,,,,",
        "   ",
        _line(900, {}) + ",extra",  # a cell too many
        _line(901, {}).rsplit(",", 1)[0],  # a cell too few
        _line(0, {}),  # the key of line 2 again (found in SQL, from the staged rows)
    ]
    lines += [_line(1000 + n, {}) for n in range(40)]
    return lines


def _both(path, *, register=None, workers=1):
    return stage_both_ways(path, dataset="births", register=register, workers=workers)


VARIANTS = {
    "plain": lambda body: "\n".join([HEADER, *body]) + "\n",
    "no last line end": lambda body: "\n".join([HEADER, *body]),
    "blank lines at the end": lambda body: "\n".join([HEADER, *body]) + "\n\n\n",
    "byte-order mark": lambda body: "\ufeff" + "\n".join([HEADER, *body]) + "\n",
    "CRLF": lambda body: "\r\n".join([HEADER, *body]) + "\r\n",
    "header only": lambda body: HEADER + "\n",
    "spaces in the header": lambda body: "\n".join([HEADER.replace(",", " , "), *body]) + "\n",
}
#: Files the screen hands back whole: the outcome must still be the row-by-row one.
UNSCREENABLE = {
    "a quoted cell with a line break": lambda body: "\n".join([HEADER, *body[:5], '"B\n9",' + body[5], *body[6:]]),
    "a quoted cell": lambda body: "\n".join([HEADER, *body[:5], '"Q1"' + body[5][2:], *body[6:]]) + "\n",
    "a carriage return alone": lambda body: "\n".join([HEADER, *body[:3], body[3] + "\r" + body[4], *body[5:]]),
    "columns in another order": lambda body: "\n".join(
        [",".join(reversed(COLUMNS)), *(",".join(reversed(line.split(","))) for line in body)]
    ),
    "a NUL byte": lambda body: "\n".join([HEADER, *body[:3], body[3] + "\x00", *body[4:]]) + "\n",
    "an imd_rank column": lambda body: "\n".join([HEADER.replace("imd_quintile", "imd_rank"), *body]) + "\n",
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("chunk_bytes", [4 << 20, 300])
def test_the_screen_gives_what_checking_every_row_gives(tmp_path, monkeypatch, count_screened, variant, chunk_bytes):
    monkeypatch.setattr(staging, "SCREEN_CHUNK_BYTES", chunk_bytes)
    path = tmp_path / "births.csv"
    path.write_bytes(VARIANTS[variant](_body()).encode("utf-8"))
    screened, row_by_row = _both(path)
    assert screened == row_by_row
    assert count_screened  # the screen was used
    if variant != "header only":
        codes = {error.code for error in screened[2]} | {note.code for note in screened[3]}
        assert {p.ERR_NHS_NUMBER_AS_IDENTIFIER, p.ERR_DEATH_AFTER_28_DAYS, p.DQ_BLANK_LINES} <= codes
        assert p.DQ_UNKNOWN_GESTATION_UNDER_400G in codes and p.ERR_WRONG_CELL_COUNT in codes


@pytest.mark.parametrize("variant", sorted(UNSCREENABLE))
def test_a_file_the_screen_cannot_read_line_by_line_is_checked_row_by_row(tmp_path, monkeypatch, variant):
    monkeypatch.setattr(staging, "SCREEN_CHUNK_BYTES", 300)
    path = write_text(tmp_path / "births.csv", UNSCREENABLE[variant](_body()))
    screened, row_by_row = _both(path)
    assert screened == row_by_row


def test_a_trust_s_own_upload_is_screened_against_its_trust(tmp_path):
    path = write_text(tmp_path / "births.csv", VARIANTS["plain"](_body()))
    screened, row_by_row = _both(path, register=screen_register(only_trust="R0A"))
    assert screened == row_by_row
    assert p.ERR_ANOTHER_TRUST in {error.code for error in screened[2]}


def test_a_clean_file_is_staged_with_its_notes_and_nothing_else(tmp_path):
    body = [_line(n, {"termination": "" if n % 7 == 0 else "0"}) for n in range(500)]
    path = write_text(tmp_path / "births.csv", VARIANTS["plain"](body))
    screened, row_by_row = _both(path)
    assert screened == row_by_row
    assert screened[0] == 500 and screened[1] == 0
    assert [(note.code, note.count) for note in screened[3]] == [(p.DQ_EMPTY_TERMINATION, 72)]


def test_only_the_first_100_errors_are_kept_and_all_are_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "SCREEN_CHUNK_BYTES", 1000)
    body = [_line(n, {"outcome": "dead" if n % 2 else "live"}) for n in range(400)]
    path = write_text(tmp_path / "births.csv", VARIANTS["plain"](body))
    screened, row_by_row = _both(path)
    assert screened == row_by_row
    assert (screened[1], len(screened[2])) == (200, staging.KEEP_ERRORS)


@pytest.mark.django_db(False)
def test_a_file_screened_in_parts_gives_what_checking_every_row_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MIN_SPLIT_BYTES", 1)
    monkeypatch.setattr(staging, "SCREEN_CHUNK_BYTES", 500)
    monkeypatch.setattr(staging, "_may_fork", lambda: True)  # as test_imports does: no database here
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = write_text(tmp_path / "births.csv", VARIANTS["plain"](_body() * 3))
    screened, row_by_row = _both(path, workers=3)
    assert screened == row_by_row


@pytest.mark.django_db
def test_an_import_is_screened(tmp_path, count_screened):
    """import_dataset, which the upload page's task and the command call, takes the screen."""
    path = write_text(tmp_path / "births.csv", VARIANTS["plain"]([_line(n, {"mother_id": f"M{n}"}) for n in range(30)]))
    upload = import_dataset(dataset="births", path=path)
    assert (upload.status, upload.rows) == (Upload.Status.LOADED, 30)
    assert count_screened == [2]
