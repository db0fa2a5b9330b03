"""The scheduler service: queue each daily job's due occurrence exactly once.

The rule of when a job is due lives in :mod:`perinatal.core.schedule`; this module claims
the occurrence in the database and queues the task in the same transaction, so a claim
never exists without its task, nor a task without its claim.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from perinatal.core import clock
from perinatal.core.models import ScheduledJobRun
from perinatal.core.schedule import DailyJob, parse_jobs

logger = logging.getLogger(__name__)


def daily_jobs() -> tuple[DailyJob, ...]:
    return parse_jobs(getattr(settings, "PERINATAL_DAILY_JOBS", []))


@dataclass(frozen=True)
class Queued:
    job: DailyJob
    run: ScheduledJobRun


def queue_due_jobs(*, jobs: tuple[DailyJob, ...] | None = None) -> list[Queued]:
    """Queue every job whose latest occurrence has not been queued yet; return them."""
    now = clock.now()
    queued = []
    for job in daily_jobs() if jobs is None else jobs:
        occurrence = job.latest_occurrence(now)
        if ScheduledJobRun.objects.filter(job=job.name, occurrence=occurrence).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledJobRun.objects.create(job=job.name, occurrence=occurrence, queued_at=now,
                                                     queued_by=f"{socket.gethostname()}:{os.getpid()}")
                result = import_string(job.task).enqueue(**job.kwargs)
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler claimed it between our check and our insert
        logger.info("Queued daily job %s for %s (task %s)", job.name, occurrence, run.task_id)
        queued.append(Queued(job, run))
    return queued
