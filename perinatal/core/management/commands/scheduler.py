"""perinatal scheduler [--once] [--interval SECONDS]

Queue the daily jobs (``PERINATAL_DAILY_JOBS`` in settings: nightly MOSS) when they fall
due; the background worker (``perinatal db_worker``) runs them. ``make run`` starts it
beside the worker; in production run one or more (claims are unique, so more than one is
safe). ``--once`` checks once and exits, for a host that prefers cron. Each pass also ends the
tasks lost with a killed worker and hands their work back (perinatal.core.task_recovery).

It must outlive a database restart or a busy database: each pass starts with fresh
connections, and an error in one pass is logged and the next pass tries again.
"""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from perinatal.core import clock
from perinatal.core.formatting import date_and_time, long_date, time_of_day
from perinatal.core.scheduler import check_daily_jobs, daily_jobs, queue_due_jobs
from perinatal.core.task_recovery import recover_lost_work

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Queue each daily job (nightly MOSS) once when it falls due; --once checks once and exits."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once, queue what is due, and exit")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between checks (default 60)")

    def handle(self, *args, once, interval, **options):
        problems = check_daily_jobs()
        if problems:
            raise CommandError("; ".join(problems))
        jobs = daily_jobs()
        for job in jobs:
            self.stdout.write(
                f"{job.name}: daily at {time_of_day(job.at)} Europe/London, next "
                f"{date_and_time(job.next_after(clock.now()))}. {job.description}"
            )
        # SIGTERM (a supervisor, or `make run` stopping) ends the wait at once, not after it.
        stopping = threading.Event()
        if not once:
            signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        while True:
            if not once:  # a long-running process: never carry a dead connection into a pass
                close_old_connections()
            try:
                # Work lost with a killed worker first: a lost MOSS run is queued again at once.
                for lost in recover_lost_work():
                    self.stdout.write(f"Task {lost.id} ({lost.task_path}) was lost with its worker: ended as failed.")
                for queued in queue_due_jobs(jobs=jobs):
                    self.stdout.write(f"Queued {queued.job.name} for {long_date(queued.run.occurrence)}.")
            except Exception:  # noqa: BLE001 - e.g. the database is restarting: try again next pass
                if once:
                    raise
                logger.exception("Scheduler pass failed; trying again in %s s", interval)
            finally:
                if not once:
                    close_old_connections()
            if once or stopping.is_set():
                return
            try:
                if stopping.wait(interval):
                    return
            except KeyboardInterrupt:
                return
