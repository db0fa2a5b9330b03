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
from datetime import datetime, timedelta

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


#: How late a due occurrence may be before the pages say the scheduler seems to be stopped:
#: the scheduler checks every minute, so half an hour late is not a slow check.
LATE_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class DailyJobStatus:
    job: DailyJob
    next_at: datetime
    last_queued: ScheduledJobRun | None
    missed_at: datetime | None  # when the latest due occurrence should have been queued, if it is late


def daily_job_status(name: str) -> DailyJobStatus | None:
    """Is the job running on time? A nightly run that silently stops is the failure this
    exists to show: "MOSS runs nightly" must be visibly true, not assumed."""
    job = next((job for job in daily_jobs() if job.name == name), None)
    if job is None:
        return None
    now = clock.now()
    due = job.latest_occurrence(now)
    last = ScheduledJobRun.objects.filter(job=name).order_by("-occurrence").first()
    due_at = job.scheduled_for(due)
    missed = due_at if (last is None or last.occurrence < due) and now - due_at > LATE_AFTER else None
    return DailyJobStatus(job=job, next_at=job.next_after(now), last_queued=last, missed_at=missed)
