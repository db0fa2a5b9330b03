"""perinatal import DATASET FILE [--quintiles-least-deprived-first]: check a dataset file whole
and load it (docs/rules/dashboard.md §1). The flag says a births file numbers imd_quintile least
deprived first, so that it is stored reversed (docs/rules/equity.md §1).

Exit status 0 when loaded; 1 when refused (every error printed as "line N, column C:
reason", or "column C: reason" for the file as a whole, the first 100, then how many more);
2 for a bad command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from perinatal.core.checks import AllButUrlChecks
from perinatal.dashboard.datasets.deprivation import LEAST_DEPRIVED_FIRST, MOST_DEPRIVED_FIRST
from perinatal.dashboard.datasets.schema import DATASET_NAMES
from perinatal.dashboard.imports.staging import PHASE_CHECKING, ImportProgress
from perinatal.dashboard.models import Upload
from perinatal.dashboard.services import import_dataset

EXIT_REFUSED = 1


class Command(AllButUrlChecks, BaseCommand):
    help = "Check a dashboard dataset file (units, births, neonatal_care, unit_status, inductions, survey) and load it."

    def add_arguments(self, parser):
        parser.add_argument("dataset", choices=DATASET_NAMES, help="the dataset: the file name without .csv")
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, header row)")
        parser.add_argument("--progress", action="store_true", help="print progress while checking and loading")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="check a big births, neonatal_care or inductions file in this many processes",
        )
        parser.add_argument(
            "--quintiles-least-deprived-first",
            action="store_true",
            help=(
                "births: the file numbers imd_quintile 1 = least deprived (as the National Maternity and "
                "Perinatal Audit does); they are stored reversed, 1 = most deprived"
            ),
        )

    def handle(self, *args, dataset: str, file: Path, progress: bool, workers: int, **options):
        reversed_quintiles = options["quintiles_least_deprived_first"]
        if reversed_quintiles and dataset != "births":
            raise CommandError("--quintiles-least-deprived-first is only for births files")
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        if workers < 1:
            raise CommandError("--workers must be 1 or more")
        upload = import_dataset(
            dataset=dataset,
            path=file,
            source=Upload.Source.COMMAND,
            progress=self._printer() if progress else None,
            workers=workers,
            quintile_order=LEAST_DEPRIVED_FIRST if reversed_quintiles else MOST_DEPRIVED_FIRST,
        )
        for note in upload.notes:
            self.stdout.write(f"note: {_note_text(note)}")
        if upload.status == Upload.Status.LOADED:
            self.stdout.write(
                f"{dataset}: loaded {upload.rows} rows from {file.name} ({upload.rows_added} added, "
                f"{upload.rows_replaced} replaced), upload {upload.pk}"
            )
            return
        self.stderr.write(
            f"{dataset}: {file.name} was refused, nothing from it was kept: {upload.error_count} error(s)"
        )
        for error in upload.errors:
            where = [f"line {error['line']}"] if error["line"] is not None else []
            where += [f"column {error['column']}"] if error["column"] else []
            self.stderr.write(f"  {', '.join(where) or 'the file'}: {error['message']}")
        if upload.error_count > len(upload.errors):
            self.stderr.write(f"  … and {upload.error_count - len(upload.errors)} more error(s)")
        sys.exit(EXIT_REFUSED)

    def _printer(self):
        shown: set[tuple[str, int]] = set()

        def report(update: ImportProgress) -> None:
            percent = int(update.fraction * 100)
            if (update.phase, percent // 10) not in shown:
                shown.add((update.phase, percent // 10))
                verb = "checked" if update.phase == PHASE_CHECKING else "loaded"
                self.stdout.write(f"  {percent}% {verb} ({update.rows_done} rows)")

        return report


def _note_text(note: dict) -> str:
    lines = note.get("lines") or []
    if not lines:
        return note["message"]
    more = ", …" if note["count"] > len(lines) else ""
    label = "line" if len(lines) == 1 and not more else "lines"
    return f"{note['message']} ({label} {', '.join(str(n) for n in lines)}{more})"
