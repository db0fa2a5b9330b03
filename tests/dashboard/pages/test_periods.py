"""The periods the pages offer (docs/rules/dashboard.md §2; the pages' reporting grid policy)."""

from datetime import date, timedelta

import pytest

from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT, PERIOD_OUTCOME, PERIOD_SURVEY, Period
from perinatal.dashboard.pages.reporting_periods import (
    FORTNIGHTS_OFFERED,
    KIND_MONTH,
    KIND_QUARTER,
    KIND_ROLLING_12,
    KIND_YEAR,
    choices_for,
    default_choice,
    fortnight_choices,
    latest_whole_month,
    outcome_choices,
    period_words,
    survey_choices,
)
from perinatal.dashboard.selectors.births import DataSpan

SPAN = DataSpan(first=date(2022, 1, 1), last=date(2026, 10, 31))


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (date(2026, 10, 31), Period(date(2026, 10, 1), date(2026, 10, 31))),  # the month is whole
        (date(2026, 10, 30), Period(date(2026, 9, 1), date(2026, 9, 30))),  # October is still being loaded
        (date(2026, 3, 1), Period(date(2026, 2, 1), date(2026, 2, 28))),
        (date(2024, 2, 29), Period(date(2024, 2, 1), date(2024, 2, 29))),  # leap year
    ],
)
def test_latest_whole_month(last, expected):
    assert latest_whole_month(DataSpan(first=date(2022, 1, 1), last=last)) == expected


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 10, 2), date(2026, 10, 31)),  # the only month is cut at its start
        (date(2026, 10, 1), date(2026, 10, 30)),  # the only month is cut at its end
    ],
)
def test_no_whole_month(first, last):
    span = DataSpan(first=first, last=last)
    assert latest_whole_month(span) is None
    assert outcome_choices(span) == []


def test_fortnights_end_on_the_as_of_date_newest_first():
    choices = fortnight_choices(SPAN)
    assert len(choices) == FORTNIGHTS_OFFERED
    assert choices[0].period == Period(date(2026, 10, 18), date(2026, 10, 31))
    assert choices[1].period == Period(date(2026, 10, 4), date(2026, 10, 17))
    assert choices[0].key == "fortnight:2026-10-31"
    assert choices[0].label == "18 to 31 October 2026"
    assert choices[1].label == "4 to 17 October 2026"


@pytest.mark.parametrize(("days", "count"), [(13, 0), (14, 1), (27, 1), (28, 2)])
def test_only_whole_fortnights(days, count):
    span = DataSpan(first=date(2026, 10, 31) - timedelta(days=days - 1), last=date(2026, 10, 31))
    assert len(fortnight_choices(span)) == count


def test_outcome_choices_offer_months_quarters_years_and_rolling_12():
    choices = outcome_choices(SPAN)
    by_key = {c.key: c for c in choices}
    assert by_key["month:2026-10"].period == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert by_key["quarter:2026-Q3"].period == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert by_key["quarter:2026-Q4"].period == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert "quarter to date" in by_key["quarter:2026-Q4"].label
    assert by_key["year:2025"].period == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert by_key["year:2025"].label == "2025"
    assert by_key["year:2026"].period == Period(date(2026, 1, 1), date(2026, 10, 31))
    assert "year to date" in by_key["year:2026"].label
    assert by_key["rolling:2026-10"].period == Period(date(2025, 11, 1), date(2026, 10, 31))
    assert by_key["rolling:2026-10"].label == "12 months to October 2026"
    # Newest first within each group, groups in a fixed order.
    kinds = [c.kind for c in choices]
    assert kinds == sorted(kinds, key=[KIND_MONTH, KIND_QUARTER, KIND_YEAR, KIND_ROLLING_12].index)


def test_rolling_12_only_where_the_data_hold_12_months():
    span = DataSpan(first=date(2026, 1, 1), last=date(2026, 10, 31))
    assert not [c for c in outcome_choices(span) if c.kind == KIND_ROLLING_12]
    span = DataSpan(first=date(2025, 11, 1), last=date(2026, 10, 31))
    assert [c.key for c in outcome_choices(span) if c.kind == KIND_ROLLING_12] == ["rolling:2026-10"]


def test_survey_choices_are_calendar_years():
    choices = survey_choices(SPAN)
    assert [c.key for c in choices] == ["year:2026", "year:2025", "year:2024", "year:2023", "year:2022"]
    assert choices[0].period == Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("kind", "span", "expected"),
    [
        (PERIOD_FORTNIGHT, SPAN, "fortnight:2026-10-31"),
        (PERIOD_SURVEY, SPAN, "year:2026"),
        (PERIOD_OUTCOME, SPAN, "rolling:2026-10"),  # a month at one trust holds too few deaths
        (PERIOD_OUTCOME, DataSpan(first=date(2026, 1, 1), last=date(2026, 10, 31)), "year:2026"),  # no 12 months yet
    ],
)
def test_default_choice(kind, span, expected):
    assert default_choice(choices_for(period_kind=kind, span=span), period_kind=kind).key == expected


def test_default_choice_without_choices():
    assert default_choice([], period_kind=PERIOD_OUTCOME) is None


@pytest.mark.parametrize(
    ("period", "kind", "words"),
    [
        (Period(date(2026, 10, 1), date(2026, 10, 31)), None, "October 2026"),
        (Period(date(2025, 1, 1), date(2025, 12, 31)), None, "2025"),
        (Period(date(2026, 7, 1), date(2026, 9, 30)), None, "July to September 2026"),
        (Period(date(2025, 11, 1), date(2026, 10, 31)), KIND_ROLLING_12, "12 months to October 2026"),
        (Period(date(2025, 11, 1), date(2026, 10, 31)), None, "November 2025 to October 2026"),
        (Period(date(2026, 10, 18), date(2026, 10, 31)), "fortnight", "18 to 31 October 2026"),
        (Period(date(2026, 9, 27), date(2026, 10, 10)), "fortnight", "27 September to 10 October 2026"),
        (Period(date(2025, 12, 25), date(2026, 1, 7)), "fortnight", "25 December 2025 to 7 January 2026"),
        (Period(date(2026, 1, 5), date(2026, 1, 20)), None, "5 January 2026 to 20 January 2026"),
    ],
)
def test_period_words(period, kind, words):
    assert period_words(period, kind=kind) == words
