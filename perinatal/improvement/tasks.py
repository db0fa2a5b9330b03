"""The daily clock-turn job (django-tasks; queued by ``perinatal scheduler`` as the
``improvement-clocks`` job of ``PERINATAL_DAILY_JOBS``, docs/rules/improvement.md §2)."""

from __future__ import annotations

from django_tasks import task

from perinatal.improvement.services.clock_notices import notify_clock_turns

#: The name of the daily job in settings.PERINATAL_DAILY_JOBS.
DAILY_JOB = "improvement-clocks"


@task()
def clock_turns_task() -> dict:
    """Tell the regional and national teams of each clock that turned since the last run."""
    outcome = notify_clock_turns()
    return {"days": [day.isoformat() for day in outcome.days], "stored": outcome.stored, "sent": outcome.sent}
