"""Rates by group with 95% intervals (docs/rules/equity.md §1): one row per group, the
reference group marked and its rate drawn across, the total last, missing values said in
words, wide intervals cut off with an arrow, and a table with the same figures."""

from __future__ import annotations

import pytest

from perinatal.charts import GroupInterval, interval_chart
from perinatal.charts.frame import PLOT_TOP
from perinatal.charts.intervals import CLIPPED_NOTE, LABEL_MARGIN_MAX, ROW_HEIGHT, TOTAL_GAP
from perinatal.charts.table import NO_DATA
from tests.charts.test_common import SVG, assert_accessible, parse, tags, with_class

# docs/rules/equity.md §1's worked example: 12 of 2,000 against 30 of 10,000.
WHITE = GroupInterval("White", 3.0, 2.02, 4.28, 30, 10_000, role="reference")
BLACK = GroupInterval("Black", 6.0, 3.1, 10.48, 12, 2_000)
MIXED = GroupInterval("Mixed", None, numerator=0, denominator=0, missing="No births")
TOTAL = GroupInterval("All groups", 3.28, 2.37, 4.42, 42, 12_000, role="total")


def chart(groups, **kwargs):
    return interval_chart(groups=groups, title="Stillbirth rate by ethnic group", **kwargs)


def x_ticks(root) -> list[float]:
    return [float(item.text.replace(",", "")) for item in with_class(root, "chart-x-tick")]


def test_one_row_per_group_with_its_value_written_beside_it():
    result = chart([WHITE, BLACK, MIXED, TOTAL], subject="Trust A, 2025")
    root = assert_accessible(result.svg)
    assert result.title == "Stillbirth rate by ethnic group, Trust A, 2025"
    labels = [item.text for item in with_class(root, "chart-group-label")]
    assert labels == ["White", "Black", "Mixed", "All groups"]
    values = [item.text for item in with_class(root, "chart-value-label")]
    assert values == ["3.00 (2.02 to 4.28)", "6.00 (3.10 to 10.48)", "3.28 (2.37 to 4.42)"]
    assert [item.text for item in with_class(root, "chart-missing")] == ["No births"]
    assert len(with_class(root, "chart-point")) == 3
    assert len(with_class(root, "chart-interval")) == 3


def test_the_reference_is_a_square_with_its_rate_drawn_across_and_the_total_comes_last():
    root = parse(chart([TOTAL, BLACK, WHITE]).svg)  # the total first: it is still drawn last
    labels = [item.text for item in with_class(root, "chart-group-label")]
    assert labels == ["Black", "White", "All groups"]
    [square] = with_class(root, "chart-point--reference")
    assert square.tag == SVG + "rect"
    assert all(item.tag == SVG + "circle" for item in with_class(root, "chart-point--group"))
    [line] = with_class(root, "chart-reference-line")
    centre = float(square.get("x")) + float(square.get("width")) / 2
    assert float(line.get("x1")) == pytest.approx(centre, abs=0.01)
    [rule] = with_class(root, "chart-total-rule")
    [total] = with_class(root, "chart-point--total")
    assert float(rule.get("y1")) < float(total.get("cy"))
    assert float(total.get("cy")) == PLOT_TOP + 2 * ROW_HEIGHT + TOTAL_GAP + ROW_HEIGHT / 2
    legend = " ".join(item.text for item in with_class(root, "chart-legend-item") for item in item.iter(SVG + "text"))
    assert "Reference group (White)" in legend and "All groups" in legend and "95% interval" in legend


def test_points_sit_at_their_values_on_an_axis_from_zero():
    root = parse(chart([WHITE, BLACK]).svg)
    ticks = x_ticks(root)
    assert ticks[0] == 0 and ticks[-1] >= 10.48
    tick_labels = with_class(root, "chart-x-tick")
    first, last = float(tick_labels[0].get("x")), float(tick_labels[-1].get("x"))

    def position(value):
        return first + (value - ticks[0]) / (ticks[-1] - ticks[0]) * (last - first)

    white, black = with_class(root, "chart-point")
    assert float(white.get("x")) + float(white.get("width")) / 2 == pytest.approx(position(3.0), abs=0.02)
    assert float(black.get("cx")) == pytest.approx(position(6.0), abs=0.02)


