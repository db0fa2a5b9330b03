"""The scheduler service: queue each daily job's due occurrence exactly once, and say
whether the latest occurrence really ran.

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
    """The configured jobs; raises ValueError naming a malformed one (see ``check_daily_jobs``)."""
    return parse_jobs(getattr(settings, "PERINATAL_DAILY_JOBS", []))


def check_daily_jobs() -> list[str]:
    """Problems with the configuration, for the system check and the scheduler's start:
    a bad time or task path must stop a deploy, not the first night."""
    try:
        jobs = daily_jobs()
    except ValueError as error:
        return [str(error)]
    problems = []
    for job in jobs:
        try:
            task = import_string(job.task)
        except ImportError:
            problems.append(f"daily job {job.name}: no task {job.task!r}")
            continue
        if not hasattr(task, "enqueue"):
            problems.append(f"daily job {job.name}: {job.task!r} is not a django-tasks task")
    return problems


@dataclass(frozen=True)
class Queued:
    job: DailyJob
    run: ScheduledJobRun


def claim_occurrence(*, job: DailyJob, occurrence, by: str) -> ScheduledJobRun | None:
    """Claim one occurrence (without queueing: a command that runs the job itself, e.g.
    ``run-moss --trigger nightly`` from cron); None if someone else already has it."""
    try:
        with transaction.atomic():
            return ScheduledJobRun.objects.create(
                job=job.name, occurrence=occurrence, queued_at=clock.now(), queued_by=by
            )
    except IntegrityError:
        return None


def _queue(job: DailyJob, occurrence) -> ScheduledJobRun | None:
    try:
        with transaction.atomic():
            run = ScheduledJobRun.objects.create(
                job=job.name,
                occurrence=occurrence,
                queued_at=clock.now(),
                queued_by=f"{socket.gethostname()}:{os.getpid()}",
            )
            result = import_string(job.task).enqueue(**job.kwargs)
            run.task_id = str(result.id)
            run.save(update_fields=["task_id"])
            return run
    except IntegrityError:
        return None  # another scheduler claimed it between our check and our insert


def queue_due_jobs(*, jobs: tuple[DailyJob, ...] | None = None) -> list[Queued]:
    """Queue every job whose latest occurrence has not been queued yet; return them.

    One job's failure (a database error, a task that will not queue) is logged and does not
    stop the others; the next pass tries it again.
    """
    now = clock.now()
    queued = []
    for job in daily_jobs() if jobs is None else jobs:
        occurrence = job.latest_occurrence(now)
        try:
            if ScheduledJobRun.objects.filter(job=job.name, occurrence=occurrence).exists():
                continue
            run = _queue(job, occurrence)
        except Exception:  # noqa: BLE001 - logged; the scheduler must outlive any one job's error
            logger.exception("Could not queue daily job %s for %s; will try again", job.name, occurrence)
            continue
        if run is not None:
            logger.info("Queued daily job %s for %s (task %s)", job.name, occurrence, run.task_id)
            queued.append(Queued(job, run))
    return queued


NOT_QUEUED = "has not started"

#: How late a due occurrence may be before the pages say so: the scheduler checks every
#: minute and a MOSS run takes seconds, so half an hour late is not a slow check.
LATE_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class DailyJobStatus:
    job: DailyJob
    next_at: datetime
    last_queued: ScheduledJobRun | None
    due_at: datetime
    problem: str | None  # plain words when the latest due occurrence did not run, else None

    @property
    def never_queued(self) -> bool:
        return self.problem == NOT_QUEUED


def _task_problem(run: ScheduledJobRun, now: datetime) -> str | None:
    """Queued is not done: a stopped worker or a failed task must show too."""
    if not run.task_id:
        return None  # claimed by a command that ran the job itself (cron)
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.filter(id=run.task_id).only("status").first()
    if task is None:
        return None  # results pruned: nothing to say
    if task.status == TaskResultStatus.FAILED:
        return "failed"
    if task.status == TaskResultStatus.READY and now - run.queued_at > LATE_AFTER:
        return "is still waiting for the background worker, which may have stopped"
    return None


def daily_job_status(name: str) -> DailyJobStatus | None:
    """Did the job's latest due occurrence run? A nightly run that silently stops is the
    failure this exists to show: "MOSS runs nightly" must be visibly true, not assumed."""
    try:
        job = next((job for job in daily_jobs() if job.name == name), None)
    except ValueError:
        logger.error("PERINATAL_DAILY_JOBS is malformed; `perinatal check` names the problem")
        return None
    if job is None:
        return None
    now = clock.now()
    due = job.latest_occurrence(now)
    due_at = job.scheduled_for(due)
    last = ScheduledJobRun.objects.filter(job=name).order_by("-occurrence").first()
    if last is None or last.occurrence < due:
        problem = NOT_QUEUED if now - due_at > LATE_AFTER else None
    else:
        problem = _task_problem(last, now)
    return DailyJobStatus(job=job, next_at=job.next_after(now), last_queued=last, due_at=due_at, problem=problem)
