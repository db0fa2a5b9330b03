"""The clocks of an improvement support case (docs/rules/improvement.md §2): the examples of the
rules and their boundaries (the 28th and the 42nd day, month and quarter ends, an exit in the
middle of a quarter, a de-escalation on ``as_of``)."""

from datetime import date

import pytest

from perinatal.improvement.clocks import (
    COMPLETED_LATE,
    COMPLETED_ON_TIME,
    DUE_SOON,
    EXECUTIVE_MEETING,
    ON_TRACK,
    OVERDUE,
    QUARTERLY_REVIEW,
    STAGE_DIAGNOSTIC,
    STAGE_EXITED,
    STAGE_IMPROVEMENT,
    STAGE_PLANNING,
    TURN_DIAGNOSTIC_DUE_SOON,
    TURN_DIAGNOSTIC_OVERDUE,
    TURN_EXECUTIVE_MEETING_MISSED,
    TURN_QUARTERLY_REVIEW_MISSED,
    CaseTimeline,
    ClockTurn,
    Escalation,
    Meeting,
    case_date_problems,
    clock_turns,
    clocks_of,
    counted_months,
    counted_quarters,
    diagnostic_due_on,
    diagnostic_due_soon_from,
    diagnostic_status,
    escalation_level,
    missed_executive_months,
    missed_review_quarters,
    stage,
)
from perinatal.stats.months import YearMonth, YearQuarter

IDENTIFIED = date(2026, 1, 5)


def executive(day: date) -> Meeting:
    return Meeting(EXECUTIVE_MEETING, day)


def review(day: date) -> Meeting:
    return Meeting(QUARTERLY_REVIEW, day)


# The example of docs/rules/improvement.md §2: plan agreed 2026-02-20, executive meetings on
# 2026-03-02 and 2026-05-11, no review.
EXAMPLE = CaseTimeline(
    identified_on=IDENTIFIED,
    diagnostic_completed_on=date(2026, 2, 10),
    plan_agreed_on=date(2026, 2, 20),
    meetings=(executive(date(2026, 3, 2)), executive(date(2026, 5, 11))),
)


# --- the diagnostic ----------------------------------------------------------------------------


def test_the_example_due_dates():
    assert diagnostic_due_on(IDENTIFIED) == date(2026, 2, 16)
    assert diagnostic_due_soon_from(IDENTIFIED) == date(2026, 2, 2)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 1, 5), ON_TRACK),  # the day of identification
        (date(2026, 2, 1), ON_TRACK),  # day 27
        (date(2026, 2, 2), DUE_SOON),  # day 28 exactly
        (date(2026, 2, 16), DUE_SOON),  # day 42 exactly: the due date itself is not overdue
        (date(2026, 2, 17), OVERDUE),  # day 43
        (date(2026, 12, 31), OVERDUE),
    ],
)
def test_diagnostic_not_completed(as_of, expected):
    assert diagnostic_status(CaseTimeline(identified_on=IDENTIFIED), as_of) == expected


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [
        (date(2026, 1, 20), COMPLETED_ON_TIME),
        (date(2026, 2, 16), COMPLETED_ON_TIME),  # on the due date
        (date(2026, 2, 17), COMPLETED_LATE),  # the day after
    ],
)
def test_diagnostic_completed(completed_on, expected):
    timeline = CaseTimeline(identified_on=IDENTIFIED, diagnostic_completed_on=completed_on)
    assert diagnostic_status(timeline, date(2026, 6, 1)) == expected


def test_a_completion_after_as_of_is_not_reached_yet():
    timeline = CaseTimeline(identified_on=IDENTIFIED, diagnostic_completed_on=date(2026, 2, 20))
    assert diagnostic_status(timeline, date(2026, 2, 19)) == OVERDUE
    assert diagnostic_status(timeline, date(2026, 2, 20)) == COMPLETED_LATE


def test_the_diagnostic_clock_stops_at_exit():
    # policy: a case that exits with its diagnostic not completed keeps its status of the exit date.
    timeline = CaseTimeline(identified_on=IDENTIFIED, exited_on=date(2026, 1, 20))
    assert diagnostic_status(timeline, date(2026, 1, 19)) == ON_TRACK
    assert diagnostic_status(timeline, date(2026, 6, 1)) == ON_TRACK
    late_exit = CaseTimeline(identified_on=IDENTIFIED, exited_on=date(2026, 2, 10))
    assert diagnostic_status(late_exit, date(2026, 6, 1)) == DUE_SOON


# --- meetings by month and quarter ---------------------------------------------------------------


