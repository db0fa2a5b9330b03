"""Moving cases from the previous programme (docs/rules/improvement.md §3): the files checked whole
with every bad line named, and the export rows computed from the clocks."""

import io
from datetime import date

import pytest

from perinatal.improvement.clocks import CaseTimeline, Escalation, Meeting
from perinatal.improvement.transfer import (
    EXPORT_COLUMNS,
    CaseRow,
    EscalationRow,
    ExportCase,
    MeetingRow,
    TransferRefused,
    export_rows,
    read_transfer,
)

TRUSTS = {"RYR", "RHQ", "R1H"}

CASES = """\
case_id,trust_code,identified_on,concern_type,diagnostic_completed_on,plan_agreed_on,exited_on
MSSP-001,RYR,2026-01-05,cqc,2026-02-10,2026-02-20,
MSSP-002,RHQ,2026-06-01,moss,,,
MSSP-003,R1H,2025-03-03,segment,2025-04-01,2025-05-01,2026-08-14
"""

MEETINGS = """\
case_id,kind,held_on
MSSP-001,executive,2026-03-02
MSSP-001,executive,2026-05-11
MSSP-003,executive,2026-07-06
MSSP-003,quarterly_review,2026-06-30
"""

ESCALATIONS = """\
case_id,level,escalated_on,reason,deescalated_on
MSSP-001,region,2026-04-01,Two missed executive meetings,
MSSP-003,icb,2025-06-01,"Staffing, and the board's response",2025-09-01
"""


def read(cases=CASES, meetings=None, escalations=None, trusts=TRUSTS):
    return read_transfer(
        cases=io.StringIO(cases, newline=""),
        meetings=None if meetings is None else io.StringIO(meetings, newline=""),
        escalations=None if escalations is None else io.StringIO(escalations, newline=""),
        known_trust_codes=trusts,
    )


def refused(**files) -> list[tuple[str, int | None, str | None, str]]:
    """Every problem of a refused set: (file, line, column, message)."""
    with pytest.raises(TransferRefused) as caught:
        read(**files)
    return [
        (name, problem.line, problem.column, problem.message)
        for name, problems in caught.value.by_file.items()
        for problem in problems
    ]


# --- a good set --------------------------------------------------------------------------------


def test_a_good_set_is_read_into_typed_rows():
    transfer = read(CASES, MEETINGS, ESCALATIONS)
    assert transfer.cases[0] == CaseRow(
        line=2,
        case_id="MSSP-001",
        trust_code="RYR",
        identified_on=date(2026, 1, 5),
        concern_type="cqc",
        diagnostic_completed_on=date(2026, 2, 10),
        plan_agreed_on=date(2026, 2, 20),
        exited_on=None,
    )
    assert [row.case_id for row in transfer.cases] == ["MSSP-001", "MSSP-002", "MSSP-003"]
    assert transfer.meetings[3] == MeetingRow(
        line=5, case_id="MSSP-003", kind="quarterly_review", held_on=date(2026, 6, 30)
    )
    assert transfer.escalations[1] == EscalationRow(
        line=3,
        case_id="MSSP-003",
        level="icb",
        escalated_on=date(2025, 6, 1),
        reason="Staffing, and the board's response",
        deescalated_on=date(2025, 9, 1),
    )
    assert transfer.timeline("MSSP-001") == CaseTimeline(
        identified_on=date(2026, 1, 5),
        diagnostic_completed_on=date(2026, 2, 10),
        plan_agreed_on=date(2026, 2, 20),
        meetings=(Meeting("executive", date(2026, 3, 2)), Meeting("executive", date(2026, 5, 11))),
        escalations=(Escalation("region", date(2026, 4, 1)),),
    )


def test_the_meetings_and_escalations_files_are_optional():
    transfer = read(CASES)
    assert len(transfer.cases) == 3
    assert (transfer.meetings, transfer.escalations) == ((), ())


