"""The screen of neonatal care and inductions files (imports/screen.py) gives exactly what
checking every row gives.

docs/adr/0024-vectorised-import.md: the screen passes only the lines it is sure of and hands
every other line to the row validator, so errors, notes, line numbers, counts and staged
rows must be those of the row-by-row check (`stage_file(screen=False)`). The faults of each
column are derived from its schema (kind, range, whether it may be empty); the faults
between cells and against the register are listed by hand, and
`test_the_faults_reach_every_rule_of_the_dataset` checks, from the rules' own source, that
together they reach every problem the validator can give for a row of the dataset.
"""

from __future__ import annotations

import inspect
import re
from decimal import Decimal

import pytest
from django.db import connections

from perinatal.dashboard.datasets import cells
from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.datasets.row_rules import RULES_FOR_DATASET, DatasetRules
from perinatal.dashboard.datasets.schema import (
    KIND_BOOL,
    KIND_CODE,
    KIND_DATE,
    KIND_DECIMAL,
    KIND_ID,
    KIND_INT,
    KIND_TIMESTAMP,
    SCHEMAS,
    Column,
)
from perinatal.dashboard.datasets.validation import ROW_INDEX_CHECKS
from perinatal.dashboard.imports import staging
from perinatal.dashboard.models import InductionRecord, NeonatalCareRecord, Upload
from perinatal.dashboard.services import import_dataset
from perinatal.kernel import clinical
from tests.dashboard.import_helpers import write_text
from tests.dashboard.screen_helpers import screen_register, stage_both_ways

DATASETS = ("neonatal_care", "inductions")
GOOD = {
    "neonatal_care": {
        "baby_id": "N",
        "trust_code": "R0A",
        "site_code": "R0A01",
        "born_on": "2025-06-15",
        "gestation_days": "200",
        "multiple_birth": "0",
        "antenatal_steroids": "1",
        "antenatal_magnesium": "1",
        "born_in_nicu_site": "1",
        "cord_clamping_seconds": "60",
        "admission_temperature_c": "36.8",
        "temperature_within_hour": "1",
        "breastmilk_day_1_2": "0",
    },
    "inductions": {
        "induction_id": "I",
        "trust_code": "R0A",
        "site_code": "R0A01",
        "admitted_at": "2025-06-15T09:00",
        "started_at": "2025-06-15T10:30",
    },
}
A_VALID_NHS_NUMBER = "9434765919"  # the test number the cell tests use
FAULT_LINE = 7  # the sixth line after the header
BEFORE_ADMITTED = p.ERR_STARTED_BEFORE_ADMITTED


