"""perinatal equity-programme plan --start DATE [--months 18] [--format csv|json]: the programme
team's view of the current plan (docs/rules/equity.md §3).

One row per site with an obstetric unit open today (the service clock), ordered by region then
site: ``site_code, trust_code, region_code, intake, intake_start, status``. ``intake`` is the
intake's number; ``status`` is defined in :mod:`perinatal.equity.programme.rules`.

``--start`` is the programme's start date, as the programme team set it on the programme's page
(a different date is refused, naming the one set). Before a programme is set every site is
``not_allocated``. ``--months`` (1 to 18, default 18) is the window counted from ``--start``: a
site whose intake starts after it is shown ``not_allocated``, and the intake is named on
standard error, so the team can see which sites the first N months reach.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from perinatal.core import clock
from perinatal.core.formatting import long_date
from perinatal.dashboard.exports import write_csv
from perinatal.equity.programme import rules
from perinatal.equity.programme.presenters import plan_table
from perinatal.equity.programme.selectors import PLAN_COLUMNS, current_programme, intakes_of, plan_rows


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option}: '{text}' is not a date: use YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "The equity programme's plan: one row per site with an open obstetric unit (docs/rules/equity.md §3)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="plan")
        plan = actions.add_parser("plan", help="print the current plan of intakes, one row per site")
        plan.add_argument("--start", required=True, help="the programme's start date, YYYY-MM-DD")
        plan.add_argument(
            "--months",
            type=int,
            default=rules.PROGRAMME_MONTHS,
            help=f"the window from --start within which intakes count (1 to {rules.PROGRAMME_MONTHS}; default "
            f"{rules.PROGRAMME_MONTHS})",
        )
        plan.add_argument("--format", dest="fmt", choices=("csv", "json"), default="csv")

    def handle(self, *args, action: str, start: str, months: int, fmt: str, **options):
        start_on = _date(start, "--start")
        if not 1 <= months <= rules.PROGRAMME_MONTHS:
            raise CommandError(
                f"--months must be 1 to {rules.PROGRAMME_MONTHS}: every intake starts within "
                f"{rules.PROGRAMME_MONTHS} months of the programme's start"
            )
        programme = current_programme()
        if programme is None:
            self.stderr.write("No programme is planned yet: every site is not allocated.")
        elif programme.start_on != start_on:
            raise CommandError(
                f"--start: the programme starts on {programme.start_on.isoformat()} "
                f"({long_date(programme.start_on)}), not {start_on.isoformat()}"
            )
        else:
            for intake in intakes_of(programme):
                if not rules.within_window(programme_start=start_on, intake_start=intake.start_on, months=months):
                    self.stderr.write(
                        f"Intake {intake.number} ({intake.name}) starts on {intake.start_on.isoformat()}, "
                        f"after the first {months} months: its sites are shown not_allocated."
                    )
        today = clock.today()
        rows = plan_rows(programme=programme, today=today, months=months, start=start_on)
        if fmt == "json":
            document = {
                "programme_start": start_on.isoformat(),
                "months": months,
                "on": today.isoformat(),
                "columns": list(PLAN_COLUMNS),
                "rows": [
                    {
                        **row.cells,
                        "intake_start": row.intake.start_on.isoformat() if row.intake else None,
                    }
                    for row in rows
                ],
            }
            self.stdout.write(json.dumps(document, indent=1), ending="\n")
            return
        try:
            write_csv(plan_table(rows), self.stdout, byte_order_mark=False)
        except BrokenPipeError:  # e.g. piped into `head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
