"""The record tables' references, checked by the loader instead of database constraints
(docs/adr/0024-vectorised-import.md, "Foreign keys checked by the loader"): the migrations leave
no foreign-key constraint and no pattern index on them; the loader refuses a file whose rows
name a trust, site or unit that is not stored, even past the validator, and on PostgreSQL locks
the rows they name; and a referenced row still cannot be deleted (PROTECT)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError

from perinatal.core import clock
from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.imports.register_snapshot import read_register
from perinatal.dashboard.imports.staging import stage_file
from perinatal.dashboard.imports.tables import TABLES
from perinatal.dashboard.models import BirthRecord, UnitStatusEpisode, Upload
from perinatal.dashboard.services import finish_import, start_upload
from perinatal.organisations.models import Organisation, Site, Unit
from perinatal.organisations.sites import add_site
from tests.dashboard.factories import birth
from tests.dashboard.import_helpers import write_records

pytestmark = pytest.mark.django_db

RECORD_TABLES = sorted(spec.table for spec in TABLES.values())
#: The natural keys of one text column: no second (pattern-ops) index beside the unique one.
TEXT_KEYS = {
    "dashboard_birthrecord": "baby_id",
    "dashboard_neonatalcarerecord": "baby_id",
    "dashboard_inductionrecord": "induction_id",
}


def _constraints(table: str) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


@pytest.mark.parametrize("table", RECORD_TABLES)
def test_the_migrations_leave_no_foreign_key_constraint_on_the_record_tables(table):
    constraints = _constraints(table)
    assert constraints  # the table was introspected
    assert {name: c["foreign_key"] for name, c in constraints.items() if c["foreign_key"]} == {}


@pytest.mark.parametrize(("table", "column"), sorted(TEXT_KEYS.items()))
def test_a_text_natural_key_has_its_unique_index_only(table, column):
    on_key = [c for c in _constraints(table).values() if c["columns"] == [column]]
    assert len(on_key) == 1, on_key
    assert on_key[0]["unique"]


@pytest.mark.postgres
def test_postgresql_has_no_foreign_key_or_pattern_index_on_the_record_tables():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [RECORD_TABLES],
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE '%%pattern_ops%%'",
            [RECORD_TABLES],
        )
        assert cursor.fetchall() == []


def _births(tmp_path, records):
    return write_records(tmp_path / "births.csv", "births", records)


def _stage_and_load(path, register):
    upload = start_upload(dataset="births", path=path)
    staged = stage_file(dataset="births", source=path, register=register, vendor=connection.vendor)
    assert staged.ok, staged.errors  # the validator let every row through
    return upload, staged


def test_the_loader_refuses_a_trust_that_is_not_stored_even_when_the_validator_let_it_through(tmp_path):
    # A register snapshot that wrongly holds a trust: the validator accepts its rows, the
    # loader finds the id in no stored organisation.
    missing_id = Organisation.objects.order_by("-id").values_list("id", flat=True).first() + 1000
    register = read_register()
    register = replace(register, trust_ids={**register.trust_ids, "ZZZ9": missing_id})
    path = _births(tmp_path, [birth("REF-1"), birth("REF-2", trust_code="ZZZ9", site_code=None)])
    upload, staged = _stage_and_load(path, register)

    upload = finish_import(upload=upload, staged=staged, register=register)

    assert upload.status == Upload.Status.REFUSED
    assert upload.error_count == 1
    [error] = upload.errors
    assert error["line"] is None
    assert error["column"] == "trust_code"
    assert error["code"] == p.ERR_UNKNOWN_TRUST
    assert "ZZZ9" in error["message"] and "not in the organisation register" in error["message"]
    assert not BirthRecord.objects.filter(baby_id__startswith="REF-").exists()


def test_a_key_twice_in_the_file_is_named_before_a_trust_the_loader_finds_missing(tmp_path):
    # The repeated key is reported, as when it was looked for before the references.
    missing_id = Organisation.objects.order_by("-id").values_list("id", flat=True).first() + 1000
    register = read_register()
    register = replace(register, trust_ids={**register.trust_ids, "ZZZ9": missing_id})
    path = _births(tmp_path, [birth("REF-1"), birth("REF-2", trust_code="ZZZ9", site_code=None), birth("REF-1")])
    upload, staged = _stage_and_load(path, register)

    upload = finish_import(upload=upload, staged=staged, register=register)

    assert upload.status == Upload.Status.REFUSED
    assert [(e["line"], e["code"]) for e in upload.errors] == [(4, p.ERR_DUPLICATE_KEY)]
    assert not BirthRecord.objects.filter(baby_id__startswith="REF-").exists()


def test_a_site_deleted_between_the_check_and_the_load_refuses_the_file(tmp_path):
    trust = Organisation.objects.get(code="R0A")
    site = add_site(code="R0AZ7", name="Gone hospital", trust=trust, valid_from=date(2020, 1, 1), synthetic=True)
    register = read_register()
    path = _births(tmp_path, [birth("DEL-1", site_code="R0AZ7"), birth("DEL-2")])
    upload, staged = _stage_and_load(path, register)
    site.delete()  # nothing refers to it yet: the register changes under the import

    upload = finish_import(upload=upload, staged=staged, register=register)

    assert upload.status == Upload.Status.REFUSED
    assert [(e["line"], e["column"], e["code"]) for e in upload.errors] == [(None, "site_code", p.ERR_UNKNOWN_SITE)]
    assert "1 site(s) named in this file are not in the organisation register (R0AZ7)" in upload.errors[0]["message"]
    assert not BirthRecord.objects.filter(baby_id__startswith="DEL-").exists()


def test_the_command_prints_an_error_of_the_whole_file_without_a_line(tmp_path, monkeypatch):
    register = read_register()
    missing_id = Organisation.objects.order_by("-id").values_list("id", flat=True).first() + 1000
    monkeypatch.setattr(
        "perinatal.dashboard.services.read_register",
        lambda: replace(register, trust_ids={**register.trust_ids, "ZZZ8": missing_id}),
    )
    path = _births(tmp_path, [birth("CMD-1", trust_code="ZZZ8", site_code=None)])
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "births", str(path), stdout=io.StringIO(), stderr=err)
    assert "  column trust_code: 1 trust(s) named in this file are not in the organisation register (ZZZ8)" in (
        err.getvalue()
    )
    assert "line None" not in err.getvalue()


def _upload() -> Upload:
    return Upload.objects.create(dataset="births", filename="x.csv", started_at=clock.now())


def test_a_referenced_trust_site_unit_or_upload_cannot_be_deleted():
    # Fresh rows that nothing else refers to, so only the dashboard's records protect them.
    trust = Organisation.objects.create(code="ZPROT", kind=Organisation.Kind.TRUST)
    site = Site.objects.create(code="ZPROT1", name="Protected site")
    unit_site = Site.objects.create(code="ZPROT2", name="Site of the unit")
    unit = Unit.objects.create(code="ZPROT-U", site=unit_site, unit_type="obstetric", opened_on=date(2020, 1, 1))
    upload = _upload()
    record = BirthRecord.objects.create(
        baby_id="PROT-1",
        mother_id="M-PROT-1",
        trust=trust,
        site=site,
        born_on=date(2025, 6, 15),
        outcome="live",
        termination=False,
        upload=upload,
    )
    episode = UnitStatusEpisode.objects.create(
        unit=unit, status="suspended", started_at=clock.now(), started_s=0, upload=_upload()
    )

    for referenced, referring in ((trust, record), (site, record), (upload, record), (unit, episode)):
        with pytest.raises(ProtectedError) as refused:
            referenced.delete()
        assert referring in refused.value.protected_objects
    assert Organisation.objects.filter(pk=trust.pk).exists() and Site.objects.filter(pk=site.pk).exists()
    assert Unit.objects.filter(pk=unit.pk).exists() and Upload.objects.filter(pk=upload.pk).exists()


@pytest.mark.postgres
def test_postgresql_locks_the_rows_a_loaded_file_names_until_it_commits(tmp_path):
    import psycopg

    assert connection.vendor == "postgresql"
    path = _births(tmp_path, [birth("LOCK-1")])
    register = read_register()
    upload, staged = _stage_and_load(path, register)
    assert finish_import(upload=upload, staged=staged, register=register).status == Upload.Status.LOADED
    # The test's transaction is still open: another session may not take the rows for a delete.
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
    ) as other:
        for table, code in (("organisations_organisation", "R0A"), ("organisations_site", "R0A01")):
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(f"SELECT id FROM {table} WHERE code = %s FOR UPDATE NOWAIT", [code])
            other.rollback()
        # A key-sharing lock: the rows may still be read and their other columns changed.
        other.execute("SELECT id FROM organisations_organisation WHERE code = 'R0A' FOR NO KEY UPDATE NOWAIT")
        other.rollback()
