"""A file none of whose natural keys is stored is loaded by a plain INSERT, not the upsert
(perinatal/dashboard/imports/loading.py, docs/adr/0024-vectorised-import.md): the rows stored
are the same either way, a file with a stored key still replaces it, and the rules that refuse
a file still refuse it, each at its line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.imports import loading
from perinatal.dashboard.imports.tables import TABLES
from perinatal.dashboard.models import BirthRecord, UnitListing, Upload
from tests.dashboard.factories import admission, birth, episode, induction, survey_row, unit
from tests.dashboard.import_helpers import clear_dashboard_data, import_records

pytestmark = pytest.mark.django_db

#: One file of each dataset loaded through the bulk path, with cells of every kind.
FILES = {
    "births": [
        birth("PI-1"),
        birth("PI-2", mother_id="M-PI-1", blood_loss_ml=None, ethnic_group=None, imd_quintile=None),
        birth("PI-3", outcome="live", neonatal_death_on=date(2025, 6, 20), gestation_days=None, termination=None),
    ],
    "neonatal_care": [
        admission("PI-N1", admission_temperature_c=Decimal("37.55"), antenatal_magnesium=None),
        admission("PI-N2", gestation_days=None, site_code=None),
    ],
    "unit_status": [
        episode("PI-OBS", "2025-10-25T22:00", "2025-10-26T05:00"),
        episode("PI-OBS", "2025-03-30T00:30", None),
    ],
    "inductions": [
        induction("PI-I1", "2025-03-29T02:30", None),
        induction("PI-I2", "2025-10-26T01:30", "2025-10-26T01:45"),
    ],
    "survey": [survey_row(2031, 300, 41), survey_row(2031, 10, 1, question="another_question")],
}


def _stored(dataset: str, upload: Upload) -> list[tuple]:
    """Every stored column of the upload's rows but the row id."""
    spec = TABLES[dataset]
    return sorted(spec.model.objects.filter(upload=upload).values_list(*spec.columns))