def test_columns_in_any_order_a_byte_order_mark_spaces_and_blank_lines():
    cases = (
        "\ufeffexited_on, case_id ,trust_code,identified_on,concern_type,diagnostic_completed_on,plan_agreed_on\r\n"
        ",MSSP-009 , RYR,2026-01-05,dashboard,,\r\n"
        ",,,,,,\r\n"
        "\r\n"
    )
    transfer = read(cases)
    assert [(row.line, row.case_id, row.trust_code) for row in transfer.cases] == [(2, "MSSP-009", "RYR")]


def test_a_set_can_be_read_from_paths(tmp_path):
    (tmp_path / "cases.csv").write_text(CASES, encoding="utf-8")
    (tmp_path / "meetings.csv").write_text(MEETINGS, encoding="utf-8")
    transfer = read_transfer(cases=tmp_path / "cases.csv", meetings=tmp_path / "meetings.csv", known_trust_codes=TRUSTS)
    assert len(transfer.meetings) == 4


# --- a bad set: every problem named --------------------------------------------------------------


def test_every_bad_line_of_every_file_is_named():
    cases = """\
case_id,trust_code,identified_on,concern_type,diagnostic_completed_on,plan_agreed_on,exited_on
MSSP-001,RYR,2026-01-05,cqc,2026-02-10,2026-02-20,
MSSP-002,XXX,2026-06-01,moss,,,
MSSP-003,R1H,2026-03-03,rumour,,,2026-03-01
MSSP-004,RHQ,2026-02-30,cqc,,,
MSSP-001,RHQ,2026-01-05,cqc,,,
MSSP-005,RYR,2026-01-05,oversight,2026-01-04,2026-01-03,
"""
    meetings = """\
case_id,kind,held_on
MSSP-001,board,2026-03-02
MSSP-999,executive,2026-03-02
MSSP-001,executive,2025-12-31
MSSP-001,executive,2026-03-02
MSSP-001,executive,2026-03-02
"""
    escalations = """\
case_id,level,escalated_on,reason,deescalated_on
MSSP-001,region,2026-04-01,Missed meetings,2026-03-31
MSSP-001,trust,2026-04-01,,
MSSP-777,icb,2026-04-01,Soft intelligence,
"""
    assert refused(cases=cases, meetings=meetings, escalations=escalations) == [
        ("the cases file", 3, "trust_code", "XXX is not a trust in the register"),
        (
            "the cases file",
            4,
            "concern_type",
            "'rumour' must be one of: cqc, moss, dashboard, oversight, investigation, intelligence, segment",
        ),
        ("the cases file", 4, "exited_on", "exit (2026-03-01) is before identification (2026-03-03)"),
        ("the cases file", 5, "identified_on", "'2026-02-30' is not a real date"),
        ("the cases file", 6, "case_id", "case MSSP-001 is also on line 2"),
        (
            "the cases file",
            7,
            "diagnostic_completed_on",
            "the diagnostic's completion (2026-01-04) is before identification (2026-01-05)",
        ),
        (
            "the cases file",
            7,
            "plan_agreed_on",
            "the plan's agreement (2026-01-03) is before identification (2026-01-05)",
        ),
        ("the meetings file", 2, "kind", "'board' must be one of: executive, quarterly_review"),
        ("the meetings file", 3, "case_id", "case MSSP-999 is not in the cases file"),
        ("the meetings file", 4, "held_on", "2025-12-31 is before the case was identified (2026-01-05)"),
        ("the meetings file", 6, None, "the same meeting is also on line 5"),
        (
            "the escalations file",
            2,
            "deescalated_on",
            "the de-escalation (2026-03-31) is before the escalation (2026-04-01)",
        ),
        ("the escalations file", 3, "level", "'trust' must be one of: icb, region, national, regulator"),
        ("the escalations file", 3, "reason", "reason is empty; it is required"),
        ("the escalations file", 4, "case_id", "case MSSP-777 is not in the cases file"),
    ]


def test_the_refusal_names_the_file_of_each_problem(tmp_path):
    path = tmp_path / "mssp-cases.csv"
    path.write_text(CASES.replace("MSSP-002,RHQ", "MSSP-002,ZZZ"), encoding="utf-8")
    with pytest.raises(TransferRefused) as caught:
        read_transfer(cases=path, known_trust_codes=TRUSTS)
    assert caught.value.lines() == [f"{path}, line 3, column trust_code: ZZZ is not a trust in the register"]
    assert str(caught.value) == caught.value.lines()[0]
    assert [problem.code for problem in caught.value.problems] == ["unknown_trust"]


