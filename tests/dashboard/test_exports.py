"""CSV and XLSX downloads of dashboard tables, with the column dictionary and notes."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from perinatal.dashboard.exports import (
    METRIC_ROW_COLUMNS,
    ExportColumn,
    ExportTable,
    csv_bytes,
    download_response,
    export_bytes,
    metric_row_json,
    metric_rows_table,
    xlsx_bytes,
)
from perinatal.dashboard.metrics.definitions import STILLBIRTH_RATE
from perinatal.dashboard.metrics.disclosure import apply_disclosure
from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.metrics.rows import build_row

JUNE = Period(date(2025, 6, 1), date(2025, 6, 30))


def _row(numerator=3, denominator=1000, *, provisional=False, code="R0A"):
    return build_row(
        definition=STILLBIRTH_RATE,
        org_level="trust",
        org_code=code,
        org_name='Manchester, "central"',
        period=JUNE,
        numerator=numerator,
        denominator=denominator,
        provisional=provisional,
    )


def test_csv_of_metric_rows_has_the_section_4_columns_then_provisional():
    table = metric_rows_table([_row(), _row(0, 0, provisional=True, code="RJ1")], title="Stillbirths")
    text = csv_bytes(table).decode("utf-8")
    assert text.startswith("\ufeffmetric_id,org_level,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == list(METRIC_ROW_COLUMNS) and rows[0][-1] == "provisional"
    assert rows[1] == [
        "stillbirth_rate",
        "trust",
        "R0A",
        'Manchester, "central"',
        "2025-06-01",
        "2025-06-30",
        "3",
        "1000",
        "3.00",
        "0.62",
        "8.77",
        "0",
        "0",
    ]
    assert rows[2][6:] == ["0", "0", "", "", "", "0", "1"]  # a zero denominator: empty, never 0


def test_csv_without_byte_order_mark_for_programs():
    table = metric_rows_table([_row()], title="x")
    assert csv_bytes(table, byte_order_mark=False).startswith(b"metric_id,")


def test_xlsx_has_the_data_a_column_dictionary_and_notes():
    suppressed = apply_disclosure(_row(3, 1000), definition=STILLBIRTH_RATE)
    table = metric_rows_table(
        [_row(), suppressed], title="Stillbirths by trust", stillbirth_denominator="total_births", public=True
    )
    book = load_workbook(io.BytesIO(xlsx_bytes(table)))
    assert book.sheetnames == ["Data", "Column dictionary", "Notes"]
    data = list(book["Data"].iter_rows(values_only=True))
    assert data[0] == METRIC_ROW_COLUMNS
    assert data[1][4] is not None and data[1][4].date() == date(2025, 6, 1)  # a real date
    assert (data[1][6], data[1][8]) == (3, 3)  # numbers, not text
    assert (data[2][6], data[2][8], data[2][11]) == ("*", None, 1)
    dictionary = list(book["Column dictionary"].iter_rows(values_only=True))
    assert dictionary[0] == ("Column", "Description")
    assert [name for name, _ in dictionary[1:]] == list(METRIC_ROW_COLUMNS)
    assert all(description for _, description in dictionary[1:])
    notes = [row[0] for row in book["Notes"].iter_rows(values_only=True)]
    assert notes[0] == "Stillbirths by trust"
    assert any("Stillbirth rate denominator: total births" in n for n in notes)
    assert any(n.startswith("stillbirth_rate: Stillbirth rate.") for n in notes)
    assert any("Disclosure control applied" in n for n in notes)


def test_any_table_exports_and_downloads_under_its_title():
    table = ExportTable(
        title="Trusts: stillbirths (2025)",
        columns=(ExportColumn("code", "ODS code"), ExportColumn("value", "per 1,000")),
        rows=[["R0A", Decimal("3.10")], ["RJ1", None]],
    )
    assert export_bytes(table, "csv").decode("utf-8-sig") == "code,value\nR0A,3.10\nRJ1,\n"
    response = download_response(table, "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="trusts-stillbirths-2025.xlsx"'
    assert load_workbook(io.BytesIO(response.content))["Data"]["B2"].value == pytest.approx(3.1)
    with pytest.raises(ValueError, match="format must be one of"):
        export_bytes(table, "pdf")


def test_json_rows_keep_decimals_exact_and_mark_provisional():
    document = metric_row_json(_row(provisional=True))
    assert document["value"] == "3.00" and document["lower_95"] == "0.62"
    assert document["numerator"] == 3 and document["provisional"] is True
    assert document["period_start"] == "2025-06-01"
