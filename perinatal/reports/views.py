"""The board report's pages (docs/rules/board_report.md §2), under /board-reports/.

Who may do what is decided by `perinatal.accounts.scoping` (WRITE_BOARD_REPORTS,
APPROVE_BOARD_REPORTS, READ_BOARD_REPORT_DRAFTS, READ_APPROVED_BOARD_REPORTS): a report of a
trust the person may not read is a 404, an action their role does not give is a 403. Every view
of a report and every download is audited.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from perinatal.accounts.scoping import APPROVE_BOARD_REPORTS, WRITE_BOARD_REPORTS, scope_for
from perinatal.core import audit, clock
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import UnknownOrganisation, get_trust
from perinatal.reports import mds as m
from perinatal.reports import narrative as n
from perinatal.reports.forms import DecisionForm, EntryForm, OpenMonthForm, ReasonForm, initial_of
from perinatal.reports.mds import MdsRefused
from perinatal.reports.models import BoardReport, Edition, FileFormat, Status
from perinatal.reports.presenters import report_view
from perinatal.reports.rendering import document_html, json_bytes, pdf_from_html, title_of
from perinatal.reports.rules import ReportMonth
from perinatal.reports.selectors import state
from perinatal.reports.selectors.document import (
    build_document,
    generated_changes,
    points_of,
    text_of,
    with_changes,
)
from perinatal.reports.services.drafts import open_report
from perinatal.reports.services.entries import save_mds_item, save_part
from perinatal.reports.services.workflow import approve, open_correction, return_to_author, submit

CONTENT_TYPES = {
    FileFormat.HTML: "text/html; charset=utf-8",
    FileFormat.PDF: "application/pdf",
    FileFormat.JSON: "application/json",
}


def _trust_and_month(request, code: str, month: str) -> tuple[Organisation, ReportMonth]:
    try:
        trust = get_trust(code)
        report_month = ReportMonth.parse(month)
    except (UnknownOrganisation, ValueError):
        raise Http404("No such report") from None
    if not state.can_read_approved(scope_for(request), trust):
        raise Http404("No such report in your organisations")
    return trust, report_month


def _can(request, trust: Organisation, purpose) -> bool:
    scope = scope_for(request)
    return scope.has_role(*purpose) and scope.can_read_trust(trust, purpose)


def _require(request, trust: Organisation, purpose) -> None:
    if not _can(request, trust, purpose):
        raise PermissionDenied("Your role does not allow this")


def _report_or_404(trust: Organisation, month: ReportMonth) -> BoardReport:
    report = state.report_for(trust, month)
    if report is None:
        raise Http404("No report for this month yet")
    return report


def _page_url(trust: Organisation, month: ReportMonth) -> str:
    return reverse("reports:report", kwargs={"code": trust.code, "month": str(month)})


def report_list(request):
    """The reports a person may read: their trusts' reports (drafts too for the trust's users),
    and, for ICBs, regions and national teams, which of their trusts' reports are approved."""
    scope = scope_for(request)
    lines = state.report_lines(state.approved_reports_in_scope(scope))
    own, others = [], []
    for line in lines:
        if state.can_read_drafts(scope, line.report.trust):
            own.append(line)
        elif line.approved is not None:
            others.append(line)
    writable = [t for t in scope.trusts_for(WRITE_BOARD_REPORTS)] if scope.has_role(*WRITE_BOARD_REPORTS) else []
    form = OpenMonthForm(request.POST or None, initial={"month": str(ReportMonth.of(clock.today()).shifted(-1))})
    if request.method == "POST" and writable:
        if form.is_valid():
            try:
                month = ReportMonth.parse(form.cleaned_data["month"])
                trust = writable[0]
                open_report(trust=trust, month=month, by=request.user, request=request)
                return redirect(_page_url(trust, month))
            except ValueError as error:
                form.add_error("month", error.message if isinstance(error, Refused) else str(error))
    return render(
        request,
        "reports/list.jinja",
        {
            "page_title": "Board reports",
            "own": own,
            "others": others,
            "writable": writable,
            "form": form,
        },
    )


PART_TITLES = {
    n.PART_COVER: "Cover",
    n.PART_SUMMARY: "Summary: what changed, what it means, what is being done",
    n.PART_RISKS: "Risks and decisions",
}