def _cell_faults(column: Column) -> list[tuple[str, str, str | None]]:
    """(what, cell, the error the cell gives in its column or None) from the column's kind,
    range and whether it may be empty."""
    faults = [("empty", "", p.ERR_REQUIRED if column.required else None)]
    if column.kind == KIND_ID:
        bad = p.ERR_BAD_IDENTIFIER
        faults += [
            ("a space", "A 1", bad),
            ("too long", "A" * (cells.ID_MAX_LENGTH + 1), bad),
            ("longest", "A" * cells.ID_MAX_LENGTH, None),
            ("begins with a dot", ".A1", bad),
            ("surrounding spaces", " A1 ", None),
            ("every kind of character", "a.B_c:d/e-9", None),
            ("nine digits", "943476591", None),
            ("shaped like an NHS number, not one", "123-456-7890", None),
        ]
        if column.pseudonym:
            nhs = p.ERR_NHS_NUMBER_AS_IDENTIFIER
            spaced = f"{A_VALID_NHS_NUMBER[:3]} {A_VALID_NHS_NUMBER[3:6]} {A_VALID_NHS_NUMBER[6:]}"
            faults += [
                ("an NHS number", A_VALID_NHS_NUMBER, nhs),
                ("a spaced NHS number", spaced, p.ERR_BAD_IDENTIFIER),  # no spaces in an identifier
                ("a dashed NHS number", spaced.replace(" ", "-"), nhs),
            ]
    elif column.kind == KIND_CODE:
        faults += [
            ("not an ODS code", "R0A!", p.ERR_BAD_IDENTIFIER),
            ("too long", "R" * (cells.CODE_MAX_LENGTH + 1), p.ERR_BAD_IDENTIFIER),
            ("surrounding spaces", f" {GOOD['inductions'][column.name]} ", None),  # a known trust or site
        ]
    elif column.kind == KIND_DATE:
        faults += [
            ("month 13", "2025-13-01", p.ERR_NOT_A_DATE),
            ("day first", "15/06/2025", p.ERR_NOT_A_DATE),
            ("one digit", "2025-6-15", p.ERR_NOT_A_DATE),
            ("no such day", "2025-02-30", p.ERR_NOT_A_DATE),
            ("a leap day", "2024-02-29", None),
        ]
    elif column.kind == KIND_TIMESTAMP:
        faults += [
            ("a date alone", "2025-06-15", p.ERR_NOT_A_TIMESTAMP),
            ("seconds", "2025-06-15T09:00:00", p.ERR_NOT_A_TIMESTAMP),
            ("an offset", "2025-06-15T09:00Z", p.ERR_NOT_A_TIMESTAMP),
            ("a space for T", "2025-06-15 09:00", p.ERR_NOT_A_TIMESTAMP),
            ("no such day", "2025-06-31T09:00", p.ERR_NOT_A_TIMESTAMP),
            ("hour 24", "2025-06-15T24:00", p.ERR_NOT_A_TIMESTAMP),
            ("the hour skipped in March", "2025-03-30T01:30", p.ERR_NONEXISTENT_LOCAL_TIME),
            ("the hour repeated in October", "2025-10-26T01:30", None),
        ]
    elif column.kind == KIND_BOOL:
        faults += [("1", "1", None), ("0", "0", None), ("2", "2", p.ERR_NOT_BOOLEAN), ("yes", "yes", p.ERR_NOT_BOOLEAN)]
    elif column.kind == KIND_INT:
        low, high = column.minimum, column.maximum
        faults += [
            ("the least", str(low), None),
            ("the most", str(high), None),
            ("below the range", str(low - 1), p.ERR_OUT_OF_RANGE),
            ("above the range", str(high + 1), p.ERR_OUT_OF_RANGE),
            ("a leading zero", f"0{high}", None),
            ("surrounding spaces", f" {low} ", None),
            ("a plus sign", f"+{low}", p.ERR_NOT_A_WHOLE_NUMBER),
            ("a decimal", f"{low}.5", p.ERR_NOT_A_WHOLE_NUMBER),
            ("letters", f"{low}x", p.ERR_NOT_A_WHOLE_NUMBER),
        ]
    elif column.kind == KIND_DECIMAL:
        low, high, tenth = column.minimum, column.maximum, Decimal("0.1")
        faults += [
            ("the least", str(low), None),
            ("the most", str(high), None),
            ("below the range", str(low - tenth), p.ERR_OUT_OF_RANGE),
            ("above the range", str(high + tenth), p.ERR_OUT_OF_RANGE),
            ("a trailing zero", f"{low}0", None),
            ("a whole number", str(int(high)), None),
            ("an exponent", "3.6e1", p.ERR_NOT_A_NUMBER),
            ("no leading digit", ".5", p.ERR_NOT_A_NUMBER),
            ("no digit after the point", f"{int(low)}.", p.ERR_NOT_A_NUMBER),
        ]
    else:
        raise AssertionError(f"no faults for a {column.kind} column ({column.name}): add them here")
    return faults


