"""perinatal moss --events FILE --births FILE --reference-rates FILE [--sites FILE] [--format csv|json]

MOSS on NHS England's input files (docs/rules/surveillance.md §1.6): one row per site and evaluated
month, ``site_code, month, events, expected, k, h1, h2, cusum, level, reset``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from perinatal.surveillance.analyst_files import moss_from_files
from perinatal.surveillance.management.commands._analyst import add_format_argument, run_analyst


class Command(BaseCommand):
    help = (
        "Run the MOSS Poisson CUSUM (method nhse-2026-04) on NHS England's MOSS files and print one "
        "row per site and evaluated month. A malformed file is refused with its line named."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--events",
            required=True,
            metavar="FILE",
            help="events: ods_code, Site_Code, Site_Name, Trust_Name, test_date, year_month, event_count, outcome",
        )
        parser.add_argument(
            "--births",
            required=True,
            metavar="FILE",
            help="denominators: Site_Code, Period, Term_Births, Term_Live_Births, Year",
        )
        parser.add_argument(
            "--reference-rates",
            required=True,
            metavar="FILE",
            help="reference rates: [Site_Code,] Year (YYYY-YYYY), Events, Denom, Ref_Rate, Source",
        )
        parser.add_argument(
            "--sites", metavar="FILE", help="optional names: Site_Code, Site_Name, Trust_Code, Trust_Name"
        )
        add_format_argument(parser)

    def handle(self, *args, events, births, reference_rates, sites, format, **options):
        run_analyst(
            self,
            lambda: moss_from_files(
                events_path=events,
                births_path=births,
                reference_rates_path=reference_rates,
                sites_path=sites,
            ),
            output_format=format,
        )
