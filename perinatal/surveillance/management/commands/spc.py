"""perinatal spc FILE [--improvement increase|decrease|neutral] [--target X] [--fix-after N]
[--rebase DATE]... [--no-screen-outliers] [--format csv|json]

A Making Data Count XmR chart of a ``date,value`` file (docs/rules/surveillance.md §2): one row per
point, ``date, value, mean, lpl, upl, special_cause, point_type``; JSON adds the icons.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from perinatal.stats.spc import IMPROVEMENT_DIRECTIONS, IMPROVEMENT_INCREASE
from perinatal.surveillance.analyst_files import spc_from_file
from perinatal.surveillance.management.commands._analyst import add_format_argument, run_analyst


class Command(BaseCommand):
    help = "Print the Making Data Count XmR chart of a date,value CSV file, one row per point."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="CSV with columns date (YYYY-MM-DD), value")
        parser.add_argument(
            "--improvement",
            choices=IMPROVEMENT_DIRECTIONS,
            default=IMPROVEMENT_INCREASE,
            help="which direction is better (default increase, as NHSRplotthedots)",
        )
        parser.add_argument("--target", type=float, help="target value, for the assurance icon")
        parser.add_argument(
            "--fix-after", type=int, metavar="N", help="fix the limits on the first N points of each segment (N ≥ 12)"
        )
        parser.add_argument(
            "--rebase",
            action="append",
            default=[],
            metavar="DATE",
            help="start a new segment at the point on this date (repeatable)",
        )
        parser.add_argument(
            "--no-screen-outliers",
            action="store_true",
            help="keep moving ranges ≥ 3.267 × their mean when computing the limits",
        )
        add_format_argument(parser)

    def handle(self, *args, file, improvement, target, fix_after, rebase, no_screen_outliers, format, **options):
        run_analyst(
            self,
            lambda: spc_from_file(
                path=file,
                improvement=improvement,
                target=target,
                fix_after=fix_after,
                rebase=rebase,
                screen_outliers=not no_screen_outliers,
            ),
            output_format=format,
        )