def test_an_interval_far_beyond_the_rates_is_cut_off_with_an_arrow_and_a_note():
    small = GroupInterval("Other", 5.0, 0.13, 95.0, 1, 200)
    result = chart([WHITE, small])
    root = parse(result.svg)
    assert max(x_ticks(root)) <= 3 * 5.0 + 5  # the axis stops near three times the highest rate
    [clipped] = with_class(root, "chart-interval--clipped")
    assert clipped.get("d").count("M") == 3  # the line, the lower cap, the arrow head
    assert CLIPPED_NOTE in result.notes
    assert "5.00 (0.13 to 95.00)" in [item.text for item in with_class(root, "chart-value-label")]
    assert ("Other", "1", "200", "5.00", "0.13 to 95.00") in result.table.rows


def test_no_note_when_every_interval_fits():
    result = chart([WHITE, BLACK])
    assert result.notes == ()
    assert not with_class(parse(result.svg), "chart-interval--clipped")


def test_the_table_holds_every_group_with_the_same_figures():
    labels = {"group_label": "Ethnic group", "numerator_label": "Stillbirths", "denominator_label": "Births"}
    result = chart([WHITE, BLACK, MIXED, TOTAL], **labels)
    table = result.table
    assert table.headings == ("Ethnic group", "Stillbirths", "Births", "Rate per 1,000", "95% interval")
    assert table.rows == (
        ("White (reference)", "30", "10,000", "3.00", "2.02 to 4.28"),
        ("Black", "12", "2,000", "6.00", "3.10 to 10.48"),
        ("Mixed", "0", "0", "No births", ""),
        ("All groups", "42", "12,000", "3.28", "2.37 to 4.42"),
    )
    assert table.caption == result.title


def test_the_description_names_the_highest_lowest_and_reference():
    result = chart([WHITE, BLACK, MIXED, TOTAL])
    assert result.description == (
        "Stillbirth rate by ethnic group: 3 groups, each with its 95% interval; highest Black 6.00; "
        "lowest White 3.00; reference group White 3.00; All groups 3.28; 1 group has no value."
    )


def test_a_suppressed_count_is_shown_as_given():
    hidden = GroupInterval("Mixed", None, numerator="*", denominator=140, missing="Hidden: fewer than 8")
    result = chart([WHITE, hidden])
    assert ("Mixed", "*", "140", "Hidden: fewer than 8", "") in result.table.rows
    assert [item.text for item in with_class(parse(result.svg), "chart-missing")] == ["Hidden: fewer than 8"]


def test_a_missing_value_without_words_says_no_data():
    result = chart([GroupInterval("Asian", None)])
    assert [item.text for item in with_class(parse(result.svg), "chart-missing")] == [NO_DATA]


def test_long_names_are_shortened_in_the_chart_but_whole_in_the_table():
    long_name = "A group whose name is far too long to fit in the margin beside the chart at all, really"
    result = chart([GroupInterval(long_name, 2.0, 1.0, 3.0)])
    root = parse(result.svg)
    [label] = with_class(root, "chart-group-label")
    assert label.text.endswith("…") and len(label.text) < len(long_name)
    assert result.table.rows[0][0] == long_name
    [point] = with_class(root, "chart-point")
    assert long_name in point.find(SVG + "title").text
    plot_left = min(float(item.get("x1")) for item in tags(root, "line") if item.get("stroke") == "#4C6272")
    assert plot_left <= LABEL_MARGIN_MAX


def test_no_groups_says_so():
    root = assert_accessible(chart([]).svg)
    assert any(item.text == "No data for this period" for item in tags(root, "text"))


def test_a_negative_rate_is_refused_and_two_references_too():
    with pytest.raises(ValueError, match="below the floor"):
        chart([GroupInterval("White", -1.0)])
    with pytest.raises(ValueError, match="at most one"):
        chart([WHITE, GroupInterval("Black", 6.0, role="reference")])
    with pytest.raises(ValueError, match="role must be one of"):
        GroupInterval("Black", 6.0, role="comparison")


def test_a_lower_limit_below_zero_is_drawn_at_zero():
    # A rate difference is never drawn here, but a caller's rounding can give -0.01.
    root = parse(chart([GroupInterval("White", 0.5, -0.01, 2.0)]).svg)
    [interval] = with_class(root, "chart-interval")
    first_x = float(interval.get("d").split()[0][1:])
    [zero] = [item for item in with_class(root, "chart-x-tick") if float(item.text) == 0]
    assert first_x == pytest.approx(float(zero.get("x")), abs=0.01)
