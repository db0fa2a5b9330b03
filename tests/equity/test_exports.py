"""The equity downloads (CSV, XLSX, JSON) are the table `perinatal equity` prints, on the
dashboard's export machinery (docs/rules/equity.md §1)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from perinatal.dashboard.exports import csv_bytes, xlsx_bytes
from perinatal.dashboard.metrics.definitions import metric_by_id
from perinatal.dashboard.metrics.periods import Period
from perinatal.equity.breakdowns.blocks import block_rows
from perinatal.equity.breakdowns.public import public_rows
from perinatal.equity.breakdowns.rows import OUTPUT_COLUMNS
from perinatal.equity.exports import equity_csv_text, equity_download, equity_row_json, equity_table

ETHNIC = ("ethnic_group",)


def rows(public=False):
    made = block_rows(
        definition=metric_by_id("stillbirth_rate"),
        org_level="trust",
        org_code="R0A",
        org_name="Manchester University NHS Foundation Trust",
        period=Period(date(2025, 1, 1), date(2025, 12, 31)),
        counts={("Black", "All"): (12, 2000), ("White", "All"): (30, 10000), ("Mixed", "All"): (2, 300)},
        by=ETHNIC,
        provisional=False,
    )
    return public_rows(made, by=ETHNIC) if public else made


def test_csv_text_has_exactly_the_columns_and_two_decimal_places():
    lines = list(csv.reader(io.StringIO(equity_csv_text(rows()))))
    assert lines[0] == list(OUTPUT_COLUMNS)
    black = lines[2]
    assert black == [
        "stillbirth_rate",
        "trust",
        "R0A",
        "Manchester University NHS Foundation Trust",
        "2025-01-01",
        "2025-12-31",
        "Black",
        "All",
        "12",
        "2000",
        "6.00",
        "3.10",
        "10.48",
        "2.00",
        "1.03",
        "3.90",
        "3.00",
        "-0.55",
        "6.55",
        "0",
    ]
    assert lines[1][13:19] == [""] * 6  # the reference group
    assert csv_bytes(equity_table(rows())).decode("utf-8-sig") == equity_csv_text(rows())


def test_xlsx_holds_the_same_cells_a_column_dictionary_and_notes():
    table = equity_table(rows(public=True), public=True, stillbirth_denominator="total_births")
    book = load_workbook(io.BytesIO(xlsx_bytes(table)))
    data = list(book["Data"].iter_rows(values_only=True))
    assert data[0] == OUTPUT_COLUMNS
    mixed = data[4]
    assert (mixed[6], mixed[8], mixed[9], mixed[10], mixed[13], mixed[19]) == ("Mixed", "*", 300, None, None, 1)
    black = data[2]
    assert (black[8], black[9], black[13]) == (10, 2000, 2)  # 12 → 10; numbers, not text
    dictionary = list(book["Column dictionary"].iter_rows(values_only=True))
    assert [name for name, _ in dictionary[1:]] == list(OUTPUT_COLUMNS)
    assert all(description for _, description in dictionary[1:])
    notes = [row[0] for row in book["Notes"].iter_rows(values_only=True)]
    assert any("rounded to the nearest 5" in note for note in notes)
    assert any(note.startswith("stillbirth_rate: Stillbirth rate.") for note in notes)
    assert any("crude" in note for note in notes)


def test_download_response_and_json():
    response = equity_download(rows(), "csv", title="Equity: Manchester 2025")
    assert response["Content-Disposition"] == 'attachment; filename="equity-manchester-2025.csv"'
    assert response.content.decode("utf-8-sig") == equity_csv_text(rows())
    document = equity_row_json(rows()[1])
    assert list(document) == list(OUTPUT_COLUMNS)
    assert (document["period_start"], document["value"], document["rate_ratio"], document["numerator"]) == (
        "2025-01-01",
        "6.00",
        "2.00",
        12,
    )
    assert document["rate_difference_lower_95"] == str(Decimal("-0.55"))
