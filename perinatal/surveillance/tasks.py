"""Background MOSS runs (django-tasks, database backend; the worker is `perinatal db_worker`).

MOSS runs after every births import (the dashboard's after-import hook enqueues
:data:`run_moss_task`) and nightly: django-tasks has no scheduler, so ``perinatal scheduler``
(started by ``make run``; see :mod:`perinatal.core.schedule`) queues this task once a night,
as the ``moss-nightly`` job of ``PERINATAL_DAILY_JOBS``.
"""

from __future__ import annotations

from django_tasks import task

from perinatal.surveillance.models import MossRun
from perinatal.surveillance.services.runs import record_moss_run

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