#: (what, changed cells, the register's own trust, the problems on the line: errors and notes)
BY_HAND: dict[str, list[tuple[str, dict[str, str], str | None, set[str]]]] = {
    "neonatal_care": [
        ("an unknown trust", {"trust_code": "XYZ99"}, None, {p.ERR_UNKNOWN_TRUST}),
        ("an unknown site", {"site_code": "NOPE1"}, None, {p.ERR_UNKNOWN_SITE}),
        ("a site of another trust", {"site_code": "RJ101"}, None, {p.ERR_SITE_OF_OTHER_TRUST}),
        ("another trust", {"trust_code": "RJ1", "site_code": "RJ101"}, None, set()),
        ("another trust in its own upload", {"trust_code": "RJ1", "site_code": "RJ101"}, "R0A", {p.ERR_ANOTHER_TRUST}),
        ("its trust in its own upload", {}, "R0A", set()),
        ("not born in a hospital site", {"site_code": ""}, None, set()),
        ("unknown gestation", {"gestation_days": ""}, None, {p.DQ_NEONATAL_CARE_UNKNOWN_GESTATION}),
        ("34+0 weeks", {"gestation_days": str(clinical.GA_34_0_DAYS)}, None, {p.DQ_NEONATAL_CARE_34_WEEKS_OR_MORE}),
        ("33+6 weeks", {"gestation_days": str(clinical.GA_34_0_DAYS - 1)}, None, set()),
        ("45+0 weeks", {"gestation_days": "315"}, None, {p.DQ_NEONATAL_CARE_34_WEEKS_OR_MORE}),
        ("a bad site and unknown gestation", {"site_code": "NOPE1", "gestation_days": ""}, None, {p.ERR_UNKNOWN_SITE}),
    ],
    "inductions": [
        ("an unknown trust", {"trust_code": "XYZ99"}, None, {p.ERR_UNKNOWN_TRUST}),
        ("an unknown site", {"site_code": "NOPE1"}, None, {p.ERR_UNKNOWN_SITE}),
        ("a site of another trust", {"site_code": "RJ101"}, None, {p.ERR_SITE_OF_OTHER_TRUST}),
        ("another trust", {"trust_code": "RJ1", "site_code": "RJ101"}, None, set()),
        ("another trust in its own upload", {"trust_code": "RJ1", "site_code": "RJ101"}, "R0A", {p.ERR_ANOTHER_TRUST}),
        ("its trust in its own upload", {}, "R0A", set()),
        ("started a minute before admission", {"started_at": "2025-06-15T08:59"}, None, {BEFORE_ADMITTED}),
        ("started at admission", {"started_at": "2025-06-15T09:00"}, None, set()),
        ("started a minute after admission", {"started_at": "2025-06-15T09:01"}, None, set()),
        ("not started", {"started_at": ""}, None, set()),
        ("started a day before admission", {"started_at": "2025-06-14T10:30"}, None, {BEFORE_ADMITTED}),
        (
            "started before admission within the repeated hour",
            {"admitted_at": "2025-10-26T01:30", "started_at": "2025-10-26T01:10"},
            None,
            {p.ERR_STARTED_BEFORE_ADMITTED},
        ),
        (
            "started after the clocks went back, earlier on the clock than 01:50 BST",
            {"admitted_at": "2025-10-26T01:50", "started_at": "2025-10-26T01:55"},
            None,
            set(),
        ),
        (
            "started a minute after admission across the March change",
            {"admitted_at": "2025-03-30T00:59", "started_at": "2025-03-30T02:00"},
            None,
            set(),
        ),
        (
            "started a minute before admission across the March change",
            {"admitted_at": "2025-03-30T02:00", "started_at": "2025-03-30T00:59"},
            None,
            {p.ERR_STARTED_BEFORE_ADMITTED},
        ),
        (
            "started before admission at an unknown trust",
            {"trust_code": "XYZ99", "started_at": "2025-06-15T08:00"},
            None,
            {p.ERR_UNKNOWN_TRUST, p.ERR_STARTED_BEFORE_ADMITTED},
        ),
        (
            "a start in the skipped hour before admission",
            {"started_at": "2025-03-30T01:30"},
            None,
            {p.ERR_NONEXISTENT_LOCAL_TIME},
        ),
    ],
}


def _cases(dataset: str) -> list[tuple[str, dict[str, str], str | None, str | None, set[str]]]:
    """(what, changed cells, own trust, the column whose errors are checked (None: the whole
    line, errors and notes), the problems expected there)."""
    cases = []
    for column in SCHEMAS[dataset].columns:
        for what, cell, code in _cell_faults(column):
            cases.append((f"{column.name}: {what}", {column.name: cell}, None, column.name, {code} - {None}))
    for what, changes, only_trust, codes in BY_HAND[dataset]:
        cases.append((what, changes, only_trust, None, codes))
    return cases


CASES = [(dataset, *case) for dataset in DATASETS for case in _cases(dataset)]


def _line(dataset: str, number: int, changes: dict[str, str] | None = None) -> str:
    schema = SCHEMAS[dataset]
    key = schema.key[0]
    values = {**GOOD[dataset], key: f"{GOOD[dataset][key]}{number}", **(changes or {})}
    return ",".join(values[name] for name in schema.column_names)


