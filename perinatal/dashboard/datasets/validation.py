"""Streaming validation of a dataset upload: typed records out, errors and notes collected.

Spec: docs/rules/dashboard.md §1. "An upload is validated whole before anything is stored: every bad
row is reported with its physical line number (the header is line 1), column and reason,
and nothing from that file is kept." The caller stores the records only when, after the
iteration, `Validation.ok` is true. A duplicate natural key within one file is an error
that names both lines. Header problems are reported on line 1.

**policy**: columns may come in any order (they are matched by name); a line with no
content at all is skipped and counted in a note; an unknown extra column is an error but
the rows are still checked, so one upload shows every problem; a missing or repeated
column stops the check after the header, since no row could be read. A column with an
alternative (schema.AlternativeColumn: `imd_rank` for `imd_quintile`) may be given under
either name, never both; a problem in it names the column the file gave.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

from perinatal.kernel.london_time import to_utc
from perinatal.kernel.tabular_problems import LineProblem

from . import problems as p
from .cells import CellProblem, parse_cell
from .csv_input import CsvRow, read_csv
from .deprivation import MOST_DEPRIVED_FIRST
from .row_rules import RULES_FOR_DATASET, Register, UnitsRules
from .schema import SCHEMAS, Column, DatasetSchema

_BOM = "\ufeff"

#: The checks that need an in-memory index of every row; skipped with `index_rows=False`.
ROW_INDEX_CHECKS = (
    p.ERR_DUPLICATE_KEY,
    p.DQ_BLOOD_LOSS_DIFFERS,
    p.DQ_ETHNIC_GROUP_DIFFERS,
    p.DQ_IMD_QUINTILE_DIFFERS,
)

#: How one schema column is read: its name, the column the file gives (itself or its
#: alternative), and the conversion of an alternative's value (None: none).
_Reader = tuple[str, Column, Any]


class Validation:
    """One pass over one upload. Iterate it once for the valid records; then read
    `errors` (the first `keep_errors`, all when None), `error_count`, `notes`, `ok`
    and, for units.csv, `new_sites`.

    `index_rows=False` keeps memory flat whatever the file size: the two checks that index
    every row in memory (`ROW_INDEX_CHECKS`) are then left to the caller, which must run
    them over the rows it staged (the dashboard import does, in SQL).
    """

    def __init__(
        self,
        *,
        schema: DatasetSchema,
        rows: Iterable[Any],
        header: Sequence[str] | None,
        register: Register,
        keep_errors: int | None,
        index_rows: bool = True,
        quintile_order: str = MOST_DEPRIVED_FIRST,
    ) -> None:
        self.schema = schema
        self.errors: list[LineProblem] = []
        self.error_count = 0
        self.notes: list[p.DataQualityNote] = []
        self.records_accepted = 0
        self.finished = False
        self._rows = rows
        self._header = header
        self._rules = RULES_FOR_DATASET[schema.name](register, quintile_order=quintile_order)
        self._keep_errors = keep_errors
        self._index_rows = index_rows
        self.current_line = p.HEADER_LINE  # the physical line of the record last yielded
        self._rules.index_rows = index_rows
        self._started = False
        self._header_width: int | None = None
        self._readers: list[_Reader] | None = None  # from the header; per row for headerless mappings
        self._columns_checked = False

    @property
    def ok(self) -> bool:
        """True once the whole upload was read without a single error."""
        return self.finished and self.error_count == 0

    @property
    def new_sites(self) -> dict[str, str]:
        """Sites that units.csv adds to the register: site_code -> trust_code."""
        return dict(self._rules.new_sites) if isinstance(self._rules, UnitsRules) else {}

    def __iter__(self) -> Iterator[Any]:
        if self._started:
            raise RuntimeError("a Validation can be iterated only once")
        self._started = True
        return self._run()

    def records(self) -> list[Any]:
        """Read the whole upload; the valid records (store them only if `ok`)."""
        return list(self)

    # --- internals --------------------------------------------------------------------
    def _error(self, line: int, column: str | None, code: str, message: str) -> None:
        self.error_count += 1
        if self._keep_errors is None or len(self.errors) < self._keep_errors:
            self.errors.append(LineProblem(line, column, message, code=code))

    def _run(self) -> Iterator[Any]:
        positions: dict[str, int] | None = None
        if self._header is not None:
            positions = self._check_header(self._header)
            if positions is None:
                self._finish(blank_lines=[])
                return
        key_lines: dict[tuple[Any, ...], int] = {}
        blank_lines: list[int] = []
        line = p.HEADER_LINE
        rows = iter(self._rows)
        while True:
            try:
                item = next(rows)
            except StopIteration:
                break
            except csv.Error as error:
                self._error(
                    line + 1, None, p.ERR_UNREADABLE_CSV, f"the file cannot be read as CSV after line {line}: {error}"
                )
                break
            if isinstance(item, CsvRow):
                line, cells = item.line, item.cells
            else:
                line, cells = line + 1, item
            raw = self._raw_values(cells, positions, line)
            if raw is None:
                continue
            if all(value == "" for value in raw.values()):
                blank_lines.append(line)
                continue
            record = self._check_row(raw, line, key_lines)
            if record is not None:
                self.records_accepted += 1
                self.current_line = line  # for a caller running ROW_INDEX_CHECKS itself
                yield record
        self._finish(blank_lines=blank_lines)

    def _finish(self, *, blank_lines: list[int]) -> None:
        self.notes = self._rules.finish()
        if blank_lines:
            self.notes.append(
                p.DataQualityNote(
                    p.DQ_BLANK_LINES,
                    f"{len(blank_lines)} empty line(s) were skipped",
                    len(blank_lines),
                    tuple(blank_lines[: p.NOTE_EXAMPLE_LINES]),
                )
            )
        self.finished = True

    def _check_header(self, header: Sequence[str]) -> dict[str, int] | None:
        """Column name -> position; None when no row can be read (errors reported on line 1)."""
        names = [str(name).strip() for name in header]
        if names and names[0].startswith(_BOM):
            names[0] = names[0][len(_BOM) :].strip()
        expected = self.schema.column_names
        if not any(names):
            self._error(p.HEADER_LINE, None, p.ERR_EMPTY_FILE, f"line 1 must be the header row: {','.join(expected)}")
            return None
        alternatives = self.schema.alternatives
        found: dict[str, int] = {}  # header name -> position
        fatal = False
        for index, name in enumerate(names):
            if name in found:
                self._error(
                    p.HEADER_LINE, name, p.ERR_DUPLICATE_COLUMN, f"column {name} appears more than once in the header"
                )
                fatal = True
            elif name in expected or name in alternatives:
                found[name] = index
            else:
                known_names = (*expected, *alternatives)
                hint = next((f" (did you mean {known}?)" for known in known_names if known.lower() == name.lower()), "")
                shown = name if name else f"number {index + 1} (no name)"
                self._error(
                    p.HEADER_LINE,
                    name or None,
                    p.ERR_UNKNOWN_COLUMN,
                    f"column {shown} is not a column of {self.schema.name}.csv{hint}",
                )
        used, problems = _columns_used(self.schema, found)
        for column, code, message in problems:
            self._error(p.HEADER_LINE, column, code, message)
            fatal = True
        self._header_width = len(names)
        if fatal:
            return None
        self._readers = _readers(self.schema, used)
        self._check_columns(used, p.HEADER_LINE)
        return {name: found[used[name]] for name in expected}

    def _check_columns(self, used: Mapping[str, str], line: int) -> None:
        """The dataset's rules on the columns given, once per upload."""
        if not self._columns_checked:
            self._columns_checked = True
            for column, code, message in self._rules.check_columns(used):
                self._error(line, column, code, message)

    def _raw_values(self, cells: Any, positions: dict[str, int] | None, line: int) -> dict[str, str] | None:
        """Column name -> stripped text for the schema's columns; None if the row is unusable."""
        if isinstance(cells, Mapping):
            return self._raw_from_mapping(cells, line)
        if positions is None:
            raise ValueError("rows given as lists need the header")
        if not any(str(cell).strip() for cell in cells):
            return {name: "" for name in positions}  # a blank line, whatever its width
        if len(cells) != self._header_width:
            self._error(
                line,
                None,
                p.ERR_WRONG_CELL_COUNT,
                f"this line has {len(cells)} values but the header has {self._header_width} columns",
            )
            return None
        return self._as_text({name: cells[index] for name, index in positions.items()}, line)

    def _raw_from_mapping(self, cells: Mapping[Any, Any], line: int) -> dict[str, str] | None:
        expected = self.schema.column_names
        usable = True
        if self._header is None:  # no header: every mapping must carry exactly the columns
            alternatives = self.schema.alternatives
            for key in cells:
                if key not in expected and key not in alternatives:
                    self._error(
                        line, str(key), p.ERR_UNKNOWN_COLUMN, f"{key} is not a column of {self.schema.name}.csv"
                    )
                    usable = False
            used, problems = _columns_used(self.schema, {name: 0 for name in cells if isinstance(name, str)})
            for column, code, message in problems:
                if code == p.ERR_MISSING_COLUMN:
                    message = message.replace("from the header", "from this row")
                self._error(line, column, code, message)
                usable = False
            if usable:
                self._readers = _readers(self.schema, used)
                self._check_columns(used, line)
        elif None in cells:  # csv.DictReader puts surplus cells under the key None
            self._error(line, None, p.ERR_WRONG_CELL_COUNT, "this line has more values than the header has columns")
            return None
        else:
            used = {name: column.name for name, column, _ in self._readers or ()}
            for name in expected:
                if used.get(name, name) not in cells:
                    self._error(line, name, p.ERR_MISSING_COLUMN, f"{name} is missing from this row")
                    usable = False
        if not usable:
            return None
        if self._header is not None and any(cells[used[name]] is None for name in expected):
            # csv.DictReader fills absent trailing cells with None
            self._error(line, None, p.ERR_WRONG_CELL_COUNT, "this line has fewer values than the header has columns")
            return None
        return self._as_text({name: cells[used[name]] for name in expected}, line)

    def _as_text(self, values: dict[str, Any], line: int) -> dict[str, str] | None:
        """Cells as stripped text; values given over the API as numbers or booleans are accepted."""
        text: dict[str, str] = {}
        for name, value in values.items():
            if type(value) is str:  # the usual case, first
                text[name] = value.strip()
            elif value is None:
                text[name] = ""
            elif isinstance(value, bool):
                text[name] = "1" if value else "0"
            elif isinstance(value, (str, int, float, Decimal)):
                text[name] = str(value).strip()
            else:
                self._error(
                    line,
                    name,
                    p.ERR_NOT_TEXT,
                    f"{name} must be text, a number or a boolean, not {type(value).__name__}",
                )
                return None
        return text

    def _check_row(self, raw: dict[str, str], line: int, key_lines: dict[tuple[Any, ...], int]) -> Any | None:
        values: dict[str, Any] = {}
        problems: list[tuple[str | None, str, str]] = []
        for name, column, to_value in self._readers or _readers(self.schema, {}):
            try:
                value = parse_cell(column=column, raw=raw[name])
            except CellProblem as problem:
                problems.append((column.name, problem.code, problem.message))
                continue
            values[name] = value if to_value is None or value is None else to_value(value)
        problems.extend(self._rules.check(values))
        if self._index_rows and all(values.get(name) is not None for name in self.schema.key):
            key = tuple(_key_part(values[name]) for name in self.schema.key)
            first_line = key_lines.setdefault(key, line)
            if first_line != line:
                shown = ", ".join(raw[name] for name in self.schema.key)
                problems.append(
                    (
                        " + ".join(self.schema.key),
                        p.ERR_DUPLICATE_KEY,
                        f"line {first_line} and line {line} have the same "
                        f"{' + '.join(self.schema.key)} ({shown}); each may appear "
                        "only once in a file",
                    )
                )
        for column, code, message in problems:
            self._error(line, column, code, message)
        if problems:
            return None
        self._rules.prepare(values, line)
        record = self.schema.record_type(**values)
        self._rules.observe(record, line)
        return record


