"""perinatal scheduler [--once] [--interval SECONDS]

Queue the daily jobs (``PERINATAL_DAILY_JOBS`` in settings: nightly MOSS) when they fall
due; the background worker (``perinatal db_worker``) runs them. ``make run`` starts it
beside the worker; in production run one or more (claims are unique, so more than one is
safe). ``--once`` checks once and exits, for a host that prefers cron.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from perinatal.core import clock
from perinatal.core.scheduler import daily_jobs, queue_due_jobs


class Command(BaseCommand):
    help = "Queue each daily job (nightly MOSS) once when it falls due; --once checks once and exits."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once, queue what is due, and exit")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between checks (default 60)")

    def handle(self, *args, once, interval, **options):
        jobs = daily_jobs()
        for job in jobs:
            self.stdout.write(f"{job.name}: daily at {job.at:%H:%M} Europe/London, next "
                              f"{job.next_after(clock.now()):%-d %B %Y %H:%M}. {job.description}")
        stopping = []
        if not once:
            signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while True:
            for queued in queue_due_jobs(jobs=jobs):
                self.stdout.write(f"Queued {queued.job.name} for {queued.run.occurrence:%-d %B %Y}.")
            if once or stopping:
                return
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return
            if stopping:
                return
