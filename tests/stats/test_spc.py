"""Making Data Count XmR charts (docs/rules/surveillance.md §2, spc.json)."""

from datetime import date, timedelta

import pytest

from perinatal.stats.spc import (
    ASSURANCE_FAIL,
    ASSURANCE_INCONSISTENT,
    ASSURANCE_PASS,
    IMPROVEMENT_DECREASE,
    IMPROVEMENT_INCREASE,
    IMPROVEMENT_NEUTRAL,
    RULE_PRECEDENCE,
    SPECIAL_CAUSE_RULE,
    DuplicateDateError,
    SpcInputError,
    SpcPoint,
    XmrLimits,
    assurance,
    close_to_limits,
    part_of_seven,
    point_type,
    relative_to_mean,
    seven_point_one_side_of_mean,
    seven_point_trend,
    special_causes,
    two_in_three_points,
    two_in_three_windows,
    xmr_chart,
    xmr_limits,
)
from tests.surveillance.vectors import load_vectors

SPC = load_vectors("spc")
HELPERS = SPC["rule_helpers"]
TOLERANCE = 1e-12
# mean 0, limits ±10, near-limit band ±20/3: hand-made so each rule can be reached alone.
LIMITS = XmrLimits(mean=0.0, moving_range_mean=10 / 2.66, lpl=-10.0, upl=10.0, nlpl=-20 / 3, nupl=20 / 3)


def _series(values, start=date(2024, 1, 1)):
    return [SpcPoint(start + timedelta(days=7 * index), value) for index, value in enumerate(values)]


# --- vectors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", SPC["limits_without_screening"], ids=lambda case: str(case["values"]))
def test_limits_without_screening(case):
    limits = xmr_limits(values=case["values"], screen_outliers=False)
    for name in ("mean", "lpl", "upl", "nlpl", "nupl"):
        assert getattr(limits, name) == pytest.approx(case[name], rel=TOLERANCE, abs=TOLERANCE), name


@pytest.mark.parametrize(
    "case", HELPERS["seven_point_one_side_of_mean"], ids=lambda case: str(case["relative_to_mean"])
)
def test_seven_point_one_side_of_mean(case):
    flags = seven_point_one_side_of_mean(case["relative_to_mean"])
    # The vector's flags are unsigned; ours carry the side (−1 below the mean).
    assert [abs(flag) for flag in flags] == case["flags"]
    assert all(flag in (0, side) for flag, side in zip(flags, case["relative_to_mean"]))


@pytest.mark.parametrize("case", HELPERS["seven_point_trend"], ids=lambda case: str(case["values"]))
def test_seven_point_trend(case):
    assert seven_point_trend(case["values"]) == case["flags"]


@pytest.mark.parametrize("case", HELPERS["part_of_seven_trend"], ids=lambda case: str(case["trend_flags"]))
def test_part_of_seven(case):
    assert part_of_seven(case["trend_flags"]) == case["marked"]


@pytest.mark.parametrize("case", HELPERS["two_in_three_same_side"], ids=lambda case: str(case))
def test_two_in_three_windows(case):
    flags = two_in_three_windows(close_to_limits=case["close_to_limits"], relative_to_mean=case["relative_to_mean"])
    assert [abs(flag) for flag in flags] == case["window_flags"]


@pytest.mark.parametrize("case", HELPERS["two_in_three_points_flagged"], ids=lambda case: str(case))
def test_two_in_three_points(case):
    flags = two_in_three_points(close_to_limits=case["close_to_limits"], relative_to_mean=case["relative_to_mean"])
    assert [abs(flag) for flag in flags] == case["flagged"]


def test_precedence_vector():
    assert SPC["precedence"] == (
        "outside limits > 7-point trend > 2 of 3 near a limit (same side) > "
        "7 points one side of the mean > common cause"
    )
    assert RULE_PRECEDENCE == ("outside_limits", "trend", "two_in_three", "shift")


_ASSURANCE = SPC["assurance"]