def test_a_meeting_of_a_case_whose_line_is_bad_is_not_called_unknown():
    cases = CASES.replace("MSSP-001,RYR,2026-01-05", "MSSP-001,RYR,2026-13-05")
    assert refused(cases=cases, meetings=MEETINGS) == [
        ("the cases file", 2, "identified_on", "'2026-13-05' is not a real date")
    ]


def test_a_trust_code_in_small_letters_is_refused_with_the_right_one():
    assert refused(cases=CASES.replace("MSSP-002,RHQ", "MSSP-002,rhq")) == [
        ("the cases file", 3, "trust_code", "rhq is not a trust in the register (did you mean RHQ?)")
    ]


def test_the_known_trusts_come_from_the_caller():
    assert refused(cases=CASES, trusts={"RYR", "RHQ"}) == [
        ("the cases file", 4, "trust_code", "R1H is not a trust in the register")
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "case_id,trust_code,identified_on,concern_type,diagnostic_completed_on,plan_agreed_on",
            [("the cases file", 1, "exited_on", "the column is missing from the header")],
        ),
        (
            "case_id,trust_code,identified_on,concern_type,diagnostic_completed_on,plan_agreed_on,exit_on,exited_on",
            [
                (
                    "the cases file",
                    1,
                    "exit_on",
                    "is not a column of this file: its columns are case_id, trust_code, identified_on, "
                    "concern_type, diagnostic_completed_on, plan_agreed_on, exited_on",
                )
            ],
        ),
        (
            "case_id,trust_code,identified_on,concern_type,diagnostic_completed_on,plan_agreed_on,Exited_On,case_id",
            [
                (
                    "the cases file",
                    1,
                    "Exited_On",
                    "is not a column of this file: its columns are case_id, trust_code, identified_on, "
                    "concern_type, diagnostic_completed_on, plan_agreed_on, exited_on (did you mean exited_on?)",
                ),
                ("the cases file", 1, "case_id", "the column appears more than once"),
                ("the cases file", 1, "exited_on", "the column is missing from the header"),
            ],
        ),
    ],
)
def test_header_problems(header, expected):
    assert refused(cases=header + "\n") == expected


def test_an_empty_file_is_refused():
    assert refused(cases="") == [
        (
            "the cases file",
            1,
            None,
            "line 1 must be the header row: "
            "case_id,trust_code,identified_on,concern_type,diagnostic_completed_on,plan_agreed_on,exited_on",
        )
    ]


def test_a_line_with_the_wrong_number_of_values():
    cases = CASES + "MSSP-004,RYR,2026-01-05,cqc\n"
    assert refused(cases=cases) == [("the cases file", 5, None, "this line has 4 values but the header has 7 columns")]


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(CASES.encode("utf-8") + "MSSP-004,RYR,2026-01-05,cqc,,,Ende\xe9\n".encode("latin-1"))
    with pytest.raises(TransferRefused) as caught:
        read_transfer(cases=path, known_trust_codes=TRUSTS)
    assert caught.value.lines() == [f"{path}, line 5: is not UTF-8 text"]


def test_a_missing_file(tmp_path):
    path = tmp_path / "missing.csv"
    with pytest.raises(TransferRefused) as caught:
        read_transfer(cases=path, known_trust_codes=TRUSTS)
    assert caught.value.lines()[0].startswith(f"{path}: cannot be read")


def test_meetings_are_not_called_unknown_when_the_cases_file_cannot_be_read():
    cases = CASES.replace("concern_type,", "concern,", 1)
    assert refused(cases=cases, meetings=MEETINGS, escalations=ESCALATIONS) == [
        (
            "the cases file",
            1,
            "concern",
            "is not a column of this file: its columns are case_id, trust_code, identified_on, "
            "concern_type, diagnostic_completed_on, plan_agreed_on, exited_on",
        ),
        ("the cases file", 1, "concern_type", "the column is missing from the header"),
    ]