def _tasks(trust, month: ReportMonth, titles: dict[str, str], url_name: str, arg: str, saved: set) -> list[dict]:
    """The task list's items: each part or item with whether it has been saved."""
    return [
        {
            "heading": title,
            "href": reverse(url_name, kwargs={"code": trust.code, "month": str(month), arg: key}),
            "status": "Saved" if key in saved else {"tag": {"text": "Not started", "classes": "nhsuk-tag--blue"}},
        }
        for key, title in titles.items()
    ]


def report_page(request, code: str, month: str):
    trust, report_month = _trust_and_month(request, code, month)
    scope = scope_for(request)
    report = state.report_for(trust, report_month)
    if report is None:
        if not state.can_read_drafts(scope, trust):
            raise Http404("No approved report for this month")
        context = {"page_title": f"Board report, {report_month}", "trust": trust, "month": report_month}
        context["can_write"] = _can(request, trust, WRITE_BOARD_REPORTS)
        return render(request, "reports/missing.jinja", context)
    versions = state.versions_of(report)
    current = versions[-1]
    status = state.status_of(current)
    approved = state.latest_approved(report)
    sees_drafts = state.can_read_drafts(scope, trust)
    if not sees_drafts and approved is None:
        raise Http404("No approved report for this month")
    if sees_drafts and status != Status.APPROVED:
        snapshot = state.submitted_snapshot(current) if status == Status.SUBMITTED else None
        doc = (
            snapshot.private_document
            if snapshot
            else build_document(
                trust=trust, month=report_month, generated_on=clock.today(), public=False, report=report
            )
        )
        doc = with_changes(doc, report=report, snapshot=snapshot)
        shown = current
    else:
        frozen = state.frozen_file(approved, edition=Edition.PRIVATE, file_format=FileFormat.JSON)
        doc = json.loads(bytes(frozen.content))
        shown = approved
    audit.record(
        action=audit.Action.VIEW,
        obj=report,
        organisation=trust,
        request=request,
        summary=f"Board report {trust.code} {report_month} viewed (version {shown.number})",
    )
    editable = status in (Status.DRAFT, Status.RETURNED)
    narrative_saved = set(state.narrative_in_force(report)) if editable else set()
    mds_saved = set(state.mds_in_force(report)) if editable else set()
    return_reason = next((e.reason for e in reversed(list(current.events.all())) if e.status == Status.RETURNED), "")
    return render(
        request,
        "reports/report.jinja",
        {
            "page_title": title_of(doc),
            "trust": trust,
            "month": report_month,
            "report": report,
            "view": report_view(doc),
            "versions": [(v, Status(state.status_of(v)).label) for v in versions],
            "current": current,
            "shown": shown,
            "status": status,
            "status_label": Status(status).label,
            "return_reason": return_reason if status == Status.RETURNED else "",
            "approved": approved,
            "can_write": editable and _can(request, trust, WRITE_BOARD_REPORTS),
            "can_submit": editable and _can(request, trust, WRITE_BOARD_REPORTS),
            "can_decide": status == Status.SUBMITTED and _can(request, trust, APPROVE_BOARD_REPORTS),
            "can_correct": status == Status.APPROVED and _can(request, trust, WRITE_BOARD_REPORTS),
            "sees_drafts": sees_drafts,
            "part_tasks": _tasks(trust, report_month, PART_TITLES, "reports:part", "part", narrative_saved),
            "mds_tasks": _tasks(
                trust, report_month, {i.key: i.title for i in m.ITEMS}, "reports:mds_item", "item", mds_saved
            ),
            "history": state.history_of(report) if sees_drafts else [],
            "snapshot": state.submitted_snapshot(current) if status == Status.SUBMITTED else None,
        },
    )


def open_month(request, code: str, month: str):
    trust, report_month = _trust_and_month(request, code, month)
    _require(request, trust, WRITE_BOARD_REPORTS)
    if request.method != "POST":
        return redirect(_page_url(trust, report_month))
    try:
        open_report(trust=trust, month=report_month, by=request.user, request=request)
    except Refused as refused:
        messages.error(request, refused.message)
    return redirect(_page_url(trust, report_month))


