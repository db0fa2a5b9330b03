"""Funnel plots (docs/rules/surveillance.md §3): points, target, 95% and 99.8% limit lines, outliers."""

from __future__ import annotations

import re

import pytest

from perinatal.charts import funnel_chart, funnel_position
from perinatal.charts.frame import PLOT_HEIGHT, PLOT_TOP
from perinatal.charts.funnel import (
    ABOVE_95,
    ABOVE_998,
    BELOW_95,
    BELOW_998,
    POSITION_WORDS,
    WITHIN_LIMITS,
    clip_runs,
    funnel_limit_curve,
    funnel_limits_at,
)
from perinatal.charts.palette import COMMON_CAUSE, CONCERN, IMPROVEMENT, NEUTRAL
from perinatal.stats.funnel import FunnelGroup, FunnelLimits, FunnelPoint, funnel_plot
from tests.charts.test_common import SVG, assert_accessible, parse, tags, with_class, y_ticks

BOTTOM = PLOT_TOP + PLOT_HEIGHT
# T9 is far above, T8 far below the rest (about 4 per 1,000).
GROUPS = [
    FunnelGroup(f"T{index}", numerator, denominator)
    for index, (numerator, denominator) in enumerate(
        [
            (12, 3000),
            (16, 4100),
            (9, 2500),
            (17, 3900),
            (21, 5200),
            (13, 3100),
            (24, 6000),
            (11, 2800),
            (2, 7000),
            (45, 4000),
        ]
    )
]


def funnel_point(
    value, *, lower_95=0.2, upper_95=0.4, lower_998=0.1, upper_998=0.5, outlier_95=False, outlier_998=False
):
    return FunnelPoint(
        "A",
        value * 100,
        100,
        value,
        FunnelLimits(lower_95, upper_95, lower_998, upper_998),
        outlier_95,
        outlier_998,
    )


@pytest.mark.parametrize(
    ("point", "position"),
    [
        (funnel_point(0.3), WITHIN_LIMITS),
        (funnel_point(0.4), WITHIN_LIMITS),  # exactly on a limit is inside (the stats flags say so)
        (funnel_point(0.45, outlier_95=True), ABOVE_95),
        (funnel_point(0.15, outlier_95=True), BELOW_95),
        (funnel_point(0.6, outlier_95=True, outlier_998=True), ABOVE_998),
        (funnel_point(0.05, outlier_95=True, outlier_998=True), BELOW_998),
    ],
)
def test_funnel_position(point, position):
    assert funnel_position(point) == position


def test_structure_points_limits_and_target():
    plot = funnel_plot(groups=GROUPS)
    chart = funnel_chart(plot=plot, title="Stillbirths per 1,000 births, 2025", value_scale=1000)
    root = assert_accessible(chart.svg)
    assert len(with_class(root, "chart-point")) == len(GROUPS)
    assert len(with_class(root, "chart-limit-998")) == 2
    assert len(with_class(root, "chart-limit-95")) == 2
    assert len(with_class(root, "chart-target")) == 1
    assert {item.get("stroke-dasharray") for item in with_class(root, "chart-limit-998")} == {None}
    assert {item.get("stroke-dasharray") for item in with_class(root, "chart-limit-95")} == {"6 4"}
    labels = [item.text for item in with_class(root, "chart-line-label")]
    assert sorted(labels) == sorted(
        ["Target 4.1", "Upper 99.8% limit", "Upper 95% limit", "Lower 95% limit", "Lower 99.8% limit"]
    )
    assert min(y_ticks(root)) == 0


def test_outliers_are_highlighted_by_shape_size_and_colour():
    plot = funnel_plot(groups=GROUPS)
    positions = [funnel_position(point) for point in plot.points]
    assert positions[9] == ABOVE_998 and positions[8] == BELOW_998
    chart = funnel_chart(plot=plot, title="T", value_scale=1000, improvement="decrease")
    markers = with_class(parse(chart.svg), "chart-point")
    for position, mark in zip(positions, markers):
        assert f"chart-point--{position.replace('_', '-')}" in mark.get("class")
        if position == WITHIN_LIMITS:
            assert mark.tag == SVG + "circle" and mark.get("fill") == COMMON_CAUSE.fill
        else:
            assert mark.tag == SVG + "path"
    above, below = markers[9], markers[8]
    assert above.get("fill") == CONCERN.ink  # above is bad when lower is better; dark beyond 99.8%
    assert below.get("fill") == IMPROVEMENT.ink
    assert chart.table.rows[9][6] == "Above the 99.8% limit"
    assert chart.table.rows[8][6] == "Below the 99.8% limit"


