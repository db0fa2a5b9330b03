"""The uploads list and one upload's page, with the status JSON that page polls (issue 4
item 1: a progress bar for long files; then rows loaded, or every bad row with line, column
and reason — the first 100 shown, the rest counted — and "nothing from this file was
kept"). Uploads are record-level: read only through a Scope (selectors.uploads)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from perinatal.accounts.scoping import READ_DASHBOARD_UPLOADS, UPLOAD_DASHBOARD_DATA, UPLOAD_OWN_TRUST_DATA, Scope
from perinatal.dashboard.datasets.schema import SCHEMAS
from perinatal.dashboard.models import Upload
from perinatal.dashboard.selectors import uploads as upload_selectors

UPLOADS_PER_PAGE = 50
NOTHING_KEPT = "Nothing from this file was kept."
PHASE_WORDS = {
    Upload.Status.VALIDATING: "Checking the file",
    Upload.Status.LOADING: "Storing the rows",
    Upload.Status.LOADED: "Loaded",
    Upload.Status.REFUSED: "Refused: errors in the file",
    Upload.Status.FAILED: "Failed",
}
STATUS_TAG_CLASSES = {
    Upload.Status.VALIDATING: "nhsuk-tag--blue",
    Upload.Status.LOADING: "nhsuk-tag--blue",
    Upload.Status.LOADED: "nhsuk-tag--green",
    Upload.Status.REFUSED: "nhsuk-tag--red",
    Upload.Status.FAILED: "nhsuk-tag--red",
}


@dataclass(frozen=True)
class UploadProgress:
    percent: int
    words: str
    finished: bool


def upload_progress(upload: Upload) -> UploadProgress:
    """How far the import has got: the share of the file checked (the service saves bytes
    read about once a second); 100 once the rows are being stored or the import is over."""
    if upload.is_finished or upload.status == Upload.Status.LOADING:
        percent = 100
    elif upload.size_bytes:
        percent = min(99, int(upload.bytes_read * 100 // upload.size_bytes))
    else:
        percent = 0
    words = PHASE_WORDS.get(upload.status, upload.get_status_display())
    if not upload.is_finished:
        words = f"{words}: {percent}%" if upload.status == Upload.Status.VALIDATING else words
    return UploadProgress(percent=percent, words=words, finished=upload.is_finished)


def status_json(upload: Upload) -> dict:
    """The small JSON the upload page polls."""
    progress = upload_progress(upload)
    return {
        "id": upload.pk,
        "status": upload.status,
        "finished": progress.finished,
        "percent": progress.percent,
        "words": progress.words,
        "rows": upload.rows,
        "errors": upload.error_count,
    }


@dataclass(frozen=True)
class ErrorLine:
    line: str
    column: str
    reason: str


def error_lines(upload: Upload) -> list[ErrorLine]:
    """The kept errors (the first 100), as the page lists them."""
    return [
        ErrorLine(
            line="" if e.get("line") is None else f"{e['line']:,}",
            column=e.get("column") or "",
            reason=e.get("message", ""),
        )
        for e in upload.errors
    ]


def more_errors(upload: Upload) -> int:
    """Errors counted but not kept (beyond the first 100)."""
    return max(0, upload.error_count - len(upload.errors))


def note_text(note: dict) -> str:
    lines = note.get("lines") or []
    if not lines:
        return note.get("message", "")
    more = ", …" if note.get("count", 0) > len(lines) else ""
    label = "line" if len(lines) == 1 and not more else "lines"
    return f"{note['message']} ({label} {', '.join(f'{n:,}' for n in lines)}{more})"


def dataset_title(upload: Upload) -> str:
    schema = SCHEMAS.get(upload.dataset)
    return schema.title if schema else upload.dataset


def tag_class(upload: Upload) -> str:
    return STATUS_TAG_CLASSES.get(upload.status, "nhsuk-tag--grey")


@dataclass(frozen=True)
class UploadsPage:
    page: Page  # of uploads, newest first
    national_view: bool  # every trust's uploads, with where each came from


def uploads_page(*, scope: Scope, page_number: str | None) -> UploadsPage:
    """The uploads the user may read, UPLOADS_PER_PAGE at a time."""
    national_view = scope.is_national(READ_DASHBOARD_UPLOADS)
    page = Paginator(upload_selectors.uploads_visible_to(scope), UPLOADS_PER_PAGE).get_page(page_number)
    return UploadsPage(page=page, national_view=national_view)


@dataclass(frozen=True)
class UploadPage:
    upload: Upload
    progress: UploadProgress
    errors: list[ErrorLine]
    more_errors: int
    notes: list[str]
    dataset_title: str
    tag_class: str


def upload_page(*, scope: Scope, pk: int) -> UploadPage:
    """One upload the user may read (Http404 for any other)."""
    upload = upload_selectors.upload_visible_to(scope, pk=pk)
    return UploadPage(
        upload=upload,
        progress=upload_progress(upload),
        errors=error_lines(upload),
        more_errors=more_errors(upload),
        notes=[note_text(note) for note in upload.notes],
        dataset_title=dataset_title(upload),
        tag_class=tag_class(upload),
    )


def upload_status(*, scope: Scope, pk: int) -> dict:
    """The status JSON of one upload the user may read (Http404 for any other)."""
    return status_json(upload_selectors.upload_visible_to(scope, pk=pk))


@dataclass(frozen=True)
class UploadRights:
    """What a person may upload (docs/rules/dashboard.md §5): national programme admins any
    dataset for any trust (`national`); a trust's own staff with an upload role their trusts'
    births, neonatal care and inductions (`trusts`: code and name, by name)."""

    national: bool
    trusts: tuple[tuple[str, str], ...]

    @property
    def may_upload(self) -> bool:
        return self.national or bool(self.trusts)


def upload_rights(scope: Scope) -> UploadRights:
    if scope.has_role(*UPLOAD_DASHBOARD_DATA):
        return UploadRights(national=True, trusts=())
    if not scope.has_role(*UPLOAD_OWN_TRUST_DATA):
        return UploadRights(national=False, trusts=())
    trusts = sorted(scope.trusts_for(UPLOAD_OWN_TRUST_DATA), key=lambda trust: trust.display_name)
    return UploadRights(national=False, trusts=tuple((trust.code, trust.display_name) for trust in trusts))
