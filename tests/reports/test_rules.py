"""The board report's pure rules (docs/rules/board_report.md §1.3, §1.6, §2): the safety checks'
status on the day of the report, the day drafts are due, the minimum data set's checks."""

from __future__ import annotations

from datetime import date

import pytest

from perinatal.kernel.working_days import SAFETY_CHECK_WORKING_DAYS, add_working_days
from perinatal.reports import mds, narrative
from perinatal.reports.rules import ReportMonth, check_status_on, drafts_due_on, month_due_for_drafts

DUE = date(2026, 12, 9)


@pytest.mark.parametrize(
    ("completed_on", "on", "expected"),
    [
        (None, DUE, "open"),  # the due day itself is still in time
        (None, date(2026, 12, 10), "overdue"),  # the day after it is not
        (DUE, DUE, "completed_on_time"),  # completed on the due day
        (DUE, date(2027, 1, 4), "completed_on_time"),
        (date(2026, 12, 10), date(2026, 12, 11), "completed_late"),
        (date(2026, 12, 3), date(2026, 12, 2), "open"),  # completed after the day of the report
        (date(2026, 12, 11), date(2026, 12, 10), "overdue"),
    ],
)
def test_check_status_on_the_day_of_the_report(completed_on, on, expected):
    assert check_status_on(due_on=DUE, completed_on=completed_on, on=on) == expected


def test_status_over_christmas_bank_holidays():
    # Signal seen on Tuesday 22 December 2026: 25 and 28 December and 1 January are bank holidays.
    due = add_working_days(start=date(2026, 12, 22), n=SAFETY_CHECK_WORKING_DAYS)
    assert due == date(2027, 1, 6)
    assert check_status_on(due_on=due, completed_on=None, on=date(2027, 1, 6)) == "open"
    assert check_status_on(due_on=due, completed_on=None, on=date(2027, 1, 7)) == "overdue"
    assert check_status_on(due_on=due, completed_on=date(2027, 1, 6), on=date(2027, 1, 7)) == "completed_on_time"


@pytest.mark.parametrize(
    ("month", "due"),
    [
        ("2026-10", date(2026, 11, 6)),  # 2–6 November
        ("2026-11", date(2026, 12, 7)),  # 1–4 and 7 December
        ("2026-12", date(2027, 1, 8)),  # New Year's Day is a bank holiday
        ("2026-04", date(2026, 5, 8)),  # the early May bank holiday, Monday 4 May
    ],
)
def test_drafts_are_due_on_the_fifth_working_day_of_the_next_month(month, due):
    assert drafts_due_on(ReportMonth.parse(month)) == due
    assert month_due_for_drafts(due) == ReportMonth.parse(month)
    assert month_due_for_drafts(due.replace(day=due.day - 1)) is None


def test_month_parsing_names_the_form():
    with pytest.raises(ValueError, match="YYYY-MM"):
        ReportMonth.parse("2026-13")
    assert str(ReportMonth.parse("2026-10").shifted(-11)) == "2025-11"
    assert ReportMonth(2026, 2).last_day == date(2026, 2, 28)


def test_mds_refuses_a_bad_value_naming_the_field():
    with pytest.raises(mds.MdsRefused) as refused:
        mds.clean_item("training", {"midwives": "101", "obstetricians": "ninety"})
    assert refused.value.errors == {
        "midwives": "Midwives must be a percentage from 0 to 100",
        "obstetricians": "Obstetric doctors must be a number, like 92.5",
    }


def test_pmrt_grades_cannot_exceed_the_reviews():
    with pytest.raises(mds.MdsRefused) as refused:
        mds.clean_item("pmrt", {"reviews_completed": "2", "grade_a": "2", "grade_c": "1"})
    assert "grade_a" in refused.value.errors
    values = mds.clean_item("pmrt", {"reviews_completed": "3", "grade_a": "2", "grade_c": "1"})
    assert values == {"reviews_completed": 3, "grade_a": 2, "grade_b": None, "grade_c": 1, "grade_d": None}


@pytest.mark.parametrize("text", ["9434765919", "943 476 5919", "943-476-5919", "94 34 76 59 19", "M13 9WL", "m139wl"])
def test_free_text_refuses_nhs_numbers_in_any_spacing_and_postcodes(text):
    with pytest.raises(mds.MdsRefused) as refused:
        mds.clean_item("red_flags", {"red_flags": "4", "actions": f"Escalated for {text}"})
    assert refused.value.errors == {"actions": "Actions taken must not contain an NHS number or a postcode"}


def test_not_entered_shows_not_provided_never_zero():
    field = mds.ITEMS_BY_KEY["red_flags"].field("red_flags")
    assert mds.display_value(field, None) == "Not provided"
    assert mds.display_value(field, 0) == "0"


def test_risks_need_a_score_from_15_to_25():
    with pytest.raises(mds.MdsRefused) as refused:
        narrative.clean_part("risks", {"risk_1": "Midwifery vacancies", "risk_1_score": "12", "risk_2": "Estate"})
    assert refused.value.errors == {
        "risk_1_score": "Risk 1: score must be a whole number from 15 to 25",
        "risk_2_score": "Give both risk 2 and its score, or neither",
    }
