"""perinatal funnel FILE [--type proportion|ratio] [--overdispersion] [--target X] [--format csv|json]

A funnel plot of a ``group,numerator,denominator`` file (docs/rules/surveillance.md §3): one row per
group, ``group, numerator, denominator, value, lower_95, upper_95, lower_998, upper_998,
outlier_95, outlier_998``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from perinatal.stats.funnel import FUNNEL_KINDS, FUNNEL_PROPORTION
from perinatal.surveillance.analyst_files import funnel_from_file
from perinatal.surveillance.management.commands._analyst import add_format_argument, run_analyst


class Command(BaseCommand):
    help = "Print funnel-plot limits and outliers for a group,numerator,denominator CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="CSV with columns group, numerator, denominator")
        parser.add_argument(
            "--type",
            choices=FUNNEL_KINDS,
            default=FUNNEL_PROPORTION,
            dest="funnel_type",
            help="proportion (default; exact binomial limits) or ratio (observed/expected; exact Poisson)",
        )
        parser.add_argument(
            "--overdispersion",
            action="store_true",
            help="widen the limits for between-group variation (Spiegelhalter 2005)",
        )
        parser.add_argument(
            "--target", type=float, help="target (default: the pooled value for proportions, 1 for ratios)"
        )
        add_format_argument(parser)

    def handle(self, *args, file, funnel_type, overdispersion, target, format, **options):
        run_analyst(
            self,
            lambda: funnel_from_file(path=file, funnel_type=funnel_type, overdispersion=overdispersion, target=target),
            output_format=format,
        )
