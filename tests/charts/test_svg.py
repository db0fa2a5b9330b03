"""The safe SVG builder, the table alternative and the palette's contrast arithmetic."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from perinatal.charts import palette
from perinatal.charts.svg import (
    Element,
    UnsafeSvgError,
    element,
    escape_attribute,
    escape_text,
    number,
    points_attribute,
    render,
    xml_safe,
)
from perinatal.charts.table import ChartTable, TableColumn, table_html

HOSTILE = '<script>alert("x")</script> & \'q\' "d"'


# --- escaping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain", "plain"),
        ("a & b", "a &amp; b"),
        ("<script>", "&lt;script&gt;"),
        ('"quoted"', '"quoted"'),
        ("&amp;", "&amp;amp;"),
        ("]]>", "]]&gt;"),
    ],
)
def test_escape_text(raw, escaped):
    assert escape_text(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ('say "hi"', "say &quot;hi&quot;"),
        ("it's", "it's"),
        ("a\tb\nc\rd", "a&#9;b&#10;c&#13;d"),
        ("<&>", "&lt;&amp;&gt;"),
    ],
)
def test_escape_attribute(raw, escaped):
    assert escape_attribute(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("ok", "ok"),
        ("a\x00b", "ab"),
        ("a\x08\x0b\x0c\x1fb", "ab"),
        ("tab\tnew\nline\r", "tab\tnew\nline\r"),
        ("a\ufffeb\uffffc", "abc"),
        ("a\ud800b", "ab"),
        ("émoji 👶", "émoji 👶"),
    ],
)
def test_xml_safe_drops_what_xml_cannot_carry(raw, safe):
    assert xml_safe(raw) == safe


def test_hostile_text_and_attribute_round_trip_through_a_parser():
    node = element("svg", element("text", HOSTILE, x=1, y=2, class_=HOSTILE), xmlns="http://www.w3.org/2000/svg")
    root = ET.fromstring(render(node))
    text = root[0]
    assert text.text == HOSTILE
    assert text.get("class") == HOSTILE
    assert len(list(root.iter())) == 2  # no element smuggled in


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (0.0, "0"),
        (-0.0, "0"),
        (-0.001, "0"),
        (-0.004999, "0"),
        (-0.005001, "-0.01"),
        (1, "1"),
        (1.5, "1.5"),
        (1.50, "1.5"),
        (1.234, "1.23"),
        (1.236, "1.24"),
        (29.000000000000004, "29"),
        (123456.789, "123456.79"),
        (Decimal("2.50"), "2.5"),
        (-12.3, "-12.3"),
    ],
)
def test_number(value, text):
    assert number(value) == text


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_number_refuses_non_finite(value):
    with pytest.raises(ValueError):
        number(value)


def test_number_refuses_booleans():
    with pytest.raises(TypeError):
        number(True)


def test_points_attribute():
    assert points_attribute([(0, 1.5), (2.345, -0.0)]) == "0,1.5 2.35,0"


# --- the builder --------------------------------------------------------------------------------


def test_element_converts_names_and_drops_none():
    node = element("line", None, stroke_width=2, stroke_dasharray=None, class_="a", viewBox="0 0 1 1")
    assert node.attributes == (("stroke-width", "2"), ("class", "a"), ("viewBox", "0 0 1 1"))
    assert node.children == ()


def test_render_is_compact_with_containers_on_lines():
    node = element("g", element("circle", cx=1, cy=2, r=3), element("text", "a", x=0, y=0))
    assert render(node) == '<g>\n<circle cx="1" cy="2" r="3"/>\n<text x="0" y="0">a</text>\n</g>'


@pytest.mark.parametrize("tag", ["script", "style", "foreignObject", "image", "a", "iframe", "animate", "set"])
def test_unsafe_elements_are_refused(tag):
    with pytest.raises(UnsafeSvgError):
        element(tag)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("style", "fill:red"),
        ("onload", "alert(1)"),
        ("onclick", "x"),
        ("OnMouseOver", "x"),
        ("href", "https://example.com/x.svg#a"),
        ("href", "javascript:alert(1)"),
        ("xlink:href", "data:image/svg+xml,<svg/>"),
        ("bad name", "x"),
        ('x="1" onload', "x"),
        ("", "x"),
    ],
)
def test_unsafe_attributes_are_refused(name, value):
    with pytest.raises(UnsafeSvgError):
        Element("rect", ((name, value),))


def test_same_document_links_are_allowed():
    assert render(Element("use", (("href", "#icon"),))) == '<use href="#icon"/>'


def test_duplicate_attributes_are_refused():
    with pytest.raises(UnsafeSvgError):
        Element("rect", (("x", "1"), ("x", "2")))


def test_children_must_be_elements_or_text():
    with pytest.raises(TypeError):
        Element("g", (), (3,))


def test_find_all():
    node = element("g", element("circle"), element("g", element("circle")))
    assert len(node.find_all("circle")) == 2
    assert len(node.find_all("g")) == 2


# --- the table ----------------------------------------------------------------------------------

TABLE = ChartTable(
    caption="Stillbirths <R0A>",
    columns=(TableColumn("Month"), TableColumn("Rate", numeric=True), TableColumn("Note")),
    rows=(("Jan 2025", "3.1", HOSTILE), ("Feb 2025", "No data", "")),
)


def test_nhsuk_params_have_the_macro_shape():
    params = TABLE.nhsuk_params()
    assert params["caption"] == "Stillbirths <R0A>"
    assert params["firstCellIsHeader"] is True
    assert params["head"] == [{"text": "Month"}, {"text": "Rate", "format": "numeric"}, {"text": "Note"}]
    assert params["rows"][0] == [
        {"text": "Jan 2025"},
        {"text": "3.1", "format": "numeric"},
        {"text": HOSTILE},
    ]
    assert len(params["rows"]) == 2
    assert all("html" not in cell for row in params["rows"] for cell in row)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_table_html_structure_and_escaping():
    html = table_html(TABLE)
    collector = _Collector()
    collector.feed(html)
    names = [tag for tag, _ in collector.tags]
    assert "script" not in names
    assert names.count("tr") == 3
    assert names.count("caption") == 1
    headers = [attrs for tag, attrs in collector.tags if tag == "th"]
    assert [attrs["scope"] for attrs in headers] == ["col", "col", "col", "row", "row"]
    numeric = [attrs["class"] for tag, attrs in collector.tags if "--numeric" in attrs.get("class", "")]
    assert numeric == [
        "nhsuk-table__header nhsuk-table__header--numeric",
        "nhsuk-table__cell nhsuk-table__cell--numeric",
        "nhsuk-table__cell nhsuk-table__cell--numeric",
    ]
    assert HOSTILE in "".join(collector.text)
    assert "Stillbirths <R0A>" in "".join(collector.text)
    assert "style=" not in html
    assert TABLE.__html__() == html


def test_table_with_no_rows_still_has_its_header():
    html = table_html(ChartTable(caption="c", columns=(TableColumn("a"),), rows=()))
    assert "<thead" in html and "<tbody" in html and "<td" not in html


def test_table_rows_must_match_the_columns():
    with pytest.raises(ValueError, match="row 2 has 1 cells but the table has 2 columns"):
        ChartTable(caption="c", columns=(TableColumn("a"), TableColumn("b")), rows=(("1", "2"), ("3",)))
    with pytest.raises(ValueError):
        ChartTable(caption="c", columns=(), rows=())
    with pytest.raises(TypeError):
        ChartTable(caption="c", columns=(TableColumn("a"),), rows=((3,),))


def test_table_headings():
    assert TABLE.headings == ("Month", "Rate", "Note")


# --- palette ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [("#000000", "#FFFFFF", 21.0), ("#FFFFFF", "#FFFFFF", 1.0), ("#767676", "#FFFFFF", 4.54)],
)
def test_contrast_ratio(first, second, ratio):
    assert palette.contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert palette.contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


def test_contrast_ratio_refuses_bad_colours():
    with pytest.raises(ValueError):
        palette.contrast_ratio("#FFF")


def test_making_data_count_colours_are_nhs_englands():
    assert palette.IMPROVEMENT.fill == "#41B6E6"
    assert palette.CONCERN.fill == "#ED8B00"
    assert palette.NEUTRAL.fill == "#490092"
    assert palette.COMMON_CAUSE.fill == "#A6A6A6"


@pytest.mark.parametrize(
    "colours",
    [
        palette.IMPROVEMENT,
        palette.CONCERN,
        palette.NEUTRAL,
        palette.COMMON_CAUSE,
        palette.LEVEL_1,
        palette.LEVEL_2,
    ],
)
def test_every_ink_is_dark_enough_for_text_and_outlines(colours):
    assert palette.contrast_ratio(colours.ink) >= palette.MINIMUM_TEXT_CONTRAST


@pytest.mark.parametrize(
    "colour",
    [palette.TEXT, palette.TEXT_SECONDARY, palette.AXIS, palette.LIMIT, palette.TARGET, palette.SERIES],
)
def test_text_and_line_colours_reach_text_contrast(colour):
    assert palette.contrast_ratio(colour) >= palette.MINIMUM_TEXT_CONTRAST


def test_series_line_reaches_graphic_contrast():
    assert palette.contrast_ratio(palette.SERIES_LINE) >= palette.MINIMUM_GRAPHIC_CONTRAST
