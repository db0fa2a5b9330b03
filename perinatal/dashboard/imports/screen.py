"""Screen a births, neonatal care or inductions file column by column; explain only the
lines that may be wrong.

docs/adr/0024-vectorised-import.md. Checking every row through the row validator
(datasets.validation) costs tens of microseconds a row. Here a chunk of lines is cut into
columns and each column is checked at once: a cell is parsed by the validator's own
`parse_cell` the first time its text is seen and looked up after that (a births file has a
few thousand distinct dates, weights and codes), and the trust and site of a row by the
rules' own register check, once per pair. A line is *clean* when every cell parsed and
nothing about it could raise an error or a data-quality note; its staged row is written
straight away, each value converted as tables.py converts it. Every other line is
*flagged* and handed, with its physical line number, to one row validator that reads only
the flagged lines, so each error and note is the one it has always given, word for word.

The screen may flag a line that is fine (the validator then accepts it); it must never pass
a line the validator would refuse or note. What each dataset's rules could say about a row
that parsed is in its plan below (`unless`, `between`): births pass with a known gestation
of 22+0 weeks or more, a termination cell given and no neonatal death; neonatal care with a
known gestation under 34+0 weeks; inductions with no start, or a start after the admission.
A file the screen cannot cut into lines the way the csv module does (a quote character, a
carriage return not before a line feed, a NUL byte, a cell longer than the csv module
takes) raises `Unscreenable`, and the caller checks it the old way.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from perinatal.dashboard.datasets.cells import ID_MAX_LENGTH, CellProblem, parse_cell
from perinatal.dashboard.datasets.csv_input import CsvRow
from perinatal.dashboard.datasets.row_rules import RULES_FOR_DATASET, Register
from perinatal.dashboard.datasets.schema import SCHEMAS
from perinatal.kernel import clinical
from perinatal.kernel.london_time import to_utc

from .register_snapshot import RegisterSnapshot
from .tables import TABLES, day_cell, decimal_cell, delay_point_cell, flag_cell, instant_cell, seconds_cell

#: The csv module's default field size limit; a longer line is left to it.
_LONGEST_LINE = 100_000
#: A column's cache of checked cells is emptied past this size, so memory stays flat (a births
#: column has a few thousand distinct cells; nearly every timestamp of an inductions file is
#: distinct, and its cache only keeps memory in use).
_MEMO_LIMIT = 50_000


class _Bad:
    """A cell, or a trust and site, that must be explained by the validator (each of its
    outputs is itself: its line is not staged)."""

    def __getitem__(self, output: int) -> _Bad:
        return self


_BAD = _Bad()
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]*")
_DIGITS_AND_SEPARATORS = re.compile(r"[\d -]+")  # could be an NHS number: leave it to the validator
PLACE = "trust_code,site_code"  # the values of the trust and site of a row: (trust id, site id)


class Unscreenable(Exception):
    """The file's lines are not plain comma-separated lines: check it the old way."""


def _text(value: Any) -> str:
    """A staged value as csv.writer writes it (None is empty)."""
    return "" if value is None else str(value)


def _as(cell: Callable[[Any], Any]) -> Callable[[Any], str]:
    """The staged text of a value converted by one of tables.py's cell functions."""
    return lambda value: _text(cell(value))


def _never(value: Any) -> bool:
    return False


def _none(value: Any) -> str:
    return ""


class _Check:
    """How the screen reads one file column: the staged text(s) of a parsed value, and
    `unless`, the values a rule or note could concern (the line is then flagged). With
    several outputs a cell's value is a tuple of them (a value only `between` reads may be
    among them). `same_value`: the parsed value in another form that each output converts to
    the same staged text, once for all the outputs (a timestamp in UTC)."""

    __slots__ = ("outputs", "same_value", "unless")

    def __init__(
        self,
        *outputs: Callable[[Any], Any],
        unless: Callable[[Any], bool] = _never,
        same_value: Callable[[Any], Any] | None = None,
    ) -> None:
        self.outputs = outputs
        self.unless = unless
        self.same_value = same_value

    def value(self, parsed: Any) -> Any:
        if self.unless(parsed):
            return _BAD
        if self.same_value is not None and parsed is not None:
            parsed = self.same_value(parsed)
        if len(self.outputs) == 1:
            return self.outputs[0](parsed)
        return tuple(output(parsed) for output in self.outputs)


