"""What every chart must do, checked on every chart kind: well-formed accessible SVG with a
title and description, nothing the CSP forbids, hostile labels escaped, text contrast,
and byte-identical output for the same input (in this process and in fresh ones).

Also holds the helpers and sample charts the other chart test modules use.
"""

from __future__ import annotations

import calendar
import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from perinatal.charts import (
    Chart,
    GroupInterval,
    LinePoint,
    excess_events_chart,
    funnel_chart,
    interval_chart,
    line_chart,
    moss_cusum_chart,
    spc_chart,
    table_html,
)
from perinatal.charts.palette import BACKGROUND, MINIMUM_TEXT_CONTRAST, contrast_ratio
from perinatal.stats import (
    FunnelGroup,
    MonthRate,
    ReferenceRates,
    YearMonth,
    excess_events,
    funnel_plot,
    run_moss,
)
from perinatal.stats.spc import SpcPoint, xmr_chart

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '<script>alert("x")</script> & \'quoted\' "label" ]]> <!-- -->'


# --- helpers ------------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    """The SVG parsed as XML (fails the test if it is not well-formed)."""
    return ET.fromstring(svg)


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    """Elements whose class attribute holds the token ``name``."""
    return [item for item in root.iter() if name in (item.get("class") or "").split()]


def tags(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(SVG + tag))


def y_ticks(root: ET.Element) -> list[float]:
    """The value axis's tick values, read from its labels."""
    return [float(item.text.replace(",", "")) for item in with_class(root, "chart-y-tick")]


def x_tick_lines(root: ET.Element) -> list[str]:
    return [item.text for item in with_class(root, "chart-x-tick")]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def monthly_points(values, *, start=(2022, 1), **extra) -> list[LinePoint]:
    year, month = start
    points = []
    for index, value in enumerate(values):
        index_month = year * 12 + month - 1 + index
        y, m = index_month // 12, index_month % 12 + 1
        points.append(LinePoint(date(y, m, 1), month_end(y, m), value, **extra))
    return points


