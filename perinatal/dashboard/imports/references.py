"""The loader's check of what a staged file's rows refer to: trusts, sites, units, the upload.

The record tables' foreign keys have no database constraint (db_constraint=False,
dashboard migration 0005): PostgreSQL checked them one row at a time when an import
committed, a third of its time. Instead, before the upsert, one query per referenced table
reads the distinct ids of the staging table that are not in that table; on PostgreSQL the
same query locks the rows that are there `FOR KEY SHARE` until the import commits, so a
concurrent `DELETE` of an organisation, site or unit waits for the import, or, having gone
first, leaves the id missing here. A waiting delete is not refused afterwards: Django's
PROTECT looked for records before the import's rows were committed. The service deletes none
of these rows (the register closes them, `closed_on`); a delete path added later must lock the
row first (`select_for_update()`, then `delete()`) so that PROTECT sees the import's rows. On
SQLite the import's
transaction is IMMEDIATE (settings): it holds the database's write lock from its start, so
nothing is deleted under it. docs/adr/0024-vectorised-import.md, "Foreign keys checked by
the loader".

This is a guard, not the rule that reports unknown codes: the validator has already refused
every row naming a code that is not in the register (ERR_UNKNOWN_TRUST, ERR_UNKNOWN_SITE,
ERR_UNKNOWN_UNIT, each at its line), and the staged ids come from the same register
snapshot. A missing id here means the register changed between that snapshot and the load,
or rows reached the staging table some other way: the whole file is refused, with one
line-free error per column naming the codes.
"""

from __future__ import annotations

from django.db import connection

from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.models import Upload
from perinatal.kernel.tabular_problems import LineProblem

from .register_snapshot import RegisterSnapshot
from .tables import TableSpec

#: Staging column -> (the file's column, problem code, what the code names).
REFERENCE_COLUMNS = {
    "trust_id": ("trust_code", p.ERR_UNKNOWN_TRUST, "trust"),
    "site_id": ("site_code", p.ERR_UNKNOWN_SITE, "site"),
    "unit_id": ("unit_code", p.ERR_UNKNOWN_UNIT, "unit"),
}
#: How many unknown codes one error names.
SHOW_CODES = 20


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _lock() -> str:
    return " FOR KEY SHARE" if connection.vendor == "postgresql" else ""


def missing_ids(cursor, *, staging: str, column: str, table: str, pk: str = "id") -> list[int]:
    """The distinct non-empty ids of `staging`.`column` that are not in `table`, in order; on
    PostgreSQL the rows of `table` that are there are locked FOR KEY SHARE by the same query."""
    c, t, k = _q(column), _q(table), _q(pk)
    # `wanted` is read twice, so PostgreSQL computes it once: one pass over the staging table.
    cursor.execute(
        f"WITH wanted AS (SELECT DISTINCT {c} AS id FROM {_q(staging)} WHERE {c} IS NOT NULL) "
        f"SELECT w.id FROM wanted w LEFT JOIN "
        f"(SELECT r.{k} AS id FROM {t} r WHERE r.{k} IN (SELECT id FROM wanted){_lock()}) f "
        "ON f.id = w.id WHERE f.id IS NULL ORDER BY w.id"
    )
    return [row[0] for row in cursor.fetchall()]


def unknown_references(
    cursor, *, spec: TableSpec, staging: str, register: RegisterSnapshot, upload_id: int
) -> list[LineProblem]:
    """One error per referencing column whose ids are not all stored; locks what they name
    (see the module's docstring). Raises LookupError when the upload row itself is gone."""
    _lock_upload(cursor, upload_id=upload_id)
    problems = []
    for column in spec.columns:
        if column not in REFERENCE_COLUMNS:
            continue
        related = spec.field(column).related_model._meta
        missing = missing_ids(cursor, staging=staging, column=column, table=related.db_table, pk=related.pk.column)
        if missing:
            problems.append(_problem(column, missing, register))
    return problems


def _lock_upload(cursor, *, upload_id: int) -> None:
    cursor.execute(f"SELECT id FROM {_q(Upload._meta.db_table)} WHERE id = %s{_lock()}", [upload_id])
    if cursor.fetchone() is None:
        raise LookupError(f"upload {upload_id} is not stored: its rows cannot be loaded")


def _problem(column: str, missing: list[int], register: RegisterSnapshot) -> LineProblem:
    file_column, code, noun = REFERENCE_COLUMNS[column]
    codes = {
        "trust_id": register.trust_codes_by_id,
        "site_id": register.site_codes_by_id,
        "unit_id": register.unit_codes_by_id,
    }[column]()
    shown = ", ".join(codes.get(pk, f"id {pk}") for pk in missing[:SHOW_CODES])
    more = f" and {len(missing) - SHOW_CODES} more" if len(missing) > SHOW_CODES else ""
    return LineProblem(
        None,
        file_column,
        f"{len(missing)} {noun}(s) named in this file are not in the organisation register ({shown}{more}): "
        "the whole file was refused and nothing from it was kept",
        code=code,
    )