@pytest.mark.parametrize(
    ("improvement", "key"),
    [
        (IMPROVEMENT_INCREASE, "increase_is_better"),
        (IMPROVEMENT_DECREASE, "decrease_is_better"),
        (IMPROVEMENT_NEUTRAL, "neutral"),
    ],
)
@pytest.mark.parametrize("index", range(len(_ASSURANCE["rows_lpl_upl"])))
def test_assurance_vector(improvement, key, index):
    lpl, upl = _ASSURANCE["rows_lpl_upl"][index]
    limits = XmrLimits(mean=(lpl + upl) / 2, moving_range_mean=0, lpl=lpl, upl=upl, nlpl=lpl, nupl=upl)
    assert assurance(limits=limits, target=_ASSURANCE["target"], improvement=improvement) == _ASSURANCE[key][index]


def test_opposite_sides_example():
    example = SPC["opposite_sides_example"]
    chart = xmr_chart(points=_series(example["values"]))
    limits = chart.segments[0].limits
    assert limits.mean == pytest.approx(example["mean"], abs=TOLERANCE)
    assert limits.lpl == pytest.approx(example["lpl"], rel=TOLERANCE)
    assert limits.upl == pytest.approx(example["upl"], rel=TOLERANCE)
    assert {point.special_cause for point in chart.points} == {"common_cause"}
    # The last two points are near-limit points, on opposite sides.
    assert close_to_limits(values=example["values"][-2:], limits=limits) == [1, 1]


# --- limits -----------------------------------------------------------------------------------------


def test_screening_drops_moving_ranges_at_or_above_3267_times_the_mean():
    # mR = 0, 0, 0, 5: mean 1.25, cut-off 4.08 → 5 dropped → mR̄ = 0.
    assert xmr_limits(values=[0, 0, 0, 0, 5]).moving_range_mean == 0.0
    assert xmr_limits(values=[0, 0, 0, 0, 5], screen_outliers=False).moving_range_mean == 1.25
    # mR = 0, 0, 5: mean 5/3, cut-off 5.445 → kept.
    assert xmr_limits(values=[0, 0, 0, 5]).moving_range_mean == pytest.approx(5 / 3)


def test_screening_is_one_pass():
    # mR = 1×8, 6, 30: mean 4.4 → 30 dropped (≥ 14.4); recomputed mean 14/9 = 1.56 would
    # make 6 an outlier on a second pass, but there is no second pass.
    values = [0, 1, 0, 1, 0, 1, 0, 1, 0, 6, 36]
    assert xmr_limits(values=values).moving_range_mean == pytest.approx(14 / 9)


def test_constant_series_has_zero_width_limits():
    limits = xmr_limits(values=[3.0] * 12)
    assert (limits.mean, limits.lpl, limits.upl, limits.moving_range_mean) == (3.0, 3.0, 3.0, 0.0)
    chart = xmr_chart(points=_series([3.0] * 12))
    assert {point.special_cause for point in chart.points} == {"common_cause"}


def test_limits_need_two_points():
    with pytest.raises(SpcInputError):
        xmr_limits(values=[1.0])


# --- rules at their edges -----------------------------------------------------------------------------


def _causes(values):
    return special_causes(values=values, limits=LIMITS)


def test_a_point_on_the_mean_is_on_neither_side():
    assert relative_to_mean(values=[1, 0, -1], mean=0) == [1, 0, -1]
    # Six above, one on the mean, six above: no shift.
    assert set(_causes([1] * 6 + [0] + [1] * 6)) == {"common_cause"}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1] * 6, ["common_cause"] * 6),
        ([1] * 7, ["shift_above"] * 7),
        ([-1] * 8, ["shift_below"] * 8),
        ([-1] + [1] * 7 + [-1], ["common_cause"] + ["shift_above"] * 7 + ["common_cause"]),
    ],
)
def test_shift(values, expected):
    assert _causes(values) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # 6 rises (alternating sides of the mean, so no shift): all 7 flagged.
        ([-3, -2, -1, 0.5, 1, 2, 3], ["trend_increasing"] * 7),
        ([3, 2, 1, -0.5, -1, -2, -3], ["trend_decreasing"] * 7),
        # 5 rises: nothing.
        ([-2, -1, 0.5, 1, 2, 3], ["common_cause"] * 6),
        # A tie breaks the run.
        ([-3, -2, -1, -1, 1, 2, 3], ["common_cause"] * 7),
        # 7 rises: all 8 flagged.
        ([-3, -2, -1, 0.5, 1, 2, 3, 4], ["trend_increasing"] * 8),
    ],
)
def test_trend(values, expected):
    assert _causes(values) == expected


