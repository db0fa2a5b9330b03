"""Submit, return, approve and correct a board report (docs/rules/board_report.md §2).

- Submitting generates the document from live data (both editions) and keeps it: the
  executive lead approves exactly what was submitted.
- Approving freezes that snapshot as HTML, PDF and JSON for each edition, each stored with its
  SHA-256 hash; from then on the files are served as stored.
- A correction of an approved report is the next version, with its reason; on submission its
  figures are compared with the last approved version's and the differences listed.
"""

from __future__ import annotations

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.kernel.refusals import WHOLE_FORM, Refused
from perinatal.reports.models import (
    BoardReport,
    Edition,
    FileFormat,
    FrozenFile,
    ReportVersion,
    Snapshot,
    Status,
    VersionEvent,
)
from perinatal.reports.rendering import document_html, json_bytes, pdf_from_html
from perinatal.reports.rules import ReportMonth
from perinatal.reports.selectors.changes import changed_figures
from perinatal.reports.selectors.document import build_document
from perinatal.reports.selectors.state import current_version, latest_approved, status_of, submitted_snapshot
from perinatal.reports.services.entries import editable_version

MAX_REASON = 1000


def _locked(report: BoardReport) -> BoardReport:
    return BoardReport.objects.select_for_update().select_related("trust").get(pk=report.pk)


def _event(version: ReportVersion, status: str, *, by, reason: str = "", snapshot=None) -> VersionEvent:
    return VersionEvent.objects.create(
        version=version, status=status, reason=reason, snapshot=snapshot, at=clock.now(), actor=by, actor_label=by.email
    )


def _audit(report: BoardReport, words: str, *, by, request, action=audit.Action.UPDATE) -> None:
    audit.record(
        action=action,
        obj=report,
        organisation=report.trust,
        request=request,
        actor=by,
        summary=f"Board report {report.trust.code} {report.month:%Y-%m}: {words}",
    )


def version_facts(version: ReportVersion, *, status: str, approved_on=None) -> dict:
    """What the document says about its own version."""
    return {
        "number": version.number,
        "status": Status(status).label.lower(),
        "reason": version.reason,
        "approved_on": approved_on.isoformat() if approved_on else None,
        "approved_on_label": long_date(approved_on) if approved_on else "",
    }


def _reason(reason: str, *, field: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise Refused(field, f"Enter why {what}")
    if len(text) > MAX_REASON:
        raise Refused(field, f"The reason must be {MAX_REASON:,} characters or fewer")
    return text


@transaction.atomic
def submit(*, report: BoardReport, by, request=None) -> Snapshot:
    report = _locked(report)
    version = editable_version(report)
    month = ReportMonth.of(report.month)
    now = clock.now()
    today = clock.today()
    documents = {}
    for edition in Edition:
        document = build_document(
            trust=report.trust, month=month, generated_on=today, public=edition == Edition.PUBLIC, report=report
        )
        document["version"] = version_facts(version, status=Status.SUBMITTED)
        documents[edition] = document
    previous = latest_approved(report)
    changes = []
    if previous is not None:
        before = submitted_snapshot(previous)
        changes = changed_figures(before.private_document, documents[Edition.PRIVATE]) if before else []
    snapshot = Snapshot.objects.create(
        version=version,
        generated_at=now,
        generated_on=today,
        private_document=documents[Edition.PRIVATE],
        public_document=documents[Edition.PUBLIC],
        changes=changes,
    )
    _event(version, Status.SUBMITTED, by=by, snapshot=snapshot)
    _audit(report, f"version {version.number} submitted for approval", by=by, request=request)
    return snapshot


def _submitted_version(report: BoardReport) -> ReportVersion:
    version = current_version(report)
    if version is None or status_of(version) != Status.SUBMITTED:
        raise Refused(WHOLE_FORM, "This report is not waiting for approval")
    return version


@transaction.atomic
def return_to_author(*, report: BoardReport, reason: str, by, request=None) -> VersionEvent:
    report = _locked(report)
    version = _submitted_version(report)
    text = _reason(reason, field="reason", what="you are returning the report")
    event = _event(version, Status.RETURNED, by=by, reason=text)
    _audit(report, f"version {version.number} returned to the author", by=by, request=request)
    return event


@transaction.atomic
def approve(*, report: BoardReport, by, request=None) -> list[FrozenFile]:
    """Freeze the submitted snapshot: HTML, PDF and JSON of each edition, with their hashes."""
    report = _locked(report)
    version = _submitted_version(report)
    snapshot = submitted_snapshot(version)
    now = clock.now()
    files = []
    for edition, document in ((Edition.PRIVATE, snapshot.private_document), (Edition.PUBLIC, snapshot.public_document)):
        document = {
            **document,
            "version": version_facts(version, status=Status.APPROVED, approved_on=clock.today()),
            "changes": snapshot.changes if edition == Edition.PRIVATE else [],
        }
        html = document_html(document)
        contents = {
            FileFormat.HTML: html.encode("utf-8"),
            FileFormat.PDF: pdf_from_html(html),
            FileFormat.JSON: json_bytes(document),
        }
        for file_format, content in contents.items():
            files.append(
                FrozenFile.objects.create(
                    version=version,
                    edition=edition,
                    file_format=file_format,
                    content=content,
                    sha256=FrozenFile.hash_of(content),
                    frozen_at=now,
                )
            )
    _event(version, Status.APPROVED, by=by, snapshot=snapshot)
    _audit(report, f"version {version.number} approved and frozen", by=by, request=request, action=audit.Action.DECIDE)
    return files


@transaction.atomic
def open_correction(*, report: BoardReport, reason: str, by, request=None) -> ReportVersion:
    """The next version of an approved report, as a draft with its reason."""
    report = _locked(report)
    version = current_version(report)
    if version is None or status_of(version) != Status.APPROVED:
        raise Refused(WHOLE_FORM, "Only an approved report can be corrected")
    text = _reason(reason, field="reason", what="the report needs a correction")
    correction = ReportVersion.objects.create(
        report=report,
        number=version.number + 1,
        reason=text,
        opened_at=clock.now(),
        opened_by=by,
        opened_by_label=by.email,
    )
    _event(correction, Status.DRAFT, by=by)
    _audit(report, f"version {correction.number} opened to correct version {version.number}", by=by, request=request)
    return correction
