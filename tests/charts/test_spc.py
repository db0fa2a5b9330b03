"""XmR charts in the Making Data Count style and the variation/assurance icons (docs/rules/surveillance.md §2)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from perinatal.charts import ICONS, icon_svg, icon_symbols, icon_use, spc_chart
from perinatal.charts.frame import PLOT_HEIGHT
from perinatal.charts.icons import (
    ASSURANCE_ICON_KEYS,
    ICON_ASSURANCE_FAIL,
    ICON_ASSURANCE_HIT_OR_MISS,
    ICON_ASSURANCE_PASS,
    ICON_COMMON_CAUSE,
    ICON_CONCERN_HIGH,
    ICON_CONCERN_LOW,
    ICON_IMPROVEMENT_HIGH,
    ICON_IMPROVEMENT_LOW,
    ICON_NEUTRAL_HIGH,
    ICON_NEUTRAL_LOW,
    VARIATION_ICON_KEYS,
    assurance_icon_key,
    icon_symbol_id,
    variation_icon_key,
)
from perinatal.charts.palette import BACKGROUND, MINIMUM_TEXT_CONTRAST, contrast_ratio
from perinatal.charts.spc import PLOT_TOP_WITH_ICONS, POINT_COLOURS, SPECIAL_CAUSE_WORDS
from perinatal.stats.spc import (
    ASSURANCE_FAIL,
    ASSURANCE_INCONSISTENT,
    ASSURANCE_PASS,
    POINT_COMMON_CAUSE,
    POINT_CONCERN,
    POINT_IMPROVEMENT,
    POINT_NEUTRAL_HIGH,
    POINT_NEUTRAL_LOW,
    SPECIAL_CAUSE_DIRECTION,
    SpcPoint,
    xmr_chart,
)
from tests.charts.test_common import SVG, assert_accessible, parse, spc_points, tags, with_class, y_ticks

BOTTOM = PLOT_TOP_WITH_ICONS + PLOT_HEIGHT
AROUND_10 = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11]
AROUND_20 = [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 21]


def draw(values, *, improvement="increase", target=None, rebase_dates=(), **kwargs):
    chart = xmr_chart(points=spc_points(values), improvement=improvement, target=target, rebase_dates=rebase_dates)
    kwargs.setdefault("title", "Measure")
    return chart, spc_chart(chart=chart, **kwargs)


# --- icon selection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variation", "improvement", "key"),
    [
        (POINT_COMMON_CAUSE, "increase", ICON_COMMON_CAUSE),
        (POINT_COMMON_CAUSE, "decrease", ICON_COMMON_CAUSE),
        (POINT_COMMON_CAUSE, "neutral", ICON_COMMON_CAUSE),
        (POINT_IMPROVEMENT, "increase", ICON_IMPROVEMENT_HIGH),
        (POINT_IMPROVEMENT, "decrease", ICON_IMPROVEMENT_LOW),
        (POINT_CONCERN, "increase", ICON_CONCERN_LOW),
        (POINT_CONCERN, "decrease", ICON_CONCERN_HIGH),
        (POINT_NEUTRAL_HIGH, "neutral", ICON_NEUTRAL_HIGH),
        (POINT_NEUTRAL_LOW, "neutral", ICON_NEUTRAL_LOW),
    ],
)
def test_variation_icon_key(variation, improvement, key):
    assert variation_icon_key(variation=variation, improvement=improvement) == key


@pytest.mark.parametrize(
    ("variation", "improvement"),
    [
        (POINT_IMPROVEMENT, "neutral"),
        (POINT_CONCERN, "neutral"),
        (POINT_NEUTRAL_HIGH, "increase"),
        (POINT_NEUTRAL_HIGH, "decrease"),
        (POINT_NEUTRAL_LOW, "increase"),
        (POINT_NEUTRAL_LOW, "decrease"),
        ("special", "increase"),
        (POINT_COMMON_CAUSE, "up"),
    ],
)
def test_variation_icon_key_refuses_impossible_combinations(variation, improvement):
    with pytest.raises(ValueError):
        variation_icon_key(variation=variation, improvement=improvement)


@pytest.mark.parametrize(
    ("assurance", "key"),
    [
        (ASSURANCE_PASS, ICON_ASSURANCE_PASS),
        (ASSURANCE_FAIL, ICON_ASSURANCE_FAIL),
        (ASSURANCE_INCONSISTENT, ICON_ASSURANCE_HIT_OR_MISS),
        (None, None),
    ],
)
def test_assurance_icon_key(assurance, key):
    assert assurance_icon_key(assurance) == key


def test_assurance_icon_key_refuses_unknown_values():
    with pytest.raises(ValueError):
        assurance_icon_key("pass")


@pytest.mark.parametrize(
    ("values", "improvement", "variation", "key"),
    [
        (AROUND_10 + [10], "increase", POINT_COMMON_CAUSE, ICON_COMMON_CAUSE),
        (AROUND_10 + [30], "increase", POINT_IMPROVEMENT, ICON_IMPROVEMENT_HIGH),
        (AROUND_10 + [30], "decrease", POINT_CONCERN, ICON_CONCERN_HIGH),
        (AROUND_10 + [30], "neutral", POINT_NEUTRAL_HIGH, ICON_NEUTRAL_HIGH),
        (AROUND_20 + [0], "increase", POINT_CONCERN, ICON_CONCERN_LOW),
        (AROUND_20 + [0], "decrease", POINT_IMPROVEMENT, ICON_IMPROVEMENT_LOW),
        (AROUND_20 + [0], "neutral", POINT_NEUTRAL_LOW, ICON_NEUTRAL_LOW),
    ],
)
def test_each_variation_draws_its_icon(values, improvement, variation, key):
    stats, chart = draw(values, improvement=improvement)
    assert stats.variation == variation
    assert chart.icons == (key,)
    root = assert_accessible(chart.svg)
    embedded = with_class(root, "mdc-icon")
    assert [item.get("class") for item in embedded] == [f"mdc-icon mdc-icon--{key.replace('_', '-')}"]
    assert f"Variation: {ICONS[key].label}" in [item.text for item in with_class(root, "chart-icon-name")]


ASSURANCE_WORDS = {
    ICON_ASSURANCE_PASS: "expected to consistently pass the target",
    ICON_ASSURANCE_FAIL: "expected to consistently fail the target",
    ICON_ASSURANCE_HIT_OR_MISS: "may pass or fail the target by random variation",
}


@pytest.mark.parametrize(
    ("target", "improvement", "key"),
    [
        (30, "increase", ICON_ASSURANCE_FAIL),
        (30, "decrease", ICON_ASSURANCE_PASS),
        (0, "increase", ICON_ASSURANCE_PASS),
        (0, "decrease", ICON_ASSURANCE_FAIL),
        (10, "increase", ICON_ASSURANCE_HIT_OR_MISS),
    ],
)
def test_each_assurance_draws_its_icon(target, improvement, key):
    _, chart = draw(AROUND_10 + [10], improvement=improvement, target=target)
    assert chart.icons == (ICON_COMMON_CAUSE, key)
    root = parse(chart.svg)
    assert [item.get("class").split("--")[1] for item in with_class(root, "mdc-icon")] == [
        "common-cause",
        key.replace("_", "-"),
    ]
    assert f"Assurance: {ICONS[key].label}" in [item.text for item in with_class(root, "chart-icon-name")]
    assert f"target {target:.1f}: {ASSURANCE_WORDS[key]}" in chart.description


@pytest.mark.parametrize("improvement", ["increase", "neutral"])
def test_no_assurance_icon_without_a_target_or_for_a_neutral_measure(improvement):
    _, chart = draw(AROUND_10 + [10], improvement=improvement, target=None if improvement == "increase" else 10)
    assert chart.icons == (ICON_COMMON_CAUSE,)
    assert len(with_class(parse(chart.svg), "mdc-icon")) == 1


# --- the chart ----------------------------------------------------------------------------------


def test_structure_counts_points_and_lines():
    values = AROUND_10 + AROUND_10 + [10, 11]
    stats, chart = draw(values, rebase_dates=[date(2022, 12, 1)], target=10.5)
    root = assert_accessible(chart.svg)
    assert len(stats.segments) == 2
    assert len(with_class(root, "chart-point")) == len(values)
    assert len(with_class(root, "chart-mean")) == 2
    assert len(with_class(root, "chart-upper-limit")) == 2
    assert len(with_class(root, "chart-lower-limit")) == 2
    assert len(with_class(root, "chart-rebase")) == 1
    assert len(with_class(root, "chart-target")) == 1
    assert {item.get("stroke-dasharray") for item in with_class(root, "chart-upper-limit")} == {"6 4"}
    assert {item.get("stroke-dasharray") for item in with_class(root, "chart-mean")} == {None}
    labels = [item.text for item in with_class(root, "chart-line-label")]
    assert [label.split()[0] for label in labels] == ["Upper", "Mean", "Lower", "Target"]
    assert "Rebased: the mean and limits were recalculated from Dec 2022." in chart.notes


def test_points_are_coloured_and_shaped_by_type():
    values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11, 30, 0]
    stats, chart = draw(values, improvement="decrease")
    root = parse(chart.svg)
    markers = with_class(root, "chart-point")
    [group] = with_class(root, "chart-points")  # sets the common-cause colours once for its points
    for point, mark in zip(stats.points, markers):
        assert (mark.get("fill") or group.get("fill")) == POINT_COLOURS[point.point_type].fill
        assert (mark.get("stroke") or group.get("stroke")) == POINT_COLOURS[point.point_type].ink
        assert f"chart-point--{point.point_type.replace('_', '-')}" in mark.get("class")
        if point.point_type == POINT_COMMON_CAUSE:
            assert mark.tag == SVG + "circle"
        else:
            assert mark.tag == SVG + "path"
            apex_y = float(re.match(r"M[-\d.]+ ([-\d.]+)", mark.get("d")).group(1))
            base_y = float(re.search(r"L[-\d.]+ ([-\d.]+)", mark.get("d")).group(1))
            points_up = apex_y < base_y
            assert points_up is (SPECIAL_CAUSE_DIRECTION[point.special_cause] > 0)
    assert [stats.points[-2].point_type, stats.points[-1].point_type] == [POINT_CONCERN, POINT_IMPROVEMENT]
    legend = [item.text for item in tags(root, "text") if item.text and item.text.startswith("Special cause")]
    assert legend == ["Special cause improvement", "Special cause concern"]


def test_table_says_which_rule_flagged_each_point():
    stats, chart = draw(AROUND_10 + [30])
    assert chart.table.headings == (
        "Date",
        "Value",
        "Mean",
        "Lower process limit",
        "Upper process limit",
        "Variation",
    )
    assert chart.table.rows[0][5] == "Common cause"
    assert chart.table.rows[-1] == (
        "Dec 2022",
        "30.0",
        f"{stats.points[-1].mean:.1f}",
        f"{stats.points[-1].lpl:.1f}",
        f"{stats.points[-1].upl:.1f}",
        f"Special cause improvement: {SPECIAL_CAUSE_WORDS['above_upper_limit']}",
    )


def test_description_summarises_in_plain_words():
    stats, chart = draw(AROUND_10 + [30], title="Measure", subject="R0A", target=40)
    limits = stats.segments[-1].limits
    assert chart.description == (
        f"Measure, R0A, Jan 2022 to Dec 2022; latest 30.0 (Dec 2022); special cause improvement "
        f"(higher values); mean {limits.mean:.1f}, process limits {limits.lpl:.1f} to {limits.upl:.1f}; "
        "target 40.0: expected to consistently fail the target; 1 of 12 points show special cause "
        "variation."
    )


@pytest.mark.parametrize(("count", "trial"), [(2, True), (11, True), (12, False), (13, False)])
def test_trial_limits_note_below_12_points(count, trial):
    values = (AROUND_10 * 2)[:count]
    _, chart = draw(values)
    root = parse(chart.svg)
    has_note = any("Trial limits" in (item.text or "") for item in with_class(root, "chart-note"))
    assert has_note is trial
    assert any("Trial limits" in note for note in chart.notes) is trial
    assert ("trial limits" in chart.description) is trial


def test_trial_limits_note_names_the_short_segment():
    _, chart = draw(AROUND_10 * 2 + [10, 11, 12], rebase_dates=[date(2023, 11, 1)])
    assert chart.notes[0] == (
        "Trial limits: the segment starting Nov 2023 has fewer than 12 points, so the limits may "
        "change as more data arrive."
    )


NEGATIVE_LOWER_LIMIT = [0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2]


def test_negative_lower_limit_is_clipped_at_the_floor():
    stats, chart = draw(NEGATIVE_LOWER_LIMIT)
    assert stats.segments[0].limits.lpl < 0
    root = parse(chart.svg)
    (lower,) = with_class(root, "chart-lower-limit")
    assert float(lower.get("y1")) == BOTTOM
    assert min(y_ticks(root)) == 0
    assert {row[3] for row in chart.table.rows} == {"0.0"}
    assert any("lowest value this measure can take" in note for note in chart.notes)
    assert "process limits 0.0 to" in chart.description


def test_without_a_floor_a_negative_lower_limit_is_shown():
    stats, chart = draw(NEGATIVE_LOWER_LIMIT, floor=None)
    root = parse(chart.svg)
    assert min(y_ticks(root)) < 0
    assert chart.table.rows[0][3] == f"{stats.segments[0].limits.lpl:.1f}"
    assert not any("lowest value" in note for note in chart.notes)


def test_upper_limit_above_the_ceiling_is_clipped():
    _, chart = draw([98, 99.5, 100, 97, 99, 100, 98.5, 99, 100, 97.5, 99, 100], ceiling=100)
    assert {row[4] for row in chart.table.rows} == {"100.0"}
    assert max(y_ticks(parse(chart.svg))) == 100
    assert any("highest value this measure can take" in note for note in chart.notes)


def test_all_zero_series():
    stats, chart = draw([0] * 12)
    root = assert_accessible(chart.svg)
    assert {float(item.get("cy")) for item in with_class(root, "chart-point")} == {BOTTOM}
    assert y_ticks(root) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert chart.icons == (ICON_COMMON_CAUSE,)
    assert "common cause variation" in chart.description


def test_two_points_the_smallest_chart():
    _, chart = draw([3, 4])
    root = assert_accessible(chart.svg)
    assert len(with_class(root, "chart-point")) == 2
    assert len(with_class(root, "chart-series")) == 1


def test_dates_that_are_not_month_starts_are_labelled_by_day():
    points = [SpcPoint(date(2025, 12, 3) + timedelta(days=14 * index), value) for index, value in enumerate([5, 6, 7])]
    chart = spc_chart(chart=xmr_chart(points=points), title="Fortnightly")
    assert [row[0] for row in chart.table.rows] == ["3 Dec 2025", "17 Dec 2025", "31 Dec 2025"]
    assert chart.description.startswith("Fortnightly, 3 Dec 2025 to 31 Dec 2025;")


# --- icons --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(ICONS))
def test_icon_svg_is_accessible_and_says_what_it_means(key):
    spec = ICONS[key]
    svg = icon_svg(key=key)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == f"{spec.label}. {spec.meaning}"
    assert root.get("viewBox") == "0 0 100 100" and root.get("width") == "40"
    assert list(root)[0].tag == SVG + "title" and list(root)[0].text == spec.label
    letters = [item.text for item in tags(root, "text")]
    assert letters == ([spec.letter] if spec.letter else [])
    rings = [item for item in tags(root, "circle") if item.get("r") == "44"]
    assert [ring.get("stroke") for ring in rings] == [spec.colours.fill]
    for item in tags(root, "text"):
        assert contrast_ratio(item.get("fill"), BACKGROUND) >= MINIMUM_TEXT_CONTRAST


@pytest.mark.parametrize("key", VARIATION_ICON_KEYS)
def test_variation_icons_colour_the_latest_two_points(key):
    spec = ICONS[key]
    root = parse(icon_svg(key=key))
    dots = [item for item in tags(root, "circle") if item.get("r") == "5"]
    coloured = [dot for dot in dots if dot.get("fill") == spec.colours.fill]
    assert len(dots) == 5
    if key == ICON_COMMON_CAUSE:
        assert len(coloured) == 5  # all grey
    else:
        assert coloured == dots[-2:]
        ys = [float(dot.get("cy")) for dot in dots]
        assert (ys[-1] < ys[0]) is (spec.letter == "H")


@pytest.mark.parametrize("key", ASSURANCE_ICON_KEYS)
def test_assurance_icons_show_a_dashed_target(key):
    root = parse(icon_svg(key=key))
    (target,) = [item for item in tags(root, "line") if item.get("stroke-dasharray")]
    assert target.get("stroke") == ICONS[key].colours.ink


def test_every_icon_looks_different():
    drawings = {icon_svg(key=key, size=None).split("<title>")[1].split(">", 1)[1] for key in ICONS}
    assert len(drawings) == len(ICONS) == 10


def test_icon_svg_without_a_size_scales_to_its_container():
    root = parse(icon_svg(key=ICON_COMMON_CAUSE, size=None))
    assert root.get("width") is None and root.get("height") is None


def test_icon_symbols_and_use():
    sprite = parse(icon_symbols())
    symbols = tags(sprite, "symbol")
    assert [item.get("id") for item in symbols] == [icon_symbol_id(key=key) for key in ICONS]
    assert len({item.get("id") for item in symbols}) == 10
    assert sprite.get("aria-hidden") == "true"
    used = parse(icon_use(key=ICON_IMPROVEMENT_HIGH))
    assert used.get("role") == "img"
    (use,) = tags(used, "use")
    assert use.get("href") == "#mdc-icon-improvement-high"
    assert icon_symbol_id(key=ICON_CONCERN_LOW, id_prefix="board") == "board-concern-low"


@pytest.mark.parametrize(
    "call",
    [
        lambda: icon_svg(key="smiley"),
        lambda: icon_use(key="smiley"),
        lambda: icon_symbols(id_prefix="1bad"),
        lambda: icon_symbol_id(key=ICON_COMMON_CAUSE, id_prefix='x"y'),
    ],
)
def test_unknown_icons_and_bad_prefixes_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_a_value_below_the_floor_is_refused():
    with pytest.raises(ValueError, match="the value for Feb 2022 \\(-1\\) is below the floor 0.0"):
        draw([1, -1, 2])
    _, chart = draw([1, -1, 2], floor=None)
    assert min(y_ticks(parse(chart.svg))) <= -1
