"""Screen a births file column by column; explain only the lines that may be wrong.

docs/adr/0024-vectorised-import.md. Checking every row through the row validator
(datasets.validation) costs tens of microseconds a row. Here a chunk of lines is cut into
columns and each column is checked at once: a cell is parsed by the validator's own
`parse_cell` the first time its text is seen and looked up after that (a births file has a
few thousand distinct dates, weights and codes), and the trust and site of a row by the
rules' own register check, once per pair. A line is *clean* when every cell parsed and
nothing about it could raise an error or a data-quality note; its staged row is written
straight away. Every other line is *flagged* and handed, with its physical line number, to
one row validator that reads only the flagged lines, so each error and note is the one it
has always given, word for word.

The screen may flag a line that is fine (the validator then accepts it); it must never pass
a line the validator would refuse or note. It therefore passes only rows with a known
gestation of 22+0 weeks or more, a termination cell given, and no neonatal death: the
rows that no note and no rule between cells concerns. A file the screen cannot cut into
lines the way the csv module does (a quote character, a carriage return not before a line
feed, a NUL byte, a cell longer than the csv module takes) raises `Unscreenable`, and the
caller checks it the old way.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from typing import Any

from perinatal.dashboard.datasets.cells import ID_MAX_LENGTH, CellProblem, parse_cell
from perinatal.dashboard.datasets.csv_input import CsvRow
from perinatal.dashboard.datasets.row_rules import RULES_FOR_DATASET, Register
from perinatal.dashboard.datasets.schema import SCHEMAS, Column
from perinatal.kernel import clinical

from .register_snapshot import RegisterSnapshot
from .tables import TABLES

#: Datasets with a screen.
SCREENED = frozenset({"births"})
#: The csv module's default field size limit; a longer line is left to it.
_LONGEST_LINE = 100_000
#: A column's cache of checked cells is emptied past this size, so memory stays flat.
_MEMO_LIMIT = 200_000

_BAD = object()  # a cell, or a trust and site, that must be explained by the validator
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]*")
_DIGITS_AND_SEPARATORS = re.compile(r"[\d -]+")  # could be an NHS number: leave it to the validator


class Unscreenable(Exception):
    """The file's lines are not plain comma-separated lines: check it the old way."""


def screenable_header(dataset: str, header: list[str]) -> bool:
    """Only the plain shape is screened: the dataset's columns, in order, under their names."""
    names = [name.strip() for name in header]
    if names and names[0].startswith("\ufeff"):
        names[0] = names[0][1:].strip()
    return dataset in SCREENED and tuple(names) == SCHEMAS[dataset].column_names


def _text(value: Any) -> str:
    """A staged cell as csv.writer writes it (None is empty)."""
    return "" if value is None else str(value)


def _staged_flag(value: bool | None) -> str:
    return "" if value is None else "1" if value else "0"


