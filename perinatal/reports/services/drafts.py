"""A board report and its first version: made by a person opening the month's report, or by
the scheduled job (docs/rules/board_report.md §2). One report per trust and month: asking again
returns the one there is (the database holds it unique)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from perinatal.core import audit, clock
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Organisation
from perinatal.reports.models import BoardReport, ReportVersion, Status, VersionEvent
from perinatal.reports.rules import ReportMonth

SCHEDULED_JOB_LABEL = "Scheduled job (board report drafts)"


def _who(user) -> str:
    return user.email if user is not None else SCHEDULED_JOB_LABEL


def open_report(*, trust: Organisation, month: ReportMonth, by=None, request=None) -> tuple[BoardReport, bool]:
    """The trust's report for the month, made with version 1 as a draft if there is none yet;
    returns (report, created). A month that has not ended yet is refused."""
    if trust.kind != Organisation.Kind.TRUST:
        raise Refused("trust", f"{trust.code} is not an NHS trust")
    if month.last_day >= clock.today():
        raise Refused("month", f"The report for {month} can be made once the month has ended")
    existing = BoardReport.objects.filter(trust=trust, month=month.first_day).first()
    if existing is not None:
        return existing, False
    now = clock.now()
    try:
        with transaction.atomic():
            report = BoardReport.objects.create(
                trust=trust, month=month.first_day, created_at=now, created_by=by, created_by_label=_who(by)
            )
            version = ReportVersion.objects.create(
                report=report, number=1, opened_at=now, opened_by=by, opened_by_label=_who(by)
            )
            VersionEvent.objects.create(version=version, status=Status.DRAFT, at=now, actor=by, actor_label=_who(by))
            audit.record(
                action=audit.Action.CREATE,
                obj=report,
                organisation=trust,
                request=request,
                actor=by,
                summary=f"Board report {trust.code} {month} drafted",
            )
    except IntegrityError:
        # Made at the same moment by someone else (or the scheduled job): theirs stands.
        return BoardReport.objects.get(trust=trust, month=month.first_day), False
    return report, True