@dataclass(frozen=True)
class _Plan:
    """What the screen reads in one dataset. `identifiers`: pseudonym columns, staged as
    written; `checks`: the other columns but trust and site; `staged`: the staged columns
    (tables.py) that are not a file column's one output, each from (source, output);
    `between`: the positions of rows a rule between cells could concern, from the sources'
    values."""

    identifiers: tuple[str, ...]
    checks: Mapping[str, _Check]
    staged: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    between: Callable[[Mapping[str, list[Any]]], Iterable[int]] | None = None


def _births(vendor: str) -> _Plan:
    text, flag, day = _Check(_text), _Check(_as(flag_cell)), _Check(_as(day_cell))
    return _Plan(
        identifiers=("baby_id", "mother_id"),
        checks={
            "born_on": day,
            # The notes on gestation and weight concern unknown gestation or under 22+0 weeks.
            "gestation_days": _Check(_text, unless=lambda days: days is None or days < clinical.GA_22_0_DAYS),
            "birth_weight_g": text,
            "outcome": text,
            # An empty termination is noted (row_rules.BirthsRules.prepare).
            "termination": _Check(_as(flag_cell), unless=lambda value: value is None),
            # A death is checked against the birth and its outcome, and may be noted; a clean
            # line has none, nor a day of death.
            "neonatal_death_on": _Check(_as(day_cell), _none, unless=lambda value: value is not None),
            "blood_loss_ml": text,
            "multiple_birth": flag,
            "mother_age": text,
            "ethnic_group": text,  # the group an NHS ethnic category code stands for
            "imd_quintile": text,  # numbered most deprived first: the only order screened
            "onset_of_labour": text,
        },
        staged={"neonatal_death_on": ("neonatal_death_on", 0), "neonatal_death_day": ("neonatal_death_on", 1)},
    )


def _neonatal_care(vendor: str) -> _Plan:
    flag = _Check(_as(flag_cell))
    return _Plan(
        identifiers=("baby_id",),
        checks={
            "born_on": _Check(_as(day_cell)),
            # Noted: unknown gestation, or 34+0 weeks or more (row_rules.NeonatalCareRules).
            "gestation_days": _Check(_text, unless=lambda days: days is None or days >= clinical.GA_34_0_DAYS),
            "multiple_birth": flag,
            "antenatal_steroids": flag,
            "antenatal_magnesium": flag,
            "born_in_nicu_site": flag,
            "cord_clamping_seconds": _Check(_text),
            "admission_temperature_c": _Check(_as(decimal_cell)),
            "temperature_within_hour": flag,
            "breastmilk_day_1_2": flag,
        },
    )


def _inductions(vendor: str) -> _Plan:
    instant = _as(lambda value: instant_cell(value, vendor))
    return _Plan(
        identifiers=("induction_id",),
        # Each instant is converted to UTC once: tables.py's conversions read the instant, and
        # skip their own conversion of a UTC time.
        checks={
            # (staged instant, staged delay point, the instant in seconds for `between`)
            "admitted_at": _Check(instant, _as(delay_point_cell), seconds_cell, same_value=to_utc),
            # (staged instant, staged seconds: "" when not started)
            "started_at": _Check(instant, _as(seconds_cell), same_value=to_utc),
        },
        staged={
            "admitted_at": ("admitted_at", 0),
            "delay_point_s": ("admitted_at", 1),
            "started_at": ("started_at", 0),
            "started_s": ("started_at", 1),
        },
        between=_started_not_after_admitted,
    )


def _started_not_after_admitted(values: Mapping[str, list[Any]]) -> Iterator[int]:
    """Rows started no later than admitted: row_rules.InductionsRules.check refuses a start
    before the admission (the two instants compared in UTC, as their seconds are)."""
    for position, (admitted, started) in enumerate(zip(values["admitted_at"], values["started_at"], strict=True)):
        if admitted is not _BAD and started is not _BAD and started[1] and int(started[1]) <= admitted[2]:
            yield position


_PLANS: dict[str, Callable[[str], _Plan]] = {
    "births": _births,
    "neonatal_care": _neonatal_care,
    "inductions": _inductions,
}
#: Datasets with a screen.
SCREENED = frozenset(_PLANS)


