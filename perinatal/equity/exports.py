"""The equity breakdowns as CSV, JSON and XLSX: the same table as `perinatal equity`
(docs/rules/equity.md §1), on the dashboard's export machinery (dashboard.exports: the
column dictionary, the CSV and XLSX writers, the download response).

The columns are exactly docs/rules/equity.md §1's (breakdowns.rows.OUTPUT_COLUMNS): empty for
no value, decimals with 2 places, `*` for a suppressed count.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.http import HttpResponse

from perinatal.dashboard.exports import (
    METRIC_COLUMN_DESCRIPTIONS,
    PUBLIC_NOTE,
    ExportColumn,
    ExportTable,
    definitions_present,
    download_response,
    metric_definition_notes,
    row_json,
    write_csv,
)
from perinatal.dashboard.metrics.definitions import CRUDE_RATES_NOTE
from perinatal.equity.breakdowns.rows import OUTPUT_COLUMNS, EquityRow

TITLE = "Outcomes by ethnic group and deprivation"

#: The column dictionary: the metric rows' descriptions where the column is the same.
EQUITY_COLUMN_DESCRIPTIONS = {
    **{name: METRIC_COLUMN_DESCRIPTIONS[name] for name in OUTPUT_COLUMNS if name in METRIC_COLUMN_DESCRIPTIONS},
    "ethnic_group": (
        "The mother's ethnic group (White, Black, Asian, Mixed, Other, Not stated); All when not broken down."
    ),
    "imd_quintile": (
        "Deprivation quintile of the mother's area, 1 most deprived to 5 least deprived, or Not stated; "
        "All when not broken down."
    ),
    "numerator": (
        "Count of the metric's numerator in the group. In public outputs: 0 shown, 1 to 7 as *, "
        "other counts rounded to the nearest 5."
    ),
    "denominator": (
        "Count of the metric's denominator in the group. In public outputs: 0 shown, 1 to 7 as *, "
        "other counts rounded to the nearest 5."
    ),
    "value": (
        "The crude rate per 1,000, rounded half-up to 2 decimals, from the true counts; empty when the "
        "denominator is 0 or, in public outputs, when either count is 1 to 7."
    ),
    "lower_95": "Lower limit of the exact Poisson (Garwood) 95% interval of the rate.",
    "upper_95": "Upper limit of the exact Poisson (Garwood) 95% interval of the rate.",
    "rate_ratio": (
        "The group's rate divided by the reference group's (White; quintile 5; White in quintile 5 with "
        "both); empty for Not stated, All, the reference group, or when either numerator or denominator is 0."
    ),
    "rate_ratio_lower_95": "Lower limit of the 95% interval of the rate ratio (log method).",
    "rate_ratio_upper_95": "Upper limit of the 95% interval of the rate ratio (log method).",
    "rate_difference": (
        "The group's rate minus the reference group's, per 1,000; empty for Not stated, All, the "
        "reference group, or when either denominator is 0."
    ),
    "rate_difference_lower_95": "Lower limit of the 95% (Wald) interval of the rate difference, per 1,000.",
    "rate_difference_upper_95": "Upper limit of the 95% (Wald) interval of the rate difference, per 1,000.",
    "suppressed": (
        "1 when disclosure control replaced a count by * or emptied a figure on the row, else 0 "
        "(rounding alone is not suppression)."
    ),
}

COMPARISONS_PUBLIC_NOTE = (
    "Rate ratios and differences are left empty when any count they use (the group's or the "
    "reference group's) is 1 to 7."
)
MOTHERS_NOTE = (
    "Babies (stillbirths, neonatal deaths) are in the group on their own record. A woman (postpartum "
    "haemorrhage) is in the group her records all give, else Not stated."
)
TOTAL_NOTE = "The row with All in every column broken down is the total: it equals the metric's own row."


def equity_row_cells(row: EquityRow) -> list[object]:
    """A row's cells in column order, with their types (dates, ints, Decimals, None for empty)."""
    return [getattr(row, name) for name in OUTPUT_COLUMNS]


def equity_table(
    rows: Sequence[EquityRow],
    *,
    public: bool = False,
    title: str = TITLE,
    stillbirth_denominator: str | None = None,
) -> ExportTable:
    """The rows as an export table, with the definitions of their metrics in its notes."""
    notes = [CRUDE_RATES_NOTE, MOTHERS_NOTE, TOTAL_NOTE]
    if stillbirth_denominator:
        notes.append(f"Stillbirth rate denominator: {stillbirth_denominator.replace('_', ' ')}.")
    if public:
        notes += [PUBLIC_NOTE, COMPARISONS_PUBLIC_NOTE]
    definitions = definitions_present(rows, stillbirth_denominator=stillbirth_denominator)
    return ExportTable(
        title=title,
        columns=tuple(ExportColumn(name, EQUITY_COLUMN_DESCRIPTIONS[name]) for name in OUTPUT_COLUMNS),
        rows=[equity_row_cells(row) for row in rows],
        notes=(*notes, *metric_definition_notes(definitions)),
    )


def equity_csv_text(rows: Sequence[EquityRow], *, public: bool = False) -> str:
    """The CSV that `perinatal equity` prints for these rows (no byte-order mark)."""
    buffer = io.StringIO()
    write_csv(equity_table(rows, public=public), buffer)
    return buffer.getvalue()


def equity_row_json(row: EquityRow) -> dict:
    """A row for JSON: dates ISO, counts as numbers (`*` when suppressed), decimals as strings
    with 2 places, empty values null."""
    return row_json(row, OUTPUT_COLUMNS)


def equity_rows_document(rows: Sequence[EquityRow], *, about: dict) -> dict:
    """The JSON document of `perinatal equity --format json`."""
    return {**about, "columns": list(OUTPUT_COLUMNS), "rows": [equity_row_json(row) for row in rows]}


def equity_download(
    rows: Sequence[EquityRow],
    fmt: str,
    *,
    public: bool = False,
    title: str = TITLE,
    stillbirth_denominator: str | None = None,
) -> HttpResponse:
    """An attachment download (fmt: csv or xlsx) of the same table as `perinatal equity`."""
    table = equity_table(rows, public=public, title=title, stillbirth_denominator=stillbirth_denominator)
    return download_response(table, fmt)
