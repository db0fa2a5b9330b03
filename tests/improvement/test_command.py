"""``perinatal improvement import`` and ``export`` (docs/rules/improvement.md §3): a bad set refused
whole with every bad line named and nothing stored; a good set loaded, replaced by case_id, and
exported with the figures of the rules."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from perinatal.core.models import AuditEvent
from perinatal.improvement.models import Case, Concern, Deescalation, Escalation, Meeting, PlanVersion
from tests.improvement import files

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    """The command's exit status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("improvement", *[str(arg) for arg in args], stdout=out, stderr=err)
    except SystemExit as stop:
        return int(stop.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def load(paths) -> tuple[int, str, str]:
    args = ["import", "--cases", paths["cases"]]
    for name in ("meetings", "escalations"):
        if paths[name] is not None:
            args += [f"--{name}", paths[name]]
    return run(*args)


def export(as_of: str, fmt: str = "csv") -> str:
    status, out, err = run("export", "--as-of", as_of, "--format", fmt)
    assert (status, err) == (0, "")
    return out


def stored() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "concerns": Concern.objects.count(),
        "meetings": Meeting.objects.count(),
        "escalations": Escalation.objects.count(),
    }


def test_a_good_set_loads_and_exports_the_figures_of_the_rules(tmp_path):
    status, out, err = load(files.write(tmp_path))
    assert (status, err) == (0, "")
    assert "loaded 3 case(s) (3 added, 0 replaced with their history), 4 meeting(s), 2 escalation(s)" in out
    assert export("2026-07-15") == files.EXPORT_2026_07_15
    case = Case.objects.get(case_id="MSSP-001")
    assert case.imported and case.trust.code == "RYR"
    assert PlanVersion.objects.get(case=case).imported
    assert Deescalation.objects.filter(escalation__case__case_id="MSSP-003").count() == 1
    assert AuditEvent.objects.filter(object_id=str(case.pk), summary__contains="loaded from the previous").exists()


def test_the_export_in_json_and_after_the_exit(tmp_path):
    load(files.write(tmp_path))
    rows = json.loads(export("2026-10-01", "json"))
    exited = rows[2]
    assert exited["case_id"] == "MSSP-003"
    assert (exited["stage"], exited["exited_on"], exited["plan_agreed_on"]) == ("exited", "2026-08-14", "2025-05-01")
    assert (exited["executive_meetings_missed"], exited["quarterly_reviews_missed"]) == (14, 4)
    assert rows[1]["plan_agreed_on"] is None


def test_a_case_identified_after_as_of_is_left_out(tmp_path):
    load(files.write(tmp_path))
    lines = export("2026-02-19").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["MSSP-001", "MSSP-003"]
    assert lines[1].split(",")[3] == "planning"  # the plan agreed the next day is not agreed yet


def test_a_case_already_loaded_is_replaced_with_its_history(tmp_path):
    load(files.write(tmp_path))
    again = tmp_path / "again"
    again.mkdir()
    cases = "case_id,trust_code,identified_on,concern_type,diagnostic_completed_on,plan_agreed_on,exited_on\n"
    cases += "MSSP-001,RYR,2026-01-05,cqc,,,\n"
    status, out, _err = load(files.write(again, cases=cases, meetings=None, escalations=None))
    assert status == 0 and "(0 added, 1 replaced with their history)" in out
    case = Case.objects.get(case_id="MSSP-001")
    assert (case.meetings.count(), case.escalations.count(), case.plan_versions.count()) == (0, 0, 0)
    assert Concern.objects.filter(triage_decisions__case=case).count() == 1  # its old concern went with it
    assert stored() == {"cases": 3, "concerns": 3, "meetings": 2, "escalations": 1}
    assert "MSSP-001,RYR,Y59,diagnostic,2026-01-05,2026-02-16,overdue,,0,0,trust," in export("2026-07-15")


def test_a_bad_set_is_refused_whole_with_every_bad_line_named(tmp_path):
    cases = files.CASES + (
        "MSSP-004,XXX,2026-01-05,cqc,,,\n"  # line 5: not a trust in the register
        "MSSP-005,RYR,2026-03-01,cqc,,,2026-02-01\n"  # line 6: exit before identification
    )
    meetings = files.MEETINGS + (
        "MSSP-001,board,2026-06-01\n"  # line 6: not a meeting kind
        "MSSP-404,executive,2026-06-01\n"  # line 7: a case not in the cases file
    )
    status, out, err = load(files.write(tmp_path, cases=cases, meetings=meetings))
    assert status == 1 and out == ""
    assert "refused: 4 problem(s); nothing was stored" in err
    for where in (
        "cases.csv, line 5, column trust_code: XXX is not a trust in the register",
        "cases.csv, line 6, column exited_on: exit (2026-02-01) is before identification (2026-03-01)",
        "meetings.csv, line 6, column kind:",
        "meetings.csv, line 7, column case_id: case MSSP-404 is not in",
    ):
        assert where in err
    assert stored() == {"cases": 0, "concerns": 0, "meetings": 0, "escalations": 0}


def test_a_bad_set_leaves_the_cases_already_loaded_as_they_were(tmp_path):
    load(files.write(tmp_path))
    before = stored()
    bad = tmp_path / "bad"
    bad.mkdir()
    cases = files.CASES.replace("MSSP-002,RHQ", "MSSP-002,rhq")
    status, _out, err = load(files.write(bad, cases=cases))
    assert status == 1
    assert "line 3, column trust_code: rhq is not a trust in the register (did you mean RHQ?)" in err
    assert stored() == before


def test_the_command_line_is_checked():
    with pytest.raises(CommandError, match="--as-of: 15/07/2026 is not a date"):
        run("export", "--as-of", "15/07/2026")
    with pytest.raises(CommandError, match="--by: no active user"):
        run("import", "--cases", "cases.csv", "--by", "nobody@example.org")


@pytest.mark.postgres
def test_import_replace_and_export_on_postgresql(tmp_path):
    """The replacement locks and deletes a case's rows with their history (SELECT … FOR UPDATE,
    cascades through protected links between its own rows): PostgreSQL enforces what SQLite lets pass."""
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert load(files.write(tmp_path))[0] == 0
    again = tmp_path / "again"
    again.mkdir()
    assert load(files.write(again))[0] == 0
    assert stored() == {"cases": 3, "concerns": 3, "meetings": 4, "escalations": 2}
    assert export("2026-07-15") == files.EXPORT_2026_07_15
    bad = tmp_path / "bad"
    bad.mkdir()
    assert load(files.write(bad, meetings=files.MEETINGS + "MSSP-404,executive,2026-06-01\n"))[0] == 1
    assert stored() == {"cases": 3, "concerns": 3, "meetings": 4, "escalations": 2}
