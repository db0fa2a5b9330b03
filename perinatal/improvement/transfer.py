"""Moving cases from the previous programme: the import files read and checked whole, and the
export rows (docs/rules/improvement.md §3).

`read_transfer` reads the cases file and, when given, the meetings and escalations files
(CSV, UTF-8 with or without a byte-order mark, a header row) into typed rows. The set is
checked whole: every problem of every file is named with its file, line (the header is
line 1) and column, and `TransferRefused` is raised with all of them, so the caller stores
nothing from a bad set. Cells are read by the dashboard's cell rules (`parse_cell`: dates
``YYYY-MM-DD``, identifiers, ODS codes, choices), so a date or a code means the same in
every file the platform reads.

`export_rows` computes the export of docs/rules/improvement.md §3 from the clocks
(`perinatal.improvement.clocks`): one row per case, ordered by ``case_id``.

Framework-free: the Django layer passes the trust codes of the organisation register and each
trust's region code, stores a good set, and prints the rows.

**policy** (docs/rules/improvement.md §3):
- columns may come in any order (matched by name); a column the file does not define is
  refused, so a misspelt column is not silently dropped; a line with no content is skipped;
- a trust code must be in the register exactly as written (an ODS code in capitals; a code
  written in small letters is refused with the right one suggested);
- a meeting or an escalation must belong to a case of the same cases file (a case is replaced
  with its whole history), and is not dated before that case's identification;
- the same meeting (case, kind and date) twice, or the same case twice, is refused, naming
  both lines; an escalation needs its reason.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.datasets.cells import CellProblem, parse_cell
from perinatal.dashboard.datasets.csv_input import read_csv
from perinatal.dashboard.datasets.schema import KIND_CODE, KIND_DATE, KIND_ENUM, KIND_ID, Column
from perinatal.kernel.tabular_problems import FileRefused, LineProblem

from .clocks import (
    ESCALATION_LEVELS,
    MEETING_KINDS,
    CaseClocks,
    CaseTimeline,
    Escalation,
    Meeting,
    case_date_problems,
    clocks_of,
    escalation_date_problem,
)

__all__ = [
    "CASE_COLUMNS",
    "CONCERN_TYPES",
    "ESCALATION_COLUMNS",
    "EXPORT_COLUMNS",
    "MEETING_COLUMNS",
    "CaseRow",
    "EscalationRow",
    "ExportCase",
    "ExportRow",
    "MeetingRow",
    "TransferRefused",
    "TransferSet",
    "export_row",
    "export_rows",
    "read_transfer",
]

#: The concern a case entered on (docs/rules/improvement.md §1, §3): a CQC rating or warning
#: notice; MOSS signals; dashboard special cause or outlier; Perinatal Quality Oversight Model
#: escalation; MNSI, HSSIB or coroner findings; whistleblowing or soft intelligence; national
#: oversight segment.
CONCERN_TYPES = ("cqc", "moss", "dashboard", "oversight", "investigation", "intelligence", "segment")

CODE_DATE_ORDER = "date_order"
CODE_UNKNOWN_CASE = "unknown_case"
CODE_BEFORE_IDENTIFICATION = "before_identification"


def _column(name: str, kind: str, *, required: bool, choices: tuple[str, ...] = ()) -> Column:
    return Column(name, kind, required, description=name, choices=choices)


_CASE_ID = _column("case_id", KIND_ID, required=True)
_CASE_FILE_COLUMNS = (
    _CASE_ID,
    _column("trust_code", KIND_CODE, required=True),
    _column("identified_on", KIND_DATE, required=True),
    _column("concern_type", KIND_ENUM, required=True, choices=CONCERN_TYPES),
    _column("diagnostic_completed_on", KIND_DATE, required=False),
    _column("plan_agreed_on", KIND_DATE, required=False),
    _column("exited_on", KIND_DATE, required=False),
)
_MEETING_FILE_COLUMNS = (
    _CASE_ID,
    _column("kind", KIND_ENUM, required=True, choices=MEETING_KINDS),
    _column("held_on", KIND_DATE, required=True),
)
_REASON = "reason"  # free text: no cell rule but "not empty"
_ESCALATION_FILE_COLUMNS = (
    _CASE_ID,
    _column("level", KIND_ENUM, required=True, choices=ESCALATION_LEVELS),
    _column("escalated_on", KIND_DATE, required=True),
    _column("deescalated_on", KIND_DATE, required=False),
)

CASE_COLUMNS = tuple(column.name for column in _CASE_FILE_COLUMNS)
MEETING_COLUMNS = tuple(column.name for column in _MEETING_FILE_COLUMNS)
ESCALATION_COLUMNS = ("case_id", "level", "escalated_on", _REASON, "deescalated_on")

EXPORT_COLUMNS = (
    "case_id",
    "trust_code",
    "region_code",
    "stage",
    "identified_on",
    "diagnostic_due_on",
    "diagnostic_status",
    "plan_agreed_on",
    "executive_meetings_missed",
    "quarterly_reviews_missed",
    "escalation_level",
    "exited_on",
)

Source = str | os.PathLike[str] | TextIO


# --- typed rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """A line of the cases file."""

    line: int
    case_id: str
    trust_code: str
    identified_on: date
    concern_type: str
    diagnostic_completed_on: date | None
    plan_agreed_on: date | None
    exited_on: date | None


@dataclass(frozen=True)
class MeetingRow:
    """A line of the meetings file."""

    line: int
    case_id: str
    kind: str
    held_on: date


@dataclass(frozen=True)
class EscalationRow:
    """A line of the escalations file."""

    line: int
    case_id: str
    level: str
    escalated_on: date
    reason: str
    deescalated_on: date | None


@dataclass(frozen=True)
class TransferSet:
    """A set of files read without a single problem: the cases with their meetings and escalations."""

    cases: tuple[CaseRow, ...]
    meetings: tuple[MeetingRow, ...] = ()
    escalations: tuple[EscalationRow, ...] = ()

    def meetings_of(self, case_id: str) -> tuple[MeetingRow, ...]:
        return tuple(row for row in self.meetings if row.case_id == case_id)

    def escalations_of(self, case_id: str) -> tuple[EscalationRow, ...]:
        return tuple(row for row in self.escalations if row.case_id == case_id)

    def timeline(self, case_id: str) -> CaseTimeline:
        """What the clocks read of one case of the set."""
        case = next((row for row in self.cases if row.case_id == case_id), None)
        if case is None:
            raise KeyError(case_id)
        return CaseTimeline(
            identified_on=case.identified_on,
            diagnostic_completed_on=case.diagnostic_completed_on,
            plan_agreed_on=case.plan_agreed_on,
            exited_on=case.exited_on,
            meetings=tuple(Meeting(row.kind, row.held_on) for row in self.meetings_of(case_id)),
            escalations=tuple(
                Escalation(row.level, row.escalated_on, row.deescalated_on) for row in self.escalations_of(case_id)
            ),
        )


class TransferRefused(FileRefused):
    """A set of files refused whole: ``by_file`` maps each file's name to its problems (files
    without problems are left out); ``problems`` holds them all, and the message names the file
    of each."""

    def __init__(self, by_file: Mapping[str, Sequence[LineProblem]]):
        self.by_file = {name: list(problems) for name, problems in by_file.items() if problems}
        super().__init__([problem for problems in self.by_file.values() for problem in problems])
        self.args = ("; ".join(self.lines()[:20]),)

    def lines(self) -> list[str]:
        """Every problem on its own line, its file named first (what the command prints)."""
        return [_naming(name, problem) for name, problems in self.by_file.items() for problem in problems]


def _naming(name: str, problem: LineProblem) -> str:
    where = problem.location()
    return f"{name}, {where}: {problem.message}" if where else f"{name}: {problem.message}"


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    number: int
    cells: Mapping[str, str]


class _File:
    """One file being read: its name for messages and its problems."""

    def __init__(self, source: Source, role: str) -> None:
        self.source = source
        self.name = _name_of(source, role)
        self.problems: list[LineProblem] = []
        self.readable = False  # its lines could be read (its text and header were usable)

    def problem(self, line: int | None, column: str | None, message: str, code: str = "") -> None:
        self.problems.append(LineProblem(line, column, message, code=code))

    def lines(self, columns: Sequence[str]) -> list[_Line]:
        """The lines after the header, as column name → stripped cell; [] when the file cannot be read."""
        text = self._text()
        if text is None:
            return []
        header, records = read_csv(io.StringIO(text, newline=""))
        positions = self._header(header, columns)
        if positions is None:
            return []
        self.readable = True
        lines: list[_Line] = []
        previous = p.HEADER_LINE
        try:
            for record in records:
                previous = record.line
                if not any(cell.strip() for cell in record.cells):
                    continue
                if len(record.cells) != len(header):
                    self.problem(
                        record.line,
                        None,
                        f"this line has {len(record.cells)} values but the header has {len(header)} columns",
                        p.ERR_WRONG_CELL_COUNT,
                    )
                    continue
                cells = {name: record.cells[index].strip() for name, index in positions.items()}
                lines.append(_Line(record.line, cells))
        except csv.Error as error:  # an unclosed quote, a NUL byte
            self.problem(previous + 1, None, f"the file cannot be read as CSV after line {previous}: {error}")
        return lines

    def _text(self) -> str | None:
        if isinstance(self.source, (str, os.PathLike)):
            try:
                with open(self.source, "rb") as handle:
                    data = handle.read()
            except OSError as error:
                self.problem(None, None, f"cannot be read ({error.strerror})")
                return None
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                self.problem(data[: error.start].count(b"\n") + 1, None, "is not UTF-8 text")
                return None
        try:
            return self.source.read()
        except UnicodeDecodeError:
            self.problem(None, None, "is not UTF-8 text")
            return None

    def _header(self, header: Sequence[str], columns: Sequence[str]) -> dict[str, int] | None:
        """Column name → position; None when no line can be read (problems named on line 1)."""
        names = [name.strip() for name in header]
        if not any(names):
            self.problem(p.HEADER_LINE, None, f"line 1 must be the header row: {','.join(columns)}", p.ERR_EMPTY_FILE)
            return None
        positions: dict[str, int] = {}
        readable = True
        for index, name in enumerate(names):
            if name in positions:
                self.problem(p.HEADER_LINE, name, "the column appears more than once", p.ERR_DUPLICATE_COLUMN)
                readable = False
            elif name in columns:
                positions[name] = index
            else:
                hint = next((f" (did you mean {known}?)" for known in columns if known.lower() == name.lower()), "")
                self.problem(
                    p.HEADER_LINE,
                    name or f"number {index + 1}",
                    f"is not a column of this file: its columns are {', '.join(columns)}{hint}",
                    p.ERR_UNKNOWN_COLUMN,
                )
        for name in columns:
            if name not in positions:
                self.problem(p.HEADER_LINE, name, "the column is missing from the header", p.ERR_MISSING_COLUMN)
                readable = False
        return positions if readable else None

    def cells(self, line: _Line, columns: Sequence[Column]) -> dict[str, Any]:
        """The typed values of the cells that can be read; each one that cannot is named (and left out),
        so the checks across cells still run on the others and one reading shows every problem."""
        values: dict[str, Any] = {}
        for column in columns:
            try:
                values[column.name] = parse_cell(column=column, raw=line.cells[column.name])
            except CellProblem as problem:
                self.problem(line.number, column.name, problem.message, problem.code)
        return values


def _name_of(source: Source, role: str) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else f"the {role} file"


def read_transfer(
    *,
    cases: Source,
    meetings: Source | None = None,
    escalations: Source | None = None,
    known_trust_codes: Collection[str],
) -> TransferSet:
    """Read and check a set of files whole (docs/rules/improvement.md §3).

    ``cases``, ``meetings`` and ``escalations`` are paths or open text streams (opened with
    ``newline=""``); ``known_trust_codes`` the trust codes of the organisation register.
    Returns the typed rows, or raises `TransferRefused` naming every problem of every file.
    """
    case_file = _File(cases, "cases")
    case_rows, case_lines = _read_cases(case_file, known_trust_codes)
    known_cases = _Cases(case_file, case_rows, case_lines)
    files = [case_file]
    meeting_rows: list[MeetingRow] = []
    escalation_rows: list[EscalationRow] = []
    if meetings is not None:
        meeting_file = _File(meetings, "meetings")
        meeting_rows = _read_meetings(meeting_file, known_cases)
        files.append(meeting_file)
    if escalations is not None:
        escalation_file = _File(escalations, "escalations")
        escalation_rows = _read_escalations(escalation_file, known_cases)
        files.append(escalation_file)
    if any(file.problems for file in files):
        by_file: dict[str, list[LineProblem]] = {}
        for file in files:
            by_file.setdefault(file.name, []).extend(file.problems)
        raise TransferRefused(by_file)
    return TransferSet(
        cases=tuple(case_rows.values()), meetings=tuple(meeting_rows), escalations=tuple(escalation_rows)
    )


def _read_cases(file: _File, known_trust_codes: Collection[str]) -> tuple[dict[str, CaseRow], dict[str, int]]:
    """The good case rows by case_id, and the line of every case_id the file holds (good or not),
    so that a meeting of a case whose line has a problem is not also called unknown."""
    rows: dict[str, CaseRow] = {}
    first_line: dict[str, int] = {}
    for line in file.lines(CASE_COLUMNS):
        problems_before = len(file.problems)
        case_id = line.cells["case_id"]
        if case_id in first_line:
            file.problem(
                line.number, "case_id", f"case {case_id} is also on line {first_line[case_id]}", p.ERR_DUPLICATE_KEY
            )
        elif case_id:
            first_line[case_id] = line.number
        values = file.cells(line, _CASE_FILE_COLUMNS)
        trust_code = values.get("trust_code")
        if trust_code is not None and trust_code not in known_trust_codes:
            hint = f" (did you mean {trust_code.upper()}?)" if trust_code.upper() in known_trust_codes else ""
            file.problem(
                line.number, "trust_code", f"{trust_code} is not a trust in the register{hint}", p.ERR_UNKNOWN_TRUST
            )
        if all(name in values for name in _CASE_DATES):
            for problem in case_date_problems(**{name: values[name] for name in _CASE_DATES}):
                file.problem(line.number, problem.field, problem.message, CODE_DATE_ORDER)
        if len(file.problems) == problems_before:
            rows[case_id] = CaseRow(line=line.number, **values)
    return rows, first_line


_CASE_DATES = ("identified_on", "diagnostic_completed_on", "plan_agreed_on", "exited_on")


class _Cases:
    """The cases file as the meetings and escalations files see it."""

    def __init__(self, file: _File, rows: Mapping[str, CaseRow], lines: Mapping[str, int]) -> None:
        self.name = file.name
        # A cases file that could not be read at all is named already; calling every meeting's
        # case unknown too would bury that one problem under many.
        self.readable = file.readable
        self.rows = rows
        self.lines = lines

    def check(self, file: _File, line: _Line, values: Mapping[str, Any], *, day_column: str) -> None:
        """The line's case is in the cases file, and was identified on or before the line's
        date (checked when the case's own line is good)."""
        case_id = values.get("case_id")
        if case_id is None or not self.readable:
            return
        if case_id not in self.lines:
            file.problem(line.number, "case_id", f"case {case_id} is not in {self.name}", CODE_UNKNOWN_CASE)
            return
        case = self.rows.get(case_id)
        day = values.get(day_column)
        if case is not None and day is not None and day < case.identified_on:
            file.problem(
                line.number,
                day_column,
                f"{day.isoformat()} is before the case was identified ({case.identified_on.isoformat()})",
                CODE_BEFORE_IDENTIFICATION,
            )


def _read_meetings(file: _File, cases: _Cases) -> list[MeetingRow]:
    rows: list[MeetingRow] = []
    seen: dict[tuple[str, str, date], int] = {}
    for line in file.lines(MEETING_COLUMNS):
        problems_before = len(file.problems)
        values = file.cells(line, _MEETING_FILE_COLUMNS)
        cases.check(file, line, values, day_column="held_on")
        if len(file.problems) > problems_before:
            continue
        row = MeetingRow(line=line.number, **values)
        key = (row.case_id, row.kind, row.held_on)
        if key in seen:
            file.problem(line.number, None, f"the same meeting is also on line {seen[key]}", p.ERR_DUPLICATE_KEY)
            continue
        seen[key] = line.number
        rows.append(row)
    return rows


def _read_escalations(file: _File, cases: _Cases) -> list[EscalationRow]:
    rows: list[EscalationRow] = []
    for line in file.lines(ESCALATION_COLUMNS):
        problems_before = len(file.problems)
        values = file.cells(line, _ESCALATION_FILE_COLUMNS)
        values[_REASON] = line.cells[_REASON]
        if not values[_REASON]:
            file.problem(line.number, _REASON, f"{_REASON} is empty; it is required", p.ERR_REQUIRED)
        if "escalated_on" in values and "deescalated_on" in values:
            order = escalation_date_problem(
                escalated_on=values["escalated_on"], deescalated_on=values["deescalated_on"]
            )
            if order is not None:
                file.problem(line.number, "deescalated_on", order, CODE_DATE_ORDER)
        cases.check(file, line, values, day_column="escalated_on")
        if len(file.problems) == problems_before:
            rows.append(EscalationRow(line=line.number, **values))
    return rows


# --- the export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportCase:
    """What the export needs of a stored case: its identity, its trust's region, its timeline."""

    case_id: str
    trust_code: str
    region_code: str
    timeline: CaseTimeline


@dataclass(frozen=True)
class ExportRow:
    """A row of ``perinatal improvement export``, the columns of docs/rules/improvement.md §3 in order."""

    case_id: str
    trust_code: str
    region_code: str
    stage: str
    identified_on: date
    diagnostic_due_on: date
    diagnostic_status: str
    plan_agreed_on: date | None
    executive_meetings_missed: int
    quarterly_reviews_missed: int
    escalation_level: str
    exited_on: date | None

    def as_dict(self) -> dict[str, str | int | None]:
        """Column → value, dates ``YYYY-MM-DD`` and an empty date None (JSON's null)."""
        return {column: _plain(getattr(self, column)) for column in EXPORT_COLUMNS}

    def cells(self) -> list[str | int]:
        """The values in column order, an empty date "" (a CSV line)."""
        return ["" if value is None else value for value in self.as_dict().values()]


def _plain(value: object) -> str | int | None:
    if isinstance(value, date):
        return value.isoformat()
    return value  # type: ignore[return-value]


def _reached(day: date | None, as_of: date) -> date | None:
    return day if day is not None and day <= as_of else None


def export_row(case: ExportCase, *, as_of: date) -> ExportRow:
    """The case as it stood on ``as_of``: its clocks, and its dates up to ``as_of`` (a plan or
    an exit dated later is not shown, **policy**, so the dates agree with the stage)."""
    clocks: CaseClocks = clocks_of(case.timeline, as_of)
    return ExportRow(
        case_id=case.case_id,
        trust_code=case.trust_code,
        region_code=case.region_code,
        stage=clocks.stage,
        identified_on=case.timeline.identified_on,
        diagnostic_due_on=clocks.diagnostic_due_on,
        diagnostic_status=clocks.diagnostic_status,
        plan_agreed_on=_reached(case.timeline.plan_agreed_on, as_of),
        executive_meetings_missed=clocks.executive_meetings_missed,
        quarterly_reviews_missed=clocks.quarterly_reviews_missed,
        escalation_level=clocks.escalation_level,
        exited_on=_reached(case.timeline.exited_on, as_of),
    )


def export_rows(cases: Iterable[ExportCase], *, as_of: date) -> list[ExportRow]:
    """One row per case identified on or before ``as_of`` (**policy**: a case identified later
    did not exist yet), ordered by ``case_id``."""
    return [
        export_row(case, as_of=as_of)
        for case in sorted(cases, key=lambda case: case.case_id)
        if case.timeline.identified_on <= as_of
    ]