def _entry(
    request,
    code: str,
    month: str,
    *,
    definitions,
    title: str,
    save,
    saved_values: dict | None,
    intro: str,
    extra: dict | None = None,
):
    trust, report_month = _trust_and_month(request, code, month)
    _require(request, trust, WRITE_BOARD_REPORTS)
    report = _report_or_404(trust, report_month)
    month_end = report_month.last_day
    if request.method == "POST":
        form = EntryForm(request.POST, definitions=definitions, month_end=month_end)
        if form.is_valid():
            try:
                save(report=report, raw=form.raw(), by=request.user, request=request)
            except MdsRefused as refused:
                form.refuse(refused.errors)
            except Refused as refused:
                form.refuse({refused.field: refused.message})
            else:
                messages.success(request, f"{title}: saved")
                return redirect(_page_url(trust, report_month) + "#part-edit")
    else:
        form = EntryForm(initial=initial_of(saved_values), definitions=definitions, month_end=month_end)
    return render(
        request,
        "reports/entry.jinja",
        {
            "page_title": title,
            "form": form,
            "trust": trust,
            "month": report_month,
            "intro": intro,
            "back_link": {"href": _page_url(trust, report_month), "text": "Back to the report"},
            **(extra or {}),
        },
    )


def mds_item(request, code: str, month: str, item: str):
    definition = m.ITEMS_BY_KEY.get(item)
    if definition is None:
        raise Http404("No such item")
    trust, report_month = _trust_and_month(request, code, month)
    report = state.report_for(trust, report_month)
    entry = state.mds_in_force(report).get(item)
    return _entry(
        request,
        code,
        month,
        definitions=definition.fields,
        title=definition.title,
        intro=definition.description + " Leave a box empty if the figure is not known: the report says Not provided.",
        saved_values=entry.values if entry else None,
        save=lambda **kwargs: save_mds_item(item=item, **kwargs),
    )


def part(request, code: str, month: str, part: str):
    if part not in n.FIELDS:
        raise Http404("No such part")
    trust, report_month = _trust_and_month(request, code, month)
    report = state.report_for(trust, report_month)
    values = dict(state.narrative_in_force(report).get(part) or {}) if report else {}
    titles = {n.PART_COVER: "Cover", n.PART_SUMMARY: "Summary", n.PART_RISKS: "Risks and decisions"}
    intro = "Do not name patients, or give NHS numbers, dates of birth or postcodes."
    extra = {}
    writes = _can(request, trust, WRITE_BOARD_REPORTS)
    if part == n.PART_SUMMARY and report is not None and writes and request.method != "POST":
        # What changed starts as the list written from the data today; once the author has
        # saved their own words, the list from the data today is shown beside them.
        generated = generated_changes(trust=trust, month=report_month, generated_on=clock.today())
        if not values.get("changed"):
            values["changed"] = text_of(generated)
        elif points_of(values["changed"]) != generated:
            extra["generated"] = generated
    if part == n.PART_RISKS:
        intro = (
            "The maternity risks scored 15 or more on the trust's risk register, escalations and the decisions "
            "the board is asked to take. Both editions show them. " + intro
        )
    if part == n.PART_SUMMARY:
        intro += (
            " What it means, what is being done and what the board is asked to do are in the public edition too:"
            " give no count of fewer than 8 people."
        )
    return _entry(
        request,
        code,
        month,
        definitions=n.FIELDS[part],
        title=titles[part],
        intro=intro,
        saved_values=values,
        save=lambda **kwargs: save_part(part=part, **kwargs),
        extra=extra,
    )


def submit_view(request, code: str, month: str):
    trust, report_month = _trust_and_month(request, code, month)
    _require(request, trust, WRITE_BOARD_REPORTS)
    report = _report_or_404(trust, report_month)
    if request.method == "POST":
        try:
            submit(report=report, by=request.user, request=request)
            messages.success(request, "Submitted to the executive lead for approval")
        except Refused as refused:
            messages.error(request, refused.message)
    return redirect(_page_url(trust, report_month))


