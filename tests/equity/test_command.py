"""`perinatal equity` (docs/rules/equity.md §1): the columns and order, CSV and JSON, --by,
--public, arguments refused with the argument named, and the whole path (setup, demo data,
import, the command) on a fresh database equal to the reference implementation."""

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

from perinatal.equity.breakdowns.reference import compute_equity_reference
from perinatal.equity.breakdowns.rows import OUTPUT_COLUMNS
from perinatal.equity.exports import equity_row_json
from perinatal.kernel.london_time import localise
from tests.dashboard.factories import birth
from tests.dashboard.import_helpers import (
    clear_dashboard_data,
    import_records,
    org_names,
    read_records,
    register_org_of,
)

REPO = Path(__file__).resolve().parents[2]
FIXED_NOW = "2025-05-20T10:00"


def call(*args) -> str:
    out = io.StringIO()
    call_command("equity", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def a_month(db, tmp_path):
    clear_dashboard_data()
    births = [
        birth(f"W{n}", ethnic_group="White", imd_quintile=5, outcome="stillbirth" if n < 9 else "live")
        for n in range(40)
    ]
    births += [
        birth(f"B{n}", ethnic_group="Black", imd_quintile=1, outcome="stillbirth" if n < 3 else "live")
        for n in range(10)
    ]
    births += [birth("N1", ethnic_group=None, imd_quintile=None)]
    upload = import_records(tmp_path, "births", births)
    assert upload.status == "loaded", upload.errors


def test_csv_has_the_columns_of_the_spec_in_its_order(a_month):
    rows = list(csv.reader(io.StringIO(call("--from", "2025-06-01", "--to", "2025-06-30"))))
    assert rows[0] == list(OUTPUT_COLUMNS)
    body = rows[1:]
    assert [r[0] for r in body] == sorted(
        (r[0] for r in body), key=["stillbirth_rate", "neonatal_mortality_rate", "pph_1500_rate"].index
    )
    stillbirths = [r for r in body if r[0] == "stillbirth_rate"]
    assert [r[1] for r in stillbirths] == ["national"] * 7 + ["region"] * 7 + ["icb"] * 7 + ["trust"] * 7
    trust = [r for r in stillbirths if r[1] == "trust"]
    assert [(r[6], r[7]) for r in trust] == [
        ("White", "All"),
        ("Black", "All"),
        ("Asian", "All"),
        ("Mixed", "All"),
        ("Other", "All"),
        ("Not stated", "All"),
        ("All", "All"),
    ]
    black = trust[1]
    # 3 of 10 against 9 of 40: 300.00 and 225.00 per 1,000; ratio 1.33; difference 75.00
    assert black[2:6] == ["R0A", "Manchester University NHS Foundation Trust", "2025-06-01", "2025-06-30"]
    assert black[8:11] == ["3", "10", "300.00"]
    assert black[13] == "1.33" and black[16] == "75.00"
    assert black[19] == "0"
    asian = trust[2]
    assert asian[8:] == ["0", "0", "", "", "", "", "", "", "", "", "", "0"]
    assert trust[-1][8:10] == ["12", "51"]


def test_by_quintile_by_both_and_one_level(a_month):
    rows = list(
        csv.reader(
            io.StringIO(call("--from", "2025-06-01", "--to", "2025-06-30", "--by", "imd_quintile", "--level", "trust"))
        )
    )
    assert {r[1] for r in rows[1:]} == {"trust"}
    assert [r[7] for r in rows[1:8]] == ["1", "2", "3", "4", "5", "Not stated", "All"]
    assert {r[6] for r in rows[1:]} == {"All"}
    both = list(
        csv.reader(
            io.StringIO(
                call(
                    "--from",
                    "2025-06-01",
                    "--to",
                    "2025-06-30",
                    "--by",
                    "ethnic_group,imd_quintile",
                    "--level",
                    "national",
                    "--metric",
                    "stillbirth_rate",
                )
            )
        )
    )
    assert len(both) == 1 + 37
    assert (both[1][6], both[1][7]) == ("White", "1") and (both[-1][6], both[-1][7]) == ("All", "All")
    black_1 = next(r for r in both if (r[6], r[7]) == ("Black", "1"))
    assert black_1[8:10] == ["3", "10"] and black_1[13] == "1.33"


def test_json_and_public(a_month):
    document = json.loads(
        call("--from", "2025-06-01", "--to", "2025-06-30", "--format", "json", "--public", "--level", "trust")
    )
    assert document["columns"] == list(OUTPUT_COLUMNS)
    assert (document["from"], document["to"], document["by"], document["public"]) == (
        "2025-06-01",
        "2025-06-30",
        ["ethnic_group"],
        True,
    )
    black = next(r for r in document["rows"] if r["metric_id"] == "stillbirth_rate" and r["ethnic_group"] == "Black")
    assert (black["numerator"], black["denominator"], black["value"], black["rate_ratio"], black["suppressed"]) == (
        "*",
        10,
        None,
        None,
        1,
    )
    white = next(r for r in document["rows"] if r["metric_id"] == "stillbirth_rate" and r["ethnic_group"] == "White")
    # 9 → 10 and 40 stay; the rate from the true counts; its comparison is with itself: none
    assert (white["numerator"], white["denominator"], white["value"], white["suppressed"]) == (10, 40, "225.00", 0)
    total = next(r for r in document["rows"] if r["metric_id"] == "stillbirth_rate" and r["ethnic_group"] == "All")
    assert (total["numerator"], total["denominator"]) == (10, 50)  # 12 → 10, 51 → 50


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2025-06-01", "--to", "2025-05-01"], "--to (2025-05-01) is before --from (2025-06-01)"),
        (["--from", "2025-06-31", "--to", "2025-07-01"], "--from '2025-06-31' is not a date"),
        (["--from", "2025-06-01", "--to", "July"], "--to 'July' is not a date"),
        (
            ["--from", "2025-06-01", "--to", "2025-07-01", "--metric", "optimal_perinatal_care"],
            "--metric optimal_perinatal_care has no equity breakdown",
        ),
        (["--from", "2025-06-01", "--to", "2025-07-01", "--by", "mother_age"], "--by 'mother_age' is not a breakdown"),
        (["--from", "2025-06-01", "--to", "2025-07-01", "--by", "ethnic_group,ethnic_group,x"], "--by"),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call(*args)


# --- The whole path on a fresh database, in subprocesses ------------------------------------
def perinatal(database_url: str, *args: str) -> str:
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


def end_to_end(database_url: str, folder: Path) -> None:
    """The demo generator's national-style data (not made for these tests), through setup,
    import and `perinatal equity`, against the reference on the records read back from the file."""
    perinatal(database_url, "setup")
    perinatal(
        database_url,
        "generate-demo-data",
        "--years",
        "1",
        "--end",
        "2025-04-30",
        "--trusts",
        "RJ1,RVJ",
        "--seed",
        "5",
        "--out",
        str(folder),
    )
    for dataset in ("units", "births"):
        assert "loaded" in perinatal(database_url, "import", dataset, str(folder / f"{dataset}.csv"))
    units = read_records(folder, "units")
    births = read_records(folder, "births", known_units={u.unit_code: u for u in units})
    trusts = {u.trust_code for u in units}
    for by, public in (("ethnic_group", False), ("imd_quintile", True), ("ethnic_group,imd_quintile", False)):
        arguments = ["--from", "2024-11-01", "--to", "2025-04-30", "--by", by, "--format", "json"]
        document = json.loads(perinatal(database_url, "equity", *arguments, *(["--public"] if public else [])))
        expected = compute_equity_reference(
            date_from=date(2024, 11, 1),
            date_to=date(2025, 4, 30),
            by=tuple(by.split(",")),
            public=public,
            now=localise(datetime.fromisoformat(FIXED_NOW)),
            org_of=register_org_of(),
            org_name=org_names(),
            births=births,
            trust_codes=trusts,
        )
        assert len(expected) > 100
        assert document["rows"] == [equity_row_json(row) for row in expected]


@pytest.mark.django_db
def test_setup_import_and_equity_on_a_fresh_sqlite_file_equal_the_reference(tmp_path):
    end_to_end(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path / "data")


@pytest.mark.postgres
@pytest.mark.django_db
def test_setup_import_and_equity_on_a_fresh_postgresql_database_equal_the_reference(tmp_path):
    import psycopg

    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"equity_fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        end_to_end(f"{server}/{name}", tmp_path / "data")
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
