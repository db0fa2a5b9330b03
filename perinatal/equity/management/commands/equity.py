"""perinatal equity --from DATE --to DATE [--level L] [--metric ID]
[--by ethnic_group|imd_quintile|ethnic_group,imd_quintile] [--public] [--format csv|json]:
print the breakdowns of docs/rules/equity.md §1.

Defaults (docs/rules/equity.md §1): `--by ethnic_group`, every level, every metric broken down
(stillbirth_rate, neonatal_mortality_rate, pph_1500_rate), CSV. One row per organisation and
group for `[from, to]`, then the total row. --public applies docs/rules/equity.md §2. The CSV
columns are exactly docs/rules/equity.md §1's.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from perinatal.dashboard.engine import UnknownMetric
from perinatal.dashboard.engine.compute import default_stillbirth_denominator
from perinatal.dashboard.exports import write_csv
from perinatal.dashboard.metrics.rows import ORG_LEVELS
from perinatal.equity.breakdowns.groups import checked_by
from perinatal.equity.breakdowns.rows import BY_CHOICES, METRIC_IDS
from perinatal.equity.exports import equity_rows_document, equity_table
from perinatal.equity.selectors import equity_rows

BY_TEXT = tuple(",".join(choice) for choice in BY_CHOICES)


def _date(text: str, argument: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{argument} '{text}' is not a date: use YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Print outcomes by ethnic group and deprivation (docs/rules/equity.md §1) for a date range."

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
            help=f"metric_id (repeatable; default: every one). One of: {', '.join(METRIC_IDS)}",
        )
        parser.add_argument(
            "--by",
            default=BY_TEXT[0],
            metavar="|".join(BY_TEXT),
            help="the dimension(s) to break down by (default: ethnic_group)",
        )
        parser.add_argument("--format", dest="fmt", choices=("csv", "json"), default="csv")
        parser.add_argument(
            "--public", action="store_true", help="apply public disclosure control (docs/rules/equity.md §2)"
        )

    def handle(self, *args, date_from, date_to, level, metric, by, fmt, public, **options):
        start, end = _date(date_from, "--from"), _date(date_to, "--to")
        if end < start:
            raise CommandError(f"--to ({end}) is before --from ({start})")
        try:
            dimensions = checked_by(tuple(part.strip() for part in by.split(",") if part.strip()))
        except ValueError:
            raise CommandError(f"--by '{by}' is not a breakdown: use one of {', '.join(BY_TEXT)}") from None
        unknown = [m for m in metric or () if m not in METRIC_IDS]
        if unknown:
            raise CommandError(
                f"--metric {', '.join(unknown)} has no equity breakdown: use one of {', '.join(METRIC_IDS)}"
            )
        try:
            rows = equity_rows(
                date_from=start,
                date_to=end,
                by=dimensions,
                metric_ids=tuple(metric) if metric else None,
                levels=tuple(level) if level else ORG_LEVELS,
                public=public,
            )
        except UnknownMetric as error:
            raise CommandError(f"--metric: {error}") from None
        if fmt == "json":
            about = {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "by": list(dimensions),
                "public": public,
                "stillbirth_denominator": default_stillbirth_denominator(),
            }
            self.stdout.write(json.dumps(equity_rows_document(rows, about=about), indent=1), ending="\n")
            return
        try:
            write_csv(equity_table(rows, public=public), self.stdout, byte_order_mark=False)
        except BrokenPipeError:  # e.g. piped into `head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
