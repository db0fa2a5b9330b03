"""`perinatal route FILE|-`: the routing result of docs/rules/routing.md §4 for the examples of
docs/rules/routing.md §5 and boundary cases; invalid documents exit non-zero naming each field and print no result."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from tests.notifications.factories import (
    baby_event,
    brain_injury_event,
    intrapartum_stillbirth,
    maternal_event,
    neonatal_death,
    signs,
)

pytestmark = pytest.mark.django_db

RYR_HOSPITAL = {"type": "hospital", "site": "RYR01"}
R0A_HOSPITAL = {"type": "hospital", "site": "R0A01"}


def route_file(tmp_path, document) -> dict:
    path = tmp_path / "document.json"
    path.write_text(json.dumps(document))
    out = io.StringIO()
    call_command("route", str(path), stdout=out)
    return json.loads(out.getvalue())


def summary(result: dict) -> dict[str, str]:
    return {d["body"]: d["category"] for d in result["destinations"]}


# docs/rules/routing.md §5, row by row.
SPEC_EXAMPLES = [
    (
        "stillbirth at 38+2 in labour, alive at onset",
        intrapartum_stillbirth(),
        {"MBRRACE_UK": "stillbirth", "MNSI": "intrapartum_stillbirth"},
        [],
    ),
    (
        "born alive at 30+0, died at 3 days",
        neonatal_death(),
        {"MBRRACE_UK": "neonatal_death"},
        [{"body": "CDOP", "via": "MBRRACE_UK", "rules": ["CDOP-1"]}],
    ),
    (
        "40+1 after labour, cooled from 3 hours, alive at 7 days, MRI shows HIE",
        brain_injury_event(),
        {"MNSI": "severe_brain_injury", "NHSR_EN": "severe_brain_injury"},
        [],
    ),
    (
        "elective caesarean before labour at 39+0, cooled",
        baby_event(gestation=(39, 0), labour="no_labour", brain_injury=signs(therapeutic_hypothermia=True)),
        {},
        [],
    ),
    (
        "mother died 43 days after birth",
        maternal_event(died_at="2025-11-13T09:00", pregnancy_ended_on="2025-10-01"),
        {"MBRRACE_UK": "maternal_death"},
        [],
    ),
]


@pytest.mark.parametrize("name, document, expected, onward", SPEC_EXAMPLES, ids=[row[0] for row in SPEC_EXAMPLES])
def test_spec_section_5_examples(tmp_path, name, document, expected, onward):
    result = route_file(tmp_path, document)
    assert summary(result) == expected
    assert result["onward"] == onward
    assert set(result) == {"destinations", "onward", "not_routed", "advice", "rules_version"}
    routed_or_not = [d["body"] for d in result["destinations"]] + [n["body"] for n in result["not_routed"]]
    assert sorted(routed_or_not) == ["MBRRACE_UK", "MNSI", "NHSR_EN"]


def test_a_baby_born_at_one_trust_who_dies_at_another_is_reported_by_the_second(tmp_path):
    document = neonatal_death(trust="R0A", place_of_birth=RYR_HOSPITAL, place_of_death=R0A_HOSPITAL)
    assert summary(route_file(tmp_path, document)) == {"MBRRACE_UK": "neonatal_death"}
    elsewhere = neonatal_death(trust="RA7", place_of_birth=RYR_HOSPITAL, place_of_death=R0A_HOSPITAL)
    with pytest.raises(CommandError) as caught:
        route_file(tmp_path, elsewhere)
    assert "trust: The reporting trust must be the trust" in str(caught.value)


@pytest.mark.parametrize(
    "died_at, expected",
    [
        # Born 12:00 BST on 20 October 2025 (11:00 UTC); the clocks go back on 26 October.
        ("2025-10-27T10:59", {"MBRRACE_UK": "neonatal_death", "MNSI": "early_neonatal_death"}),  # 6 days 23:59
        ("2025-10-27T11:00", {"MBRRACE_UK": "neonatal_death"}),  # exactly 7 days: day 7
    ],
)
def test_age_at_death_across_the_october_clock_change(tmp_path, died_at, expected):
    document = baby_event(gestation=(39, 0), born_at="2025-10-20T12:00", died_at=died_at)
    assert summary(route_file(tmp_path, document)) == expected


@pytest.mark.parametrize(
    "died_at, expected",
    [
        # Born 12:00 GMT on 23 March 2025 (12:00 UTC); the clocks go forward on 30 March.
        ("2025-03-30T12:59", {"MBRRACE_UK": "neonatal_death", "MNSI": "early_neonatal_death"}),  # 11:59 UTC
        ("2025-03-30T13:00", {"MBRRACE_UK": "neonatal_death"}),  # 12:00 UTC: 7 days
    ],
)
def test_age_at_death_across_the_march_clock_change(tmp_path, died_at, expected):
    document = baby_event(gestation=(39, 0), born_at="2025-03-23T12:00", died_at=died_at)
    assert summary(route_file(tmp_path, document)) == expected


def test_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(intrapartum_stillbirth())))
    out = io.StringIO()
    call_command("route", "-", stdout=out)
    assert summary(json.loads(out.getvalue())) == {"MBRRACE_UK": "stillbirth", "MNSI": "intrapartum_stillbirth"}


@pytest.mark.parametrize(
    "document, fields",
    [
        (baby_event(gestation=(11, 7)), ["baby.gestation.weeks", "baby.gestation.days"]),
        ({**baby_event(), "trust": "ZZZ"}, ["trust"]),
        (baby_event(born_at="2025-03-30T01:30"), ["baby.born_at"]),  # the hour skipped in March
        ({**maternal_event(), "colour": "red"}, ["colour"]),
        ({"trust": "R0A", "event": "baby"}, ["baby", "labour.status"]),
    ],
)
def test_invalid_documents_exit_non_zero_naming_each_field_and_print_no_result(monkeypatch, capsys, document, fields):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(document)))
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["perinatal", "route", "-"])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    named = [line.split(":")[0] for line in captured.err.splitlines()[1:] if line.strip()]
    assert named == fields


def test_text_that_is_not_json_is_refused(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("{not json"))
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["perinatal", "route", "-"])
    assert exited.value.code == 1 and "document: the input is not valid JSON" in capsys.readouterr().err


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("route", str(tmp_path / "missing.json"))
    assert "Cannot read" in str(caught.value)