def test_the_peak_joining_two_trends_takes_the_trend_ending_at_it():
    rising = [-3, -2, -1, 0.5, 1, 2, 3]
    falling = [2, 1, 0.5, -1, -2, -3]
    causes = _causes(rising + falling)
    assert causes[:7] == ["trend_increasing"] * 7
    assert causes[7:] == ["trend_decreasing"] * 6
    trough = _causes([3, 2, 1, -0.5, -1, -2, -3, -2, -1, 0.5, 1, 2, 3])
    assert trough[6] == "trend_decreasing"
    assert trough[7:] == ["trend_increasing"] * 6


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([7, 1, 7], ["two_in_three_above", "common_cause", "two_in_three_above"]),
        ([-7, -1, -7], ["two_in_three_below", "common_cause", "two_in_three_below"]),
        # One side of the mean broken by the middle point: nothing.
        ([7, -1, 7], ["common_cause"] * 3),
        # A point on the mean breaks it too.
        ([7, 0, 7], ["common_cause"] * 3),
        # Near-limit points on opposite sides: nothing.
        ([7, -7, 1], ["common_cause"] * 3),
        # Only one in three.
        ([7, 1, 1, 7], ["common_cause"] * 4),
        # A point outside the limits is rule (a) and not a near-limit point …
        ([11, 7, 1], ["above_upper_limit", "common_cause", "common_cause"]),
        # … but it is on the same side of the mean.
        ([7, 11, 7], ["two_in_three_above", "above_upper_limit", "two_in_three_above"]),
        # A point exactly on a limit is inside it, so a near-limit point.
        ([10, 1, 10], ["two_in_three_above", "common_cause", "two_in_three_above"]),
        # A point exactly on the near-limit band is not beyond it.
        ([20 / 3, 1, 7], ["common_cause"] * 3),
    ],
)
def test_two_in_three(values, expected):
    assert _causes(values) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10.000001], ["above_upper_limit"]),
        ([10.0], ["common_cause"]),
        ([-10.0], ["common_cause"]),
        ([-10.5], ["below_lower_limit"]),
    ],
)
def test_outside_limits_is_strict(values, expected):
    assert _causes(values) == expected


def test_precedence_outside_beats_trend_beats_two_in_three_beats_shift():
    # A rising run of 7 whose last point is above the limit and whose last three are near
    # or beyond the limit, all on the same side of the mean.
    values = [1, 2, 3, 4, 7, 8, 11]
    assert _causes(values) == ["trend_increasing"] * 6 + ["above_upper_limit"]
    # Near-limit points inside a shift: two-in-three wins for them, shift for the others.
    values = [1, 1, 7, 1, 7, 1, 1]
    assert _causes(values) == [
        "shift_above",
        "shift_above",
        "two_in_three_above",
        "shift_above",
        "two_in_three_above",
        "shift_above",
        "shift_above",
    ]


def test_every_special_cause_names_its_rule():
    assert set(SPECIAL_CAUSE_RULE.values()) == set(RULE_PRECEDENCE)
    assert len(SPECIAL_CAUSE_RULE) == 8