def test_the_example_missed_months_and_quarter():
    as_of = date(2026, 7, 15)
    assert counted_months(EXAMPLE, as_of) == (
        YearMonth(2026, 3),
        YearMonth(2026, 4),
        YearMonth(2026, 5),
        YearMonth(2026, 6),
    )
    assert missed_executive_months(EXAMPLE, as_of) == (YearMonth(2026, 4), YearMonth(2026, 6))
    assert counted_quarters(EXAMPLE, as_of) == (YearQuarter(2026, 2),)
    assert missed_review_quarters(EXAMPLE, as_of) == (YearQuarter(2026, 2),)
    clocks = clocks_of(EXAMPLE, as_of)
    assert (clocks.executive_meetings_missed, clocks.quarterly_reviews_missed) == (2, 1)


def test_the_month_of_the_plan_is_not_counted():
    # The plan was agreed in February: February is never counted, even with no meeting in it.
    assert YearMonth(2026, 2) not in counted_months(EXAMPLE, date(2026, 12, 1))
    assert YearQuarter(2026, 1) not in counted_quarters(EXAMPLE, date(2026, 12, 1))


@pytest.mark.parametrize(
    ("as_of", "missed"),
    [
        (date(2026, 3, 31), ()),  # March has not ended on its last day
        (date(2026, 4, 1), ()),  # March ended, with its meeting
        (date(2026, 4, 30), ()),  # April has not ended
        (date(2026, 5, 1), (YearMonth(2026, 4),)),  # April ended without one
        (date(2026, 6, 30), (YearMonth(2026, 4),)),
        (date(2026, 7, 1), (YearMonth(2026, 4), YearMonth(2026, 6))),
    ],
)
def test_a_month_is_counted_once_it_has_ended(as_of, missed):
    assert missed_executive_months(EXAMPLE, as_of) == missed


@pytest.mark.parametrize(
    ("as_of", "missed"),
    [
        (date(2026, 6, 30), ()),  # the second quarter has not ended on its last day
        (date(2026, 7, 1), (YearQuarter(2026, 2),)),
        (date(2026, 9, 30), (YearQuarter(2026, 2),)),
        (date(2026, 10, 1), (YearQuarter(2026, 2), YearQuarter(2026, 3))),
    ],
)
def test_a_quarter_is_counted_once_it_has_ended(as_of, missed):
    assert missed_review_quarters(EXAMPLE, as_of) == missed


def test_a_meeting_counts_for_the_month_and_quarter_it_was_held_in():
    timeline = CaseTimeline(
        identified_on=IDENTIFIED,
        diagnostic_completed_on=date(2026, 2, 10),
        plan_agreed_on=date(2026, 2, 20),
        # The last day of March and the first of April: one meeting for each month.
        meetings=(executive(date(2026, 3, 31)), executive(date(2026, 4, 1)), review(date(2026, 6, 30))),
    )
    as_of = date(2026, 7, 1)
    assert missed_executive_months(timeline, as_of) == (YearMonth(2026, 5), YearMonth(2026, 6))
    assert missed_review_quarters(timeline, as_of) == ()


def test_a_review_is_not_an_executive_meeting_nor_the_reverse():
    timeline = CaseTimeline(
        identified_on=IDENTIFIED,
        diagnostic_completed_on=date(2026, 2, 10),
        plan_agreed_on=date(2026, 2, 20),
        meetings=(review(date(2026, 3, 10)), executive(date(2026, 4, 10))),
    )
    as_of = date(2026, 7, 1)
    assert YearMonth(2026, 3) in missed_executive_months(timeline, as_of)
    assert missed_review_quarters(timeline, as_of) == (YearQuarter(2026, 2),)


def test_nothing_is_counted_before_the_plan_is_agreed():
    timeline = CaseTimeline(identified_on=IDENTIFIED, diagnostic_completed_on=date(2026, 2, 10))
    assert counted_months(timeline, date(2026, 12, 1)) == ()
    assert counted_quarters(timeline, date(2026, 12, 1)) == ()
    # A plan agreed after as_of is not agreed yet.
    assert counted_months(EXAMPLE, date(2026, 2, 19)) == ()


def test_a_plan_agreed_in_the_last_month_of_a_quarter():
    timeline = CaseTimeline(
        identified_on=IDENTIFIED, diagnostic_completed_on=date(2026, 2, 10), plan_agreed_on=date(2026, 3, 31)
    )
    assert counted_months(timeline, date(2026, 5, 1)) == (YearMonth(2026, 4),)
    assert counted_quarters(timeline, date(2026, 7, 1)) == (YearQuarter(2026, 2),)


