"""The author's entries: the cover, the summary's words, the risks and the minimum data set items
(docs/rules/board_report.md §1.1, §1.2, §1.9, §1.6), each saved on its own as the author goes.
Each save appends a row (who and when); the latest row is in force."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.kernel.refusals import WHOLE_FORM, Refused
from perinatal.reports import mds as m
from perinatal.reports import narrative as n
from perinatal.reports.models import BoardReport, MdsEntry, NarrativeEntry, ReportVersion, Status
from perinatal.reports.rules import ReportMonth
from perinatal.reports.selectors.state import current_version, status_of

EDITABLE = (Status.DRAFT, Status.RETURNED)


def editable_version(report: BoardReport) -> ReportVersion:
    """The version the author may change: the current one, while a draft or returned."""
    version = current_version(report)
    status = status_of(version) if version else None
    if version is None or status not in EDITABLE:
        words = "approved: open a correction to change it" if status == Status.APPROVED else "waiting for approval"
        raise Refused(WHOLE_FORM, f"This report is {words}")
    return version


@transaction.atomic
def save_mds_item(*, report: BoardReport, item: str, raw: Mapping[str, str], by, request=None) -> MdsEntry:
    """Save one minimum data set item; raises MdsRefused naming each bad field (nothing saved)."""
    report = BoardReport.objects.select_for_update().get(pk=report.pk)
    version = editable_version(report)
    values = m.clean_item(item, raw)
    entry = MdsEntry.objects.create(
        report=report, version=version, item=item, values=values, at=clock.now(), by=by, by_label=by.email
    )
    audit.record(
        action=audit.Action.UPDATE,
        obj=report,
        organisation=report.trust,
        request=request,
        actor=by,
        summary=f"Board report {report.trust.code} {report.month:%Y-%m}: minimum data set item {item} saved",
    )
    return entry


@transaction.atomic
def save_part(*, report: BoardReport, part: str, raw: Mapping[str, str], by, request=None) -> NarrativeEntry:
    """Save the cover, the summary's words or the risks; raises MdsRefused naming each bad field."""
    report = BoardReport.objects.select_for_update().get(pk=report.pk)
    version = editable_version(report)
    values = n.clean_part(part, raw, month_end=ReportMonth.of(report.month).last_day)
    entry = NarrativeEntry.objects.create(
        report=report, version=version, part=part, values=values, at=clock.now(), by=by, by_label=by.email
    )
    audit.record(
        action=audit.Action.UPDATE,
        obj=report,
        organisation=report.trust,
        request=request,
        actor=by,
        summary=f"Board report {report.trust.code} {report.month:%Y-%m}: {part} saved",
    )
    return entry