@pytest.mark.parametrize(
    ("improvement", "above", "below"),
    [("increase", IMPROVEMENT, CONCERN), ("decrease", CONCERN, IMPROVEMENT), ("neutral", NEUTRAL, NEUTRAL)],
)
def test_outlier_colour_follows_the_improvement_direction(improvement, above, below):
    chart = funnel_chart(plot=funnel_plot(groups=GROUPS), title="T", improvement=improvement)
    markers = with_class(parse(chart.svg), "chart-point")
    assert markers[9].get("fill") == above.ink
    assert markers[8].get("fill") == below.ink


def test_95_only_outliers_are_smaller_and_light():
    groups = [
        FunnelGroup("A", 50, 1000),
        FunnelGroup("B", 50, 1000),
        FunnelGroup("C", 50, 1000),
        FunnelGroup("D", 67, 1000),
    ]
    plot = funnel_plot(groups=groups, target=0.05)
    assert funnel_position(plot.points[3]) == ABOVE_95
    chart = funnel_chart(plot=plot, title="T", improvement="increase")
    mark = with_class(parse(chart.svg), "chart-point")[3]
    assert mark.get("fill") == IMPROVEMENT.fill and mark.get("stroke") == IMPROVEMENT.ink


def test_limit_lines_are_the_stats_librarys_own_limits():
    plot = funnel_plot(groups=GROUPS)
    for point in plot.points:
        assert funnel_limits_at(plot=plot, denominator=point.denominator) == point.limits
    for denominator, limits in funnel_limit_curve(plot=plot, points=7):
        alone = funnel_plot(groups=[FunnelGroup("x", 0, denominator)], target=plot.target)
        assert limits == alone.points[0].limits


def test_adjusted_limits_follow_the_plot_and_are_noted():
    spread = [
        FunnelGroup(f"G{index}", numerator, 1000)
        for index, numerator in enumerate([10, 30, 50, 70, 90, 20, 40, 60, 80, 100, 15, 85])
    ]
    plot = funnel_plot(groups=spread, overdispersion=True)
    assert plot.adjusted
    for point in plot.points:
        assert funnel_limits_at(plot=plot, denominator=point.denominator) == point.limits
    chart = funnel_chart(plot=plot, title="T")
    assert chart.notes == (
        "The limits are widened to allow for real differences between organisations (overdispersion).",
    )


@pytest.mark.parametrize(
    ("overdispersion", "notes"),
    [(False, ()), (True, ("Overdispersion was checked for and not found, so the limits are not adjusted.",))],
)
def test_unadjusted_limits_say_so_when_overdispersion_was_asked_for(overdispersion, notes):
    groups = [FunnelGroup("A", 10, 1000), FunnelGroup("B", 11, 1000), FunnelGroup("C", 9, 1000)]
    chart = funnel_chart(plot=funnel_plot(groups=groups, overdispersion=overdispersion), title="T")
    assert chart.notes == notes
    assert all(note in [item.text for item in with_class(parse(chart.svg), "chart-note")] for note in notes)


def test_limit_curve_for_proportions_uses_whole_denominators_in_range():
    plot = funnel_plot(groups=GROUPS)
    curve = funnel_limit_curve(plot=plot)
    denominators = [denominator for denominator, _ in curve]
    assert denominators == sorted(set(denominators))
    assert all(isinstance(value, int) for value in denominators)
    assert denominators[0] == round(2500 * 0.8) and denominators[-1] == round(7000 * 1.05)


def test_no_limit_line_goes_below_zero():
    chart = funnel_chart(plot=funnel_plot(groups=GROUPS), title="T", value_scale=1000)
    for path in with_class(parse(chart.svg), "chart-limit-998") + with_class(parse(chart.svg), "chart-limit-95"):
        ys = [float(y) for y in re.findall(r"[ML][-\d.]+ ([-\d.]+)", path.get("d"))]
        assert max(ys) <= BOTTOM


def test_highlight_names_and_description():
    plot = funnel_plot(groups=GROUPS)
    chart = funnel_chart(
        plot=plot,
        title="Stillbirths per 1,000 births, 2025",
        value_scale=1000,
        names={"T3": "Leeds"},
        highlight="T3",
        group_label="Trust",
        numerator_label="Stillbirths",
        denominator_label="Births",
        value_label="Per 1,000 births",
        target_label="England",
    )
    root = parse(chart.svg)
    assert len(with_class(root, "chart-highlight")) == 1
    assert [item.text for item in with_class(root, "chart-highlight-label")] == ["Leeds"]
    assert chart.table.headings == (
        "Trust",
        "Stillbirths",
        "Births",
        "Per 1,000 births",
        "95% limits",
        "99.8% limits",
        "Compared with the limits",
    )
    assert chart.table.rows[3][:4] == ("Leeds", "17", "3,900", "4.4")
    assert chart.table.rows[0][0] == "T0"
    assert chart.description == (
        "Stillbirths per 1,000 births, 2025: 10 organisations; England 4.1; outside the 95% limits: "
        "1 above, 1 below; outside the 99.8% limits: 1 above, 1 below; Leeds 4.4, within the limits."
    )
    assert "Births" in [item.text for item in with_class(root, "chart-axis-title")]


