"""The daily board report job (django-tasks; queued by ``perinatal scheduler`` as the
``board-report-drafts`` job of ``PERINATAL_DAILY_JOBS``, docs/rules/board_report.md §2)."""

from __future__ import annotations

from django_tasks import task

from perinatal.reports.services.schedule import generate_scheduled_drafts

#: The name of the daily job in settings.PERINATAL_DAILY_JOBS.
DAILY_JOB = "board-report-drafts"


@task()
def board_report_drafts_task() -> dict:
    """Drafts of last month for every live trust, from the 5th working day; authors told."""
    outcome = generate_scheduled_drafts()
    return {
        "month": str(outcome.month) if outcome.month else None,
        "created": list(outcome.created),
        "notices_sent": outcome.notices_sent,
    }
