"""perinatal run-moss [--trigger nightly|command] [--export-inputs DIR]

Run MOSS over the platform's births data now: store the results, record new signals, open
critical safety checks and tell the trusts' contacts (docs/rules/surveillance.md §1.4).

Nightly runs need nothing from the host: ``perinatal scheduler`` (started by ``make run``,
and one per deployment in production) queues the same run as a background task every night
at 02:15 Europe/London. A host that prefers cron may instead call, e.g.

    15 2 * * *  cd /srv/perinatal && DATABASE_URL=... .venv/bin/perinatal run-moss --trigger nightly

A run that finds the data unchanged since the last one records itself and changes nothing else.

``--export-inputs DIR`` also writes the counts the run read as NHS England's MOSS input files
(events.csv, births.csv, reference_rates.csv, sites.csv), so that an analyst can run
``perinatal moss`` on them and get the very numbers the pages show.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand

from perinatal.core import clock
from perinatal.core.formatting import long_date
from perinatal.core.scheduler import claim_occurrence, daily_jobs
from perinatal.surveillance.calculation import write_input_files
from perinatal.surveillance.models import MossRun
from perinatal.surveillance.selectors.births import term_monthly_counts
from perinatal.surveillance.selectors.sites import site_names_for_export
from perinatal.surveillance.services.runs import current_calculation, record_moss_run
from perinatal.surveillance.tasks import NIGHTLY_JOB

TRIGGERS = (MossRun.Trigger.NIGHTLY.value, MossRun.Trigger.COMMAND.value)


class Command(BaseCommand):
    help = "Run MOSS over the births data now: results, signals, safety checks and contacts told."

    def add_arguments(self, parser):
        parser.add_argument(
            "--trigger",
            choices=TRIGGERS,
            default=MossRun.Trigger.COMMAND.value,
            help="what started the run, recorded with it (default command; cron uses nightly)",
        )
        parser.add_argument(
            "--export-inputs",
            type=Path,
            metavar="DIR",
            help="also write the run's inputs as NHS England's MOSS files into DIR",
        )

    def handle(self, *args, trigger, export_inputs, **options):
        if trigger == MossRun.Trigger.NIGHTLY.value and not self._claim_tonight():
            return
        outcome = record_moss_run(trigger=trigger)
        run = outcome.run
        if not run.results_stored:
            self.stdout.write(f"MOSS run {run.pk}: the births data is unchanged since the last run; its results stand.")
        else:
            self.stdout.write(
                f"MOSS run {run.pk} ({run.method}): {run.sites_monitored} sites, {run.site_months} site-months, "
                f"{run.new_signals} new signals, {run.withdrawn_signals} withdrawn, "
                f"{run.checks_opened} critical safety checks opened."
            )
        if run.skipped:
            reasons = Counter(skipped["reason"].replace("_", " ") for skipped in run.skipped)
            self.stderr.write(
                f"note: {len(run.skipped)} site-years not monitored ("
                + ", ".join(f"{reason}: {count}" for reason, count in sorted(reasons.items()))
                + "); -v 2 lists them"
            )
            if options["verbosity"] >= 2:
                for skipped in run.skipped:
                    self.stderr.write(f"note: site {skipped['site_code']}, {skipped['year']}: {skipped['message']}")
        if export_inputs is not None:
            counts = term_monthly_counts()
            paths = write_input_files(
                directory=export_inputs,
                counts=counts,
                reference_rates=current_calculation(counts=counts).reference_rates,
                sites=site_names_for_export(clock.today()),
            )
            self.stdout.write("MOSS input files: " + ", ".join(str(path) for path in paths.values()))

    def _claim_tonight(self) -> bool:
        """From cron: claim the night's occurrence as the scheduler would, so that the two
        never both run it and the signals page knows the night's run happened."""
        job = next((job for job in daily_jobs() if job.name == NIGHTLY_JOB), None)
        if job is None:
            return True  # no nightly job configured: nothing to agree with
        occurrence = job.latest_occurrence(clock.now())
        if claim_occurrence(job=job, occurrence=occurrence, by="perinatal run-moss --trigger nightly") is None:
            self.stdout.write(f"The nightly MOSS run for {long_date(occurrence)} was already queued; nothing to do.")
            return False
        return True
