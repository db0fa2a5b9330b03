"""perinatal generate-demo-data --years N --end DATE --seed N --out DIR [--trusts CODES]

Writes the six demo CSVs (docs/rules/dashboard.md §1) with the demo data generator
(perinatal.demo.generator), reading trusts from the register's reference file. Every
argument is the generator's own (`--help` lists them); `--end` defaults to the last day of
the previous month by the service clock.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from perinatal.core import clock
from perinatal.demo.generator import main as generator_main
from perinatal.organisations.sites import trust_reference_rows


def generate(argv: list[str]) -> int:
    return generator_main(argv, today=clock.today(), trusts_rows=trust_reference_rows())


class Command(BaseCommand):
    help = "Write synthetic national demo data: the six dashboard CSV files."

    def run_from_argv(self, argv):
        # The generator parses its own arguments (and prints its own --help).
        sys.exit(generate(list(argv[2:])))

    def add_arguments(self, parser):
        parser.add_argument("--argv", nargs="*", default=[], help="the generator's arguments (call_command)")

    def handle(self, *args, argv, **options):
        status = generate(list(argv))
        if status:
            raise CommandError(f"the generator stopped with status {status}")
