"""perinatal equity-programme plan (docs/rules/equity.md §3) on the demo plan."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from perinatal.equity import models

pytestmark = pytest.mark.django_db

EXPECTED = [
    ["site_code", "trust_code", "region_code", "intake", "intake_start", "status"],
    ["RJ101", "RJ1", "Y56", "1", "2026-05-01", "active"],
    ["RJ102", "RJ1", "Y56", "1", "2026-05-01", "active"],
    ["RA701", "RA7", "Y58", "2", "2027-01-01", "onboarding"],
    ["RYR01", "RYR", "Y59", "3", "2027-06-01", "planned"],
    ["RYR02", "RYR", "Y59", "", "", "not_allocated"],
    ["RRK01", "RRK", "Y60", "2", "2027-01-01", "onboarding"],
    ["RRK02", "RRK", "Y60", "2", "2027-01-01", "onboarding"],
    ["R0A01", "R0A", "Y62", "1", "2026-05-01", "active"],
    ["R0A02", "R0A", "Y62", "1", "2026-05-01", "active"],
    ["R0A03", "R0A", "Y62", "1", "2026-05-01", "active"],
]


def _plan(*args) -> str:
    out = io.StringIO()
    call_command("equity_programme", "plan", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_one_row_per_site_with_an_open_obstetric_unit_ordered_by_region_then_site():
    assert list(csv.reader(io.StringIO(_plan("--start", "2026-04-01")))) == EXPECTED


def test_json_has_the_same_rows():
    document = json.loads(_plan("--start", "2026-04-01", "--format", "json"))
    assert document["columns"] == EXPECTED[0]
    assert document["rows"][4] == {
        "site_code": "RYR02",
        "trust_code": "RYR",
        "region_code": "Y59",
        "intake": None,
        "intake_start": None,
        "status": "not_allocated",
    }
    assert document["rows"][0]["intake"] == 1 and document["on"] == "2026-11-27"


def test_a_shorter_window_shows_the_later_intakes_sites_not_allocated():
    err = io.StringIO()
    out = io.StringIO()
    call_command("equity_programme", "plan", "--start", "2026-04-01", "--months", "12", stdout=out, stderr=err)
    rows = {row["site_code"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["RYR01"]["status"] == "not_allocated" and rows["RYR01"]["intake"] == ""
    assert rows["RRK01"]["status"] == "onboarding"
    assert "Intake 3" in err.getvalue() and "after the first 12 months" in err.getvalue()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--start", "2026-05-01"], "--start: the programme starts on 2026-04-01 (1 April 2026), not 2026-05-01"),
        (["--start", "1 April 2026"], "--start: '1 April 2026' is not a date"),
        (["--start", "2026-04-01", "--months", "19"], "--months must be 1 to 18"),
        (["--start", "2026-04-01", "--months", "0"], "--months must be 1 to 18"),
    ],
)
def test_bad_arguments_are_refused_naming_them(args, words):
    with pytest.raises(CommandError) as error:
        _plan(*args)
    assert words in str(error.value)


def test_before_a_programme_is_set_every_site_is_not_allocated():
    # As in a fresh database: every record of the programme goes, the records first.
    for model in (
        models.SessionAttendance,
        models.Session,
        models.ElementUpdate,
        models.SurveyReturn,
        models.ExecutiveBacking,
        models.TeamMemberLeaving,
        models.TeamMember,
        models.Team,
        models.OnboardingNotice,
        models.Allocation,
        models.HistoryEntry,
        models.Intake,
        models.Programme,
    ):
        model.objects.all().delete()
    rows = list(csv.DictReader(io.StringIO(_plan("--start", "2027-01-01"))))
    assert len(rows) == 10 and {row["status"] for row in rows} == {"not_allocated"}


def test_the_hyphenated_name_runs_the_command(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    # The console script turns equity-programme into Django's equity_programme (perinatal/cli.py).
    perinatal = Path(sys.executable).parent / "perinatal"
    result = subprocess.run(
        [str(perinatal), "equity-programme", "plan", "--help"],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "--start START" in result.stdout and "--months MONTHS" in result.stdout