def test_counting_crosses_the_year():
    timeline = CaseTimeline(
        identified_on=date(2026, 9, 1), diagnostic_completed_on=date(2026, 10, 5), plan_agreed_on=date(2026, 11, 3)
    )
    assert counted_months(timeline, date(2027, 2, 1)) == (YearMonth(2026, 12), YearMonth(2027, 1))
    assert counted_quarters(timeline, date(2027, 4, 1)) == (YearQuarter(2027, 1),)
    assert counted_quarters(timeline, date(2027, 3, 31)) == ()


def test_an_exit_in_the_middle_of_a_quarter():
    # Exit on 2026-08-14, in the third quarter. The months are counted up to and including
    # August, and the third quarter too: each once it has ended (policy: the same for quarters).
    timeline = CaseTimeline(
        identified_on=IDENTIFIED,
        diagnostic_completed_on=date(2026, 2, 10),
        plan_agreed_on=date(2026, 2, 20),
        exited_on=date(2026, 8, 14),
        meetings=(executive(date(2026, 3, 2)), executive(date(2026, 5, 11)), executive(date(2026, 7, 6))),
    )
    # On the exit day, neither August nor the third quarter has ended.
    assert counted_months(timeline, date(2026, 8, 14))[-1] == YearMonth(2026, 7)
    assert counted_quarters(timeline, date(2026, 8, 14)) == (YearQuarter(2026, 2),)
    # After August ends, August counts (and was missed) but September never does.
    assert missed_executive_months(timeline, date(2026, 9, 1)) == (
        YearMonth(2026, 4),
        YearMonth(2026, 6),
        YearMonth(2026, 8),
    )
    assert missed_executive_months(timeline, date(2027, 1, 1)) == missed_executive_months(timeline, date(2026, 9, 1))
    # The third quarter counts once it has ended; the fourth never does.
    assert counted_quarters(timeline, date(2026, 9, 30)) == (YearQuarter(2026, 2),)
    assert counted_quarters(timeline, date(2026, 10, 1)) == (YearQuarter(2026, 2), YearQuarter(2026, 3))
    assert counted_quarters(timeline, date(2027, 6, 1)) == (YearQuarter(2026, 2), YearQuarter(2026, 3))
    assert clocks_of(timeline, date(2027, 6, 1)).quarterly_reviews_missed == 2


def test_an_exit_recorded_for_a_later_day_does_not_stop_the_count_before_it():
    timeline = CaseTimeline(
        identified_on=IDENTIFIED,
        diagnostic_completed_on=date(2026, 2, 10),
        plan_agreed_on=date(2026, 2, 20),
        exited_on=date(2026, 12, 15),
    )
    assert counted_months(timeline, date(2026, 6, 1))[-1] == YearMonth(2026, 5)
    assert stage(timeline, date(2026, 12, 14)) == STAGE_IMPROVEMENT
    assert stage(timeline, date(2026, 12, 15)) == STAGE_EXITED


# --- escalation --------------------------------------------------------------------------------


def test_no_escalation_is_the_trust_level():
    assert escalation_level((), date(2026, 3, 1)) == "trust"


def test_a_deescalation_on_as_of_removes_the_escalation():
    escalations = (Escalation("region", date(2026, 3, 1), deescalated_on=date(2026, 5, 1)),)
    assert escalation_level(escalations, date(2026, 2, 28)) == "trust"
    assert escalation_level(escalations, date(2026, 3, 1)) == "region"  # in force from its day
    assert escalation_level(escalations, date(2026, 4, 30)) == "region"
    assert escalation_level(escalations, date(2026, 5, 1)) == "trust"


def test_overlapping_escalations_give_the_highest_in_force():
    escalations = (
        Escalation("icb", date(2026, 2, 1)),
        Escalation("national", date(2026, 3, 1), deescalated_on=date(2026, 4, 1)),
        Escalation("regulator", date(2026, 3, 15), deescalated_on=date(2026, 3, 20)),
        Escalation("region", date(2026, 3, 10), deescalated_on=date(2026, 6, 1)),
    )
    expected = {
        date(2026, 2, 15): "icb",
        date(2026, 3, 1): "national",
        date(2026, 3, 15): "regulator",
        date(2026, 3, 19): "regulator",
        date(2026, 3, 20): "national",
        date(2026, 4, 1): "region",
        date(2026, 6, 1): "icb",
    }
    assert {day: escalation_level(escalations, day) for day in expected} == expected