def screenable_header(dataset: str, header: list[str]) -> bool:
    """Only the plain shape is screened: the dataset's columns, in order, under their names."""
    names = [name.strip() for name in header]
    if names and names[0].startswith("\ufeff"):
        names[0] = names[0][1:].strip()
    return dataset in SCREENED and tuple(names) == SCHEMAS[dataset].column_names


class Screen:
    """Screens chunks of lines of one file of `dataset` (its header checked by the caller)."""

    def __init__(self, *, dataset: str, register: RegisterSnapshot, vendor: str) -> None:
        self._register = register
        self._schema = SCHEMAS[dataset]
        self._plan = _PLANS[dataset](vendor)
        self._width = len(self._schema.columns)
        self._rules = RULES_FOR_DATASET[dataset](Register.build(**register.validator_register()))
        self._places: dict[tuple[str, str], Any] = {}
        self._memos: dict[str, dict[str, Any]] = {name: {} for name in self._plan.checks}
        # Each staged column (tables.py, after `line`): its source's values and which output.
        sources = {"trust_id": (PLACE, 0), "site_id": (PLACE, 1), **self._plan.staged}
        self._staged: list[tuple[str, int | None]] = [
            sources.get(column, (column, None)) for column in TABLES[dataset].columns
        ]
        screened = {*self._plan.identifiers, *self._plan.checks, "trust_code", "site_code"}
        if screened != set(self._schema.column_names) or not {s for s, _ in self._staged} <= {*screened, PLACE}:
            raise RuntimeError(f"the {dataset} screen must read every column and stage every table column")

    # --- one column -------------------------------------------------------------------
    def _column(self, name: str, cells: tuple[str, ...]) -> list[Any]:
        memo = self._memos[name]
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        missing = object()
        out = [memo.get(cell, missing) for cell in cells]
        if missing in out:
            column, check = self._schema.column(name), self._plan.checks[name]
            for position, value in enumerate(out):
                if value is missing:
                    cell = cells[position]
                    value = memo.get(cell, missing)
                    if value is missing:
                        try:
                            value = check.value(parse_cell(column=column, raw=cell.strip()))
                        except CellProblem:
                            value = _BAD
                        memo[cell] = value
                    out[position] = value
        return out

    def _place(self, trust: str, site: str) -> Any:
        """(trust id, site id) as staged, or _BAD: the rules' own register checks."""
        values = {}
        try:
            values["trust_code"] = parse_cell(column=self._schema.column("trust_code"), raw=trust.strip())
            values["site_code"] = parse_cell(column=self._schema.column("site_code"), raw=site.strip())
        except CellProblem:
            return _BAD
        if any(True for _ in self._rules.check(values)):
            return _BAD
        site_code = values["site_code"]
        site_id = "" if site_code is None else str(self._register.site_ids[site_code])
        return (str(self._register.trust_ids[values["trust_code"]]), site_id)

    def _places_of(self, trusts: tuple[str, ...], sites: tuple[str, ...]) -> list[Any]:
        memo = self._places
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        places = []
        for pair in zip(trusts, sites, strict=True):
            place = memo.get(pair)
            if place is None:
                place = memo[pair] = self._place(*pair)
            places.append(place)
        return places

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
        split = [line.split(",") for line in lines]
        whole = [position for position, cells in enumerate(split) if len(cells) == self._width]
        flagged_positions = set(range(len(lines))) - set(whole) if len(whole) != len(lines) else set()
        staged: list[str] = []
        clean_lines: list[int] = []
        if whole:
            columns = dict(
                zip(self._schema.column_names, zip(*(split[position] for position in whole), strict=True), strict=True)
            )
            values = {name: self._identifiers(columns[name]) for name in self._plan.identifiers}
            values[PLACE] = self._places_of(columns["trust_code"], columns["site_code"])
            for name in self._plan.checks:
                values[name] = self._column(name, columns[name])
            bad: set[int] = set()
            for column_values in values.values():
                if _BAD in column_values:
                    bad.update(index for index, value in enumerate(column_values) if value is _BAD)
            if self._plan.between is not None:
                bad.update(self._plan.between(values))
            parts: list[Iterable[Any]] = [[str(first_line + position) for position in whole]]
            for source, output in self._staged:
                parts.append(values[source] if output is None else map(itemgetter(output), values[source]))
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
