"""The commands: `perinatal import`, `perinatal metrics`, and values computed through setup,
import and metrics on a fresh database equal to an independent computation (the reference
implementation). `perinatal generate-demo-data` and the demo load: tests/demo/test_dashboard_data.py."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from perinatal.dashboard.exports import METRIC_ROW_COLUMNS, metric_row_json
from perinatal.dashboard.metrics.reference import compute_reference
from perinatal.dashboard.models import BirthRecord
from perinatal.kernel.london_time import localise
from tests.dashboard.factories import birth, unit
from tests.dashboard.import_helpers import (
    DATASET_ORDER,
    clear_dashboard_data,
    import_records,
    org_names,
    read_records,
    register_org_of,
    write_records,
)

REPO = Path(__file__).resolve().parents[2]
FIXED_NOW = "2025-05-20T10:00"


def _call(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- perinatal import -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "module",
    ["perinatal.dashboard.management.commands.import", "perinatal.notifications.management.commands.issue_api_token"],
)
def test_commands_that_serve_no_page_run_every_check_but_the_url_configurations(module, monkeypatch):
    # Checking the URL configuration imports every view and the API: about 1 s of each start.
    # Every other check runs, those registered without a tag (like the daily jobs') included.
    import importlib

    from django.core import checks
    from django.core.checks.registry import registry
    from django.core.management.base import SystemCheckError

    ran = []

    def untagged(app_configs, **kwargs):
        ran.append("untagged")
        return [checks.Error("an untagged check's error", id="test.E001")]

    def url_check(app_configs, **kwargs):
        ran.append("urls")
        return []

    url_check.tags = (checks.Tags.urls,)
    monkeypatch.setattr(registry, "registered_checks", {*registry.registered_checks, untagged, url_check})
    command = importlib.import_module(module).Command()
    with pytest.raises(SystemCheckError, match="an untagged check's error"):
        command.check()
    assert ran == ["untagged"]
    assert url_check in registry.registered_checks  # put back for every later command


@pytest.mark.django_db
def test_import_prints_what_it_loaded_and_its_notes(tmp_path):
    path = write_records(tmp_path / "births.csv", "births", [birth("CLI-1", termination=None), birth("CLI-2")])
    out, _ = _call("import", "births", str(path))
    assert "note: 1 row(s) have an empty termination, counted as 0 (not a termination) (line 2)" in out
    assert "births: loaded 2 rows from births.csv (2 added, 0 replaced)" in out
    assert BirthRecord.objects.filter(baby_id__startswith="CLI-").count() == 2


@pytest.mark.django_db
def test_import_of_a_bad_file_lists_each_error_and_exits_1(tmp_path):
    path = write_records(
        tmp_path / "births.csv",
        "births",
        [birth("BAD-1", trust_code="XYZ99"), birth("BAD-2"), birth("BAD-3", gestation_days=999)],
    )
    with pytest.raises(SystemExit) as stopped:
        _call("import", "births", str(path))
    assert stopped.value.code == 1
    assert not BirthRecord.objects.filter(baby_id__startswith="BAD-").exists()


@pytest.mark.django_db
def test_import_error_lines_are_printed(tmp_path):
    path = write_records(tmp_path / "units.csv", "units", [unit("U-CLI", site_code="R0A01", trust_code="RJ1")])
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "units", str(path), stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert "units: units.csv was refused, nothing from it was kept: 1 error(s)" in text
    assert "  line 2, column site_code: site 'R0A01' is registered under trust R0A, not RJ1" in text


@pytest.mark.django_db
def test_import_can_show_its_progress(tmp_path):
    path = write_records(tmp_path / "births.csv", "births", [birth("PR-1"), birth("PR-2")])
    out, _ = _call("import", "births", str(path), "--progress")
    assert "  100% checked (2 rows)\n" in out and "  100% loaded (2 rows)\n" in out


@pytest.mark.django_db
def test_import_can_say_the_quintiles_are_numbered_least_deprived_first(tmp_path):
    records = [birth("CLQ-1", imd_quintile=1), birth("CLQ-2", imd_quintile=4)]
    path = write_records(tmp_path / "births.csv", "births", records)
    out, _ = _call("import", "births", str(path), "--quintiles-least-deprived-first")
    assert "note: 2 row(s) gave imd_quintile numbered least deprived first" in out
    stored = dict(BirthRecord.objects.filter(baby_id__startswith="CLQ-").values_list("baby_id", "imd_quintile"))
    assert stored == {"CLQ-1": 5, "CLQ-2": 2}
    with pytest.raises(CommandError, match="only for births files"):
        _call("import", "survey", str(path), "--quintiles-least-deprived-first")


def test_import_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        _call("import", "births", str(tmp_path / "missing.csv"))


# --- perinatal metrics ----------------------------------------------------------------------
@pytest.fixture
def a_month(tmp_path, db):
    clear_dashboard_data()
    import_records(tmp_path, "births", [birth(f"M{n}", outcome="stillbirth" if n < 2 else "live") for n in range(10)])


def test_metrics_prints_section_4_csv_in_section_4_order(a_month):
    out, _ = _call(
        "metrics",
        "--from",
        "2025-06-01",
        "--to",
        "2025-06-30",
        "--metric",
        "stillbirth_rate",
        "--metric",
        "pph_1500_rate",
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(METRIC_ROW_COLUMNS)
    keys = [(r[0], r[1], r[2]) for r in rows[1:]]
    assert keys[0] == ("stillbirth_rate", "national", "E92000001") and keys[-1][0] == "pph_1500_rate"
    levels = [r[1] for r in rows[1:] if r[0] == "stillbirth_rate"]
    assert levels == ["national", "region", "icb", "trust"]
    trust = next(r for r in rows[1:] if r[0] == "stillbirth_rate" and r[1] == "trust")
    assert trust[2:] == [
        "R0A",
        "Manchester University NHS Foundation Trust",
        "2025-06-01",
        "2025-06-30",
        "2",
        "10",
        "200.00",
        "24.22",
        "722.47",
        "0",
        "0",
    ]


def test_metrics_json_public_and_levels(a_month):
    out, _ = _call(
        "metrics",
        "--from",
        "2025-06-01",
        "--to",
        "2025-06-30",
        "--metric",
        "stillbirth_rate",
        "--level",
        "trust",
        "--format",
        "json",
        "--public",
    )
    document = json.loads(out)
    assert document["stillbirth_denominator"] == "total_births" and document["public"] is True
    assert document["columns"] == list(METRIC_ROW_COLUMNS)
    assert document["rows"] == [
        {
            "metric_id": "stillbirth_rate",
            "org_level": "trust",
            "org_code": "R0A",
            "org_name": "Manchester University NHS Foundation Trust",
            "period_start": "2025-06-01",
            "period_end": "2025-06-30",
            "numerator": "*",
            "denominator": 10,
            "value": None,
            "lower_95": None,
            "upper_95": None,
            "suppressed": 1,
            "provisional": False,
        }
    ]


def test_metrics_fortnights_and_by_month(a_month):
    out, _ = _call(
        "metrics",
        "--from",
        "2025-05-01",
        "--to",
        "2025-06-30",
        "--level",
        "national",
        "--by",
        "month",
        "--metric",
        "obstetric_unit_suspensions",
        "--metric",
        "stillbirth_rate",
        "--stillbirth-denominator",
        "live_births",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["period_start"], r["period_end"]) for r in rows if r["metric_id"] == "obstetric_unit_suspensions"] == [
        ("2025-05-06", "2025-05-19"),
        ("2025-05-20", "2025-06-02"),
        ("2025-06-03", "2025-06-16"),
        ("2025-06-17", "2025-06-30"),
    ]
    stillbirths = [r for r in rows if r["metric_id"] == "stillbirth_rate"]
    assert [(r["period_start"], r["denominator"]) for r in stillbirths] == [("2025-05-01", "0"), ("2025-06-01", "8")]
    assert stillbirths[0]["value"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2025-06-01", "--to", "2025-05-01"], "--to (2025-05-01) is before --from (2025-06-01)"),
        (["--from", "2025-06-31", "--to", "2025-07-01"], "'2025-06-31' is not a date"),
        (["--from", "2025-06-01", "--to", "2025-07-01", "--metric", "nope"], "unknown metric nope"),
    ],
)
def test_metrics_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        _call("metrics", *args)


# --- The whole path on a fresh database, in subprocesses ------------------------------------
def _perinatal(database_url: str, *args: str) -> str:
    environment = {**os.environ, "DATABASE_URL": database_url, "PERINATAL_NOW": FIXED_NOW}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "perinatal.cli", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _end_to_end(database_url: str, folder: Path) -> None:
    _perinatal(database_url, "setup")
    _perinatal(
        database_url,
        "generate-demo-data",
        "--years",
        "1",
        "--end",
        "2025-04-30",
        "--trusts",
        "RJ1,RVJ",
        "--seed",
        "3",
        "--out",
        str(folder),
    )
    for dataset in DATASET_ORDER:
        assert "loaded" in _perinatal(database_url, "import", dataset, str(folder / f"{dataset}.csv"))
    document = json.loads(
        _perinatal(
            database_url, "metrics", "--from", "2025-01-01", "--to", "2025-04-30", "--by", "month", "--format", "json"
        )
    )
    units = read_records(folder, "units")
    records = {name: read_records(folder, name, known_units={u.unit_code: u for u in units}) for name in DATASET_ORDER}
    expected = compute_reference(
        date_from=date(2025, 1, 1),
        date_to=date(2025, 4, 30),
        by="month",
        now=localise(datetime.fromisoformat(FIXED_NOW)),
        org_of=register_org_of(),
        org_name=org_names(),
        **records,
    )
    assert len(expected) > 500
    assert document["rows"] == [metric_row_json(row) for row in expected]


@pytest.mark.django_db
def test_setup_import_and_metrics_on_a_fresh_sqlite_file_equal_the_reference(tmp_path):
    _end_to_end(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path / "data")


@pytest.mark.postgres
@pytest.mark.django_db
def test_setup_import_and_metrics_on_a_fresh_postgresql_database_equal_the_reference(tmp_path):
    import psycopg

    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"dashboard_fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _end_to_end(f"{server}/{name}", tmp_path / "data")
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
