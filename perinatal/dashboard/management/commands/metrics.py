"""perinatal metrics --from DATE --to DATE [--level L] [--metric ID] [--format csv|json]
[--public] [--by month|quarter]: print the rows of docs/rules/dashboard.md §4.

Defaults (docs/rules/dashboard.md §4): every level, every metric and sub-measure, CSV. Operational metrics give the
whole fortnights ending on --to, --to − 14, …; outcome and survey metrics one row per
organisation for the range, or per month / quarter with --by. --public applies public
disclosure control (docs/rules/equity.md §2). CSV has the docs/rules/dashboard.md §4 columns then `provisional`.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from perinatal.dashboard.engine import MetricRequest, UnknownMetric, compute_rows
from perinatal.dashboard.exports import metric_rows_document, metric_rows_table, write_csv
from perinatal.dashboard.metrics.definitions import METRIC_IDS, STILLBIRTH_DENOMINATORS
from perinatal.dashboard.metrics.periods import SPLITS
from perinatal.dashboard.metrics.rows import ORG_LEVELS


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date: use YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Print the dashboard's metric rows (docs/rules/dashboard.md §4) for a date range."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument(
            "--level", action="append", choices=ORG_LEVELS, help="organisation level (repeatable; default: every level)"
        )
        parser.add_argument(
            "--metric",
            action="append",
            metavar="ID",
            help=f"metric_id (repeatable; default: every metric). One of: {', '.join(METRIC_IDS)}",
        )
        parser.add_argument("--format", dest="fmt", choices=("csv", "json"), default="csv")
        parser.add_argument(
            "--public", action="store_true", help="apply public disclosure control (docs/rules/equity.md §2)"
        )
        parser.add_argument("--by", choices=SPLITS, help="split outcome and survey metrics by month or quarter")
        parser.add_argument(
            "--stillbirth-denominator",
            choices=STILLBIRTH_DENOMINATORS,
            help="total_births (MBRRACE-UK, the default setting) or live_births",
        )

    def handle(self, *args, date_from, date_to, level, metric, fmt, public, by, stillbirth_denominator, **options):
        start, end = _date(date_from), _date(date_to)
        if end < start:
            raise CommandError(f"--to ({end}) is before --from ({start})")
        request = MetricRequest(
            date_from=start,
            date_to=end,
            metric_ids=tuple(metric) if metric else None,
            levels=tuple(level) if level else ORG_LEVELS,
            by=by,
            public=public,
            stillbirth_denominator=stillbirth_denominator,
        )
        try:
            rows = compute_rows(request)
        except UnknownMetric as error:
            raise CommandError(str(error)) from None
        denominator = request.resolved_stillbirth_denominator
        if fmt == "json":
            about = {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "by": by,
                "public": public,
                "stillbirth_denominator": denominator,
            }
            self.stdout.write(json.dumps(metric_rows_document(rows, about=about), indent=1), ending="\n")
            return
        table = metric_rows_table(rows, title="Dashboard metrics", stillbirth_denominator=denominator, public=public)
        try:
            write_csv(table, self.stdout, byte_order_mark=False)
        except BrokenPipeError:  # e.g. piped into `head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
