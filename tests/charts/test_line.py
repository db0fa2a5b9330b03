"""Line chart of a metric over time (docs/rules/dashboard.md §4 rows in, SVG and table out)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from perinatal.charts import LinePoint, line_chart
from perinatal.charts.frame import PLOT_HEIGHT, PLOT_TOP
from perinatal.charts.line import BREAK_NOTE, PROVISIONAL_NOTE
from perinatal.charts.table import NO_DATA
from perinatal.dashboard.metrics.definitions import STILLBIRTH_RATE
from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.metrics.rows import build_row
from tests.charts.test_common import assert_accessible, monthly_points, parse, tags, with_class, y_ticks

BOTTOM = PLOT_TOP + PLOT_HEIGHT


def chart_of(values, **kwargs):
    kwargs.setdefault("title", "Stillbirth rate per 1,000 births")
    return line_chart(points=monthly_points(values), **kwargs)


def runs(root) -> int:
    series = with_class(root, "chart-series")
    return 0 if not series else series[0].get("d").count("M")


@pytest.mark.parametrize(
    ("values", "markers", "line_runs"),
    [
        ([3.1], 1, 0),
        ([3.1, 2.9], 2, 1),
        ([3.1, 2.9, 3.0, 3.2], 4, 1),
        ([3.1, None, 3.0, 3.2], 3, 1),  # the lone first point has no line
        ([3.1, 2.9, None, 3.0, 3.2], 4, 2),
        ([None, 2.9, 3.0, None], 2, 1),
        ([3.1, None, 3.0, None, 3.2], 3, 0),
        ([None, None], 0, 0),
    ],
)
def test_points_and_gaps(values, markers, line_runs):
    root = assert_accessible(chart_of(values).svg)
    assert len(with_class(root, "chart-point")) == markers
    assert runs(root) == line_runs


def test_description_summarises_in_plain_words():
    chart = line_chart(
        points=monthly_points([2.5, 3.4, 3.1], start=(2026, 8)),
        title="Stillbirth rate per 1,000 births",
        subject="R0A",
    )
    assert chart.description == (
        "Stillbirth rate per 1,000 births, R0A, Aug 2026 to Oct 2026; latest 3.1 (Oct 2026); lowest 2.5, highest 3.4."
    )
    assert chart.title == "Stillbirth rate per 1,000 births, R0A"


def test_description_names_gaps_target_and_a_provisional_latest_value():
    points = monthly_points([2.5, None, 3.1])
    points[-1] = LinePoint(points[-1].period_start, points[-1].period_end, 3.1, provisional=True)
    chart = line_chart(points=points, title="T", target=3.0)
    assert chart.description == (
        "T, Jan 2022 to Mar 2022; latest 3.1 (Mar 2022, provisional); lowest 2.5, highest 3.1; "
        "target 3.0; no data for 1 of 3 periods."
    )


@pytest.mark.parametrize(
    ("values", "description"),
    [([], "T: no data."), ([None, None], "T, Jan 2022 to Feb 2022: no data.")],
)
def test_no_data(values, description):
    chart = chart_of(values, title="T")
    root = assert_accessible(chart.svg)
    assert chart.description == description
    assert any(item.text == "No data for this period" for item in tags(root, "text"))
    assert all(row[1] == NO_DATA for row in chart.table.rows)
    assert len(chart.table.rows) == len(values)


def test_all_zero_series_sits_on_the_floor():
    chart = chart_of([0, 0, 0, 0])
    root = assert_accessible(chart.svg)
    ys = {float(item.get("cy")) for item in with_class(root, "chart-point")}
    assert ys == {BOTTOM}
    assert y_ticks(root) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_single_point_is_centred():
    root = assert_accessible(chart_of([3.0]).svg)
    (point,) = with_class(root, "chart-point")
    assert float(point.get("cx")) == pytest.approx((64 + 552) / 2)


def test_interval_band_and_clipping_at_the_floor():
    points = [
        LinePoint(point.period_start, point.period_end, point.value, lower, upper)
        for point, lower, upper in zip(monthly_points([0.5, 1.0, 2.0]), [-0.4, 0.2, 1.0], [1.5, 2.1, 3.2])
    ]
    chart = line_chart(points=points, title="T")
    root = assert_accessible(chart.svg)
    (band,) = with_class(root, "chart-interval")
    ys = [float(value) for value in re.findall(r"[ML]([-\d.]+) ([-\d.]+)", band.get("d")) for value in value[1:]]
    assert max(ys) == pytest.approx(BOTTOM)  # the negative lower bound is drawn at 0
    assert chart.table.headings == ("Period", "Value", "Lower 95% limit", "Upper 95% limit")
    assert chart.table.rows[0] == ("Jan 2022", "0.5", "0.0", "1.5")


def test_percentages_are_clipped_at_the_ceiling():
    points = [
        LinePoint(point.period_start, point.period_end, point.value, 90, 104) for point in monthly_points([97.0, 99.0])
    ]
    chart = line_chart(points=points, title="T", ceiling=100)
    assert chart.table.rows[1][3] == "100.0"
    root = parse(chart.svg)
    assert max(y_ticks(root)) == 100


def test_a_lone_interval_is_a_bar_and_gaps_split_the_band():
    values = [1.0, None, 2.0, 2.5]
    points = [
        LinePoint(
            point.period_start,
            point.period_end,
            point.value,
            None if point.value is None else point.value - 0.5,
            None if point.value is None else point.value + 0.5,
        )
        for point in monthly_points(values)
    ]
    root = parse(line_chart(points=points, title="T").svg)
    band = with_class(root, "chart-interval")
    assert [item.tag.split("}")[1] for item in band] == ["line", "path"]


def test_no_interval_columns_or_band_without_intervals():
    chart = chart_of([1.0, 2.0])
    assert chart.table.headings == ("Period", "Value")
    assert not with_class(parse(chart.svg), "chart-interval")


def test_counts_are_in_the_table_as_given():
    points = [
        LinePoint(date(2025, 1, 1), date(2025, 1, 31), 2.5, numerator=10, denominator=4000),
        LinePoint(date(2025, 2, 1), date(2025, 2, 28), None, numerator="*", denominator="*"),
        LinePoint(date(2025, 3, 1), date(2025, 3, 31), 12.5, numerator=Decimal("12.50"), denominator=1),
    ]
    chart = line_chart(points=points, title="T", numerator_label="Stillbirths", denominator_label="Births")
    assert chart.table.headings == ("Period", "Value", "Stillbirths", "Births")
    assert chart.table.rows == (
        ("Jan 2025", "2.5", "10", "4,000"),
        ("Feb 2025", NO_DATA, "*", "*"),
        ("Mar 2025", "12.5", "12.50", "1"),
    )


def test_provisional_points_are_hollow_and_named():
    points = monthly_points([1.0, 2.0])
    points[1] = LinePoint(points[1].period_start, points[1].period_end, 2.0, provisional=True)
    chart = line_chart(points=points, title="T")
    root = parse(chart.svg)
    [group] = with_class(root, "chart-points")
    assert group.get("fill") == "#005EB8"  # the series' colour, set once on the group
    fills = [item.get("fill") or group.get("fill") for item in with_class(root, "chart-point")]
    assert fills == ["#005EB8", "#FFFFFF"]
    assert chart.table.rows[1][0] == "Feb 2022 (provisional)"
    assert PROVISIONAL_NOTE in chart.notes
    assert "Provisional" in [item.text for item in tags(root, "text")]


def test_series_break_interrupts_the_line_and_is_marked():
    points = monthly_points([1.0, 2.0, 3.0, 4.0])
    points[2] = LinePoint(points[2].period_start, points[2].period_end, 3.0, series_break=True)
    chart = line_chart(points=points, title="T")
    root = parse(chart.svg)
    assert len(with_class(root, "chart-break")) == 1
    assert runs(root) == 2
    assert BREAK_NOTE in chart.notes


def test_a_break_on_the_first_point_is_ignored():
    points = monthly_points([1.0, 2.0])
    points[0] = LinePoint(points[0].period_start, points[0].period_end, 1.0, series_break=True)
    chart = line_chart(points=points, title="T")
    assert not with_class(parse(chart.svg), "chart-break") and BREAK_NOTE not in chart.notes


def test_target_line_is_drawn_and_labelled():
    chart = chart_of([1.0, 2.0], target=1.5)
    root = parse(chart.svg)
    assert len(with_class(root, "chart-target")) == 1
    assert "Target 1.5" in [item.text for item in with_class(root, "chart-line-label")]


def test_points_are_sorted_and_duplicates_refused():
    points = monthly_points([1.0, 2.0, 3.0])
    chart = line_chart(points=list(reversed(points)), title="T")
    assert [row[0] for row in chart.table.rows] == ["Jan 2022", "Feb 2022", "Mar 2022"]
    with pytest.raises(ValueError, match="2022-02-01"):
        line_chart(points=points + [points[1]], title="T")


def test_fortnights_are_labelled_by_their_dates():
    points = [
        LinePoint(date(2025, 12, 4), date(2025, 12, 17), 10.0),
        LinePoint(date(2025, 12, 18), date(2025, 12, 31), 20.0),
    ]
    chart = line_chart(points=points, title="Obstetric unit suspensions", ceiling=100)
    assert [row[0] for row in chart.table.rows] == ["4 Dec 2025 to 17 Dec 2025", "18 Dec 2025 to 31 Dec 2025"]
    assert chart.description.startswith("Obstetric unit suspensions, 4 Dec 2025 to 31 Dec 2025;")


def test_dashboard_metric_rows_chart_directly():
    rows = [
        build_row(
            definition=STILLBIRTH_RATE,
            org_level="trust",
            org_code="R0A",
            org_name="Trust",
            period=Period(date(2025, month, 1), date(2025, month, 28)),
            numerator=numerator,
            denominator=denominator,
            provisional=month == 3,
        )
        for month, numerator, denominator in ((1, 12, 4000), (2, 0, 0), (3, 9, 3500))
    ]
    chart = line_chart(
        points=rows,
        title="Stillbirth rate per 1,000 births",
        subject="R0A",
        numerator_label="Stillbirths",
        denominator_label="Births",
    )
    assert chart.table.headings == (
        "Period",
        "Value",
        "Lower 95% limit",
        "Upper 95% limit",
        "Stillbirths",
        "Births",
    )
    assert chart.table.rows[0][:2] == ("1 Jan 2025 to 28 Jan 2025", "3.0")
    assert chart.table.rows[1][1] == NO_DATA  # a zero denominator is a gap, never 0
    assert chart.table.rows[2][0].endswith("(provisional)")
    assert len(with_class(parse(chart.svg), "chart-point")) == 2


@pytest.mark.parametrize(
    ("values", "floor", "ceiling", "message"),
    [
        ([1.0, -0.5], 0.0, None, "the value for Feb 2022 \\(-0.5\\) is below the floor 0.0"),
        ([99.0, 100.5], 0.0, 100, "the value for Feb 2022 \\(100.5\\) is above the ceiling 100"),
    ],
)
def test_a_value_beyond_the_stated_bounds_is_refused(values, floor, ceiling, message):
    with pytest.raises(ValueError, match=message):
        chart_of(values, floor=floor, ceiling=ceiling)


@pytest.mark.parametrize(("values", "floor", "ceiling"), [([0.0, -0.5], None, None), ([0.0, 100.0], 0.0, 100)])
def test_values_on_or_inside_the_bounds_are_drawn(values, floor, ceiling):
    root = assert_accessible(chart_of(values, floor=floor, ceiling=ceiling).svg)
    assert len(with_class(root, "chart-point")) == 2
    assert min(y_ticks(root)) <= min(values) and max(y_ticks(root)) >= max(values)
