"""perinatal board-report --trust CODE --month YYYY-MM [--public] [--format html|pdf|json] [--out FILE]

docs/rules/board_report.md §3: the trust's current draft, generated from live data today, or,
for a month with an approved version, that version's frozen file exactly as stored. To standard
output unless --out names a file.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from perinatal.core import clock
from perinatal.organisations.selectors import UnknownOrganisation, get_trust
from perinatal.reports.models import Edition, FileFormat
from perinatal.reports.rendering import document_html, json_bytes, pdf_from_html
from perinatal.reports.rules import ReportMonth
from perinatal.reports.selectors import state
from perinatal.reports.selectors.document import build_document


class Command(BaseCommand):
    help = "Write a trust's monthly board report (docs/rules/board_report.md §3)."

    def add_arguments(self, parser):
        parser.add_argument("--trust", required=True, help="ODS code of the trust")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--public", action="store_true", help="the public edition (docs/rules/equity.md §2)")
        parser.add_argument("--format", dest="fmt", choices=FileFormat.values, default=FileFormat.HTML)
        parser.add_argument("--out", help="write to this file instead of standard output")

    def handle(self, *args, trust, month, public, fmt, out, **options):
        try:
            organisation = get_trust(trust)
            report_month = ReportMonth.parse(month)
        except (UnknownOrganisation, ValueError) as error:
            raise CommandError(str(error)) from None
        edition = Edition.PUBLIC if public else Edition.PRIVATE
        report = state.report_for(organisation, report_month)
        approved = state.latest_approved(report) if report is not None else None
        if approved is not None:
            content = bytes(state.frozen_file(approved, edition=edition, file_format=fmt).content)
        else:
            if report_month.last_day >= clock.today():
                raise CommandError(f"{report_month} has not ended yet")
            doc = build_document(
                trust=organisation, month=report_month, generated_on=clock.today(), public=public, report=report
            )
            if fmt == FileFormat.JSON:
                content = json_bytes(doc)
            else:
                html = document_html(doc)
                content = html.encode("utf-8") if fmt == FileFormat.HTML else pdf_from_html(html)
        if out:
            with open(out, "wb") as file:
                file.write(content)
            return
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
