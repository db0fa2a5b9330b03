"""System checks: configuration that must stop a deploy (``perinatal check``, and every
management command and the server at start), not fail at 02:15 on the first night."""

from __future__ import annotations

from django.core import checks

from perinatal.core.scheduler import check_daily_jobs


@checks.register()
def daily_jobs_are_valid(app_configs, **kwargs):
    return [
        checks.Error(
            problem, hint="Fix PERINATAL_DAILY_JOBS (MOSS_NIGHTLY_AT is a time like 02:15).", id="perinatal.E001"
        )
        for problem in check_daily_jobs()
    ]
