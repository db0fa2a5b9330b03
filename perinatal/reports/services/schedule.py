"""The monthly drafts (docs/rules/board_report.md §2, Schedule): on the 5th working day of a month
the drafts of the month before are generated for every trust live on the platform, and each
trust's authors are told through the platform's notifier.

A report exists once per trust and month (the database holds it unique), so however often the
daily job runs, and however many schedulers run it, a trust's draft is made once and its
authors told once. A job that missed the 5th working day makes the drafts on the next day it
runs in that month. A notice that could not be sent is tried again the next day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.urls import reverse

from perinatal.accounts.models import Membership
from perinatal.accounts.scoping import WRITE_BOARD_REPORTS
from perinatal.core import clock
from perinatal.core.formatting import long_date, month_and_year
from perinatal.core.notify import Message, NotifierError, get_notifier, service_base_url
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import onboarding_schedule
from perinatal.reports.models import AuthorNotice, BoardReport
from perinatal.reports.rules import ReportMonth, drafts_due_on
from perinatal.reports.services.drafts import open_report

logger = logging.getLogger(__name__)
NOTICE_MAX_ATTEMPTS = 10


def month_to_draft(today: date) -> ReportMonth | None:
    """The month whose drafts are due by `today`: the month before today's, from its 5th working day."""
    month = ReportMonth.of(today).shifted(-1)
    return month if today >= drafts_due_on(month) else None


def live_trusts() -> list[Organisation]:
    return [onboarding.trust for onboarding in onboarding_schedule() if onboarding.is_live]


def author_emails(trust: Organisation) -> list[str]:
    """The trust's Heads or Directors of Midwifery and their delegates."""
    memberships = Membership.objects.active().filter(
        organisation=trust, role__in=[role.value for role in WRITE_BOARD_REPORTS], user__is_active=True
    )
    return sorted({m.user.email.lower() for m in memberships.select_related("user")})


def _notice_for(report: BoardReport, month: ReportMonth) -> AuthorNotice:
    link = service_base_url() + reverse("reports:report", kwargs={"code": report.trust.code, "month": str(month)})
    return AuthorNotice.objects.create(
        report=report,
        recipients=author_emails(report.trust),
        subject=f"Board report for {month_and_year(month.first_day)}: draft ready",
        body=(
            f"The draft maternity and neonatal safety report to the board of {report.trust.display_name} for "
            f"{month_and_year(month.first_day)} was generated on {long_date(clock.today())} "
            "from the platform's data.\n\n"
            "Complete the minimum data set and the summary, then submit it to the executive lead:\n"
            f"{link}\n"
        ),
        created_at=clock.now(),
    )


def send_pending_notices() -> int:
    """Send every notice not sent yet (and not given up on); returns how many were sent."""
    sent = 0
    notifier = None
    pending = AuthorNotice.objects.exclude(status=AuthorNotice.Status.SENT).filter(attempts__lt=NOTICE_MAX_ATTEMPTS)
    for notice in pending.select_related("report__trust"):
        notice.attempts += 1
        if not notice.recipients:
            notice.recipients = author_emails(notice.report.trust)
        try:
            if not notice.recipients:
                raise NotifierError("the trust has no Head or Director of Midwifery on the platform yet")
            notifier = notifier or get_notifier()
            notifier.send(
                Message(
                    recipients=tuple(notice.recipients),
                    subject=notice.subject,
                    body=notice.body,
                    reference=f"board-report-{notice.report_id}",
                )
            )
        except NotifierError as error:
            notice.status = AuthorNotice.Status.FAILED
            notice.last_error = str(error)[:300]
            logger.warning("Board report notice %s not sent: %s", notice.pk, error)
        else:
            notice.status = AuthorNotice.Status.SENT
            notice.sent_at = clock.now()
            notice.last_error = ""
            sent += 1
        notice.save(update_fields=["attempts", "recipients", "status", "sent_at", "last_error"])
    return sent


@dataclass(frozen=True)
class ScheduledDrafts:
    month: ReportMonth | None
    created: tuple[str, ...]  # trust codes
    notices_sent: int


def generate_scheduled_drafts(*, today: date | None = None) -> ScheduledDrafts:
    """Make the month's drafts that do not exist yet for every live trust, tell their authors,
    and retry notices not sent."""
    today = today or clock.today()
    month = month_to_draft(today)
    created = []
    if month is not None:
        for trust in live_trusts():
            with transaction.atomic():
                report, made = open_report(trust=trust, month=month, by=None)
                if made:
                    _notice_for(report, month)
                    created.append(trust.code)
    return ScheduledDrafts(month=month, created=tuple(created), notices_sent=send_pending_notices())