def test_an_escalation_and_deescalation_on_one_day_is_never_in_force():
    escalations = (Escalation("region", date(2026, 3, 1), deescalated_on=date(2026, 3, 1)),)
    assert escalation_level(escalations, date(2026, 3, 1)) == "trust"


@pytest.mark.parametrize("level", ["trust", "ICB", "board", ""])
def test_an_unknown_level_is_refused(level):
    with pytest.raises(ValueError, match="an escalation is to icb, region, national, regulator"):
        Escalation(level, date(2026, 3, 1))


def test_a_deescalation_before_the_escalation_is_refused():
    with pytest.raises(ValueError, match=r"the de-escalation \(2026-02-28\) is before the escalation \(2026-03-01\)"):
        Escalation("icb", date(2026, 3, 1), deescalated_on=date(2026, 2, 28))


def test_an_unknown_meeting_kind_is_refused():
    with pytest.raises(ValueError, match="executive or quarterly_review"):
        Meeting("board", date(2026, 3, 1))


# --- stage -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 1, 5), STAGE_DIAGNOSTIC),
        (date(2026, 2, 9), STAGE_DIAGNOSTIC),
        (date(2026, 2, 10), STAGE_PLANNING),  # the diagnostic completed that day
        (date(2026, 2, 19), STAGE_PLANNING),
        (date(2026, 2, 20), STAGE_IMPROVEMENT),  # the plan agreed that day
        (date(2026, 9, 29), STAGE_IMPROVEMENT),
        (date(2026, 9, 30), STAGE_EXITED),  # exit date on as_of
    ],
)
def test_stage(as_of, expected):
    timeline = CaseTimeline(
        identified_on=IDENTIFIED,
        diagnostic_completed_on=date(2026, 2, 10),
        plan_agreed_on=date(2026, 2, 20),
        exited_on=date(2026, 9, 30),
    )
    assert stage(timeline, as_of) == expected


def test_a_case_can_exit_before_its_diagnostic():
    timeline = CaseTimeline(identified_on=IDENTIFIED, exited_on=date(2026, 1, 20))
    assert stage(timeline, date(2026, 1, 20)) == STAGE_EXITED


# --- dates in order -----------------------------------------------------------------------------


def test_dates_in_order_have_no_problem():
    assert (
        case_date_problems(
            identified_on=IDENTIFIED,
            diagnostic_completed_on=IDENTIFIED,
            plan_agreed_on=IDENTIFIED,
            exited_on=IDENTIFIED,
        )
        == []
    )


def test_every_date_out_of_order_is_named():
    problems = case_date_problems(
        identified_on=IDENTIFIED,
        diagnostic_completed_on=date(2026, 1, 4),
        plan_agreed_on=date(2026, 1, 3),
        exited_on=date(2025, 12, 1),
    )
    assert [(problem.field, problem.message) for problem in problems] == [
        ("diagnostic_completed_on", "the diagnostic's completion (2026-01-04) is before identification (2026-01-05)"),
        ("plan_agreed_on", "the plan's agreement (2026-01-03) is before identification (2026-01-05)"),
        ("exited_on", "exit (2025-12-01) is before identification (2026-01-05)"),
    ]


def test_each_date_follows_the_latest_earlier_one():
    problems = case_date_problems(
        identified_on=IDENTIFIED,
        diagnostic_completed_on=date(2026, 3, 1),
        plan_agreed_on=date(2026, 2, 1),
        exited_on=date(2026, 2, 15),
    )
    assert [(problem.field, problem.message) for problem in problems] == [
        ("plan_agreed_on", "the plan's agreement (2026-02-01) is before the diagnostic's completion (2026-03-01)"),
        ("exited_on", "exit (2026-02-15) is before the diagnostic's completion (2026-03-01)"),
    ]


def test_exit_is_compared_with_the_dates_given():
    problems = case_date_problems(
        identified_on=IDENTIFIED, diagnostic_completed_on=None, plan_agreed_on=None, exited_on=date(2026, 1, 4)
    )
    assert [(problem.field, problem.message) for problem in problems] == [
        ("exited_on", "exit (2026-01-04) is before identification (2026-01-05)")
    ]


def test_a_plan_without_a_diagnostic_is_a_problem():
    problems = case_date_problems(
        identified_on=IDENTIFIED, diagnostic_completed_on=None, plan_agreed_on=date(2026, 2, 1), exited_on=None
    )
    assert [problem.field for problem in problems] == ["plan_agreed_on"]


def test_a_timeline_out_of_order_is_refused():
    with pytest.raises(ValueError, match=r"exited_on: exit \(2026-01-01\) is before identification"):
        CaseTimeline(identified_on=IDENTIFIED, exited_on=date(2026, 1, 1))


