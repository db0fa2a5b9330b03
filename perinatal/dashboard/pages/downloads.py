"""CSV and XLSX downloads of a page's table, through the dashboard's export writers
(perinatal.dashboard.exports): the rows of dashboard.md §4 as the page shows them (filtered
and sorted), with `provisional`; XLSX adds the column dictionary and notes on the metrics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.http import HttpResponse

from perinatal.dashboard import exports
from perinatal.dashboard import selectors as dashboard_selectors
from perinatal.dashboard.metrics.rows import MetricRow

DOWNLOAD_FORMATS = exports.FORMATS


def organisation_download(*, rows: Sequence[MetricRow], code: str, name: str, stillbirth_denominator: str,
                          file_format: str) -> HttpResponse:
    """Every figure of an organisation's page."""
    first = min((row.period_start for row in rows), default=None)
    last = max((row.period_end for row in rows), default=None)
    title = f"{code} dashboard" + (f" {first} to {last}" if first and last else "")
    table = exports.metric_rows_table(rows, title=title, stillbirth_denominator=stillbirth_denominator)
    table = replace(table, notes=(f"{name} ({code})", *table.notes))
    return exports.download_response(table, file_format)


def _org_ref(ref) -> dashboard_selectors.OrgRef | None:
    return None if ref is None else dashboard_selectors.OrgRef(ref.level, ref.code, ref.name)


def trusts_download(*, table, file_format: str) -> HttpResponse:
    """The table of all trusts as shown (England first, then the trusts in the page's order),
    with each trust's ICB and region on the period's last day."""
    chosen = dashboard_selectors.TrustTable(
        definition=table.definition, period=table.choice.period, england=table.england,
        rows=tuple(dashboard_selectors.TrustTableRow(line.row, _org_ref(line.icb), _org_ref(line.region))
                   for line in table.lines))
    export = chosen.export_table()
    england = [[*exports.metric_row_cells(table.england), None, None]] if table.england else []
    export = exports.ExportTable(title=export.title, columns=export.columns, rows=[*england, *export.rows],
                                 notes=export.notes)
    return exports.download_response(export, file_format)