def _columns_used(schema: DatasetSchema, found: Mapping[str, int]) -> tuple[dict[str, str], list]:
    """Schema column -> the name the file gives it under (itself or its alternative), and the
    problems: a column missing, or given under both names."""
    used: dict[str, str] = {}
    problems = []
    for column in schema.columns:
        alternative = None if column.alternative is None else column.alternative.column.name
        if column.name in found and alternative in found:
            problems.append(
                (
                    alternative,
                    p.ERR_COLUMN_AND_ALTERNATIVE,
                    f"give column {column.name} or column {alternative}, not both",
                )
            )
        elif column.name in found:
            used[column.name] = column.name
        elif alternative in found:
            used[column.name] = alternative
        else:
            instead = f" (or give {alternative} instead)" if alternative else ""
            problems.append(
                (column.name, p.ERR_MISSING_COLUMN, f"column {column.name} is missing from the header{instead}")
            )
    return used, problems


def _readers(schema: DatasetSchema, used: Mapping[str, str]) -> list[_Reader]:
    readers: list[_Reader] = []
    for column in schema.columns:
        if column.alternative is not None and used.get(column.name) == column.alternative.column.name:
            readers.append((column.name, column.alternative.column, column.alternative.to_value))
        else:
            readers.append((column.name, column, None))
    return readers


