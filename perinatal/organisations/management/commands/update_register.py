"""perinatal update-register --etr FILE --effective DATE: apply a newer ODS etr extract."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from perinatal.organisations.etr import EtrFileInvalid
from perinatal.organisations.register import parse_iso_date, update_register_from_etr


class Command(BaseCommand):
    help = "Update the register from a newer etr.csv (renames, closures, new trusts, ICB moves), keeping history."

    def add_arguments(self, parser):
        parser.add_argument("--etr", required=True, help="path of the etr.csv extract")
        parser.add_argument("--effective", required=True, help="date the extract comes into force, YYYY-MM-DD")
        parser.add_argument("--source", default=None, help="how to name this update in the history")

    def handle(self, *args, etr: str, effective: str, source: str | None, **options):
        path = Path(etr)
        if not path.is_file():
            raise CommandError(f"--etr: no file at {path}")
        try:
            effective_on = parse_iso_date(effective)
        except ValueError:
            raise CommandError(f"--effective: '{effective}' is not a date in the form YYYY-MM-DD") from None
        try:
            update = update_register_from_etr(
                path=path, effective_on=effective_on, source=source or f"{path.name} ({effective})"
            )
        except EtrFileInvalid as invalid:
            lines = "\n".join(f"  {problem}" for problem in invalid.problems[:100])
            more = len(invalid.problems) - 100
            raise CommandError(
                f"{path.name} was refused; nothing was changed:\n{lines}"
                + (f"\n  … and {more} more" if more > 0 else "")
            ) from None
        for label, codes in (
            ("new trusts", update.new_trusts),
            ("renamed", update.renamed),
            ("closed", update.closed),
            ("reopened", update.reopened),
            ("ICB moves", update.icb_moves),
            ("new ICB codes", update.new_icbs),
        ):
            self.stdout.write(f"{label}: {len(codes)}" + (f" ({', '.join(codes[:20])})" if codes else ""))
        if not update.changed:
            self.stdout.write("The register already matched this extract.")