class BirthsScreen:
    """Screens chunks of lines of one births file (the header checked by the caller)."""

    def __init__(self, *, register: RegisterSnapshot) -> None:
        self._register = register
        schema = SCHEMAS["births"]
        self._width = len(schema.columns)
        self._rules = RULES_FOR_DATASET["births"](
            Register.build(
                known_trusts=register.trust_ids.keys(),
                known_sites=register.site_trusts,
                known_units=register.known_units,
                only_trust=register.only_trust,
            )
        )
        self._places: dict[tuple[str, str], Any] = {}
        index = {column.name: position for position, column in enumerate(schema.columns)}
        # Each file column with its staged text: (position, column, staged text of a value
        # or _BAD when the value calls for the validator).
        self._index = index
        column = schema.column

        def passing(*, unless: Callable[[Any], bool], text: Callable[[Any], str] = _text):
            return lambda value: _BAD if unless(value) else text(value)

        never = lambda value: False  # noqa: E731 - a predicate, named for reading
        self._cells: dict[str, tuple[Column, Callable[[Any], Any]]] = {
            "born_on": (column("born_on"), passing(unless=never, text=lambda day: day.isoformat())),
            # tables._birth_cells; a note concerns rows of unknown gestation or under 22+0 weeks.
            "gestation_days": (
                column("gestation_days"),
                passing(unless=lambda days: days is None or days < clinical.GA_22_0_DAYS),
            ),
            "birth_weight_g": (column("birth_weight_g"), passing(unless=never)),
            "outcome": (column("outcome"), passing(unless=never)),
            # An empty termination is noted (row_rules.BirthsRules.prepare).
            "termination": (column("termination"), passing(unless=lambda value: value is None, text=_staged_flag)),
            # A death is checked against the birth and its outcome, and may be noted.
            "neonatal_death_on": (column("neonatal_death_on"), passing(unless=lambda value: value is not None)),
            "blood_loss_ml": (column("blood_loss_ml"), passing(unless=never)),
            "multiple_birth": (column("multiple_birth"), passing(unless=never, text=_staged_flag)),
            "mother_age": (column("mother_age"), passing(unless=never)),
            "ethnic_group": (column("ethnic_group"), passing(unless=never)),
            "imd_quintile": (column("imd_quintile"), passing(unless=never)),
            "onset_of_labour": (column("onset_of_labour"), passing(unless=never)),
        }
        self._memos: dict[str, dict[str, Any]] = {name: {} for name in self._cells}
        if TABLES["births"].columns[:4] != ("baby_id", "mother_id", "trust_id", "site_id"):
            raise RuntimeError("the births screen writes staged rows in tables._birth_cells order")

    # --- one column -------------------------------------------------------------------
    def _column(self, name: str, cells: tuple[str, ...]) -> list[Any]:
        memo = self._memos[name]
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        missing = object()
        out = [memo.get(cell, missing) for cell in cells]
        if missing in out:
            column, staged = self._cells[name]
            for position, value in enumerate(out):
                if value is missing:
                    cell = cells[position]
                    value = memo.get(cell, missing)
                    if value is missing:
                        try:
                            value = staged(parse_cell(column=column, raw=cell.strip()))
                        except CellProblem:
                            value = _BAD
                        memo[cell] = value
                    out[position] = value
        return out

    def _place(self, trust: str, site: str) -> Any:
        """(trust id, site id) as staged, or _BAD: the rules' own register checks."""
        values = {}
        try:
            values["trust_code"] = parse_cell(column=SCHEMAS["births"].column("trust_code"), raw=trust.strip())
            values["site_code"] = parse_cell(column=SCHEMAS["births"].column("site_code"), raw=site.strip())
        except CellProblem:
            return _BAD
        if any(True for _ in self._rules.check(values)):
            return _BAD
        site_code = values["site_code"]
        site_id = "" if site_code is None else str(self._register.site_ids[site_code])
        return f"{self._register.trust_ids[values['trust_code']]},{site_id}"

    @staticmethod
    def _identifiers(cells: tuple[str, ...]) -> list[Any]:
        fullmatch, maybe_nhs = _ID.fullmatch, _DIGITS_AND_SEPARATORS.fullmatch
        return [
            cell if len(cell) <= ID_MAX_LENGTH and fullmatch(cell) and not maybe_nhs(cell) else _BAD for cell in cells
        ]

    # --- a chunk ----------------------------------------------------------------------
    def screen(self, lines: list[str], *, first_line: int) -> tuple[list[int], list[str], list[CsvRow]]:
        """The clean lines' numbers and staged rows (text, without line ends), and the
        flagged lines as the csv module reads them."""
        width = self._width
        split = [line.split(",") for line in lines]
        whole = [position for position, cells in enumerate(split) if len(cells) == width]
        flagged_positions = set(range(len(lines))) - set(whole) if len(whole) != len(lines) else set()
        staged: list[str] = []
        clean_lines: list[int] = []
        if whole:
            columns = list(zip(*(split[position] for position in whole), strict=True))
            named = dict(zip(SCHEMAS["births"].column_names, columns, strict=True))
            places_memo = self._places
            if len(places_memo) > _MEMO_LIMIT:
                places_memo.clear()
            places = []
            for pair in zip(named["trust_code"], named["site_code"], strict=True):
                place = places_memo.get(pair)
                if place is None:
                    place = places_memo[pair] = self._place(*pair)
                places.append(place)
            parts = [
                [str(first_line + position) for position in whole],
                self._identifiers(named["baby_id"]),
                self._identifiers(named["mother_id"]),
                places,
                self._column("born_on", named["born_on"]),
                self._column("gestation_days", named["gestation_days"]),
                self._column("birth_weight_g", named["birth_weight_g"]),
                self._column("outcome", named["outcome"]),
                self._column("termination", named["termination"]),
                self._column("neonatal_death_on", named["neonatal_death_on"]),
                self._column("neonatal_death_on", named["neonatal_death_on"]),  # the day of death: none
                self._column("blood_loss_ml", named["blood_loss_ml"]),
                self._column("multiple_birth", named["multiple_birth"]),
                self._column("mother_age", named["mother_age"]),
                self._column("ethnic_group", named["ethnic_group"]),
                self._column("imd_quintile", named["imd_quintile"]),
                self._column("onset_of_labour", named["onset_of_labour"]),
            ]
            bad: set[int] = set()
            for part in parts[1:]:
                if _BAD in part:
                    bad.update(index for index, value in enumerate(part) if value is _BAD)
            rows = zip(*parts, strict=True)
            if bad:
                staged = [",".join(row) for index, row in enumerate(rows) if index not in bad]
                clean_lines = [first_line + position for index, position in enumerate(whole) if index not in bad]
                flagged_positions.update(whole[index] for index in bad)
            else:
                staged = list(map(",".join, rows))
                clean_lines = [first_line + position for position in whole]
        flagged = [
            CsvRow(first_line + position, tuple(next(csv.reader([lines[position]]), [])))
            for position in sorted(flagged_positions)
        ]
        return clean_lines, staged, flagged


def chunks_of_lines(raw: Any, *, limit: int | None, chunk_bytes: int) -> Iterator[list[str]]:
    """The lines of a binary stream (from its current position, `limit` bytes or to the
    end) in chunks, CRLF read as LF. Raises Unscreenable where the csv module would read
    the lines differently."""
    left = limit
    carry = b""
    while True:
        size = chunk_bytes if left is None else min(chunk_bytes, left)
        block = raw.read(size) if size > 0 else b""
        if left is not None:
            left -= len(block)
        if not block:
            if carry:
                yield _lines(carry + b"\n")
            return
        data = carry + block
        end = data.rfind(b"\n")
        if end < 0:
            carry = data
            if len(carry) > _LONGEST_LINE:
                raise Unscreenable("a line is longer than the csv module reads")
            continue
        carry = data[end + 1 :]
        yield _lines(data[: end + 1])


def _lines(data: bytes) -> list[str]:
    if b'"' in data or b"\x00" in data:
        raise Unscreenable("a quote or NUL character")
    text = data.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            raise Unscreenable("a carriage return that does not end a line")
    lines = text.split("\n")
    lines.pop()  # after the last line end
    if max(map(len, lines), default=0) > _LONGEST_LINE:
        raise Unscreenable("a line is longer than the csv module reads")
    return lines
