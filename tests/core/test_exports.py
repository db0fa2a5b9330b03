"""The table machinery every download goes through: a cell a spreadsheet would run as a
formula stays text (OWASP, CSV Injection), in CSV and in XLSX; numbers are left alone."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from perinatal.core.exports import ExportColumn, ExportTable, csv_bytes, spreadsheet_text, xlsx_bytes


@pytest.mark.parametrize(
    "text, written",
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://example.com")', '\'=HYPERLINK("http://example.com")'),
        ("+44 161", "'+44 161"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        ("PEN-2026-000001", "PEN-2026-000001"),
        ("", ""),
    ],
)
def test_text_that_would_start_a_formula_is_kept_as_text(text, written):
    assert spreadsheet_text(text) == written


TABLE = ExportTable(
    title="Inbox",
    columns=(ExportColumn("reference", "Reference"), ExportColumn("value", "A number")),
    rows=[["=2+2", Decimal("-1.50")], ["MN-1", -3]],
)


def test_csv_cells():
    assert csv_bytes(TABLE, byte_order_mark=False).decode() == "reference,value\n'=2+2,-1.50\nMN-1,-3\n"


def test_xlsx_writes_a_formula_like_cell_as_text():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(TABLE)))["Data"]
    cell = sheet["A2"]
    assert cell.value == "=2+2" and cell.data_type == "s"
    assert sheet["B3"].value == -3


def test_xlsx_writes_a_formula_like_title_or_note_as_text():
    # A page's notes begin with the organisation's name, which a command may have set to anything.
    table = ExportTable(title="=1+1", columns=TABLE.columns, rows=TABLE.rows, notes=('=HYPERLINK("http://x") (R0A)',))
    notes = load_workbook(io.BytesIO(xlsx_bytes(table)))["Notes"]
    assert [(cell.value, cell.data_type) for cell in notes["A"]] == [
        ("=1+1", "s"),
        ('=HYPERLINK("http://x") (R0A)', "s"),
    ]