def test_unknown_highlight_or_direction_is_refused():
    plot = funnel_plot(groups=GROUPS)
    with pytest.raises(ValueError, match="T99"):
        funnel_chart(plot=plot, title="T", highlight="T99")
    with pytest.raises(ValueError):
        funnel_chart(plot=plot, title="T", improvement="up")


@pytest.mark.parametrize(
    ("groups", "kind"),
    [
        ([FunnelGroup("A", 3, 100)], "proportion"),  # a single group
        ([FunnelGroup("A", 0, 100), FunnelGroup("B", 0, 300)], "proportion"),  # all zero: target 0
        ([FunnelGroup("A", 3, 2.5), FunnelGroup("B", 9, 4.1), FunnelGroup("C", 0, 1.2)], "ratio"),
    ],
)
def test_edge_cases_still_draw(groups, kind):
    plot = funnel_plot(groups=groups, kind=kind)
    chart = funnel_chart(plot=plot, title="T")
    root = assert_accessible(chart.svg)
    assert len(with_class(root, "chart-point")) == len(groups)
    assert len(chart.table.rows) == len(groups)
    assert all(row[6] in POSITION_WORDS.values() for row in chart.table.rows)
    assert tags(root, "path")


def test_ratio_denominators_keep_their_decimals():
    plot = funnel_plot(groups=[FunnelGroup("A", 3, 2.5), FunnelGroup("B", 9, 4.1)], kind="ratio")
    chart = funnel_chart(plot=plot, title="T", numerator_label="Observed", denominator_label="Expected")
    assert [row[1:3] for row in chart.table.rows] == [("3", "2.50"), ("9", "4.10")]


def _path_ys(path) -> list[float]:
    return [float(y) for y in re.findall(r"[ML][-\d.]+ ([-\d.]+)", path.get("d"))]


def test_the_value_axis_is_chosen_from_the_data_not_from_the_widest_limit():
    """issue 12: one small organisation's 99.8% limits (here 40 births) set the axis from 0 to 60
    per 1,000, and every trust sat in a thin band near 4. The axis now spans the points, the target and
    the limits at the median denominator; the limit lines are cut at its edges."""
    groups = [*GROUPS[:8], FunnelGroup("S", 0, 40)]
    plot = funnel_plot(groups=groups)
    chart = funnel_chart(plot=plot, title="Stillbirths per 1,000 births", value_scale=1000)
    root = assert_accessible(chart.svg)
    ticks = y_ticks(root)
    widest = funnel_limit_curve(plot=plot)[0][1].upper_998 * 1000
    assert widest > 50 and max(ticks) <= 10  # about 4 per 1,000 on 0 to 10, not on 0 to 60
    assert min(ticks) >= 0
    values = [point.value * 1000 for point in plot.points]
    assert min(ticks) <= min(values) and max(values) <= max(ticks)  # every point is on the chart
    for mark in with_class(root, "chart-point"):
        if mark.get("cy"):  # circles; outliers are triangles (paths)
            assert PLOT_TOP <= float(mark.get("cy")) <= BOTTOM
    for path in with_class(root, "chart-limit-998") + with_class(root, "chart-limit-95"):
        ys = _path_ys(path)
        assert ys and PLOT_TOP - 0.01 <= min(ys) and max(ys) <= BOTTOM + 0.01
    upper = with_class(root, "chart-limit-998")[0]
    assert upper.get("d").startswith("M") and min(_path_ys(upper)) == pytest.approx(
        PLOT_TOP, abs=0.01
    )  # cut at the top


def test_the_axis_of_a_percentage_is_not_0_to_100():
    groups = [FunnelGroup(f"T{n}", numerator, 1000) for n, numerator in enumerate([300, 320, 280, 310, 295, 305])]
    chart = funnel_chart(plot=funnel_plot(groups=groups), title="% of babies", value_scale=100)
    ticks = y_ticks(parse(chart.svg))
    assert 20 <= min(ticks) and max(ticks) <= 40


def test_clip_runs_cuts_a_line_at_the_edges_of_the_band():
    run = [(0, -10), (10, 10), (20, 30), (30, 130), (40, 50)]
    assert clip_runs(run, top=0, bottom=100) == [
        [(5.0, 0), (10, 10), (20, 30), (27.0, 100)],
        [(33.75, 100), (40, 50)],
    ]
    [[start, end]] = clip_runs([(0, -10), (10, 110)], top=0, bottom=100)  # straight across
    assert start == pytest.approx((10 / 12, 0)) and end == pytest.approx((110 / 12, 100))
    assert clip_runs([(0, -5), (10, -1)], top=0, bottom=100) == []