# --- all the clocks -----------------------------------------------------------------------------


def test_clocks_of_the_example():
    clocks = clocks_of(EXAMPLE, date(2026, 7, 15))
    assert clocks.stage == STAGE_IMPROVEMENT
    assert clocks.diagnostic_due_on == date(2026, 2, 16)
    assert clocks.diagnostic_due_soon_from == date(2026, 2, 2)
    assert clocks.diagnostic_status == COMPLETED_ON_TIME
    assert clocks.executive_months_missed == (YearMonth(2026, 4), YearMonth(2026, 6))
    assert clocks.review_quarters_missed == (YearQuarter(2026, 2),)
    assert clocks.escalation_level == "trust"


def test_no_clocks_before_identification():
    with pytest.raises(ValueError, match="identified on 2026-01-05, after 2026-01-04"):
        clocks_of(EXAMPLE, date(2026, 1, 4))


# --- clock turns --------------------------------------------------------------------------------


def turns_between(timeline: CaseTimeline, first: date, last: date) -> list[ClockTurn]:
    turns = []
    day = first
    while day <= last:
        turns.extend(clock_turns(timeline, day))
        day = date.fromordinal(day.toordinal() + 1)
    return turns


def test_the_diagnostic_turns_due_soon_on_day_28_and_overdue_on_day_43():
    timeline = CaseTimeline(identified_on=IDENTIFIED)
    assert clock_turns(timeline, date(2026, 2, 1)) == ()
    assert clock_turns(timeline, date(2026, 2, 2)) == (
        ClockTurn(TURN_DIAGNOSTIC_DUE_SOON, date(2026, 2, 2), "2026-02-16"),
    )
    assert clock_turns(timeline, date(2026, 2, 16)) == ()
    assert clock_turns(timeline, date(2026, 2, 17)) == (
        ClockTurn(TURN_DIAGNOSTIC_OVERDUE, date(2026, 2, 17), "2026-02-16"),
    )
    # Each turn on exactly one day.
    assert [turn.key for turn in turns_between(timeline, IDENTIFIED, date(2026, 6, 30))] == [
        "diagnostic_due_soon:2026-02-16",
        "diagnostic_overdue:2026-02-16",
    ]


def test_a_diagnostic_completed_in_time_never_turns_overdue():
    timeline = CaseTimeline(identified_on=IDENTIFIED, diagnostic_completed_on=date(2026, 2, 16))
    assert [turn.kind for turn in turns_between(timeline, IDENTIFIED, date(2026, 6, 30))] == [TURN_DIAGNOSTIC_DUE_SOON]
    early = CaseTimeline(identified_on=IDENTIFIED, diagnostic_completed_on=date(2026, 2, 1))
    assert turns_between(early, IDENTIFIED, date(2026, 6, 30)) == []


def test_the_example_turns():
    turns = turns_between(EXAMPLE, IDENTIFIED, date(2026, 7, 15))
    assert [(turn.on, turn.key) for turn in turns] == [
        (date(2026, 2, 2), "diagnostic_due_soon:2026-02-16"),
        (date(2026, 5, 1), "executive_meeting_missed:2026-04"),
        (date(2026, 7, 1), "executive_meeting_missed:2026-06"),
        (date(2026, 7, 1), "quarterly_review_missed:2026-Q2"),
    ]
    assert {turn.kind for turn in turns} >= {TURN_EXECUTIVE_MEETING_MISSED, TURN_QUARTERLY_REVIEW_MISSED}


def test_no_turns_after_an_exit_but_the_exit_month_and_quarter_end():
    timeline = CaseTimeline(
        identified_on=IDENTIFIED,
        diagnostic_completed_on=date(2026, 2, 10),
        plan_agreed_on=date(2026, 2, 20),
        exited_on=date(2026, 8, 14),
        meetings=(
            executive(date(2026, 3, 2)),
            executive(date(2026, 4, 2)),
            executive(date(2026, 5, 2)),
            executive(date(2026, 6, 2)),
            executive(date(2026, 7, 2)),
            review(date(2026, 6, 2)),
        ),
    )
    turns = turns_between(timeline, date(2026, 8, 1), date(2027, 3, 1))
    assert [(turn.on, turn.key) for turn in turns] == [
        (date(2026, 9, 1), "executive_meeting_missed:2026-08"),
        (date(2026, 10, 1), "quarterly_review_missed:2026-Q3"),
    ]


def test_no_turns_before_identification():
    assert clock_turns(CaseTimeline(identified_on=IDENTIFIED), date(2026, 1, 1)) == ()
