"""Tiles: the latest period against the previous one, the trend and whether it is better or
worse (docs/rules/dashboard.md §3, §5), and the Making Data Count variation icon."""

from datetime import date
from decimal import Decimal

import pytest

from perinatal.charts.icons import ICON_COMMON_CAUSE, ICON_CONCERN_HIGH, ICON_IMPROVEMENT_HIGH
from perinatal.dashboard.metrics.definitions import (
    CONSIDERED_COMPLAINT,
    NEONATAL_MORTALITY_RATE,
    OBSTETRIC_UNIT_SUSPENSIONS,
    OPTIMAL_PERINATAL_CARE,
    STILLBIRTH_RATE,
)
from perinatal.dashboard.pages.series import MetricSeries
from perinatal.dashboard.pages.tiles import (
    ASSESSMENT_BETTER,
    ASSESSMENT_NO_CHANGE,
    ASSESSMENT_WORSE,
    TREND_DOWN,
    TREND_SAME,
    TREND_UP,
    build_tile,
    trend_between,
)

from .rows import fortnightly_rows, metric_row, monthly_rows


@pytest.mark.parametrize(
    ("definition", "latest", "previous", "direction", "assessment"),
    [
        # Lower is better (docs/rules/dashboard.md §3: metrics 1–6 and 8)
        (STILLBIRTH_RATE, "3.10", "3.40", TREND_DOWN, ASSESSMENT_BETTER),
        (STILLBIRTH_RATE, "3.50", "3.40", TREND_UP, ASSESSMENT_WORSE),
        (STILLBIRTH_RATE, "3.40", "3.40", TREND_SAME, ASSESSMENT_NO_CHANGE),
        (OBSTETRIC_UNIT_SUSPENSIONS, "0.00", "10.00", TREND_DOWN, ASSESSMENT_BETTER),
        (CONSIDERED_COMPLAINT, "31.00", "30.99", TREND_UP, ASSESSMENT_WORSE),
        # Higher is better (docs/rules/dashboard.md §3: metric 7)
        (OPTIMAL_PERINATAL_CARE, "61.00", "60.00", TREND_UP, ASSESSMENT_BETTER),
        (OPTIMAL_PERINATAL_CARE, "59.99", "60.00", TREND_DOWN, ASSESSMENT_WORSE),
        (OPTIMAL_PERINATAL_CARE, "60.00", "60.00", TREND_SAME, ASSESSMENT_NO_CHANGE),
    ],
)
def test_trend_direction_and_assessment(definition, latest, previous, direction, assessment):
    trend = trend_between(latest=Decimal(latest), previous=Decimal(previous), definition=definition)
    assert (trend.direction, trend.assessment) == (direction, assessment)


@pytest.mark.parametrize(
    ("definition", "words"),
    [
        (STILLBIRTH_RATE, "Higher than the previous month: worse"),
        (OBSTETRIC_UNIT_SUSPENSIONS, "Higher than the previous fortnight: worse"),
        (CONSIDERED_COMPLAINT, "Higher than the previous survey year: worse"),
        (OPTIMAL_PERINATAL_CARE, "Higher than the previous month: better"),
    ],
)
def test_trend_words_name_the_comparison_period(definition, words):
    assert trend_between(latest=Decimal("2"), previous=Decimal("1"), definition=definition).words == words


@pytest.mark.parametrize(("latest", "previous"), [(None, "1.00"), ("1.00", None), (None, None)])
def test_no_trend_without_both_values(latest, previous):
    """A zero denominator gives no value, never 0 (docs/rules/dashboard.md §4): nothing to compare."""
    assert (
        trend_between(
            latest=None if latest is None else Decimal(latest),
            previous=None if previous is None else Decimal(previous),
            definition=STILLBIRTH_RATE,
        )
        is None
    )


