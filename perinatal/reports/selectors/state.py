"""A report's state: its versions and their status, what the author has written and the
minimum data set in force, its history, and the reports a person may read (scoped).

The latest row of each append-only record is the one in force (docs/rules/board_report.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from perinatal.accounts.scoping import READ_APPROVED_BOARD_REPORTS, READ_BOARD_REPORT_DRAFTS, Scope
from perinatal.organisations.models import Organisation
from perinatal.reports.models import (
    BoardReport,
    FrozenFile,
    MdsEntry,
    NarrativeEntry,
    ReportVersion,
    Snapshot,
    Status,
    VersionEvent,
)
from perinatal.reports.rules import ReportMonth


def report_for(trust: Organisation, month: ReportMonth) -> BoardReport | None:
    return BoardReport.objects.filter(trust=trust, month=month.first_day).select_related("trust").first()


def versions_of(report: BoardReport) -> list[ReportVersion]:
    events = Prefetch("events", queryset=VersionEvent.objects.order_by("at", "id"))
    return list(report.versions.prefetch_related(events).order_by("number"))


def latest_event(version: ReportVersion) -> VersionEvent | None:
    events = list(version.events.all())
    return max(events, key=lambda event: (event.at, event.id), default=None)


def status_of(version: ReportVersion) -> str:
    event = latest_event(version)
    return event.status if event else Status.DRAFT


def current_version(report: BoardReport) -> ReportVersion | None:
    return report.versions.order_by("-number").first()


def latest_approved(report: BoardReport) -> ReportVersion | None:
    """The newest version whose status is approved (a correction in progress leaves it in force)."""
    for version in reversed(versions_of(report)):
        if status_of(version) == Status.APPROVED:
            return version
    return None


def submitted_snapshot(version: ReportVersion) -> Snapshot | None:
    """The snapshot of the version's latest submission."""
    event = version.events.filter(status=Status.SUBMITTED).order_by("-at", "-id").select_related("snapshot").first()
    return event.snapshot if event else None


def frozen_file(version: ReportVersion, *, edition: str, file_format: str) -> FrozenFile | None:
    return FrozenFile.objects.filter(version=version, edition=edition, file_format=file_format).first()


def narrative_in_force(report: BoardReport) -> dict[str, dict]:
    """part -> its latest values."""
    latest: dict[str, dict] = {}
    for entry in NarrativeEntry.objects.filter(report=report).order_by("at", "id"):
        latest[entry.part] = entry.values
    return latest


def mds_in_force(report: BoardReport | None) -> dict[str, MdsEntry]:
    """item -> its latest entry."""
    if report is None:
        return {}
    latest: dict[str, MdsEntry] = {}
    for entry in MdsEntry.objects.filter(report=report).order_by("at", "id"):
        latest[entry.item] = entry
    return latest


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    what: str


def history_of(report: BoardReport) -> list[HistoryLine]:
    """Every change to the report, oldest first: versions, status changes, parts and items saved."""
    lines = []
    for version in versions_of(report):
        for event in version.events.all():
            words = f"Version {version.number}: {Status(event.status).label.lower()}"
            if event.reason:
                words += f" ({event.reason})"
            lines.append(HistoryLine(event.at, event.actor_label, words))
        if version.number > 1:
            lines.append(
                HistoryLine(
                    version.opened_at, version.opened_by_label, f"Version {version.number} opened: {version.reason}"
                )
            )
    for entry in NarrativeEntry.objects.filter(report=report):
        lines.append(HistoryLine(entry.at, entry.by_label, f"{entry.get_part_display()} saved"))
    for entry in MdsEntry.objects.filter(report=report):
        lines.append(
            HistoryLine(entry.at, entry.by_label, f"Minimum data set item {entry.item.replace('_', ' ')} saved")
        )
    return sorted(lines, key=lambda line: line.at)


# --- reading through a scope ---------------------------------------------------------------------


def can_read_drafts(scope: Scope, trust: Organisation) -> bool:
    return scope.has_role(*READ_BOARD_REPORT_DRAFTS) and scope.can_read_trust(trust, READ_BOARD_REPORT_DRAFTS)


def can_read_approved(scope: Scope, trust: Organisation) -> bool:
    return can_read_drafts(scope, trust) or (
        scope.has_role(*READ_APPROVED_BOARD_REPORTS) and scope.can_read_trust(trust, READ_APPROVED_BOARD_REPORTS)
    )


def reports_of_trust(trust: Organisation) -> QuerySet[BoardReport]:
    return BoardReport.objects.filter(trust=trust).order_by("-month")


@dataclass(frozen=True)
class ReportLine:
    """A report in a list: its trust, month, current version and status, and the approved version."""

    report: BoardReport
    current: ReportVersion | None
    status: str
    approved: ReportVersion | None

    @property
    def month(self) -> ReportMonth:
        return ReportMonth.of(self.report.month)

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def report_lines(reports) -> list[ReportLine]:
    events = Prefetch("events", queryset=VersionEvent.objects.order_by("at", "id"))
    versions = Prefetch("versions", queryset=ReportVersion.objects.prefetch_related(events).order_by("number"))
    lines = []
    for report in reports.select_related("trust").prefetch_related(versions):
        versions_list = list(report.versions.all())
        current = versions_list[-1] if versions_list else None
        approved = next((v for v in reversed(versions_list) if status_of(v) == Status.APPROVED), None)
        lines.append(ReportLine(report, current, status_of(current) if current else Status.DRAFT, approved))
    return lines


def approved_reports_in_scope(scope: Scope) -> QuerySet[BoardReport]:
    """Reports of the trusts the person may read approved reports of (ICB, region, national, the trust)."""
    return scope.restrict(BoardReport.objects.all(), purpose=READ_APPROVED_BOARD_REPORTS)
