"""Drafts on the 5th working day (docs/rules/board_report.md §2, Schedule): every live trust's
draft of last month made once, never twice, its authors told once through the notifier."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from perinatal.core.scheduler import check_daily_jobs, daily_jobs
from perinatal.reports.models import AuthorNotice, BoardReport
from perinatal.reports.services.schedule import generate_scheduled_drafts, live_trusts

pytestmark = pytest.mark.django_db


def test_drafts_are_made_once_on_the_fifth_working_day(settings):
    settings.PERINATAL_NOW = "2026-11-05T06:00"  # the 4th working day of November
    assert generate_scheduled_drafts().created == ()
    assert not BoardReport.objects.exists()

    settings.PERINATAL_NOW = "2026-11-06T06:00"  # the 5th
    trusts = {trust.code for trust in live_trusts()}
    assert "R0A" in trusts
    outcome = generate_scheduled_drafts()
    assert str(outcome.month) == "2026-10" and set(outcome.created) == trusts
    assert BoardReport.objects.filter(month=date(2026, 10, 1)).count() == len(trusts)
    told = [message for message in mail.outbox if "hom.r0a@perinatal.example" in message.to]
    assert len(told) == 1 and "draft ready" in told[0].subject
    assert "/board-reports/R0A/2026-10/" in told[0].body

    # Again the same day, and on a later day of the month: nothing more.
    sent_before = len(mail.outbox)
    assert generate_scheduled_drafts().created == ()
    settings.PERINATAL_NOW = "2026-11-20T06:00"
    assert generate_scheduled_drafts().created == ()
    assert len(mail.outbox) == sent_before
    assert BoardReport.objects.filter(month=date(2026, 10, 1)).count() == len(trusts)
    assert AuthorNotice.objects.get(report__trust__code="R0A").status == AuthorNotice.Status.SENT
    # A live trust with no Head of Midwifery on the platform yet: its notice waits to be tried again.
    waiting = AuthorNotice.objects.exclude(status=AuthorNotice.Status.SENT).first()
    assert waiting is None or "no Head or Director of Midwifery" in waiting.last_error


def test_the_daily_job_is_configured():
    assert "board-report-drafts" in {job.name for job in daily_jobs()}
    assert check_daily_jobs() == []
