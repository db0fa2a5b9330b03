"""MOSS CUSUM and excess-events charts (docs/rules/surveillance.md §1.3, §1.4)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from perinatal.charts import excess_events_chart, moss_cusum_chart
from perinatal.charts.cusum import (
    EXCESS_NOTE,
    NOT_EVALUATED_NOTE,
    SIGNAL_NOTE,
    THRESHOLD_NOTE,
    step_path,
)
from perinatal.charts.palette import LEVEL_1, LEVEL_2
from perinatal.stats import MonthRate, ReferenceRates, YearMonth, excess_events, run_moss
from tests.charts.test_common import (
    SVG,
    assert_accessible,
    parse,
    sample_excess_days,
    tags,
    with_class,
    worked_example_rows,
    x_tick_lines,
)
from tests.surveillance.vectors import load_vectors

EXAMPLE = load_vectors("moss")["worked_example"]


def two_year_rows():
    """Site S1 over 2025–2026 with a non-evaluated month and a threshold change."""
    counts = {YearMonth(2025, month): count for month, count in {1: 2, 2: 1, 3: 1, 4: 3, 5: 3, 6: 0, 8: 1}.items()}
    counts.update({YearMonth(2026, month): count for month, count in {1: 1, 2: 0}.items()})
    events = {("S1", month): count for month, count in counts.items()}
    events[("S2", YearMonth(2025, 6))] = 1
    events[("S2", YearMonth(2026, 2))] = 1
    run = run_moss(
        events=events,
        denominators={("S1", 2025): 2500 / 12, ("S1", 2026): 3500 / 12, ("S2", 2025): 200, ("S2", 2026): 200},
        reference_rates=ReferenceRates(national={2025: 0.002, 2026: 0.002}),
    )
    return [row for row in run.rows if row.site_code == "S1"]


# --- the CUSUM ----------------------------------------------------------------------------------


def test_worked_example_table_matches_the_spec():
    chart = moss_cusum_chart(rows=worked_example_rows(), subject="S1")
    assert chart.table.headings == (
        "Month",
        "Events",
        "Expected events",
        "CUSUM",
        "Level 1 threshold",
        "Level 2 threshold",
        "Signal",
        "Restarted",
    )
    assert [row[1] for row in chart.table.rows] == [str(count) for count in EXAMPLE["counts"]]
    assert [float(row[3]) for row in chart.table.rows] == EXAMPLE["cusum"]
    assert [row[6] for row in chart.table.rows] == [
        {0: "None", 1: "Level 1", 2: "Level 2"}[level] for level in EXAMPLE["level"]
    ]
    assert [row[7] for row in chart.table.rows] == ["Yes" if reset else "No" for reset in EXAMPLE["reset"]]
    assert {row[2] for row in chart.table.rows} == {"0.42"}
    assert {row[4:6] for row in chart.table.rows} == {("1.60", "3.40")}


def test_worked_example_chart_marks_signals_and_restarts():
    chart = moss_cusum_chart(rows=worked_example_rows(), subject="S1")
    root = assert_accessible(chart.svg)
    markers = with_class(root, "chart-point")
    assert len(markers) == 6
    assert [mark.get("class").split("--")[1] for mark in markers] == [f"level-{level}" for level in EXAMPLE["level"]]
    shapes = {mark.get("class").split("--")[1]: mark.tag.removeprefix(SVG) for mark in markers}
    assert shapes == {"level-0": "circle", "level-1": "path", "level-2": "rect"}
    assert {mark.get("fill") for mark in markers if mark.get("class").endswith("level-1")} == {LEVEL_1.fill}
    assert {mark.get("fill") for mark in markers if mark.get("class").endswith("level-2")} == {LEVEL_2.fill}
    numbers = [
        item.text for item in tags(root, "text") if item.text in ("1", "2") and item.get("font-weight") == "bold"
    ]
    assert numbers == ["1", "1", "2", "1"]
    assert len(with_class(root, "chart-reset")) == sum(EXAMPLE["reset"])
    assert len(with_class(root, "chart-threshold")) == 2
    assert chart.description == (
        "MOSS CUSUM: term stillbirths and neonatal deaths, S1, Jan 2025 to Jun 2025; latest CUSUM 1.80 "
        "(Jun 2025), no signal; level 1 signals in 3 months, level 2 in 1 month; 1 restart; "
        "thresholds for 2025: level 1 1.60, level 2 3.40."
    )
    assert chart.notes == (SIGNAL_NOTE, THRESHOLD_NOTE)


def test_thresholds_step_when_the_year_changes_and_gaps_are_noted():
    rows = two_year_rows()
    assert rows[0].h2 != rows[-1].h2
    chart = moss_cusum_chart(rows=rows)
    root = parse(chart.svg)
    (level_2,) = with_class(root, "chart-threshold--level-2")
    xs = [float(x) for x in re.findall(r"[ML]([-\d.]+) [-\d.]+", level_2.get("d"))]
    assert len(xs) == 4 and xs[1] == xs[2]  # one vertical step …
    tick_x = {item.text: float(item.get("x")) for item in with_class(root, "chart-x-tick")}
    november, january = tick_x["Nov"], tick_x["2026"]
    # … in mid-December, not half-way between the evaluated months (Aug 2025, Jan 2026)
    assert (january - xs[1]) == pytest.approx((january - november) / 4, rel=0.05)
    assert NOT_EVALUATED_NOTE in chart.notes
    assert [label for label in x_tick_lines(root) if label.isdigit()] == ["2025", "2026"]
    labels = [item.text for item in with_class(root, "chart-line-label")]
    assert labels == [f"Level 2 threshold {rows[-1].h2:.2f}", f"Level 1 threshold {rows[-1].h1:.2f}"]


def test_rows_are_sorted_and_duplicates_refused():
    rows = worked_example_rows()
    chart = moss_cusum_chart(rows=list(reversed(rows)))
    assert chart.table.rows[0][0] == "Jan 2025"
    with pytest.raises(ValueError, match="2025-02"):
        moss_cusum_chart(rows=rows + [rows[1]])


def test_no_rows():
    chart = moss_cusum_chart(rows=[], subject="S9")
    root = assert_accessible(chart.svg)
    assert chart.description.endswith("S9: no months to show.")
    assert chart.table.rows == ()
    assert "No months to show" in [item.text for item in tags(root, "text")]


def test_a_single_month():
    chart = moss_cusum_chart(rows=worked_example_rows()[:1])
    root = assert_accessible(chart.svg)
    assert len(with_class(root, "chart-point")) == 1
    assert not with_class(root, "chart-series")
    assert NOT_EVALUATED_NOTE not in chart.notes


def test_all_zero_months():
    rows = [replace(row, events=0, cusum=0.0, level=0, reset=0) for row in worked_example_rows()]
    chart = moss_cusum_chart(rows=rows)
    root = assert_accessible(chart.svg)
    assert {mark.get("class").split("--")[1] for mark in with_class(root, "chart-point")} == {"level-0"}
    assert "level 1 signals in 0 months, level 2 in 0 months" in chart.description
    assert "restart" not in chart.description


def test_rows_without_expected_leave_the_column_out():
    class Plain:
        def __init__(self, row):
            self.month, self.events, self.cusum, self.level, self.reset, self.h1, self.h2 = (
                row.month,
                row.events,
                row.cusum,
                row.level,
                row.reset,
                row.h1,
                row.h2,
            )

    chart = moss_cusum_chart(rows=[Plain(row) for row in worked_example_rows()])
    assert "Expected events" not in chart.table.headings


@pytest.mark.parametrize(
    ("points", "path"),
    [
        ([], ""),
        ([(0, 5)], "M0 5 L0 5"),
        ([(0, 5), (10, 5)], "M0 5 L10 5"),
        ([(0, 5), (10, 7)], "M0 5 L5 5 L5 7 L10 7"),
        ([(0, 5), (10, 5), (20, 7), (30, 7)], "M0 5 L15 5 L15 7 L30 7"),
    ],
)
def test_step_path(points, path):
    assert step_path(points) == path


def test_step_path_with_boundaries():
    assert step_path([(0, 5), (10, 5), (20, 7)], boundaries=[3, 18]) == "M0 5 L18 5 L18 7 L20 7"
    with pytest.raises(ValueError):
        step_path([(0, 5), (10, 7)], boundaries=[])


# --- excess events ------------------------------------------------------------------------------


def test_excess_events_chart_structure():
    days = sample_excess_days()
    chart = excess_events_chart(days=days, subject="S1")
    root = assert_accessible(chart.svg)
    assert len(with_class(root, "chart-point")) == sum(1 for day in days if day.events)
    (series,) = with_class(root, "chart-series")
    assert series.get("d").count("M") == 2  # Jan–Mar, then May: April was not evaluated
    assert len(with_class(root, "chart-zero")) == 1
    assert chart.notes == (EXCESS_NOTE,)


def test_excess_events_table_is_monthly():
    days = sample_excess_days()
    chart = excess_events_chart(days=days)
    assert chart.table.headings == (
        "Month",
        "Deaths",
        "Expected deaths",
        "Excess in the month",
        "Running excess at month end",
    )
    assert [row[0] for row in chart.table.rows] == ["Jan 2025", "Feb 2025", "Mar 2025", "May 2025"]
    assert [row[1] for row in chart.table.rows] == ["2", "0", "2", "1"]
    assert chart.table.rows[0] == ("Jan 2025", "2", "0.4", "+1.6", "+1.6")
    assert chart.table.rows[1][3:] == ("-0.4", "+1.2")
    assert chart.table.rows[-1][4] == f"+{days[-1].cumulative_excess:.1f}"


def test_excess_events_description():
    chart = excess_events_chart(days=sample_excess_days(), subject="S1")
    assert chart.description == (
        "Excess term stillbirths and neonatal deaths, S1, 1 Jan 2025 to 31 May 2025; 5 deaths against "
        "1.7 expected; running excess on 31 May 2025 +3.3; highest +3.3 on 30 May 2025."
    )


def test_excess_events_below_zero_are_drawn():
    months = [MonthRate(YearMonth(2025, 1), 3000, 0.003)]
    days = excess_events(months=months, daily_events={})
    chart = excess_events_chart(days=days)
    root = assert_accessible(chart.svg)
    assert not with_class(root, "chart-point")
    assert "0 deaths against 9.0 expected" in chart.description
    assert "running excess on 31 Jan 2025 -9.0" in chart.description
    assert float(with_class(root, "chart-y-tick")[0].text) < -8


def test_excess_events_single_day_and_empty():
    day = excess_events(months=[MonthRate(YearMonth(2025, 1), 300, 0.003)], daily_events={date(2025, 1, 1): 1})[0]
    root = assert_accessible(excess_events_chart(days=[day]).svg)
    assert len(with_class(root, "chart-lone-day")) == 1
    empty = excess_events_chart(days=[])
    assert_accessible(empty.svg)
    assert empty.table.rows == ()
    with pytest.raises(ValueError):
        excess_events_chart(days=[day, day])