def decide(request, code: str, month: str):
    trust, report_month = _trust_and_month(request, code, month)
    _require(request, trust, APPROVE_BOARD_REPORTS)
    report = _report_or_404(trust, report_month)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                approve(report=report, by=request.user, request=request)
                messages.success(request, "Approved: the report is frozen and can be downloaded")
            else:
                return_to_author(report=report, reason=form.cleaned_data["reason"], by=request.user, request=request)
                messages.success(request, "Returned to the author")
            return redirect(_page_url(trust, report_month))
        except Refused as refused:
            form.add_error("reason" if refused.field == "reason" else None, refused.message)
    return render(
        request,
        "reports/decide.jinja",
        {
            "page_title": "Approve or return the report",
            "form": form,
            "trust": trust,
            "month": report_month,
            "back_link": {"href": _page_url(trust, report_month), "text": "Back to the report"},
        },
    )


def correct(request, code: str, month: str):
    trust, report_month = _trust_and_month(request, code, month)
    _require(request, trust, WRITE_BOARD_REPORTS)
    report = _report_or_404(trust, report_month)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = open_correction(
                report=report, reason=form.cleaned_data["reason"], by=request.user, request=request
            )
            messages.success(request, f"Version {version.number} opened: correct the report and submit it again")
            return redirect(_page_url(trust, report_month))
        except Refused as refused:
            form.add_error("reason" if refused.field == "reason" else None, refused.message)
    return render(
        request,
        "reports/correct.jinja",
        {
            "page_title": "Correct the approved report",
            "form": form,
            "trust": trust,
            "month": report_month,
            "back_link": {"href": _page_url(trust, report_month), "text": "Back to the report"},
        },
    )


def _download(content: bytes, *, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download(request, code: str, month: str, number: int, edition: str, file_format: str):
    """An approved version's frozen file, as stored (its hash checked)."""
    trust, report_month = _trust_and_month(request, code, month)
    report = _report_or_404(trust, report_month)
    version = report.versions.filter(number=number).first()
    if version is None or edition not in Edition.values or file_format not in FileFormat.values:
        raise Http404("No such file")
    frozen = state.frozen_file(version, edition=edition, file_format=file_format)
    if frozen is None:
        raise Http404("This version is not approved")
    if not frozen.intact:
        raise RuntimeError(f"Frozen file {frozen.pk} does not match its SHA-256")
    audit.record(
        action=audit.Action.VIEW,
        obj=report,
        organisation=trust,
        request=request,
        summary=f"Board report {trust.code} {report_month} version {number} {edition} {file_format} downloaded",
    )
    name = f"board-report-{trust.code}-{report_month}-v{number}-{edition}.{file_format}"
    return _download(bytes(frozen.content), file_format=file_format, filename=name)


def draft_download(request, code: str, month: str, edition: str, file_format: str):
    """The draft as it stands, generated now, or the version waiting for approval as submitted
    (the trust's own users)."""
    trust, report_month = _trust_and_month(request, code, month)
    if not state.can_read_drafts(scope_for(request), trust):
        raise Http404("No such report in your organisations")
    if edition not in Edition.values or file_format not in FileFormat.values:
        raise Http404("No such file")
    report = state.report_for(trust, report_month)
    current = state.current_version(report) if report is not None else None
    snapshot = state.submitted_snapshot(current) if current and state.status_of(current) == Status.SUBMITTED else None
    if snapshot is not None:
        # Waiting for approval: the document as submitted, which is what the executive lead approves.
        doc = snapshot.public_document if edition == Edition.PUBLIC else snapshot.private_document
    else:
        doc = build_document(
            trust=trust, month=report_month, generated_on=clock.today(), public=edition == Edition.PUBLIC, report=report
        )
    if report is not None and edition == Edition.PRIVATE:
        doc = with_changes(doc, report=report, snapshot=snapshot)
    html = document_html(doc)
    content = {
        FileFormat.HTML: lambda: html.encode("utf-8"),
        FileFormat.PDF: lambda: pdf_from_html(html),
        FileFormat.JSON: lambda: json_bytes(doc),
    }[file_format]()
    audit.record(
        action=audit.Action.VIEW,
        obj=report,
        object_type="reports.BoardReport",
        object_id="" if report is None else str(report.pk),
        organisation=trust,
        request=request,
        summary=f"Board report {trust.code} {report_month} draft {edition} {file_format} downloaded",
    )
    return _download(
        content,
        file_format=file_format,
        filename=f"board-report-{trust.code}-{report_month}-draft-{edition}.{file_format}",
    )
