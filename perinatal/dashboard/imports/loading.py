"""Load a staged file: bulk copy into a temporary staging table, run the checks that need
every row, then replace rows with the same natural key, all inside the caller's transaction.

docs/rules/dashboard.md §1: "a load replaces every stored row with the same key (so a corrected file,
under any name, never duplicates); a file is loaded atomically." The bulk path is COPY on
PostgreSQL (psycopg 3 `cursor.copy`) and executemany in large batches on SQLite; both then
run one `INSERT … SELECT … ON CONFLICT (key) DO UPDATE`, or a plain `INSERT … SELECT` when
no staged key is stored yet (a new year's file, an empty table): ON CONFLICT's check of every
row was about a third of a big file's load. The record table is locked against other writers
first, so that what was found stays true until the commit. Memory stays flat: the staged
file is streamed in chunks. Before the upsert the rows' references (trusts, sites, units, the
upload) are checked, one query per referenced table, and locked (references.py): the record
tables' foreign keys have no database constraint.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import IntegrityError, connection, transaction

from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.datasets.problems import DataQualityNote
from perinatal.dashboard.datasets.row_rules import BLOOD_LOSS_NOTE, MOTHER_GROUP_NOTES
from perinatal.dashboard.datasets.schema import SCHEMAS
from perinatal.kernel.tabular_problems import LineProblem

from .references import unknown_references
from .register_snapshot import RegisterSnapshot
from .staging import KEEP_ERRORS, PHASE_LOADING, ImportProgress, ProgressCallback, StagedFile
from .tables import TABLES, TableSpec, key_text

SQLITE_BATCH_ROWS = 50_000
COPY_CHUNK_BYTES = 1 << 20
STAGING_PREFIX = "dashboard_staging_"
#: What an empty cell is compared as, where it is a value of its own (Not stated).
_EMPTY_AS = {"ethnic_group": "''", "imd_quintile": "0"}


@dataclass
class LoadResult:
    added: int = 0
    replaced: int = 0
    errors: list[LineProblem] = field(default_factory=list)
    error_count: int = 0
    notes: list[DataQualityNote] = field(default_factory=list)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def staging_table(spec: TableSpec) -> str:
    return STAGING_PREFIX + spec.dataset


def load_staged(
    *,
    staged: StagedFile,
    upload_id: int,
    register: RegisterSnapshot,
    progress: ProgressCallback | None = None,
    upsert: bool = True,
) -> LoadResult:
    """Copy, check and upsert; on errors (`error_count` > 0), or with `upsert=False` (a
    refused file whose rows are only checked), nothing is upserted and the caller must roll
    back. Call inside `transaction.atomic()`."""
    spec = TABLES[staged.dataset]
    if not staged.paths:
        raise ValueError(f"{staged.dataset}: there are no staged rows to load")
    table = staging_table(spec)
    with connection.cursor() as cursor:
        _create_staging(cursor, spec, table)
        try:
            if connection.vendor == "postgresql":
                _copy_postgresql(cursor, spec, table, staged, progress)
            else:
                _insert_sqlite(cursor, spec, table, staged, progress)
            result = LoadResult()
            if not upsert:
                _check_duplicate_keys(cursor, spec, table, register, result)
                return result
            # A guard: the validator has refused unknown codes already (references.py).
            unknown = unknown_references(cursor, spec=spec, staging=table, register=register, upload_id=upload_id)
            if unknown:
                # A key twice in the file is reported instead, as when it was checked first.
                _check_duplicate_keys(cursor, spec, table, register, result)
                if not result.error_count:
                    result.errors.extend(unknown)
                    result.error_count += len(unknown)
                return result
            if spec.dataset == "births":
                result.notes.extend(_mother_notes(cursor, _differing_mothers_rows(cursor, table)))
            lock_against_other_writers(cursor, spec.table)
            if _any_key_stored(cursor, spec, table):
                _check_duplicate_keys(cursor, spec, table, register, result)
                if result.error_count:
                    return result
                before = _count(cursor, spec.table)
                _upsert(cursor, spec, table, upload_id)
                result.added = _count(cursor, spec.table) - before
            else:  # nothing to replace: a plain insert, without ON CONFLICT's work for every row
                repeated = _insert_unless_a_key_repeats(cursor, spec, table, upload_id, register)
                if repeated is not None:
                    return repeated
                result.added = staged.rows
            result.replaced = staged.rows - result.added
            if progress is not None:
                progress(ImportProgress(PHASE_LOADING, staged.rows, staged.size_bytes, staged.size_bytes, staged.rows))
            return result
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {_q(table)}")
            cursor.execute(f"DROP TABLE IF EXISTS {_q(table + '_mothers')}")


def _create_staging(cursor, spec: TableSpec, table: str) -> None:
    columns = ", ".join(
        [f"{_q('line')} integer"]
        + [f"{_q(column)} {spec.field(column).db_type(connection)}" for column in spec.columns]
    )
    cursor.execute(f"DROP TABLE IF EXISTS {_q(table)}")
    cursor.execute(f"CREATE TEMPORARY TABLE {_q(table)} ({columns})")


def _copy_postgresql(cursor, spec: TableSpec, table: str, staged: StagedFile, progress) -> None:
    names = ", ".join(_q(c) for c in ("line", *spec.columns))
    size = max(1, sum(path.stat().st_size for path in staged.paths))
    copied = 0
    with cursor.cursor.copy(f"COPY {_q(table)} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
        for path in staged.paths:
            with open(path, "rb") as source:
                while chunk := source.read(COPY_CHUNK_BYTES):
                    copy.write(chunk)
                    copied += len(chunk)
                    if progress is not None:
                        progress(
                            ImportProgress(
                                PHASE_LOADING,
                                staged.rows * copied // size,
                                staged.size_bytes,
                                staged.size_bytes,
                                staged.rows,
                            )
                        )


def _insert_sqlite(cursor, spec: TableSpec, table: str, staged: StagedFile, progress) -> None:
    names = ", ".join(_q(c) for c in ("line", *spec.columns))
    # Empty cells are NULL; the columns' affinity turns digits into numbers.
    values = ", ".join(["NULLIF(%s, '')"] * (len(spec.columns) + 1))
    sql = f"INSERT INTO {_q(table)} ({names}) VALUES ({values})"
    done = 0
    for path in staged.paths:
        with open(path, encoding="utf-8", newline="") as source:
            rows = csv.reader(source)
            while batch := list(islice(rows, SQLITE_BATCH_ROWS)):
                cursor.executemany(sql, batch)
                done += len(batch)
                if progress is not None:
                    progress(ImportProgress(PHASE_LOADING, done, staged.size_bytes, staged.size_bytes, staged.rows))


def _check_duplicate_keys(cursor, spec: TableSpec, table: str, register: RegisterSnapshot, result: LoadResult) -> None:
    """ERR_DUPLICATE_KEY, as the validator words it: each later line names the first one."""
    keys = [_q(c) for c in spec.key]
    joined = " AND ".join(f"s.{k} = f.{k}" for k in keys)
    cursor.execute(
        f"SELECT s.{_q('line')}, f.first_line, {', '.join(f's.{k}' for k in keys)} "
        f"FROM {_q(table)} s JOIN (SELECT {', '.join(keys)}, MIN({_q('line')}) AS first_line "
        f"FROM {_q(table)} GROUP BY {', '.join(keys)} HAVING COUNT(*) > 1) f ON {joined} "
        f"WHERE s.{_q('line')} > f.first_line ORDER BY s.{_q('line')}"
    )
    key_names = " + ".join(SCHEMAS[spec.dataset].key)  # the file's column names
    for row in _fetch_all(cursor):
        result.error_count += 1
        if len(result.errors) >= KEEP_ERRORS:
            continue
        line, first_line, *values = row
        shown = key_text(spec=spec, values=dict(zip(spec.key, values)), register=register)
        result.errors.append(
            LineProblem(
                line,
                key_names,
                f"line {first_line} and line {line} have the same {key_names} ({shown}); each may appear "
                "only once in a file",
                code=p.ERR_DUPLICATE_KEY,
            )
        )


def _differing_mothers_rows(cursor, table: str) -> str:
    """A temporary table of the rows of the mothers whose rows disagree in any of the noted
    columns (found in one pass); the notes' queries then read a handful of rows, not the file.
    A mother left out has rows that agree in every column, so no note could name her."""
    mothers = f"{table}_mothers"
    mother = _q("mother_id")
    differs = " OR ".join(
        f"MIN({value}) <> MAX({value})"
        for value in (
            _q("blood_loss_ml"),  # MIN and MAX leave empty cells out, as the note does
            *(f"COALESCE({_q(column)}, {_EMPTY_AS[column]})" for column in MOTHER_GROUP_NOTES),
        )
    )
    cursor.execute(f"DROP TABLE IF EXISTS {_q(mothers)}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_q(mothers)} AS SELECT * FROM {_q(table)} WHERE {mother} IN "
        f"(SELECT {mother} FROM {_q(table)} GROUP BY {mother} HAVING {differs})"
    )
    return mothers


def _mother_notes(cursor, table: str) -> list[DataQualityNote]:
    """The notes on mothers whose rows disagree, as the validator words them (row_rules):
    blood loss (empty cells ignored), ethnic group and deprivation quintile (an empty cell is
    a value of its own, Not stated: docs/rules/equity.md §1)."""
    notes = []
    for column, empty_as, (code, message) in (
        ("blood_loss_ml", None, BLOOD_LOSS_NOTE),
        *((column, _EMPTY_AS[column], note) for column, note in MOTHER_GROUP_NOTES.items()),
    ):
        lines = _lines_where_mothers_differ(cursor, table, column=column, empty_as=empty_as)
        if lines:
            shown = tuple(lines[: p.NOTE_EXAMPLE_LINES])
            notes.append(DataQualityNote(code, message.format(count=len(lines)), len(lines), shown))
    return notes


def _lines_where_mothers_differ(cursor, table: str, *, column: str, empty_as: str | None) -> list[int]:
    """For each mother whose rows give different values of `column`, the line where her rows
    first differ from her first row's value, in order. `empty_as` None: rows with an empty
    cell are left out; else an SQL literal an empty cell is compared as."""
    t, mother, line, col = _q(table), _q("mother_id"), _q("line"), _q(column)

    def value(alias: str) -> str:
        return f"{alias}.{col}" if empty_as is None else f"COALESCE({alias}.{col}, {empty_as})"

    def known(alias: str) -> str:
        return f"{alias}.{col} IS NOT NULL" if empty_as is None else "1 = 1"

    # MIN <> MAX says "more than one value" as COUNT(DISTINCT) > 1 does, by hashing instead of
    # sorting every mother's rows (the three queries took most of a big file's checks in SQL).
    cursor.execute(
        f"WITH differing AS (SELECT s.{mother} AS mother, MIN(s.{line}) AS first_line FROM {t} s "
        f"WHERE {known('s')} GROUP BY s.{mother} HAVING MIN({value('s')}) <> MAX({value('s')})), "
        f"firsts AS (SELECT d.mother, {value('s')} AS first_seen FROM differing d JOIN {t} s "
        f"ON s.{mother} = d.mother AND s.{line} = d.first_line) "
        f"SELECT MIN(s.{line}) FROM firsts f JOIN {t} s ON s.{mother} = f.mother "
        f"AND {known('s')} AND {value('s')} <> f.first_seen GROUP BY f.mother"
    )
    return sorted(row[0] for row in _fetch_all(cursor))


def lock_against_other_writers(cursor, table: str) -> None:
    """On PostgreSQL, no other transaction writes `table` until this one ends (reads go on):
    what `_any_key_stored` finds stays true until the commit, and two imports of the same
    dataset (units included: imports/units.py) load one after the other. SHARE ROW EXCLUSIVE is
    the weakest mode that excludes writers and itself. SQLite's import transaction holds the
    write lock already."""
    if connection.vendor == "postgresql":
        cursor.execute(f"LOCK TABLE {_q(table)} IN SHARE ROW EXCLUSIVE MODE")


def _any_key_stored(cursor, spec: TableSpec, table: str) -> bool:
    """Whether any staged row's natural key is stored already: at once when the table is
    empty, else one probe of the key's index a row at most."""
    cursor.execute(f"SELECT 1 FROM {_q(spec.table)} LIMIT 1")
    if cursor.fetchone() is None:
        return False
    joined = " AND ".join(f"r.{_q(k)} = s.{_q(k)}" for k in spec.key)
    cursor.execute(
        f"SELECT 1 FROM {_q(table)} s WHERE EXISTS (SELECT 1 FROM {_q(spec.table)} r WHERE {joined}) LIMIT 1"
    )
    return cursor.fetchone() is not None


