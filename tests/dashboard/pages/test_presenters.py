"""Tiles, comparison and trend (dashboard.md §3, §5; Making Data Count icons), series breaks
and SPC rebasing, and the trust table's sorting and funnel plot."""

from datetime import date
from decimal import Decimal

import pytest

from perinatal.charts.icons import ICON_COMMON_CAUSE, ICON_CONCERN_HIGH, ICON_IMPROVEMENT_HIGH
from perinatal.dashboard.metrics.definitions import (
    CONSIDERED_COMPLAINT,
    INDUCTION_DELAYS,
    NEONATAL_MORTALITY_RATE,
    OBSTETRIC_UNIT_SUSPENSIONS,
    OBSTETRIC_UNIT_SUSPENSIONS_EPISODES,
    OPTIMAL_PERINATAL_CARE,
    PPH_1500_RATE,
    STILLBIRTH_RATE,
)
from perinatal.dashboard.metrics.rows import LEVEL_TRUST
from perinatal.dashboard.pages.presenters import (
    ASSESSMENT_BETTER,
    ASSESSMENT_NO_CHANGE,
    ASSESSMENT_WORSE,
    FUNNEL_NOT_FOR_COUNTS,
    FUNNEL_NOT_FOR_OPERATIONAL,
    ORDER_ASCENDING,
    ORDER_DESCENDING,
    SORT_DENOMINATOR,
    SORT_NAME,
    SORT_VALUE,
    TREND_DOWN,
    TREND_SAME,
    TREND_UP,
    TrustLine,
    build_tile,
    parent_changes,
    sort_lines,
    trend_between,
    trust_funnel,
)
from perinatal.dashboard.pages.periods import DataSpan
from perinatal.dashboard.pages.series import MetricSeries, series_breaks, series_rows, spc_of

from .rows import fortnightly_rows, metric_row, monthly_rows


@pytest.mark.parametrize(("definition", "latest", "previous", "direction", "assessment"), [
    # Lower is better (§3: metrics 1–6 and 8)
    (STILLBIRTH_RATE, "3.10", "3.40", TREND_DOWN, ASSESSMENT_BETTER),
    (STILLBIRTH_RATE, "3.50", "3.40", TREND_UP, ASSESSMENT_WORSE),
    (STILLBIRTH_RATE, "3.40", "3.40", TREND_SAME, ASSESSMENT_NO_CHANGE),
    (OBSTETRIC_UNIT_SUSPENSIONS, "0.00", "10.00", TREND_DOWN, ASSESSMENT_BETTER),
    (CONSIDERED_COMPLAINT, "31.00", "30.99", TREND_UP, ASSESSMENT_WORSE),
    # Higher is better (§3: metric 7)
    (OPTIMAL_PERINATAL_CARE, "61.00", "60.00", TREND_UP, ASSESSMENT_BETTER),
    (OPTIMAL_PERINATAL_CARE, "59.99", "60.00", TREND_DOWN, ASSESSMENT_WORSE),
    (OPTIMAL_PERINATAL_CARE, "60.00", "60.00", TREND_SAME, ASSESSMENT_NO_CHANGE),
])
def test_trend_direction_and_assessment(definition, latest, previous, direction, assessment):
    trend = trend_between(latest=Decimal(latest), previous=Decimal(previous), definition=definition)
    assert (trend.direction, trend.assessment) == (direction, assessment)


@pytest.mark.parametrize(("definition", "words"), [
    (STILLBIRTH_RATE, "Higher than the previous month: worse"),
    (OBSTETRIC_UNIT_SUSPENSIONS, "Higher than the previous fortnight: worse"),
    (CONSIDERED_COMPLAINT, "Higher than the previous survey year: worse"),
    (OPTIMAL_PERINATAL_CARE, "Higher than the previous month: better"),
])
def test_trend_words_name_the_comparison_period(definition, words):
    assert trend_between(latest=Decimal("2"), previous=Decimal("1"), definition=definition).words == words