def test_tile_compares_the_latest_month_with_the_previous_one():
    rows = monthly_rows("stillbirth_rate", ["3.00", "3.20", "4.10"], first=date(2026, 8, 1))
    tile = build_tile(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.latest is rows[-1] and tile.previous is rows[-2]
    assert tile.latest_label == "October 2026"
    assert tile.previous_label == "September 2026"
    assert tile.value_text == "4.10"
    assert tile.previous_text == "3.20"
    assert tile.unit_phrase == "per 1,000 total births"
    assert (tile.numerator_label, tile.denominator_label) == ("Stillbirths", "Total births")
    assert (tile.numerator_text, tile.denominator_text) == ("1", "10")
    assert tile.trend.assessment == ASSESSMENT_WORSE
    assert tile.anchor == "stillbirth-rate"


def test_tile_of_a_fortnightly_metric_names_both_fortnights():
    rows = fortnightly_rows("obstetric_unit_suspensions", ["20.00", "10.00"])
    tile = build_tile(MetricSeries(OBSTETRIC_UNIT_SUSPENSIONS, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.latest_label == "18 to 31 October 2026"
    assert tile.previous_label == "4 to 17 October 2026"
    assert tile.value_text == "10.00%"
    assert tile.trend.assessment == ASSESSMENT_BETTER


def test_tile_uses_the_stillbirth_denominator_in_use():
    rows = monthly_rows("stillbirth_rate", ["3.00", "3.20"])
    tile = build_tile(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset()), stillbirth_denominator="live_births")
    assert tile.unit_phrase == "per 1,000 live births"
    assert tile.denominator_label == "Live births"


def test_tile_marks_a_provisional_latest_value():
    rows = monthly_rows("neonatal_mortality_rate", ["1.50", "1.60"])
    rows[-1] = metric_row(
        "neonatal_mortality_rate", rows[-1].period_start, rows[-1].period_end, "1.60", provisional=True
    )
    tile = build_tile(MetricSeries(NEONATAL_MORTALITY_RATE, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.provisional


def test_survey_tile_uses_the_latest_year_with_a_survey():
    rows = [
        metric_row("considered_complaint", date(2024, 1, 1), date(2024, 12, 31), "30.00"),
        metric_row("considered_complaint", date(2025, 1, 1), date(2025, 12, 31), "28.00"),
        metric_row("considered_complaint", date(2026, 1, 1), date(2026, 10, 31), None, numerator=0, denominator=0),
    ]
    tile = build_tile(MetricSeries(CONSIDERED_COMPLAINT, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.latest_label == "2025 survey"
    assert tile.previous_label == "2024 survey"
    assert tile.trend.assessment == ASSESSMENT_BETTER


def test_tile_with_one_period_has_no_comparison_nor_icon():
    rows = monthly_rows("stillbirth_rate", ["3.00"])
    tile = build_tile(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.previous is None and tile.trend is None
    assert tile.variation_icon is None and tile.variation_svg is None


def test_tile_without_data():
    tile = build_tile(MetricSeries(STILLBIRTH_RATE, (), frozenset()), stillbirth_denominator=None)
    assert tile.latest is None and tile.value_text == "No data" and tile.numerator_text == ""


def test_tile_variation_icon_common_cause():
    rows = monthly_rows(
        "stillbirth_rate", ["3.0", "3.2", "2.9", "3.1", "3.0", "3.3", "2.8", "3.1", "3.0", "3.2", "2.9", "3.1"]
    )
    tile = build_tile(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.variation_icon == ICON_COMMON_CAUSE
    assert tile.assurance_icon is None  # no target is set
    assert tile.spc_points == 12 and not tile.trial_limits
    assert "Common cause" in tile.variation_svg


@pytest.mark.parametrize(
    ("definition", "icon"),
    [
        (STILLBIRTH_RATE, ICON_CONCERN_HIGH),  # lower is better: a rise is a concern
        (OPTIMAL_PERINATAL_CARE, ICON_IMPROVEMENT_HIGH),  # higher is better: a rise is an improvement
    ],
)
def test_tile_variation_icon_follows_the_direction(definition, icon):
    values = ["3.0", "3.1", "2.9", "3.0", "3.1", "2.9", "3.0", "3.1", "2.9", "3.0", "3.1", "9.0"]
    rows = monthly_rows(definition.id, values)
    tile = build_tile(MetricSeries(definition, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.variation_icon == icon


def test_tile_notes_trial_limits_under_12_points():
    rows = monthly_rows("stillbirth_rate", ["3.0", "3.2", "2.9", "3.1"])
    assert build_tile(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset()), stillbirth_denominator=None).trial_limits
