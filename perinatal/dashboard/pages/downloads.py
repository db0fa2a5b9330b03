"""CSV and XLSX downloads of a page's table, through the dashboard's export writers
(perinatal.dashboard.exports): the rows of docs/rules/dashboard.md §4 as the page shows them (filtered
and sorted), with `provisional`; XLSX adds the column dictionary and notes on the metrics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.http import HttpResponse

from perinatal.dashboard import exports
from perinatal.dashboard.metrics.rows import MetricRow

DOWNLOAD_FORMATS = exports.FORMATS


def organisation_download(
    *, rows: Sequence[MetricRow], code: str, name: str, stillbirth_denominator: str, file_format: str
) -> HttpResponse:
    """Every figure of an organisation's page."""
    first = min((row.period_start for row in rows), default=None)
    last = max((row.period_end for row in rows), default=None)
    title = f"{code} dashboard" + (f" {first} to {last}" if first and last else "")
    table = exports.metric_rows_table(rows, title=title, stillbirth_denominator=stillbirth_denominator)
    table = replace(table, notes=(f"{name} ({code})", *table.notes))
    return exports.download_response(table, file_format)


def trusts_download(*, table, file_format: str) -> HttpResponse:
    """The table of all trusts as shown (England first, then the trusts in the page's order),
    with each trust's ICB and region on the period's last day."""
    columns = (
        *(exports.ExportColumn(name, exports.METRIC_COLUMN_DESCRIPTIONS[name]) for name in exports.METRIC_ROW_COLUMNS),
        exports.ExportColumn("icb_code", "ODS code of the trust's ICB on the period's last day."),
        exports.ExportColumn("region_code", "ODS code of the trust's NHS England region on the period's last day."),
    )
    england = [[*exports.metric_row_cells(table.england), None, None]] if table.england else []
    trusts = [
        [
            *exports.metric_row_cells(line.row),
            line.icb.code if line.icb else None,
            line.region.code if line.region else None,
        ]
        for line in table.lines
    ]
    period = table.choice.period
    export = exports.ExportTable(
        title=f"{table.definition.title} by trust, {period.start} to {period.end}",
        columns=columns,
        rows=[*england, *trusts],
        notes=exports.metric_definition_notes([table.definition]),
    )
    return exports.download_response(export, file_format)