@pytest.mark.parametrize(("latest", "previous"), [(None, "1.00"), ("1.00", None), (None, None)])
def test_no_trend_without_both_values(latest, previous):
    """A zero denominator gives no value, never 0 (§4): nothing to compare."""
    assert trend_between(latest=None if latest is None else Decimal(latest),
                         previous=None if previous is None else Decimal(previous), definition=STILLBIRTH_RATE) is None


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
    rows[-1] = metric_row("neonatal_mortality_rate", rows[-1].period_start, rows[-1].period_end, "1.60", provisional=True)
    tile = build_tile(MetricSeries(NEONATAL_MORTALITY_RATE, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.provisional


def test_survey_tile_uses_the_latest_year_with_a_survey():
    rows = [metric_row("considered_complaint", date(2024, 1, 1), date(2024, 12, 31), "30.00"),
            metric_row("considered_complaint", date(2025, 1, 1), date(2025, 12, 31), "28.00"),
            metric_row("considered_complaint", date(2026, 1, 1), date(2026, 10, 31), None, numerator=0, denominator=0)]
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
    rows = monthly_rows("stillbirth_rate", ["3.0", "3.2", "2.9", "3.1", "3.0", "3.3", "2.8", "3.1", "3.0", "3.2", "2.9", "3.1"])
    tile = build_tile(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.variation_icon == ICON_COMMON_CAUSE
    assert tile.assurance_icon is None  # no target is set
    assert tile.spc_points == 12 and not tile.trial_limits
    assert "Common cause" in tile.variation_svg


@pytest.mark.parametrize(("definition", "icon"), [
    (STILLBIRTH_RATE, ICON_CONCERN_HIGH),  # lower is better: a rise is a concern
    (OPTIMAL_PERINATAL_CARE, ICON_IMPROVEMENT_HIGH),  # higher is better: a rise is an improvement
])
def test_tile_variation_icon_follows_the_direction(definition, icon):
    values = ["3.0", "3.1", "2.9", "3.0", "3.1", "2.9", "3.0", "3.1", "2.9", "3.0", "3.1", "9.0"]
    rows = monthly_rows(definition.id, values)
    tile = build_tile(MetricSeries(definition, tuple(rows), frozenset()), stillbirth_denominator=None)
    assert tile.variation_icon == icon


def test_tile_notes_trial_limits_under_12_points():
    rows = monthly_rows("stillbirth_rate", ["3.0", "3.2", "2.9", "3.1"])
    assert build_tile(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset()), stillbirth_denominator=None).trial_limits


def test_series_rows_keep_whole_months_of_outcome_metrics_only():
    rows = monthly_rows("stillbirth_rate", ["3.0", "3.2"], first=date(2026, 9, 1))
    partial = metric_row("stillbirth_rate", date(2026, 11, 1), date(2026, 11, 15), "9.9")
    other = metric_row("pph_1500_rate", date(2026, 9, 1), date(2026, 9, 30), "20")
    assert series_rows([partial, *reversed(rows), other], definition=STILLBIRTH_RATE) == tuple(rows)


def test_series_rows_keep_every_fortnight():
    rows = fortnightly_rows("induction_delays", ["10", "20", "30"])
    assert series_rows(list(reversed(rows)), definition=INDUCTION_DELAYS) == tuple(rows)


def test_breaks_where_the_trusts_of_an_organisation_change():
    rows = monthly_rows("stillbirth_rate", ["1"] * 6, first=date(2026, 1, 1))
    before, after = frozenset({"RJ1", "RJ2"}), frozenset({"RJ1", "RJ2", "RJZ"})

    def members_on(day):
        return before if day < date(2026, 4, 1) else after

    assert series_breaks(rows, members_on=members_on) == {date(2026, 4, 1)}
    assert series_breaks(rows, members_on=lambda day: before) == frozenset()
    assert series_breaks(rows, members_on=None) == frozenset()


def test_no_break_where_an_organisation_begins_or_ends():
    """A merged ICB that did not exist before April has no trusts then: its series starts, it does not break."""
    rows = monthly_rows("stillbirth_rate", ["1"] * 6, first=date(2026, 1, 1))
    assert series_breaks(rows, members_on=lambda day: frozenset() if day < date(2026, 4, 1) else frozenset({"RYR"})) == frozenset()
    assert series_breaks(rows, members_on=lambda day: frozenset({"RYR"}) if day < date(2026, 4, 1) else frozenset()) == frozenset()


def test_spc_is_rebased_at_a_break():
    rows = monthly_rows("stillbirth_rate", ["3.0", "3.1", "2.9", "3.2", "6.0", "6.1", "5.9", "6.2"], first=date(2025, 12, 1))
    chart = spc_of(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset({date(2026, 4, 1)})))
    assert [segment.start for segment in chart.segments] == [date(2025, 12, 1), date(2026, 4, 1)]
    assert chart.trial_limits


@pytest.mark.parametrize("break_start", [date(2026, 1, 1), date(2026, 4, 1)])
def test_spc_is_not_rebased_where_a_segment_would_hold_one_point(break_start):
    rows = monthly_rows("stillbirth_rate", ["3.0", "3.1", "2.9", "3.2"], first=date(2025, 12, 1)) + \
        monthly_rows("stillbirth_rate", ["3.3"], first=date(2026, 4, 1))
    chart = spc_of(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset({break_start})))
    assert len(chart.segments) == 1