# --- point types and icons --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cause", "improvement", "expected"),
    [
        ("above_upper_limit", IMPROVEMENT_INCREASE, "improvement"),
        ("above_upper_limit", IMPROVEMENT_DECREASE, "concern"),
        ("above_upper_limit", IMPROVEMENT_NEUTRAL, "neutral_high"),
        ("below_lower_limit", IMPROVEMENT_INCREASE, "concern"),
        ("below_lower_limit", IMPROVEMENT_DECREASE, "improvement"),
        ("below_lower_limit", IMPROVEMENT_NEUTRAL, "neutral_low"),
        # A rising trend is "above" whatever side of the mean it is on.
        ("trend_increasing", IMPROVEMENT_INCREASE, "improvement"),
        ("trend_decreasing", IMPROVEMENT_INCREASE, "concern"),
        ("trend_decreasing", IMPROVEMENT_NEUTRAL, "neutral_low"),
        ("two_in_three_above", IMPROVEMENT_DECREASE, "concern"),
        ("two_in_three_below", IMPROVEMENT_DECREASE, "improvement"),
        ("shift_above", IMPROVEMENT_NEUTRAL, "neutral_high"),
        ("shift_below", IMPROVEMENT_INCREASE, "concern"),
        ("common_cause", IMPROVEMENT_INCREASE, "common_cause"),
        ("common_cause", IMPROVEMENT_NEUTRAL, "common_cause"),
    ],
)
def test_point_type(cause, improvement, expected):
    assert point_type(special_cause=cause, improvement=improvement) == expected


def test_trend_below_the_mean_is_still_improvement_when_higher_is_better():
    values = [-9, -8, -7, -6, -5, -4, -3]
    assert set(_causes(values)) == {"trend_increasing"}


@pytest.mark.parametrize(
    ("target", "improvement", "expected"),
    [
        (10.0, IMPROVEMENT_INCREASE, ASSURANCE_INCONSISTENT),  # equal to the upper limit
        (-10.0, IMPROVEMENT_INCREASE, ASSURANCE_INCONSISTENT),  # equal to the lower limit
        (10.0, IMPROVEMENT_DECREASE, ASSURANCE_INCONSISTENT),
        (10.5, IMPROVEMENT_INCREASE, ASSURANCE_FAIL),
        (10.5, IMPROVEMENT_DECREASE, ASSURANCE_PASS),
        (-10.5, IMPROVEMENT_INCREASE, ASSURANCE_PASS),
        (-10.5, IMPROVEMENT_DECREASE, ASSURANCE_FAIL),
        (None, IMPROVEMENT_INCREASE, None),
        (10.5, IMPROVEMENT_NEUTRAL, None),
    ],
)
def test_assurance_edges(target, improvement, expected):
    assert assurance(limits=LIMITS, target=target, improvement=improvement) == expected


def test_default_improvement_is_increase():
    chart = xmr_chart(points=_series([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 30]))
    assert chart.improvement == IMPROVEMENT_INCREASE
    assert chart.points[-1].special_cause == "above_upper_limit"
    assert chart.variation == "improvement"


def test_variation_is_the_latest_points_type():
    chart = xmr_chart(points=_series([5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, -30]), improvement=IMPROVEMENT_INCREASE)
    assert chart.points[-1].point_type == "concern"
    assert chart.variation == "concern"
    chart = xmr_chart(points=_series([5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6]))
    assert chart.variation == "common_cause"


# --- the chart: baseline, segments, options ------------------------------------------------------------


def test_points_are_sorted_by_date():
    points = _series(list(range(12)))
    chart = xmr_chart(points=list(reversed(points)))
    assert [point.date for point in chart.points] == [point.date for point in points]


@pytest.mark.parametrize(("count", "trial"), [(11, True), (12, False), (2, True)])
def test_trial_limits_below_12_points(count, trial):
    chart = xmr_chart(points=_series([1, 3] * 6)[:count])
    assert chart.trial_limits is trial
    assert chart.segments[0].trial_limits is trial


@pytest.mark.parametrize("fix_after", [11, 0, -1, True])
def test_fix_after_below_12_is_an_error(fix_after):
    with pytest.raises(SpcInputError, match="at least 12"):
        xmr_chart(points=_series(list(range(20))), fix_after_n_points=fix_after)


def test_fix_after_takes_the_baseline_from_the_first_points():
    values = [1, 3] * 6 + [20, 21, 22]
    chart = xmr_chart(points=_series(values), fix_after_n_points=12)
    segment = chart.segments[0]
    assert segment.baseline_points == 12
    assert segment.limits.mean == 2.0
    assert segment.limits.upl == pytest.approx(2 + 2.66 * 2)
    # The later points are judged against the baseline limits.
    assert [point.special_cause for point in chart.points[12:]] == ["above_upper_limit"] * 3
    # Without fixing, every point is in the baseline.
    assert xmr_chart(points=_series(values)).segments[0].baseline_points == 15