def spc_points(values, *, start=(2022, 1)) -> list[SpcPoint]:
    year, month = start
    return [
        SpcPoint(date((year * 12 + month - 1 + index) // 12, (year * 12 + month - 1 + index) % 12 + 1, 1), value)
        for index, value in enumerate(values)
    ]


# --- sample charts, one per kind -------------------------------------------------------------------


def sample_line(label: str = "R0A") -> Chart:
    values = [3.1, 2.8, None, 3.6, 4.0, 3.2, 2.9, 3.3]
    points = [
        LinePoint(
            point.period_start,
            point.period_end,
            point.value,
            None if point.value is None else point.value - 1.5,
            None if point.value is None else point.value + 1.8,
            numerator=None if point.value is None else 12,
            denominator=4000,
        )
        for point in monthly_points(values)
    ]
    return line_chart(
        points=points,
        title=f"Stillbirth rate per 1,000 births {label}",
        subject=label,
        value_label=label,
        numerator_label=label,
        denominator_label="Births",
        target=3.5,
    )


def sample_spc(label: str = "R0A") -> Chart:
    values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11, 30]
    chart = xmr_chart(points=spc_points(values), improvement="decrease", target=9.5)
    return spc_chart(chart=chart, title=f"Measure {label}", subject=label, value_label=label)


def sample_funnel(label: str = "R0A") -> Chart:
    groups = [
        FunnelGroup(f"T{index}", numerator, denominator)
        for index, (numerator, denominator) in enumerate(
            [(12, 3000), (20, 4100), (9, 2500), (40, 3900), (15, 5200), (2, 3100), (18, 6000), (11, 2800)]
        )
    ]
    plot = funnel_plot(groups=groups)
    return funnel_chart(
        plot=plot,
        title=f"Funnel {label}",
        value_label=label,
        value_scale=1000,
        names={"T0": label},
        highlight="T0",
        group_label=label,
        target_label=label,
    )


def worked_example_rows():
    counts = [2, 1, 1, 3, 3, 0]
    events = {("S1", YearMonth(2025, month)): count for month, count in enumerate(counts, start=1)}
    events[("S2", YearMonth(2025, 6))] = 1
    run = run_moss(
        events=events,
        denominators={("S1", 2025): 2500 / 12, ("S2", 2025): 200},
        reference_rates=ReferenceRates(national={2025: 0.002}),
    )
    return [row for row in run.rows if row.site_code == "S1"]


def sample_moss(label: str = "R0A") -> Chart:
    return moss_cusum_chart(rows=worked_example_rows(), title=f"MOSS {label}", subject=label)


def sample_excess_days():
    months = [MonthRate(YearMonth(2025, month), 2500 / 12, 0.002) for month in (1, 2, 3, 5)]
    daily = {date(2025, 1, 3): 1, date(2025, 1, 20): 1, date(2025, 3, 9): 2, date(2025, 5, 30): 1}
    return excess_events(months=months, daily_events=daily)


def sample_excess(label: str = "R0A") -> Chart:
    return excess_events_chart(days=sample_excess_days(), title=f"Excess {label}", subject=label)


def sample_intervals(label: str = "R0A") -> Chart:
    groups = [
        GroupInterval("White", 3.0, 2.1, 4.2, 30, 10000, role="reference"),
        GroupInterval(label, 6.0, 3.1, 10.48, 12, 2000),
        GroupInterval("Mixed", None, numerator=0, denominator=0, missing="No births"),
        GroupInterval("Not stated", 2.5, 0.3, 9.03, 2, 800),
        GroupInterval("All groups", 3.5, 2.6, 4.6, 44, 12800, role="total"),
    ]
    return interval_chart(
        groups=groups,
        title=f"Stillbirth rate by ethnic group {label}",
        subject=label,
        group_label=label,
        value_label=label,
        numerator_label=label,
    )


SAMPLES = {
    "intervals": sample_intervals,
    "line": sample_line,
    "spc": sample_spc,
    "funnel": sample_funnel,
    "moss": sample_moss,
    "excess": sample_excess,
}
KINDS = sorted(SAMPLES)


@cache
def default_sample(kind: str) -> Chart:
    """The default sample of ``kind``, built once for the tests that only inspect it."""
    return SAMPLES[kind]()


def assert_accessible(svg: str) -> ET.Element:
    """Well-formed, role="img" named by its <title> and described by its <desc>."""
    root = parse(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    chart_id = root.get("id")
    assert chart_id and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", chart_id)
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    title, desc = list(root)[:2]
    assert title.tag == SVG + "title" and title.get("id") == f"{chart_id}-title" and title.text
    assert desc.tag == SVG + "desc" and desc.get("id") == f"{chart_id}-desc" and desc.text
    assert re.fullmatch(r"0 0 720 \d+", root.get("viewBox"))
    assert root.get("width") is None and root.get("height") is None  # scales to its container
    return root


# --- every chart kind -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_chart_is_well_formed_accessible_svg(kind):
    chart = default_sample(kind)
    root = assert_accessible(chart.svg)
    assert list(root)[0].text == chart.title
    assert list(root)[1].text == chart.description
    assert chart.__html__() == chart.svg


@pytest.mark.parametrize("kind", KINDS)
def test_chart_uses_nothing_the_csp_forbids(kind):
    root = parse(default_sample(kind).svg)
    for item in root.iter():
        assert item.tag.removeprefix(SVG) not in {"script", "style", "foreignObject", "image", "a", "iframe"}
        for name, value in item.attrib.items():
            assert name != "style" and not name.lower().startswith("on")
            if name.endswith("href"):
                assert value.startswith("#")
            assert "url(http" not in value and "javascript:" not in value.lower()


@pytest.mark.parametrize("kind", KINDS)
def test_text_has_enough_contrast(kind):
    root = parse(default_sample(kind).svg)
    colours = {item.get("fill") for item in tags(root, "text")}
    assert colours
    for colour in colours:
        assert contrast_ratio(colour, BACKGROUND) >= MINIMUM_TEXT_CONTRAST, colour


@pytest.mark.parametrize("kind", KINDS)
def test_same_input_gives_byte_identical_output(kind):
    first, second = SAMPLES[kind](), SAMPLES[kind]()
    assert first.svg == second.svg
    assert first.table == second.table
    assert table_html(first.table) == table_html(second.table)


@pytest.mark.parametrize("kind", KINDS)
def test_different_labels_give_different_ids(kind):
    assert parse(SAMPLES[kind]("A").svg).get("id") != parse(SAMPLES[kind]("B").svg).get("id")


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_labels_are_escaped_and_survive_as_text(kind):
    chart = SAMPLES[kind](HOSTILE)
    root = assert_accessible(chart.svg)
    assert "<script" not in chart.svg
    assert not tags(root, "script")
    assert HOSTILE in list(root)[0].text
    texts = ["".join(item.itertext()) for item in root.iter()]
    assert any(HOSTILE in value for value in texts)
    assert HOSTILE in chart.table.caption
    html = table_html(chart.table)
    assert "<script" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("kind", KINDS)
def test_control_characters_in_labels_are_dropped_so_the_svg_still_parses(kind):
    chart = SAMPLES[kind]("bad\x00\x1b\ufffelabel")
    root = assert_accessible(chart.svg)
    assert "badlabel" in list(root)[0].text


@pytest.mark.parametrize("kind", KINDS)
def test_numbers_are_finite_and_short(kind):
    svg = default_sample(kind).svg
    for value in re.findall(r'="([^"]*)"', svg):
        assert "nan" not in value.lower() and "inf" not in value.lower(), value
    for value in re.findall(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]+)"', svg):
        assert re.fullmatch(r"-?\d+(\.\d{1,2})?", value), value


_FRESH_PROCESS = """
import hashlib, sys
sys.path.insert(0, {root!r})
from tests.charts import test_common as c
print(hashlib.sha256("".join(c.SAMPLES[k]().svg for k in c.KINDS).encode()).hexdigest())
"""


def test_output_does_not_depend_on_hash_seed_or_process():
    # This process runs with its own (random, unless set) hash seed; the fresh one with 4242.
    expected = hashlib.sha256("".join(default_sample(kind).svg for kind in KINDS).encode()).hexdigest()
    result = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS.format(root=str(ROOT))],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "4242"},
    )
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("kind", KINDS)
def test_explicit_chart_id_is_used_and_checked(kind):
    builder = {
        "intervals": lambda **kw: interval_chart(groups=[GroupInterval("A", 1.0, 0.5, 2.0)], title="t", **kw),
        "line": lambda **kw: line_chart(points=monthly_points([1.0, 2.0]), title="t", **kw),
        "spc": lambda **kw: spc_chart(chart=xmr_chart(points=spc_points([1, 2, 3])), title="t", **kw),
        "funnel": lambda **kw: funnel_chart(plot=funnel_plot(groups=[FunnelGroup("A", 1, 10)]), title="t", **kw),
        "moss": lambda **kw: moss_cusum_chart(rows=worked_example_rows(), **kw),
        "excess": lambda **kw: excess_events_chart(days=sample_excess_days(), **kw),
    }[kind]
    assert parse(builder(chart_id="stillbirths-r0a").svg).get("id") == "stillbirths-r0a"
    for bad in ("1chart", "a b", 'x"y', "", "a" * 65):
        with pytest.raises(ValueError):
            builder(chart_id=bad)
