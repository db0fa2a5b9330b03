"""Background MOSS runs (django-tasks, database backend; the worker is `perinatal db_worker`).

MOSS runs after every births import (the dashboard's after-import hook enqueues
:data:`run_moss_task`) and nightly: django-tasks has no scheduler, so ``perinatal scheduler``
(started by ``make run``; see :mod:`perinatal.core.schedule`) queues this task once a night,
as the ``moss-nightly`` job of ``PERINATAL_DAILY_JOBS``.

A queued run must not be lost with a killed worker: the scheduler's pass queues again a run
whose worker died (``moss_run_lost_with_worker``), and queues one when reference rates changed
after the latest run and no run is waiting to use them (``queue_run_for_changed_rates``), so
signals never keep using withdrawn rates until the night (perinatal.core.task_recovery).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from perinatal.surveillance.models import MossRun
from perinatal.surveillance.selectors.reference_rates import rates_changed_since
from perinatal.surveillance.selectors.runs import latest_run
from perinatal.surveillance.services.runs import record_moss_run

logger = logging.getLogger(__name__)

#: The name of the nightly MOSS job in settings.PERINATAL_DAILY_JOBS.
NIGHTLY_JOB = "moss-nightly"


@task()
def run_moss_task(trigger: str = MossRun.Trigger.NIGHTLY.value) -> dict:
    """Run MOSS over the births data; returns a summary for the task's result."""

    outcome = record_moss_run(trigger=trigger)
    run = outcome.run
    return {
        "run": run.pk,
        "results_stored": run.results_stored,
        "sites_monitored": run.sites_monitored,
        "new_signals": run.new_signals,
        "withdrawn_signals": run.withdrawn_signals,
        "checks_opened": run.checks_opened,
    }


def enqueue_after_births_import(upload) -> None:
    """The after-births-import hook (registered in apps.py): queue a MOSS run.

    The dashboard calls it once the load has committed; the worker runs MOSS in the
    background, so an upload never waits for it.
    """
    run_moss_task.enqueue(trigger=MossRun.Trigger.BIRTHS_IMPORT.value)


def enqueue_after_reference_rates(*, withdrawn: bool = False) -> None:
    """Queue a MOSS run once loaded reference rates have changed (loaded, or withdrawn).

    Called by ``perinatal load_reference_rates`` and the reference rates page after the change
    has committed, so that the pages use the rates in force (new thresholds may raise or
    withdraw signals, exactly as a data revision does).
    """
    trigger = MossRun.Trigger.REFERENCE_WITHDRAWN if withdrawn else MossRun.Trigger.REFERENCE_RATES
    run_moss_task.enqueue(trigger=trigger.value)


#: A run that keeps failing is not queued again more than this often an hour (the page shows
#: the rates are not in use yet, and the failed tasks are in the task table).
MAX_FAILED_RUNS_AN_HOUR = 3


def moss_run_lost_with_worker(trigger: str = MossRun.Trigger.NIGHTLY.value) -> None:
    """A MOSS run's worker died (core.task_recovery.on_lost): queue the same run again."""
    run_moss_task.enqueue(trigger=trigger)


def queue_run_for_changed_rates() -> bool:
    """A scheduler sweep: reference rates changed after the latest run and no run is queued or
    running to use them (its task was lost, or failed): queue one. True when it queued."""
    if not rates_changed_since(latest_run()):
        return False
    tasks = DBTaskResult.objects.filter(task_path=run_moss_task.module_path)
    if tasks.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists():
        return False
    # Real time, like the task table's own times.
    failed = tasks.filter(status=TaskResultStatus.FAILED, finished_at__gte=timezone.now() - timedelta(hours=1))
    if failed.count() >= MAX_FAILED_RUNS_AN_HOUR:
        logger.error("MOSS runs keep failing: the changed reference rates are not in use yet")
        return False
    run_moss_task.enqueue(trigger=MossRun.Trigger.REFERENCE_RATES.value)
    logger.info("Queued a MOSS run: reference rates changed after the latest run")
    return True
