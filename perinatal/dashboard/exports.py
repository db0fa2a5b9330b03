"""Downloads of any dashboard table as CSV or XLSX, with a column dictionary (the table
machinery is `perinatal.core.exports`, which also keeps spreadsheet formulas from running).

A table is an `ExportTable`: a title, columns (name and description) and rows of cells.
`metric_rows_table` turns docs/rules/dashboard.md §4 rows (metrics.rows.MetricRow) into one; the table of all
trusts adds each trust's ICB and region (pages.downloads.trusts_download). CSV has the header row and
the cells only (UTF-8; with a byte-order mark for downloads, so that spreadsheet programs
read it as UTF-8). XLSX (openpyxl) has three sheets: the data, the column dictionary, and
notes about the table (definitions of the metrics in it, the stillbirth denominator,
disclosure control).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

# The table machinery is core's (every part of the service exports through it); these names
# stay importable from here for the dashboard's callers.
from perinatal.core.exports import (  # noqa: F401
    CONTENT_TYPES,
    FORMAT_CSV,
    FORMAT_XLSX,
    FORMATS,
    ExportColumn,
    ExportTable,
    csv_bytes,
    download_response,
    export_bytes,
    write_csv,
    xlsx_bytes,
)
from perinatal.dashboard.metrics.definitions import CRUDE_RATES_NOTE, MetricDefinition, metric_definitions
from perinatal.dashboard.metrics.rows import OUTPUT_COLUMNS, MetricRow

#: The column after the docs/rules/dashboard.md §4 columns: docs/rules/dashboard.md §2 "values for periods less than
#: 14 (28) days old are provisional and marked so" (**policy**: a 13th column, 1 or 0).
PROVISIONAL_COLUMN = "provisional"
METRIC_ROW_COLUMNS = (*OUTPUT_COLUMNS, PROVISIONAL_COLUMN)

#: The column dictionary of docs/rules/dashboard.md §4 rows.
METRIC_COLUMN_DESCRIPTIONS = {
    "metric_id": "The metric or sub-measure (see the notes sheet for its definition).",
    "org_level": "national, region, icb or trust.",
    "org_code": "ODS code of the organisation (E92000001 for England).",
    "org_name": "Name of the organisation.",
    "period_start": "First day of the period (inclusive).",
    "period_end": "Last day of the period (inclusive).",
    "numerator": (
        "Count of the metric's numerator. In public tables a count of people is * when 1 to 7, "
        "else rounded to the nearest 5."
    ),
    "denominator": (
        "Count of the metric's denominator. In public tables a count of people is * when 1 to 7, "
        "else rounded to the nearest 5."
    ),
    "value": (
        "The value in the metric's unit, rounded half-up to 2 decimals; empty when the denominator is 0 or suppressed."
    ),
    "lower_95": "Lower limit of the 95% interval (Wilson for percentages, exact Poisson for rates per 1,000).",
    "upper_95": "Upper limit of the 95% interval.",
    "suppressed": "1 when disclosure control replaced a count by * or emptied a value, else 0.",
    PROVISIONAL_COLUMN: "1 when the period is recent enough that the value may still change (provisional), else 0.",
}


#: The note on every public table (docs/rules/equity.md §2).
PUBLIC_NOTE = (
    "Disclosure control applied: counts of people of 1 to 7 are shown as * and the values that "
    "use them are left empty; other counts of people are rounded to the nearest 5 (counts of "
    "units and trusts are not changed). Rates per 1,000 are calculated from the true counts; "
    "percentages of people from the rounded counts."
)


def metric_row_cells(row: MetricRow) -> list[object]:
    """A docs/rules/dashboard.md §4 row's cells with their types (dates, ints, Decimals, None for empty)."""
    return [*(getattr(row, name) for name in OUTPUT_COLUMNS), 1 if row.provisional else 0]


def metric_definition_notes(definitions: Iterable[MetricDefinition]) -> tuple[str, ...]:
    notes = []
    for definition in definitions:
        notes.append(
            f"{definition.id}: {definition.title}. Numerator: {definition.numerator}. "
            f"Denominator: {definition.denominator}. Unit: {definition.unit.replace('_', ' ')}; "
            f"{'lower' if definition.direction == 'lower' else 'higher'} is better."
        )
    return tuple(notes)


def definitions_present(rows: Iterable, *, stillbirth_denominator: str | None = None) -> list[MetricDefinition]:
    """The definitions of the metrics of `rows` (anything with a metric_id), in their order."""
    present = {row.metric_id for row in rows}
    return [
        d
        for d in metric_definitions(
            **({"stillbirth_denominator": stillbirth_denominator} if stillbirth_denominator else {})
        )
        if d.id in present
    ]


def metric_rows_table(
    rows: Sequence[MetricRow],
    *,
    title: str,
    stillbirth_denominator: str | None = None,
    public: bool = False,
) -> ExportTable:
    """docs/rules/dashboard.md §4 rows as a table, with the definitions of the metrics they contain in its notes."""
    definitions = definitions_present(rows, stillbirth_denominator=stillbirth_denominator)
    notes = [CRUDE_RATES_NOTE]
    if stillbirth_denominator:
        notes.append(f"Stillbirth rate denominator: {stillbirth_denominator.replace('_', ' ')}.")
    if public:
        notes.append(PUBLIC_NOTE)
    return ExportTable(
        title=title,
        columns=tuple(ExportColumn(name, METRIC_COLUMN_DESCRIPTIONS[name]) for name in METRIC_ROW_COLUMNS),
        rows=[metric_row_cells(row) for row in rows],
        notes=(*notes, *metric_definition_notes(definitions)),
    )


def metric_row_json(row: MetricRow) -> dict:
    """A docs/rules/dashboard.md §4 row for JSON: dates ISO, counts as numbers ("*" when suppressed), decimals as
    strings with 2 places (exact, never a float), empty values null."""
    return {**row_json(row, OUTPUT_COLUMNS), PROVISIONAL_COLUMN: row.provisional}


def json_value(value: object) -> object:
    """A cell for JSON: dates ISO, decimals as strings (exact, never a float), None null."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row_json(row: object, columns: Sequence[str]) -> dict:
    """The named columns of a row (a dataclass of output rows) for JSON."""
    return {name: json_value(getattr(row, name)) for name in columns}


def metric_rows_document(rows: Sequence[MetricRow], *, about: dict) -> dict:
    """The JSON document of `perinatal metrics --format json` and GET /api/v1/metrics."""
    return {**about, "columns": list(METRIC_ROW_COLUMNS), "rows": [metric_row_json(row) for row in rows]}