def _key_part(value: Any) -> Any:
    # Timestamps in a key are compared as instants.
    return to_utc(value) if isinstance(value, datetime) else value


def validate_rows(
    dataset: str,
    rows: Iterable[Any],
    *,
    known_trusts: Collection[str],
    known_sites: Mapping[str, str | Collection[str]],
    header: Sequence[str] | None = None,
    known_units: Mapping[str, Any] | None = None,
    keep_errors: int | None = None,
    index_rows: bool = True,
    quintile_order: str = MOST_DEPRIVED_FIRST,
    only_trust: str | None = None,
) -> Validation:
    """Validate `rows` of dataset `dataset` (a name of docs/rules/dashboard.md §1, e.g. "births").

    rows: lists of cells (then `header` is required), `CsvRow`s (physical lines kept), or
    mappings column -> value (from csv.DictReader with `header=reader.fieldnames`, or from
    the API with `header=None`, when each mapping must have exactly the dataset's columns).
    Without `CsvRow`s, the n-th row is taken to be on line n + 1.
    known_sites: site_code -> trust_code, or -> the trust codes the site may be named under
    (e.g. before and after a dated transfer). known_units: unit_code -> UnitRecord or a
    mapping of its fields (needed for unit_status).
    keep_errors: keep only the first N errors (all are still counted in `error_count`).
    index_rows: False skips `ROW_INDEX_CHECKS` so that memory stays flat (see Validation).
    quintile_order: how the file numbers imd_quintile (deprivation.QUINTILE_ORDERS; births
    only); least deprived first is stored reversed, with a note (docs/rules/equity.md §1).
    only_trust: a trust's own upload (docs/rules/dashboard.md §5): a row naming any other trust is
    an error.
    """
    if dataset not in SCHEMAS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(SCHEMAS)}")
    register = Register.build(
        known_trusts=known_trusts, known_sites=known_sites, known_units=known_units, only_trust=only_trust
    )
    return Validation(
        schema=SCHEMAS[dataset],
        rows=rows,
        header=header,
        register=register,
        keep_errors=keep_errors,
        index_rows=index_rows,
        quintile_order=quintile_order,
    )


def validate_csv(
    dataset: str,
    stream: TextIO,
    *,
    known_trusts: Collection[str],
    known_sites: Mapping[str, str | Collection[str]],
    known_units: Mapping[str, Any] | None = None,
    keep_errors: int | None = None,
    index_rows: bool = True,
    quintile_order: str = MOST_DEPRIVED_FIRST,
) -> Validation:
    """Validate a CSV stream (opened with newline="", encoding="utf-8-sig") of `dataset`."""
    header, rows = read_csv(stream)
    return validate_rows(
        dataset,
        rows,
        known_trusts=known_trusts,
        known_sites=known_sites,
        header=header,
        known_units=known_units,
        keep_errors=keep_errors,
        index_rows=index_rows,
        quintile_order=quintile_order,
    )