def _header(dataset: str) -> str:
    return ",".join(SCHEMAS[dataset].column_names)


def _file(tmp_path, dataset: str, body: list[str]):
    return write_text(tmp_path / f"{dataset}.csv", "\n".join([_header(dataset), *body]) + "\n")


def _codes_on(outcome: tuple, line: int, column: str | None) -> set[str]:
    _, _, errors, notes, _ = outcome
    found = {error.code for error in errors if error.line == line and (column is None or error.column == column)}
    if column is None:
        found |= {note.code for note in notes if line in note.lines}
    return found


@pytest.mark.parametrize(
    ("dataset", "what", "changes", "only_trust", "column", "expected"),
    CASES,
    ids=[f"{case[0]}: {case[1]}" for case in CASES],
)
def test_each_fault_gives_what_checking_every_row_gives(
    tmp_path, count_screened, dataset, what, changes, only_trust, column, expected
):
    body = [_line(dataset, n) for n in range(5)] + [_line(dataset, 5, changes)]
    body += [_line(dataset, n) for n in range(6, 10)]
    path = _file(tmp_path, dataset, body)
    screened, row_by_row = stage_both_ways(path, dataset=dataset, register=screen_register(only_trust))
    assert screened == row_by_row
    assert count_screened == [2]
    assert _codes_on(screened, FAULT_LINE, column) == expected
    assert screened[0] == 9 + (screened[1] == 0)  # the good lines, and the fault line unless refused


def _rule_codes(dataset: str) -> set[str]:
    """The problem codes in the source of the dataset's row rules (row_rules.py), with the
    shared register checks they call, and of its columns' cell parsers (cells.py)."""
    rules = RULES_FOR_DATASET[dataset]
    sources = [
        inspect.getsource(member)
        for cls in rules.__mro__[: rules.__mro__.index(DatasetRules)]
        for member in vars(cls).values()
        if inspect.isfunction(member)
    ]
    helpers = {name for source in sources for name in re.findall(r"self\.(_\w+)\(", source)}
    sources += [inspect.getsource(getattr(rules, name)) for name in sorted(helpers)]
    codes = set()
    for column in SCHEMAS[dataset].columns:
        parser = inspect.getsource(cells._PARSERS[column.kind])
        if "_check_range(" in parser:
            parser += inspect.getsource(cells._check_range)
        found = {getattr(p, name) for name in re.findall(r"p\.(ERR_\w+)", parser)}
        if not column.pseudonym:
            found.discard(p.ERR_NHS_NUMBER_AS_IDENTIFIER)
        codes |= found | ({p.ERR_REQUIRED} if column.required else set())
    codes |= {getattr(p, name) for name in re.findall(r"p\.((?:ERR|DQ)_\w+)", "".join(sources))}
    return codes - set(ROW_INDEX_CHECKS)


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_faults_reach_every_rule_of_the_dataset(dataset):
    reached = {code for case in _cases(dataset) for code in case[-1]}
    rules = _rule_codes(dataset)
    assert {p.ERR_UNKNOWN_TRUST, p.ERR_ANOTHER_TRUST, p.ERR_REQUIRED, p.ERR_BAD_IDENTIFIER} <= rules  # read
    assert rules - reached == set()


# --- Whole files -----------------------------------------------------------------------
def _mixed_body(dataset: str) -> list[str]:
    """Every fault, odd lines, and good lines after them."""
    lines = [_line(dataset, n, changes) for n, (_, changes, *_) in enumerate(_cases(dataset))]
    width = len(SCHEMAS[dataset].columns)
    lines += [
        "",  # blank lines
        "," * (width - 1),
        "   ",
        _line(dataset, 900) + ",extra",  # a cell too many
        _line(dataset, 901).rsplit(",", 1)[0],  # a cell too few
        _line(dataset, 0),  # the key of line 2 again (found in SQL, from the staged rows)
    ]
    return lines + [_line(dataset, 1000 + n) for n in range(40)]


