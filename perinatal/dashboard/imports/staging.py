"""Check a whole file and stage its valid rows to temporary files, in constant memory.

docs/rules/dashboard.md §1: "An upload is validated whole before anything is stored". The file is
read as a stream by the validator (datasets.validation, with `index_rows=False` so that it
keeps no per-row index); each valid record is written at once to a staged CSV in the shape
the database takes in bulk (tables.py). Nothing touches the database here. The checks
that need every row (a duplicate natural key; a mother whose rows differ in blood loss,
ethnic group or deprivation quintile) run over the staged rows in SQL (loading.py).

Because no check here looks across rows of births, neonatal care or inductions, a big file
of those may be checked in parts, one process per part (`workers`): the parts are cut at
line ends, each keeps its physical line numbers, and their findings are merged. A file with
a quote character is never cut (a quoted cell may hold a line break).

A births, neonatal care or inductions file in the plain shape is screened column by column
first (screen.py, docs/adr/0024-vectorised-import.md): only the lines the screen flags go
through the row validator, the others are staged at once; the outcome is the same as
checking every row.
`screen=False` checks every row through the validator (kept to compare the two).
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perinatal.dashboard.datasets import Validation, validate_rows
from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.datasets.csv_input import CsvRow
from perinatal.dashboard.datasets.deprivation import MOST_DEPRIVED_FIRST
from perinatal.dashboard.datasets.problems import DataQualityNote
from perinatal.kernel.tabular_problems import LineProblem

from .register_snapshot import RegisterSnapshot
from .screen import Screen, Unscreenable, chunks_of_lines, screenable_header
from .tables import TABLES

#: How many errors an upload keeps to show; the rest are counted (issue 4: "first 100").
KEEP_ERRORS = 100
PROGRESS_EVERY_ROWS = 20_000
_READ_CHUNK = 1 << 20
#: Bytes of lines screened at once (screen.py): big enough to pay for the set-up of each
#: column, small enough to keep memory flat (a few tens of MB a chunk).
SCREEN_CHUNK_BYTES = 4 << 20
#: Datasets whose checks look at one row at a time (with index_rows=False): they may be cut.
SPLITTABLE = frozenset({"births", "neonatal_care", "inductions"})
#: Files smaller than this are checked in one piece.
MIN_SPLIT_BYTES = 16 << 20

PHASE_CHECKING = "checking"
PHASE_LOADING = "loading"


@dataclass(frozen=True)
class ImportProgress:
    """Where an import is, for a progress bar: while checking, bytes of the file read;
    while loading, rows written."""

    phase: str
    rows_done: int
    bytes_done: int
    bytes_total: int
    rows_total: int | None = None

    @property
    def fraction(self) -> float:
        if self.phase == PHASE_LOADING and self.rows_total:
            return min(1.0, self.rows_done / self.rows_total)
        return min(1.0, self.bytes_done / self.bytes_total) if self.bytes_total else 0.0


ProgressCallback = Callable[[ImportProgress], None]


@dataclass
class StagedFile:
    """The outcome of checking one file; `paths` hold the rows that passed the row checks."""

    dataset: str
    size_bytes: int
    rows: int = 0
    errors: list[LineProblem] = field(default_factory=list)
    error_count: int = 0
    notes: list[DataQualityNote] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    new_sites: dict[str, str] = field(default_factory=dict)  # units.csv: site -> trust
    units: list[Any] = field(default_factory=list)  # units.csv: the (few) unit records

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_errors(self, errors: list[LineProblem], *, count: int) -> None:
        """Merge more errors in line order (the file's own, line None, first), keeping the
        first KEEP_ERRORS."""
        self.errors = sorted([*self.errors, *errors], key=lambda e: (e.line is not None, e.line or 0))[:KEEP_ERRORS]
        self.error_count += count

    def discard(self) -> None:
        for path in self.paths:
            path.unlink(missing_ok=True)
        self.paths = []


@dataclass(frozen=True)
class Part:
    """Bytes [start, end) of a file, whose first record is on physical line `first_line`."""

    start: int
    end: int
    first_line: int


def first_undecodable_line(path: Path) -> int | None:
    """The physical line of the first byte that is not UTF-8, or None (read in chunks)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open(path, "rb") as raw:
        while True:
            chunk = raw.read(_READ_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                return line + chunk[: error.start].count(b"\n")
            if not chunk:
                return None
            line += chunk.count(b"\n")


def plan_parts(path: Path, *, parts: int) -> list[Part] | None:
    """Cut the data lines into `parts` pieces at line ends; None when the file must be read
    whole (small, or a quote character anywhere)."""
    size = os.path.getsize(path)
    if parts < 2 or size < MIN_SPLIT_BYTES:
        return None
    with open(path, "rb") as raw:
        header = raw.readline()
        targets = [len(header) + (size - len(header)) * k // parts for k in range(1, parts)]
        cuts, lines_before = [], []
        line, position = 2, len(header)
        while chunk := raw.read(_READ_CHUNK):
            if b'"' in chunk:
                return None
            while targets and position + len(chunk) > targets[0]:
                newline = chunk.find(b"\n", targets[0] - position)
                if newline < 0:
                    break
                cuts.append(position + newline + 1)
                lines_before.append(line + chunk[: newline + 1].count(b"\n"))
                targets.pop(0)
            line += chunk.count(b"\n")
            position += len(chunk)
    starts = [len(header), *cuts]
    ends = [*cuts, size]
    first_lines = [2, *lines_before]
    return [Part(s, e, f) for s, e, f in zip(starts, ends, first_lines) if e > s]


def stage_file(
    *,
    dataset: str,
    source: Path,
    register: RegisterSnapshot,
    vendor: str,
    progress: ProgressCallback | None = None,
    staging_dir: Path | None = None,
    workers: int = 1,
    quintile_order: str = MOST_DEPRIVED_FIRST,
    screen: bool = True,
) -> StagedFile:
    """Check `source` (a CSV of `dataset`) whole, in `workers` processes when it is big, and
    stage the rows that pass. `quintile_order`: how a births file numbers imd_quintile
    (datasets.deprivation). `screen`: screen the plain shape column by column (screen.py)."""
    source = Path(source)
    size = os.path.getsize(source)
    staged = StagedFile(dataset=dataset, size_bytes=size)
    bad_line = first_undecodable_line(source)
    if bad_line is not None:
        staged.add_errors(
            [
                LineProblem(
                    bad_line, None, "this line is not UTF-8 text: save the file as CSV UTF-8", code=p.ERR_UNREADABLE_CSV
                )
            ],
            count=1,
        )
        return staged
    screened = screen and quintile_order == MOST_DEPRIVED_FIRST and _screenable(dataset, source)
    plan = plan_parts(source, parts=workers) if dataset in SPLITTABLE and _may_fork() else None
    if plan is not None and not _header_problems(dataset, source, quintile_order=quintile_order):
        return _stage_in_parts(
            dataset=dataset,
            source=source,
            register=register,
            vendor=vendor,
            plan=plan,
            progress=progress,
            staging_dir=staging_dir,
            size=size,
            quintile_order=quintile_order,
            screened=screened,
        )
    if screened:
        with open(source, "rb") as raw:
            header = _header_of(raw)
            try:
                return _stage_screened(
                    dataset=dataset,
                    header=header,
                    raw=raw,
                    limit=None,
                    first_line=2,
                    register=register,
                    vendor=vendor,
                    progress=progress,
                    staging_dir=staging_dir,
                    size=size,
                )
            except Unscreenable:
                pass  # checked the old way, below
    with open(source, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        header = next(reader, [])
        rows = _records(reader, first_line=2)
        return _stage(
            dataset=dataset,
            header=header,
            rows=rows,
            register=register,
            vendor=vendor,
            progress=progress,
            staging_dir=staging_dir,
            raw=raw,
            size=size,
            quintile_order=quintile_order,
        )


def _may_fork() -> bool:
    """Parts are checked in forked processes, which needs the database connections closed
    first: never inside a transaction (it would be lost)."""
    from django.db import connections

    return not any(connection.in_atomic_block for connection in connections.all(initialized_only=True))


def _screenable(dataset: str, source: Path) -> bool:
    with open(source, "rb") as raw:
        return screenable_header(dataset, _header_of(raw))


def _header_of(raw: Any) -> list[str]:
    """The header row of a binary stream, leaving it at the start of line 2 (a header with
    a quote is read whole by the csv module, and not screened)."""
    line = raw.readline()
    text = line.decode("utf-8-sig", errors="replace")
    if '"' in text:
        return []
    return next(csv.reader([text.rstrip("\r\n")]), [])


def _header_problems(dataset: str, source: Path, *, quintile_order: str) -> bool:
    with open(source, encoding="utf-8-sig", newline="") as text:
        header = next(csv.reader(text), [])
    validation = validate_rows(
        dataset, [], header=header, known_trusts=(), known_sites={}, quintile_order=quintile_order
    )
    list(validation)
    return validation.error_count > 0


def _validate_against(
    register: RegisterSnapshot,
    *,
    dataset: str,
    rows: Iterator[CsvRow],
    header: list[str],
    index_rows: bool,
    quintile_order: str = MOST_DEPRIVED_FIRST,
) -> Validation:
    """The row validator over `rows`, against the register, keeping the first KEEP_ERRORS errors."""
    return validate_rows(
        dataset,
        rows,
        header=header,
        **register.validator_register(),
        keep_errors=KEEP_ERRORS,
        index_rows=index_rows,
        quintile_order=quintile_order,
    )


def _records(reader, *, first_line: int) -> Iterator[CsvRow]:
    """CsvRows with physical line numbers (the line a record starts on), as read_csv does."""
    offset = first_line - reader.line_num - 1
    previous_end = reader.line_num
    for cells in reader:
        yield CsvRow(previous_end + 1 + offset, tuple(cells))
        previous_end = reader.line_num


def _stage(
    *,
    dataset: str,
    header: list[str],
    rows: Iterator[CsvRow],
    register: RegisterSnapshot,
    vendor: str,
    progress: ProgressCallback | None,
    staging_dir: Path | None,
    raw: Any,
    size: int,
    quintile_order: str,
) -> StagedFile:
    staged = StagedFile(dataset=dataset, size_bytes=size)
    in_memory_checks = dataset == "units"  # a units file is small; it is loaded through the ORM
    validation = _validate_against(
        register, dataset=dataset, rows=rows, header=header, index_rows=in_memory_checks, quintile_order=quintile_order
    )
    if in_memory_checks:
        staged.units = _read_all(validation, raw=raw, size=size, progress=progress)
    else:
        staged.paths = [
            _write_staged(
                validation,
                dataset=dataset,
                register=register,
                vendor=vendor,
                raw=raw,
                size=size,
                progress=progress,
                staging_dir=staging_dir,
            )
        ]
    staged.rows = validation.records_accepted
    staged.add_errors(list(validation.errors), count=validation.error_count)
    staged.notes = list(validation.notes)
    staged.new_sites = validation.new_sites
    if not staged.ok:
        # A refused file's staged rows are kept only for the checks in SQL, so that every
        # bad row is reported (loading.load_staged with upsert=False).
        staged.units = []
    return staged


class _Slice(io.RawIOBase):
    """Bytes [start, end) of a file, as a stream."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed in close()
        self._file.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self._left)
        if count <= 0:
            return 0
        data = self._file.read(count)
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)

    def tell(self) -> int:
        return self._file.tell()

    def close(self) -> None:
        self._file.close()
        super().close()


def _stage_part(
    *,
    dataset: str,
    source: Path,
    part: Part,
    header: list[str],
    register: RegisterSnapshot,
    vendor: str,
    staging_dir: Path | None,
    quintile_order: str,
    screened: bool = False,
) -> StagedFile:
    if screened:
        with open(source, "rb") as raw:
            raw.seek(part.start)
            try:
                return _stage_screened(
                    dataset=dataset,
                    header=header,
                    raw=raw,
                    limit=part.end - part.start,
                    first_line=part.first_line,
                    register=register,
                    vendor=vendor,
                    progress=None,
                    staging_dir=staging_dir,
                    size=part.end - part.start,
                )
            except Unscreenable:
                pass  # checked the old way, below
    raw = _Slice(source, part.start, part.end)
    with io.TextIOWrapper(io.BufferedReader(raw, _READ_CHUNK), encoding="utf-8", newline="") as text:
        rows = _records(csv.reader(text), first_line=part.first_line)
        return _stage(
            dataset=dataset,
            header=header,
            rows=rows,
            register=register,
            vendor=vendor,
            progress=None,
            staging_dir=staging_dir,
            raw=raw,
            size=part.end - part.start,
            quintile_order=quintile_order,
        )


def _stage_in_parts(
    *,
    dataset: str,
    source: Path,
    register: RegisterSnapshot,
    vendor: str,
    plan: list[Part],
    progress: ProgressCallback | None,
    staging_dir: Path | None,
    size: int,
    quintile_order: str,
    screened: bool = False,
) -> StagedFile:
    from django.db import connections

    with open(source, encoding="utf-8-sig", newline="") as text:
        header = next(csv.reader(text), [])
    connections.close_all()  # a forked process must not share the parent's database connection
    with ProcessPoolExecutor(max_workers=len(plan), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [
            pool.submit(
                _stage_part,
                dataset=dataset,
                source=source,
                part=part,
                header=header,
                register=register,
                vendor=vendor,
                staging_dir=staging_dir,
                quintile_order=quintile_order,
                screened=screened,
            )
            for part in plan
        ]
        parts = []
        for future in futures:
            parts.append(future.result())
            if progress is not None:
                done = sum(part.rows for part in parts)
                progress(ImportProgress(PHASE_CHECKING, done, plan[len(parts) - 1].end, size))
    return merge_parts(dataset=dataset, parts=parts, size=size)


def merge_parts(*, dataset: str, parts: list[StagedFile], size: int) -> StagedFile:
    """One file's outcome from its parts: rows and errors added up, notes of the same rule
    merged (counts added, the first example lines kept)."""
    merged = StagedFile(dataset=dataset, size_bytes=size)
    notes: dict[str, DataQualityNote] = {}
    for part in parts:
        merged.rows += part.rows
        merged.add_errors(part.errors, count=part.error_count)
        merged.paths.extend(part.paths)
        for note in part.notes:
            earlier = notes.get(note.code)
            if earlier is None:
                notes[note.code] = note
                continue
            count = earlier.count + note.count
            lines = tuple(sorted({*earlier.lines, *note.lines}))[: p.NOTE_EXAMPLE_LINES]
            # Every note message begins with its count ("{count} row(s) ...").
            message = re.sub(r"^\d+", str(count), earlier.message)
            notes[note.code] = DataQualityNote(note.code, message, count, lines)
    merged.notes = list(notes.values())
    return merged


def _report(progress: ProgressCallback | None, *, rows: int, raw: Any, size: int) -> None:
    if progress is not None:
        progress(ImportProgress(PHASE_CHECKING, rows, min(raw.tell(), size), size))


def _read_all(validation: Any, *, raw: Any, size: int, progress: ProgressCallback | None) -> list[Any]:
    records = []
    for records_read, record in enumerate(validation, start=1):
        records.append(record)
        if records_read % PROGRESS_EVERY_ROWS == 0:
            _report(progress, rows=records_read, raw=raw, size=size)
    _report(progress, rows=len(records), raw=raw, size=size)
    return records


def _write_staged(
    validation: Any,
    *,
    dataset: str,
    register: RegisterSnapshot,
    vendor: str,
    raw: Any,
    size: int,
    progress: ProgressCallback | None,
    staging_dir: Path | None,
) -> Path:
    spec = TABLES[dataset]
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", suffix=f".{dataset}.staged.csv", dir=staging_dir, delete=False
    )
    path = Path(handle.name)
    try:
        with handle:
            writer = csv.writer(handle, lineterminator="\n")
            records_read = 0
            for records_read, record in enumerate(validation, start=1):
                # The record's physical line, kept for the checks in SQL.
                writer.writerow([validation.current_line, *spec.cells(record, register, vendor)])
                if records_read % PROGRESS_EVERY_ROWS == 0:
                    _report(progress, rows=records_read, raw=raw, size=size)
            _report(progress, rows=records_read, raw=raw, size=size)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _stage_screened(
    *,
    dataset: str,
    header: list[str],
    raw: Any,
    limit: int | None,
    first_line: int,
    register: RegisterSnapshot,
    vendor: str,
    progress: ProgressCallback | None,
    staging_dir: Path | None,
    size: int,
) -> StagedFile:
    """Screen the lines of `raw` (from line `first_line`, `limit` bytes or to the end) in
    chunks: clean lines are staged at once, flagged lines go through one row validator
    (screen.py). Raises Unscreenable, having removed what it staged."""
    staged = StagedFile(dataset=dataset, size_bytes=size)
    spec = TABLES[dataset]
    screen = Screen(dataset=dataset, register=register, vendor=vendor)
    start = raw.tell() if limit is not None else 0  # where byte 0 of `size` is
    clean = 0
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", suffix=f".{dataset}.staged.csv", dir=staging_dir, delete=False
    )
    path = Path(handle.name)

    def write(rows: list[str]) -> None:
        if rows:
            handle.write("\n".join(rows))
            handle.write("\n")

    def flagged_lines() -> Iterator[CsvRow]:
        """Feeds the validator the flagged lines; writes the clean rows before each, so the
        staged file is in line order (the validator's records are written as it yields)."""
        nonlocal clean
        line = first_line
        for chunk in chunks_of_lines(raw, limit=limit, chunk_bytes=SCREEN_CHUNK_BYTES):
            for batch_start in range(0, len(chunk), PROGRESS_EVERY_ROWS):
                lines = chunk[batch_start : batch_start + PROGRESS_EVERY_ROWS]
                numbers, rows, flagged = screen.screen(lines, first_line=line)
                written = 0
                for row in flagged:
                    before = bisect.bisect_left(numbers, row.line, lo=written)
                    write(rows[written:before])
                    written = before
                    yield row
                write(rows[written:])
                clean += len(rows)
                line += len(lines)
                if progress is not None:
                    done = clean + validation.records_accepted
                    progress(ImportProgress(PHASE_CHECKING, done, min(raw.tell() - start, size), size))

    try:
        with handle:
            validation = _validate_against(
                register, dataset=dataset, rows=flagged_lines(), header=header, index_rows=False
            )
            writer = csv.writer(handle, lineterminator="\n")
            for record in validation:
                writer.writerow([validation.current_line, *spec.cells(record, register, vendor)])
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    staged.paths = [path]
    staged.rows = clean + validation.records_accepted
    staged.add_errors(list(validation.errors), count=validation.error_count)
    staged.notes = list(validation.notes)
    return staged
