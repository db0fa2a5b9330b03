"""Downloads of any table as CSV or XLSX, with a column dictionary: the machinery every part
of the service exports through (the dashboard's metric rows, equity breakdowns, the national
bodies' inboxes).

A table is an `ExportTable`: a title, columns (name and description) and rows of cells. CSV
has the header row and the cells only (UTF-8; with a byte-order mark for downloads, so that
spreadsheet programs read it as UTF-8). XLSX (openpyxl) has three sheets: the data, the
column dictionary, and notes about the table.

Text that a spreadsheet would run as a formula (a cell starting with =, +, -, @, a tab or a
carriage return: OWASP, *CSV Injection*) is written so that it stays text: in CSV with a
leading apostrophe, in XLSX as a text cell. Numbers, including negative ones, are unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "FORMAT_CSV",
    "FORMAT_XLSX",
    "ExportColumn",
    "ExportTable",
    "csv_bytes",
    "download_response",
    "export_bytes",
    "spreadsheet_text",
    "write_csv",
    "xlsx_bytes",
]

FORMAT_CSV = "csv"
FORMAT_XLSX = "xlsx"
FORMATS = (FORMAT_CSV, FORMAT_XLSX)
CONTENT_TYPES = {
    FORMAT_CSV: "text/csv; charset=utf-8",
    FORMAT_XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class ExportColumn:
    name: str
    description: str


@dataclass(frozen=True)
class ExportTable:
    title: str
    columns: tuple[ExportColumn, ...]
    rows: Sequence[Sequence[object]]
    notes: tuple[str, ...] = ()

    def filename(self, fmt: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "table"
        return f"{slug[:80]}.{fmt}"


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet shows as it is: one that would start a formula gets a leading
    apostrophe (a number written as text, like "-1.5", is left alone)."""
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return spreadsheet_text(value)
    return str(value)


def write_csv(table: ExportTable, stream, *, byte_order_mark: bool = False) -> None:
    """Header and rows as CSV text (LF line ends) to a text stream."""
    if byte_order_mark:
        stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([column.name for column in table.columns])
    for row in table.rows:
        writer.writerow([_text(cell) for cell in row])


def csv_bytes(table: ExportTable, *, byte_order_mark: bool = True) -> bytes:
    buffer = io.StringIO()
    write_csv(table, buffer, byte_order_mark=byte_order_mark)
    return buffer.getvalue().encode("utf-8")


def _cell(sheet, value: object) -> object:
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise write it as a formula
        return cell
    return value  # openpyxl writes Decimal as a number


def xlsx_bytes(table: ExportTable) -> bytes:
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("Data")
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(data, value=column.name)
        cell.font = bold
        header.append(cell)
    data.append(header)
    for row in table.rows:
        data.append([_cell(data, value) for value in row])
    dictionary = workbook.create_sheet("Column dictionary")
    dictionary.append(["Column", "Description"])
    for column in table.columns:
        dictionary.append([_cell(dictionary, column.name), _cell(dictionary, column.description)])
    # The title and notes may quote an organisation's name, which may start with "=".
    about = workbook.create_sheet("Notes")
    about.append([_cell(about, table.title)])
    for note in table.notes:
        about.append([_cell(about, note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_bytes(table: ExportTable, fmt: str) -> bytes:
    if fmt == FORMAT_CSV:
        return csv_bytes(table)
    if fmt == FORMAT_XLSX:
        return xlsx_bytes(table)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


def download_response(table: ExportTable, fmt: str) -> HttpResponse:
    """An attachment download of the table (fmt: csv or xlsx)."""
    response = HttpResponse(export_bytes(table, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{table.filename(fmt)}"'
    return response