def test_spc_skips_periods_without_a_value_and_needs_two_points():
    rows = monthly_rows("stillbirth_rate", ["3.0", None, "3.2"])
    chart = spc_of(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset()))
    assert [point.value for point in chart.points] == [3.0, 3.2]
    assert spc_of(MetricSeries(STILLBIRTH_RATE, tuple(monthly_rows("stillbirth_rate", ["3.0", None])), frozenset())) is None


def test_spc_dates_months_by_their_first_day_and_fortnights_by_their_last():
    months = monthly_rows("stillbirth_rate", ["1", "2"], first=date(2026, 9, 1))
    assert [p.date for p in spc_of(MetricSeries(STILLBIRTH_RATE, tuple(months), frozenset())).points] == [
        date(2026, 9, 1), date(2026, 10, 1)]
    fortnights = fortnightly_rows("obstetric_unit_suspensions", ["1", "2"])
    assert [p.date for p in spc_of(MetricSeries(OBSTETRIC_UNIT_SUSPENSIONS, tuple(fortnights), frozenset())).points] == [
        date(2026, 10, 17), date(2026, 10, 31)]


def _line(code, name, value, denominator):
    row = metric_row("stillbirth_rate", date(2026, 1, 1), date(2026, 10, 31), value, numerator=1,
                     denominator=denominator, level=LEVEL_TRUST, code=code, name=name)
    return TrustLine(row=row, icb=None, region=None, position=None, highlighted=False)


LINES = [_line("R1", "Beta", "4.00", 250), _line("R2", "alpha", "2.00", 500), _line("R3", "Gamma", None, 0),
         _line("R4", "Delta", "4.00", 250)]


@pytest.mark.parametrize(("sort", "order", "codes"), [
    (SORT_NAME, ORDER_ASCENDING, ["R2", "R1", "R4", "R3"]),  # case-insensitive
    (SORT_NAME, ORDER_DESCENDING, ["R3", "R4", "R1", "R2"]),
    (SORT_VALUE, ORDER_ASCENDING, ["R2", "R1", "R4", "R3"]),  # ties by name; no value last
    (SORT_VALUE, ORDER_DESCENDING, ["R1", "R4", "R2", "R3"]),  # no value last in either order
    (SORT_DENOMINATOR, ORDER_DESCENDING, ["R2", "R1", "R4", "R3"]),
])
def test_sort_lines(sort, order, codes):
    assert [line.row.org_code for line in sort_lines(LINES, sort=sort, order=order)] == codes


def _trust_rows(metric_id, counts):
    return [metric_row(metric_id, date(2025, 11, 1), date(2026, 10, 31), "1", numerator=n, denominator=d,
                       level=LEVEL_TRUST, code=f"R{i}", name=f"Trust {i}") for i, (n, d) in enumerate(counts)]


def _funnel(definition, rows, shown=None, highlight=None):
    return trust_funnel(rows=rows, definition=definition, names={r.org_code: r.org_name for r in rows},
                        shown=shown or {r.org_code for r in rows}, highlight=highlight, title="t", value_label="v",
                        numerator_label="n", denominator_label="d")


