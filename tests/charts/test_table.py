"""Compact chart tables (issue 12: a trust's dashboard page weighed 940 KB, most of it the same
cell classes repeated): the same caption, headings, scopes and cells as the NHS.UK markup, with
classes only where the stylesheet needs them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from perinatal.charts.table import COMPACT_TABLE_CLASS, ChartTable, TableColumn, compact_table_html, table_html

TABLE = ChartTable(
    caption="Stillbirth rate, <Trust> & co",
    columns=(TableColumn("Month"), TableColumn("Rate", numeric=True), TableColumn("Signal")),
    rows=tuple((f"Month {n}", f"{n}.00", "Common cause <ok>") for n in range(60)),
)


def _cells(markup: str) -> list[list[tuple[str, str | None, str]]]:
    root = ET.fromstring(markup)
    return [[(cell.tag, cell.get("scope"), cell.text) for cell in row] for row in root.iter("tr")]


def test_the_compact_table_holds_the_same_cells_headings_and_scopes():
    compact = compact_table_html(TABLE)
    assert _cells(compact) == _cells(table_html(TABLE))
    root = ET.fromstring(compact)
    assert COMPACT_TABLE_CLASS in root.get("class") and root.find("caption").text == TABLE.caption
    assert "<Trust>" not in compact and "&lt;Trust&gt; &amp; co" in compact  # escaped
    # Text cells are marked for the stylesheet; numbers and row headings carry no class.
    row = root.find("tbody/tr")
    assert [cell.get("class") for cell in row] == [None, None, "app-text"]


def test_the_compact_table_is_much_smaller():
    assert len(compact_table_html(TABLE)) < 0.5 * len(table_html(TABLE))


def test_a_template_renders_it():
    assert TABLE.compact.__html__() == compact_table_html(TABLE)