VARIANTS = {
    "plain": lambda header, body: "\n".join([header, *body]) + "\n",
    "no last line end": lambda header, body: "\n".join([header, *body]),
    "blank lines at the end": lambda header, body: "\n".join([header, *body]) + "\n\n\n",
    "byte-order mark": lambda header, body: "\ufeff" + "\n".join([header, *body]) + "\n",
    "CRLF": lambda header, body: "\r\n".join([header, *body]) + "\r\n",
    "header only": lambda header, body: header + "\n",
    "spaces in the header": lambda header, body: "\n".join([header.replace(",", " , "), *body]) + "\n",
}


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("chunk_bytes", [4 << 20, 300])
def test_a_file_with_every_fault_gives_what_checking_every_row_gives(
    tmp_path, monkeypatch, count_screened, count_row_by_row, dataset, variant, chunk_bytes
):
    monkeypatch.setattr(staging, "SCREEN_CHUNK_BYTES", chunk_bytes)
    path = tmp_path / f"{dataset}.csv"
    path.write_bytes(VARIANTS[variant](_header(dataset), _mixed_body(dataset)).encode("utf-8"))
    screened, row_by_row = stage_both_ways(path, dataset=dataset)
    assert screened == row_by_row
    assert count_screened == [2] and count_row_by_row == [dataset]  # the second: screen=False
    if variant != "header only":
        codes = {error.code for error in screened[2]} | {note.code for note in screened[3]}
        assert {p.ERR_NHS_NUMBER_AS_IDENTIFIER, p.ERR_UNKNOWN_SITE, p.ERR_WRONG_CELL_COUNT, p.DQ_BLANK_LINES} <= codes


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_staged_instants_are_the_database_s_own_on_postgresql_too(tmp_path, dataset):
    path = _file(tmp_path, dataset, _mixed_body(dataset))
    screened, row_by_row = stage_both_ways(path, dataset=dataset, vendor="postgresql")
    assert screened == row_by_row


@pytest.mark.parametrize("dataset", DATASETS)
def test_a_trust_s_own_upload_is_screened_against_its_trust(tmp_path, dataset):
    path = _file(tmp_path, dataset, _mixed_body(dataset))
    screened, row_by_row = stage_both_ways(path, dataset=dataset, register=screen_register(only_trust="R0A"))
    assert screened == row_by_row
    assert p.ERR_ANOTHER_TRUST in {error.code for error in screened[2]}


#: What a clean file of each dataset may still be noted for, every seventh line.
NOTED = {
    "neonatal_care": ({"gestation_days": ""}, p.DQ_NEONATAL_CARE_UNKNOWN_GESTATION),
    "inductions": ({"started_at": "2025-06-15T09:00"}, None),  # started at admission: fine
}


@pytest.mark.parametrize("dataset", DATASETS)
def test_a_clean_file_is_staged_with_its_notes_and_only_the_doubtful_lines_checked_row_by_row(
    tmp_path, monkeypatch, dataset
):
    checked = []
    original = staging.validate_rows

    def validate_rows(dataset, rows, **options):
        def seen():
            for row in rows:
                checked.append(row.line)
                yield row

        return original(dataset, seen(), **options)

    monkeypatch.setattr(staging, "validate_rows", validate_rows)
    changes, note = NOTED[dataset]
    body = [_line(dataset, n, changes if n % 7 == 0 else {}) for n in range(500)]
    path = _file(tmp_path, dataset, body)
    screened, row_by_row = stage_both_ways(path, dataset=dataset)
    assert screened == row_by_row
    assert screened[:2] == (500, 0)
    assert [(n.code, n.count) for n in screened[3]] == ([(note, 72)] if note else [])
    doubtful = [n + 2 for n in range(0, 500, 7)]
    assert checked == doubtful + list(range(2, 502))  # screened, then row by row


def test_only_the_first_100_errors_are_kept_and_all_are_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "SCREEN_CHUNK_BYTES", 1000)
    body = [_line("inductions", n, {"started_at": "2025-06-14T09:00"} if n % 2 else {}) for n in range(400)]
    path = _file(tmp_path, "inductions", body)
    screened, row_by_row = stage_both_ways(path, dataset="inductions")
    assert screened == row_by_row
    assert (screened[1], len(screened[2])) == (200, staging.KEEP_ERRORS)


@pytest.mark.django_db(False)
@pytest.mark.parametrize("dataset", DATASETS)
def test_a_file_screened_in_parts_gives_what_checking_every_row_gives(tmp_path, monkeypatch, count_screened, dataset):
    monkeypatch.setattr(staging, "MIN_SPLIT_BYTES", 1)
    monkeypatch.setattr(staging, "SCREEN_CHUNK_BYTES", 500)
    monkeypatch.setattr(staging, "_may_fork", lambda: True)  # as test_imports does: no database here
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = _file(tmp_path, dataset, _mixed_body(dataset) * 3)
    screened, row_by_row = stage_both_ways(path, dataset=dataset, workers=3)
    assert screened == row_by_row
    assert len(screened[4]) == screened[0]