def test_funnel_of_a_rate_per_1000_is_drawn_as_proportions_scaled_to_the_unit():
    rows = _trust_rows("stillbirth_rate", [(10, 3000), (12, 3100), (30, 2900), (9, 3050), (11, 2950)])
    chart, positions, missing = _funnel(STILLBIRTH_RATE, rows, highlight="R0")
    assert missing is None and chart is not None
    assert positions["R2"].startswith("above")  # 10.3 per 1,000 against about 3.9
    assert positions["R0"] == "within"
    assert "Trust 0" in chart.svg  # the viewer's trust is picked out


def test_funnel_limits_come_from_every_trust_when_the_table_is_filtered():
    rows = _trust_rows("stillbirth_rate", [(10, 3000), (12, 3100), (30, 2900), (9, 3050), (11, 2950)])
    _, all_positions, _ = _funnel(STILLBIRTH_RATE, rows)
    chart, positions, _ = _funnel(STILLBIRTH_RATE, rows, shown={"R2"})
    assert positions == all_positions
    assert "Trust 2" in chart.svg and "Trust 1" not in chart.svg


def test_funnel_allows_for_overdispersion_in_pph():
    rows = _trust_rows("pph_1500_rate", [(60, 2000), (100, 2000), (40, 2000), (90, 2100), (30, 1900), (70, 2050),
                                         (120, 2000), (50, 1950), (80, 2000), (45, 2100), (110, 2000), (35, 1900)])
    chart, _, _ = _funnel(PPH_1500_RATE, rows)
    assert "overdispersion" in " ".join(chart.notes)


@pytest.mark.parametrize(("definition", "reason"), [
    (OBSTETRIC_UNIT_SUSPENSIONS, FUNNEL_NOT_FOR_OPERATIONAL),
    (OBSTETRIC_UNIT_SUSPENSIONS_EPISODES, FUNNEL_NOT_FOR_OPERATIONAL),
])
def test_no_funnel_for_operational_measures(definition, reason):
    rows = _trust_rows(definition.id, [(1, 3), (0, 2)])
    assert _funnel(definition, rows)[2] == reason


def test_no_funnel_for_counts():
    from dataclasses import replace

    count_metric = replace(STILLBIRTH_RATE, unit="count")
    assert _funnel(count_metric, _trust_rows("stillbirth_rate", [(1, 3)]))[2] == FUNNEL_NOT_FOR_COUNTS


def test_funnel_leaves_out_trusts_without_a_denominator():
    rows = _trust_rows("stillbirth_rate", [(10, 3000), (0, 0), (12, 3100)])
    _, positions, _ = _funnel(STILLBIRTH_RATE, rows)
    assert set(positions) == {"R0", "R2"}



class _Names:
    def name(self, level, code):
        return f"{level} {code}"


SPAN = DataSpan(first=date(2025, 1, 1), last=date(2026, 10, 31))


def test_parent_changes_name_the_day_and_both_icbs():
    periods = [(date(2022, 7, 1), "QNX", "Y59"), (date(2026, 4, 1), "S9B9J", "Y59")]
    [change] = parent_changes(periods=periods, orgs=_Names(), span=SPAN)
    assert change.on == date(2026, 4, 1)
    assert (change.before.code, change.after.code) == ("QNX", "S9B9J")
    assert change.after.level == "icb"


@pytest.mark.parametrize("periods", [
    [(date(2022, 7, 1), "QOP", "Y62"), (date(2026, 4, 1), "QOP", "Y62")],  # a new extract, the same ICB
    [(date(2022, 7, 1), "QNX", "Y59"), (date(2027, 4, 1), "S9B9J", "Y59")],  # after the data
    [(date(2022, 7, 1), "QNX", "Y59"), (date(2025, 1, 1), "S9B9J", "Y59")],  # on the first day of the data
    [(date(2022, 7, 1), "QNX", "Y59")],
])
def test_no_parent_change_within_the_data(periods):
    assert parent_changes(periods=periods, orgs=_Names(), span=SPAN) == []


def test_a_region_change_is_named_too():
    periods = [(date(2022, 7, 1), "QAA", "Y58"), (date(2026, 4, 1), "QAA", "Y59")]
    [change] = parent_changes(periods=periods, orgs=_Names(), span=SPAN)
    assert change.after.level == "region" and change.after.code == "Y59"