def _loads(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT INTO")]


def _unit_for_episodes(tmp_path) -> None:
    assert import_records(tmp_path, "units", [unit("PI-OBS", site_code="R0A01")]).status == Upload.Status.LOADED


@pytest.mark.parametrize("dataset", list(FILES))
def test_a_file_with_no_stored_key_is_inserted_without_on_conflict(tmp_path, dataset):
    _unit_for_episodes(tmp_path)
    with CaptureQueriesContext(connection) as queries:
        upload = import_records(tmp_path, dataset, FILES[dataset])
    assert (upload.status, upload.rows_added, upload.rows_replaced) == ("loaded", len(FILES[dataset]), 0)
    table = TABLES[dataset].table
    loads = [sql for sql in _loads(queries) if table in sql.split("SELECT")[0]]
    assert len(loads) == 1 and "ON CONFLICT" not in loads[0]


@pytest.mark.parametrize("dataset", list(FILES))
def test_the_plain_insert_stores_what_the_upsert_stores(tmp_path, monkeypatch, dataset):
    _unit_for_episodes(tmp_path)
    inserted = import_records(tmp_path, dataset, FILES[dataset])
    rows = _stored(dataset, inserted)
    assert len(rows) == len(FILES[dataset])
    TABLES[dataset].model.objects.filter(upload=inserted).delete()
    monkeypatch.setattr(loading, "_any_key_stored", lambda *args: True)  # the upsert, as before
    with CaptureQueriesContext(connection) as queries:
        upserted = import_records(tmp_path, dataset, FILES[dataset])
    assert any("ON CONFLICT" in sql for sql in _loads(queries))
    assert (upserted.rows_added, upserted.rows_replaced) == (len(FILES[dataset]), 0)
    assert _stored(dataset, upserted) == rows


def test_an_empty_table_is_loaded_by_the_plain_insert(tmp_path):
    clear_dashboard_data()
    with CaptureQueriesContext(connection) as queries:
        upload = import_records(tmp_path, "births", [birth("E-1"), birth("E-2")])
    assert (upload.rows_added, upload.rows_replaced) == (2, 0)
    assert not any("ON CONFLICT" in sql for sql in _loads(queries))
    assert BirthRecord.objects.count() == 2


def test_one_stored_key_sends_the_whole_file_through_the_upsert(tmp_path):
    first = import_records(tmp_path, "births", [birth("S-1", blood_loss_ml=100)])
    with CaptureQueriesContext(connection) as queries:
        second = import_records(tmp_path, "births", [birth("S-2"), birth("S-1", blood_loss_ml=900), birth("S-3")])
    assert any("ON CONFLICT" in sql for sql in _loads(queries))
    assert (second.rows_added, second.rows_replaced) == (2, 1)
    stored = BirthRecord.objects.get(baby_id="S-1")
    assert (stored.blood_loss_ml, stored.upload_id) == (900, second.pk) and first.pk != second.pk


def test_a_key_twice_in_a_new_file_is_refused_at_its_lines_not_by_the_insert(tmp_path):
    upload = import_records(tmp_path, "births", [birth("T-1"), birth("T-2"), birth("T-1")])
    assert upload.status == Upload.Status.REFUSED
    assert [(e["line"], e["code"]) for e in upload.errors] == [(4, p.ERR_DUPLICATE_KEY)]
    assert upload.errors[0]["message"] == (
        "line 2 and line 4 have the same baby_id (T-1); each may appear only once in a file"
    )
    assert not BirthRecord.objects.filter(baby_id__startswith="T-").exists()


def test_a_new_file_s_keys_are_checked_once_by_the_insert_itself(tmp_path):
    """No query looks for repeated keys in a good new file: the key's unique index does; in a
    file with one, the query that names the lines runs after the insert was refused."""
    with CaptureQueriesContext(connection) as queries:
        import_records(tmp_path, "births", [birth("Q-1"), birth("Q-2")])
    assert not [q for q in queries if "HAVING COUNT(*) > 1" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        upload = import_records(tmp_path, "births", [birth("Q-3"), birth("Q-3")])
    assert [e["line"] for e in upload.errors] == [3]
    births = f'INSERT INTO "{BirthRecord._meta.db_table}"'
    order = [
        "insert" if q["sql"].startswith(births) else "repeated keys"
        for q in queries
        if q["sql"].startswith(births) or "HAVING COUNT(*) > 1" in q["sql"]
    ]
    assert order == ["insert", "repeated keys"]


def test_a_bad_line_of_a_new_file_is_refused_with_its_number(tmp_path):
    upload = import_records(tmp_path, "births", [birth("R-1"), birth("R-2", gestation_days=400), birth("R-3")])
    assert upload.status == Upload.Status.REFUSED
    assert [(e["line"], e["column"], e["code"]) for e in upload.errors] == [(3, "gestation_days", p.ERR_OUT_OF_RANGE)]
    assert not BirthRecord.objects.filter(baby_id__startswith="R-").exists()


@pytest.mark.postgres
def test_postgresql_lets_others_read_the_table_but_not_write_it_until_the_load_ends(tmp_path, monkeypatch):
    import psycopg

    settings = connection.settings_dict
    table = BirthRecord._meta.db_table
    seen = []
    original = loading._insert

    def insert_then_look_from_another_session(*args):
        original(*args)
        with psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            autocommit=True,
        ) as other:
            other.execute("SET lock_timeout = '200ms'")
            # Blocked, the read would raise LockNotAvailable after 200 ms: it answers at once.
            seen.append(("read", other.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]))
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(f"DELETE FROM \"{table}\" WHERE baby_id = 'nobody'")
            seen.append("refused")

    monkeypatch.setattr(loading, "_insert", insert_then_look_from_another_session)
    upload = import_records(tmp_path, "births", [birth("L-1")])
    assert upload.status == Upload.Status.LOADED
    assert [entry if entry == "refused" else entry[0] for entry in seen] == ["read", "refused"]


@pytest.mark.postgres
def test_postgresql_loads_two_units_files_one_after_the_other(tmp_path):
    # The load's lock is held until its transaction ends (here, the test's).
    upload = import_records(tmp_path, "units", [unit("U-LOCK")])
    assert upload.status == Upload.Status.LOADED
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = %s::regclass",
            [UnitListing._meta.db_table],
        )
        modes = {row[0] for row in cursor.fetchall()}
    assert "ShareRowExclusiveLock" in modes
