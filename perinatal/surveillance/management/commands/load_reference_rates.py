"""perinatal load_reference_rates FILE [--by EMAIL] [--no-run]

Load NHS England's per-site MOSS reference rates (``MOSS_Ref_Rate.csv``, spec surveillance.md
docs/rules/surveillance.md §1.1 and §1.6: Site_Code, Year "YYYY-YYYY", Events, Denom, Ref_Rate, Source; a file without
Site_Code applies each row's rate to every site). MOSS then uses a loaded rate for a site-year
where there is one, and the national rate computed from the births data otherwise.

A malformed file is refused with its file, line and column named, and nothing is stored.
Loading a rate for a site and period already loaded replaces it. Afterwards a MOSS run is
queued (the worker runs it, as after a births import) so that the pages use the new rates;
``--no-run`` leaves that to the next births import or nightly run.
"""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from perinatal.accounts.models import User
from perinatal.surveillance.analyst_files import InputFileError
from perinatal.surveillance.reference_rate_presenters import loaded_words
from perinatal.surveillance.services.reference_rates import load_reference_rates
from perinatal.surveillance.tasks import enqueue_after_reference_rates


class Command(BaseCommand):
    help = "Load NHS England's MOSS reference rates (MOSS_Ref_Rate.csv): per site, or for every site."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            metavar="FILE",
            help="CSV: [Site_Code,] Year (YYYY-YYYY, the 3 years before the events), Events, Denom, Ref_Rate, Source",
        )
        parser.add_argument("--by", metavar="EMAIL", help="the platform user loading the file (recorded with it)")
        parser.add_argument("--no-run", action="store_true", help="do not queue a MOSS run afterwards")

    def handle(self, *args, file, by, no_run, **options):
        user = None
        if by:
            user = User.objects.filter(email__iexact=by.strip(), is_active=True).first()
            if user is None:
                raise CommandError(f"--by: no active user has the email address {by}")
        try:
            loaded = load_reference_rates(
                path=file, by=user, by_label=user.email if user else f"command line ({_os_user()})"
            )
        except InputFileError as error:
            raise CommandError(f"{error}; nothing was loaded") from error
        upload = loaded.upload
        self.stdout.write(
            loaded_words(
                rates_loaded=upload.rates_loaded,
                site_rates=loaded.site_rates,
                all_sites_rates=loaded.all_sites_rates,
                replaced=loaded.replaced,
                filename=upload.filename,
            )
        )
        if loaded.unknown_sites:
            shown = ", ".join(loaded.unknown_sites[:20]) + (", …" if len(loaded.unknown_sites) > 20 else "")
            self.stderr.write(
                f"warning: {len(loaded.unknown_sites)} site codes are not in the organisation register "
                f"(stored, used by no site until they are): {shown}"
            )
        if no_run:
            self.stdout.write("MOSS will use them at its next run (perinatal run-moss, a births import or nightly).")
            return

        enqueue_after_reference_rates()  # the load has committed
        self.stdout.write("A MOSS run is queued to use them.")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown account"
