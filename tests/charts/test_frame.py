"""The parts every chart shares: markers, paths, label spreading, legend, notes, ids."""

from __future__ import annotations

import re

import pytest

from perinatal.charts import palette
from perinatal.charts.frame import (
    LEGEND_ROW_HEIGHT,
    LINE_HEIGHT,
    MARKER_SHAPES,
    SHAPE_CIRCLE,
    SHAPE_SQUARE,
    SHAPE_TRIANGLE_DOWN,
    SHAPE_TRIANGLE_UP,
    LegendItem,
    LineLabel,
    chart_identifier,
    check_bounds,
    clip,
    legend,
    line_labels,
    line_swatch,
    marker,
    notes_block,
    path_data,
    plot_area,
    spread_positions,
)
from perinatal.charts.svg import render


@pytest.mark.parametrize(
    ("runs", "d"),
    [
        ([], ""),
        ([[(1, 2)]], "M1 2"),
        ([[(1, 2), (3.333, 4)]], "M1 2 L3.33 4"),
        ([[(1, 2), (3, 4)], [(5, 6), (7, 8)]], "M1 2 L3 4 M5 6 L7 8"),
    ],
)
def test_path_data(runs, d):
    assert path_data(runs) == d


@pytest.mark.parametrize(
    ("shape", "tag"),
    [
        (SHAPE_CIRCLE, "circle"),
        (SHAPE_SQUARE, "rect"),
        (SHAPE_TRIANGLE_UP, "path"),
        (SHAPE_TRIANGLE_DOWN, "path"),
    ],
)
def test_marker_shapes_carry_fill_ink_and_tooltip(shape, tag):
    node = marker(shape=shape, x=50, y=50, colours=palette.CONCERN, tooltip="Mar 2025: 3.1", class_="p")
    assert node.tag == tag
    attributes = dict(node.attributes)
    assert attributes["fill"] == palette.CONCERN.fill and attributes["stroke"] == palette.CONCERN.ink
    assert attributes["class"] == "p"
    assert node.children[0].tag == "title" and node.children[0].children == ("Mar 2025: 3.1",)


@pytest.mark.parametrize(("shape", "apex_above"), [(SHAPE_TRIANGLE_UP, True), (SHAPE_TRIANGLE_DOWN, False)])
def test_triangles_point_the_right_way(shape, apex_above):
    d = dict(marker(shape=shape, x=50, y=50, colours=palette.NEUTRAL).attributes)["d"]
    ys = [float(y) for y in re.findall(r"[ML][-\d.]+ ([-\d.]+)", d)]
    assert (ys[0] < ys[1]) is apex_above and ys[1] == ys[2]


def test_every_shape_is_distinct():
    drawn = {render(marker(shape=shape, x=0, y=0, colours=palette.NEUTRAL)) for shape in MARKER_SHAPES}
    assert len(drawn) == len(MARKER_SHAPES)


def test_unknown_marker_shape_is_refused():
    with pytest.raises(ValueError, match="star"):
        marker(shape="star", x=0, y=0, colours=palette.NEUTRAL)


@pytest.mark.parametrize(
    ("positions", "spread"),
    [
        ([], []),
        ([50], [50]),
        ([50, 100], [50, 100]),
        ([50, 55], [50, 64]),
        ([55, 50], [64, 50]),  # order kept
        ([50, 50, 50], [50, 64, 78]),
        ([195, 198], [186, 200]),  # pushed back up from the bottom
        ([-20], [0]),  # clamped into range
        ([0, 0, 0, 200, 200], [0, 14, 28, 186, 200]),
    ],
)
def test_spread_positions(positions, spread):
    assert spread_positions(positions, gap=14, low=0, high=200) == spread


def test_line_labels_sit_right_of_the_plot_in_their_line_colour():
    area = plot_area()
    parts = line_labels(
        [LineLabel(100, "Mean 3.1", palette.LIMIT), LineLabel(101, "Target 3.0", palette.TARGET)], area=area
    )
    attributes = [dict(part.attributes) for part in parts]
    assert [float(item["x"]) for item in attributes] == [area.right + 8] * 2
    assert float(attributes[1]["y"]) - float(attributes[0]["y"]) >= 14
    assert [item["fill"] for item in attributes] == [palette.LIMIT, palette.TARGET]


def test_legend_wraps_onto_rows():
    item = LegendItem("A fairly long legend label", line_swatch(colour=palette.LIMIT))
    assert legend([], top=0) == ([], 0.0)
    _, one = legend([item] * 2, top=0)
    parts, three = legend([item] * 8, top=0)
    assert one == LEGEND_ROW_HEIGHT
    assert three == 3 * LEGEND_ROW_HEIGHT
    assert len(parts) == 8


def test_notes_wrap_to_the_chart_width():
    parts, height = notes_block(["word " * 60, "Short note."], top=0)
    texts = [part.children[0] for part in parts]
    assert len(texts) == 4 and texts[-1] == "Short note."
    assert height == 4 * LINE_HEIGHT + 6
    assert notes_block([], top=0) == ([], 0)


def test_chart_identifier():
    assert chart_identifier("my-chart_1") == "my-chart_1"
    derived = chart_identifier(None, "line", "title", ("row",))
    assert re.fullmatch(r"chart-[0-9a-f]{12}", derived)
    assert derived == chart_identifier(None, "line", "title", ("row",))
    assert derived != chart_identifier(None, "line", "title", ("other",))


@pytest.mark.parametrize(
    ("value", "floor", "ceiling", "clipped"),
    [
        (None, 0, 100, None),
        (-1, 0, None, 0),
        (-1, None, None, -1),
        (0, 0, None, 0),
        (101, 0, 100, 100),
        (100, 0, 100, 100),
        (50, 0, 100, 50),
    ],
)
def test_clip(value, floor, ceiling, clipped):
    assert clip(value, floor=floor, ceiling=ceiling) == clipped


def test_check_bounds():
    check_bounds([("a", 0.0), ("b", None), ("c", 100.0)], floor=0.0, ceiling=100.0)
    check_bounds([("a", -5.0)], floor=None, ceiling=None)
    with pytest.raises(ValueError, match="the value for b \\(-0.1\\) is below the floor 0"):
        check_bounds([("a", 1.0), ("b", -0.1)], floor=0, ceiling=None)
    with pytest.raises(ValueError, match="above the ceiling 100"):
        check_bounds([("a", 100.1)], floor=0, ceiling=100)