def _insert_unless_a_key_repeats(
    cursor, spec: TableSpec, table: str, upload_id: int, register: RegisterSnapshot
) -> LoadResult | None:
    """The plain insert, which checks on the way that no key is in the file twice: the natural
    key's unique index refuses the second row (no stored row has its key). None when inserted;
    else nothing is inserted and the result names each repeated key's lines. Another refusal
    by the database is raised."""
    try:
        with transaction.atomic():  # a savepoint: the transaction goes on without the rows
            _insert(cursor, spec, table, upload_id)
    except IntegrityError:
        repeated = LoadResult()
        _check_duplicate_keys(cursor, spec, table, register, repeated)
        if not repeated.error_count:
            raise
        return repeated
    return None


def _insert(cursor, spec: TableSpec, table: str, upload_id: int) -> None:
    """Every staged row, none of whose keys is stored (checked under the lock above)."""
    columns = ", ".join(_q(c) for c in spec.columns)
    cursor.execute(
        f"INSERT INTO {_q(spec.table)} ({columns}, {_q('upload_id')}) SELECT {columns}, %s FROM {_q(table)}",
        [upload_id],
    )


def _upsert(cursor, spec: TableSpec, table: str, upload_id: int) -> None:
    columns = [_q(c) for c in spec.columns]
    updates = ", ".join(
        f"{c} = excluded.{c}" for c in [*columns, _q("upload_id")] if c not in {_q(k) for k in spec.key}
    )
    # "WHERE true" lets SQLite tell the SELECT from the ON CONFLICT clause.
    cursor.execute(
        f"INSERT INTO {_q(spec.table)} ({', '.join(columns)}, {_q('upload_id')}) "
        f"SELECT {', '.join(columns)}, %s FROM {_q(table)} WHERE true "
        f"ON CONFLICT ({', '.join(_q(k) for k in spec.key)}) DO UPDATE SET {updates}",
        [upload_id],
    )


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {_q(table)}")
    return cursor.fetchone()[0]


def _fetch_all(cursor) -> Iterator[tuple]:
    while rows := cursor.fetchmany(1000):
        yield from rows