def test_an_unclosed_quote_runs_to_the_end_and_its_line_is_refused():
    cases = CASES + 'MSSP-004,RYR,2026-01-05,"cqc,,,\nMSSP-005,RYR,2026-01-05,cqc,,,\n'
    assert refused(cases=cases) == [("the cases file", 5, None, "this line has 4 values but the header has 7 columns")]


def test_a_required_cell_left_empty():
    cases = CASES + "MSSP-004,RYR,,cqc,,,\n"
    assert refused(cases=cases) == [("the cases file", 5, "identified_on", "identified_on is empty; it is required")]


# --- the export --------------------------------------------------------------------------------

REGIONS = {"RYR": "Y59", "RHQ": "Y63", "R1H": "Y56"}


def export_of(transfer, as_of):
    return export_rows(
        (
            ExportCase(row.case_id, row.trust_code, REGIONS[row.trust_code], transfer.timeline(row.case_id))
            for row in reversed(transfer.cases)
        ),
        as_of=as_of,
    )


def test_the_export_of_a_good_set():
    rows = export_of(read(CASES, MEETINGS, ESCALATIONS), date(2026, 7, 15))
    assert [row.as_dict() for row in rows] == [
        {
            # The example of docs/rules/improvement.md §2.
            "case_id": "MSSP-001",
            "trust_code": "RYR",
            "region_code": "Y59",
            "stage": "improvement",
            "identified_on": "2026-01-05",
            "diagnostic_due_on": "2026-02-16",
            "diagnostic_status": "completed_on_time",
            "plan_agreed_on": "2026-02-20",
            "executive_meetings_missed": 2,
            "quarterly_reviews_missed": 1,
            "escalation_level": "region",
            "exited_on": None,
        },
        {
            "case_id": "MSSP-002",
            "trust_code": "RHQ",
            "region_code": "Y63",
            "stage": "diagnostic",
            "identified_on": "2026-06-01",
            "diagnostic_due_on": "2026-07-13",
            "diagnostic_status": "overdue",
            "plan_agreed_on": None,
            "executive_meetings_missed": 0,
            "quarterly_reviews_missed": 0,
            "escalation_level": "trust",
            "exited_on": None,
        },
        {
            # Plan agreed in May 2025: June 2025 to June 2026 counted (13 months), one meeting
            # among them; the third quarter of 2025 to the second of 2026 (4), one review.
            "case_id": "MSSP-003",
            "trust_code": "R1H",
            "region_code": "Y56",
            "stage": "improvement",
            "identified_on": "2025-03-03",
            "diagnostic_due_on": "2025-04-14",
            "diagnostic_status": "completed_on_time",
            "plan_agreed_on": "2025-05-01",
            "executive_meetings_missed": 13,
            "quarterly_reviews_missed": 3,
            "escalation_level": "trust",
            "exited_on": None,
        },
    ]
    assert list(rows[0].as_dict()) == list(EXPORT_COLUMNS)
    assert rows[1].cells() == [
        "MSSP-002",
        "RHQ",
        "Y63",
        "diagnostic",
        "2026-06-01",
        "2026-07-13",
        "overdue",
        "",
        0,
        0,
        "trust",
        "",
    ]


def test_the_export_after_an_exit():
    rows = export_of(read(CASES, MEETINGS, ESCALATIONS), date(2026, 10, 1))
    exited = rows[2].as_dict()
    assert (exited["stage"], exited["exited_on"]) == ("exited", "2026-08-14")
    # Counted up to and including August 2026, the month of exit: 15 months, one meeting
    # (July); quarters up to and including the third of 2026: 5, one review (the second).
    assert (exited["executive_meetings_missed"], exited["quarterly_reviews_missed"]) == (14, 4)


def test_the_export_as_it_stood_on_an_earlier_day():
    rows = export_of(read(CASES, MEETINGS, ESCALATIONS), date(2026, 2, 19))
    # MSSP-002 was not identified yet; MSSP-001's plan, agreed the next day, is not shown.
    assert [row.case_id for row in rows] == ["MSSP-001", "MSSP-003"]
    assert (rows[0].stage, rows[0].plan_agreed_on, rows[0].escalation_level) == ("planning", None, "trust")