def test_fix_after_longer_than_the_series_uses_all_points():
    chart = xmr_chart(points=_series([1, 3] * 6), fix_after_n_points=24)
    assert chart.segments[0].baseline_points == 12


def test_rebase_starts_a_new_segment_on_that_date():
    values = [1, 3] * 6 + [11, 13] * 6
    points = _series(values)
    chart = xmr_chart(points=points, rebase_dates=[points[12].date])
    first, second = chart.segments
    assert (first.start, first.end, first.points) == (points[0].date, points[11].date, 12)
    assert (second.start, second.points) == (points[12].date, 12)
    assert first.limits.mean == 2.0 and second.limits.mean == 12.0
    assert [point.segment for point in chart.points] == [0] * 12 + [1] * 12
    assert {point.special_cause for point in chart.points} == {"common_cause"}
    # Without the rebase one set of limits (7 ± 5.32) puts the 13s above the upper limit.
    unbased = xmr_chart(points=points)
    assert unbased.points[-1].special_cause == "above_upper_limit"


def test_rules_do_not_cross_a_rebase():
    # 4 rising points then a rebase then 3 more: no run of 7 within a segment.
    values = [0, 5, 0, 5, 0, 5, 1, 2, 3, 4, 5, 6, 7, 0, 5, 0, 5, 0, 5, 0, 5]
    points = _series(values)
    chart = xmr_chart(points=points, rebase_dates=[points[10].date])
    assert "trend_increasing" not in {point.special_cause for point in chart.points}
    assert "trend_increasing" in {point.special_cause for point in xmr_chart(points=points).points}


def test_assurance_uses_the_latest_segment():
    values = [1, 3] * 6 + [11, 13] * 6
    points = _series(values)
    rebase = [points[12].date]
    # Latest limits 12 ± 5.32 = 6.68…17.32: the target 6 is below the lower limit …
    assert xmr_chart(points=points, rebase_dates=rebase, target=6.0).assurance == ASSURANCE_PASS
    assert (
        xmr_chart(points=points, rebase_dates=rebase, target=6.0, improvement=IMPROVEMENT_DECREASE).assurance
        == ASSURANCE_FAIL
    )
    # … while the first segment's limits (2 ± 5.32) would have put it inside.
    assert xmr_chart(points=points[:12], target=6.0).assurance == ASSURANCE_INCONSISTENT


def test_rebase_on_the_first_date_changes_nothing():
    points = _series([1, 3] * 6)
    assert xmr_chart(points=points, rebase_dates=[points[0].date]) == xmr_chart(points=points)


def test_rebase_date_must_be_a_point():
    with pytest.raises(SpcInputError, match="rebase date 2030-01-01"):
        xmr_chart(points=_series([1, 3] * 6), rebase_dates=[date(2030, 1, 1)])


def test_a_one_point_segment_is_an_error():
    points = _series([1, 3] * 6)
    with pytest.raises(SpcInputError, match="has 1 point"):
        xmr_chart(points=points, rebase_dates=[points[-1].date])


def test_duplicate_dates_are_an_error():
    points = _series([1, 3] * 6) + [SpcPoint(date(2024, 1, 1), 5.0)]
    with pytest.raises(DuplicateDateError) as raised:
        xmr_chart(points=points)
    assert raised.value.date == date(2024, 1, 1)


@pytest.mark.parametrize("improvement", ["up", "", "Increase"])
def test_unknown_improvement_is_an_error(improvement):
    with pytest.raises(SpcInputError, match="improvement"):
        xmr_chart(points=_series([1, 3] * 6), improvement=improvement)


def test_empty_series_is_an_error():
    with pytest.raises(SpcInputError, match="no points"):
        xmr_chart(points=[])


def test_non_finite_values_are_an_error():
    with pytest.raises(SpcInputError, match="finite"):
        xmr_chart(points=_series([1.0, float("nan")] * 6))