#: Files the screen hands back whole, or never takes: the outcome must still be the row-by-row one.
UNSCREENABLE = {
    "a quoted cell with a line break": lambda dataset, header, body: "\n".join(
        [header, *body[:5], '"A\n9"' + body[5][2:]]
    ),
    "a quoted cell": lambda dataset, header, body: (
        "\n".join([header, *body[:5], '"Q1"' + body[5][2:], *body[6:]]) + "\n"
    ),
    "a carriage return alone": lambda dataset, header, body: "\n".join(
        [header, *body[:3], body[3] + "\r" + body[4], *body[5:]]
    ),
    "a NUL byte": lambda dataset, header, body: "\n".join([header, *body[:3], body[3] + "\x00", *body[4:]]) + "\n",
    "a line longer than the screen reads": lambda dataset, header, body: (
        "\n".join([header, *body[:4], _line(dataset, 4, {SCHEMAS[dataset].key[0]: "A" * 100_001}), *body[5:]]) + "\n"
    ),
    "columns in another order": lambda dataset, header, body: "\n".join(
        [",".join(reversed(header.split(","))), *(",".join(reversed(line.split(","))) for line in body)]
    ),
    "a column too many": lambda dataset, header, body: (
        "\n".join([header + ",note", *(line + ",x" for line in body)]) + "\n"
    ),
    "a column missing": lambda dataset, header, body: "\n".join(
        [header.rsplit(",", 1)[0], *(line.rsplit(",", 1)[0] for line in body)]
    ),
}


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("variant", sorted(UNSCREENABLE))
def test_a_file_the_screen_cannot_read_line_by_line_is_checked_row_by_row(
    tmp_path, monkeypatch, count_row_by_row, dataset, variant
):
    monkeypatch.setattr(staging, "SCREEN_CHUNK_BYTES", 300)
    text = UNSCREENABLE[variant](dataset, _header(dataset), _mixed_body(dataset))
    path = write_text(tmp_path / f"{dataset}.csv", text)
    screened, row_by_row = stage_both_ways(path, dataset=dataset)
    assert screened == row_by_row
    assert count_row_by_row == [dataset, dataset]  # the screen gave the file back (or never took it)


# --- Through the import, into the database ---------------------------------------------
STORED = {
    "neonatal_care": (NeonatalCareRecord, "baby_id"),
    "inductions": (InductionRecord, "induction_id"),
}


def _stored(dataset: str) -> list[tuple]:
    model, key = STORED[dataset]
    fields = [field.attname for field in model._meta.concrete_fields if field.name not in ("id", "upload")]
    return list(model.objects.filter(**{f"{key}__startswith": "SCREENED-"}).order_by(key).values_list(*fields))


@pytest.mark.django_db
@pytest.mark.parametrize("dataset", DATASETS)
def test_an_import_is_screened_and_stores_what_checking_every_row_stores(
    tmp_path, monkeypatch, count_screened, dataset
):
    """import_dataset, which the upload page's task and the command call, takes the screen."""
    key = SCHEMAS[dataset].key[0]
    changes = {**NOTED[dataset][0], "site_code": ""} if dataset == "neonatal_care" else NOTED[dataset][0]
    body = [_line(dataset, n, {key: f"SCREENED-{n}", **(changes if n % 3 else {})}) for n in range(30)]
    path = _file(tmp_path, dataset, body)
    upload = import_dataset(dataset=dataset, path=path)
    assert (upload.status, upload.rows) == (Upload.Status.LOADED, 30)
    assert count_screened == [2]
    screened = _stored(dataset)
    STORED[dataset][0].objects.filter(**{f"{key}__startswith": "SCREENED-"}).delete()
    monkeypatch.setattr(staging, "_screenable", lambda dataset, source: False)
    again = import_dataset(dataset=dataset, path=path)
    assert (again.status, again.rows, count_screened) == (Upload.Status.LOADED, 30, [2])
    assert _stored(dataset) == screened and len(screened) == 30
