"""perinatal improvement import --cases FILE [--meetings FILE] [--escalations FILE] [--by EMAIL]
perinatal improvement export --as-of DATE [--format csv|json]

Moving cases from the previous programme (docs/rules/improvement.md §3). ``import`` checks the
files as a set and whole against the organisation register: every problem is printed with its
file, line and column, and nothing is stored from a set with a problem (exit status 1). A good
set is stored in one transaction; a case already loaded is replaced, with its whole history, by
the one with the same ``case_id``. ``export`` prints one row per case identified by ``--as-of``,
ordered by ``case_id``, computed by the clocks of docs/rules/improvement.md §2.
"""

from __future__ import annotations

import csv
import getpass
import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from perinatal.accounts.models import User
from perinatal.improvement.selectors.listing import export_all
from perinatal.improvement.services.moved_cases import known_trust_codes, store_transfer
from perinatal.improvement.transfer import EXPORT_COLUMNS, TransferRefused, read_transfer

EXIT_REFUSED = 1
FORMAT_CSV = "csv"
FORMAT_JSON = "json"


class Command(BaseCommand):
    help = "Load cases moved from the Maternity Safety Support Programme, or export every case's clocks."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="import|export")
        load = commands.add_parser(
            "import", help="load cases (CSV files, checked whole; nothing stored from a bad set)"
        )
        load.add_argument(
            "--cases",
            required=True,
            metavar="FILE",
            help="case_id, trust_code, identified_on, concern_type, diagnostic_completed_on, plan_agreed_on, exited_on",
        )
        load.add_argument("--meetings", metavar="FILE", help="case_id, kind (executive, quarterly_review), held_on")
        load.add_argument("--escalations", metavar="FILE", help="case_id, level, escalated_on, reason, deescalated_on")
        load.add_argument("--by", metavar="EMAIL", help="the platform user loading the files (recorded with them)")
        export = commands.add_parser("export", help="one row per case, as of a day")
        export.add_argument(
            "--as-of", required=True, metavar="DATE", help="the day the clocks are read on (YYYY-MM-DD)"
        )
        export.add_argument(
            "--format", choices=(FORMAT_CSV, FORMAT_JSON), default=FORMAT_CSV, help="csv (default) or json"
        )

    def handle(self, *args, action: str, **options):
        if action == "import":
            self._import(options)
        else:
            self._export(options)

    def _import(self, options) -> None:
        user = None
        if options["by"]:
            user = User.objects.filter(email__iexact=options["by"].strip(), is_active=True).first()
            if user is None:
                raise CommandError(f"--by: no active user has the email address {options['by']}")
        try:
            transfer = read_transfer(
                cases=options["cases"],
                meetings=options["meetings"],
                escalations=options["escalations"],
                known_trust_codes=known_trust_codes(),
            )
        except TransferRefused as refused:
            problems = refused.lines()
            self.stderr.write(f"refused: {len(problems)} problem(s); nothing was stored")
            for line in problems:
                self.stderr.write(f"  {line}")
            sys.exit(EXIT_REFUSED)
        stored = store_transfer(
            transfer=transfer, by=user, by_label=user.email if user else f"command line ({_os_user()})"
        )
        self.stdout.write(
            f"loaded {len(transfer.cases)} case(s) ({len(stored.added)} added, {len(stored.replaced)} replaced with "
            f"their history), {stored.meetings} meeting(s), {stored.escalations} escalation(s)"
        )

    def _export(self, options) -> None:
        try:
            as_of = date.fromisoformat(options["as_of"]) if len(options["as_of"]) == 10 else None
        except ValueError:
            as_of = None
        if as_of is None:
            raise CommandError(f"--as-of: {options['as_of']} is not a date written YYYY-MM-DD")
        rows = export_all(as_of=as_of)
        if options["format"] == FORMAT_JSON:
            self.stdout.write(json.dumps([row.as_dict() for row in rows], indent=2))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow(row.cells())


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown account"
