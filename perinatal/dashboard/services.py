"""Writes of the dashboard: importing a dataset file (docs/rules/dashboard.md §1).

`import_dataset` is what `perinatal import DATASET FILE`, the upload page and the demo
loader call. It checks the whole file first, streaming, and stages the valid rows to a
temporary file; a file with any error is refused with every bad row reported (line,
column, reason; the first 100 kept, the rest counted) and nothing from it is kept. A good
file is then loaded in one transaction that replaces stored rows with the same natural
key. The `Upload` row records the outcome either way.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

from django.db import connection, transaction

from perinatal.core import audit, clock
from perinatal.dashboard.datasets.deprivation import MOST_DEPRIVED_FIRST
from perinatal.dashboard.datasets.schema import DATASET_NAMES
from perinatal.dashboard.imports.hooks import run_after_import
from perinatal.dashboard.imports.loading import LoadResult, load_staged
from perinatal.dashboard.imports.register_snapshot import RegisterSnapshot, read_register
from perinatal.dashboard.imports.staging import (
    PHASE_CHECKING,
    ImportProgress,
    ProgressCallback,
    StagedFile,
    stage_file,
)
from perinatal.dashboard.imports.units import load_units
from perinatal.dashboard.models import Upload

#: The upload row's progress is saved at most this often while a file is checked.
PROGRESS_SAVE_SECONDS = 1.0
#: What a trust uploads for itself (docs/rules/dashboard.md §5): its own births, neonatal care
#: and inductions. Units change the organisation register, unit status is read against every
#: trust's units, and the CQC survey is national: those stay with the national programme.
TRUST_DATASETS = ("births", "neonatal_care", "inductions")


class UnknownDataset(ValueError):
    def __init__(self, dataset: str):
        self.dataset = dataset
        super().__init__(f"'{dataset}' is not a dataset: use one of {', '.join(DATASET_NAMES)}")


class NotATrustDataset(ValueError):
    def __init__(self, dataset: str):
        self.dataset = dataset
        super().__init__(f"a trust uploads only {', '.join(TRUST_DATASETS)} for itself, not {dataset}")


class _Refused(Exception):
    def __init__(self, result: LoadResult):
        self.result = result


def start_upload(
    *,
    dataset: str,
    path: Path,
    filename: str | None = None,
    organisation=None,
    uploaded_by=None,
    source: str = Upload.Source.COMMAND,
) -> Upload:
    """The Upload row for a file about to be checked (the page creates it before queueing)."""
    if dataset not in DATASET_NAMES:
        raise UnknownDataset(dataset)
    return Upload.objects.create(
        dataset=dataset,
        filename=_storable(filename or Path(path).name)[:255],
        organisation=organisation,
        uploaded_by=uploaded_by,
        source=source,
        status=Upload.Status.VALIDATING,
        size_bytes=Path(path).stat().st_size,
        started_at=clock.now(),
    )


def import_dataset(
    *,
    dataset: str,
    path: Path,
    filename: str | None = None,
    organisation=None,
    uploaded_by=None,
    source: str = Upload.Source.COMMAND,
    progress: ProgressCallback | None = None,
    upload: Upload | None = None,
    request=None,
    workers: int = 1,
    quintile_order: str = MOST_DEPRIVED_FIRST,
    staging_dir: Path | None = None,
    only_trust: str | None = None,
) -> Upload:
    """Check and load one file of `dataset`; returns its Upload (status loaded or refused).

    `progress` is called with an ImportProgress as the check reads the file and as rows
    are loaded. Pass `upload` when start_upload() already created it. `workers` > 1 checks
    a big births, neonatal_care or inductions file in that many processes.
    `quintile_order` says how a births file numbers imd_quintile (datasets.deprivation:
    least deprived first is stored reversed, with a note; docs/rules/equity.md §1).
    `staging_dir`: where the checked rows wait to be loaded (default: the system's temporary
    folder); the upload page's task gives each upload its own, removed whatever happens.
    `only_trust`: a trust's own upload (TRUST_DATASETS only): every row must name that trust,
    or the whole file is refused with each such row named.
    """
    path = Path(path)
    dataset = upload.dataset if upload is not None else dataset
    if only_trust is not None and dataset not in TRUST_DATASETS:
        raise NotATrustDataset(dataset)
    if upload is None:
        upload = start_upload(
            dataset=dataset,
            path=path,
            filename=filename,
            organisation=organisation,
            uploaded_by=uploaded_by,
            source=source,
        )
    register = read_register()
    if only_trust is not None:
        register = register.for_trust(only_trust)
    try:
        staged = stage_file(
            dataset=upload.dataset,
            source=path,
            register=register,
            vendor=connection.vendor,
            progress=_saving_progress(upload, progress),
            workers=workers,
            quintile_order=quintile_order,
            staging_dir=staging_dir,
        )
    except Exception:
        _fail(upload, "The file could not be checked because of a problem in the service.")
        raise
    return finish_import(upload=upload, staged=staged, register=register, progress=progress, request=request)


def finish_import(
    *,
    upload: Upload,
    staged: StagedFile,
    register: RegisterSnapshot,
    progress: ProgressCallback | None = None,
    request=None,
) -> Upload:
    """Load a checked file (or record its refusal). The staged rows are deleted afterwards."""
    try:
        if not staged.ok:
            _check_refused_rows(staged=staged, register=register)
            _refuse(upload, staged=staged)
        else:
            _load(upload, staged=staged, register=register, progress=progress)
    finally:
        staged.discard()
    audit.record(
        action=audit.Action.UPLOAD,
        obj=upload,
        organisation=upload.organisation,
        request=request,
        actor=upload.uploaded_by,
        summary=(
            f"Dashboard {upload.dataset} upload {upload.pk}: {upload.get_status_display().lower()}, "
            f"{upload.rows} rows ({upload.rows_added} added, {upload.rows_replaced} replaced), "
            f"{upload.error_count} errors"
        ),
    )
    return upload


def _load(upload: Upload, *, staged: StagedFile, register: RegisterSnapshot, progress) -> None:
    upload.status = Upload.Status.LOADING
    upload.rows = staged.rows
    upload.bytes_read = staged.size_bytes
    upload.save(update_fields=["status", "rows", "bytes_read"])
    notes = list(staged.notes)
    try:
        with transaction.atomic():
            if upload.dataset == "units":
                added, replaced = load_units(staged=staged, upload=upload)
            else:
                result = load_staged(staged=staged, upload_id=upload.pk, register=register, progress=progress)
                if result.error_count:
                    raise _Refused(result)
                added, replaced = result.added, result.replaced
                notes.extend(result.notes)
            upload.status = Upload.Status.LOADED
            upload.rows_added, upload.rows_replaced = added, replaced
            upload.notes = [_note_json(note) for note in notes]
            upload.finished_at = clock.now()
            upload.save()
            transaction.on_commit(lambda: run_after_import(upload))
    except _Refused as refused:
        staged.add_errors(refused.result.errors, count=refused.result.error_count)
        _refuse(upload, staged=staged)
    except Exception:
        _fail(
            upload,
            "The file passed its checks but could not be stored because of a problem in the "
            "service; nothing from it was kept.",
        )
        raise


def _check_refused_rows(*, staged: StagedFile, register: RegisterSnapshot) -> None:
    """A refused file's rows still get the checks that run in SQL (duplicate keys), so that
    the report names every bad row; the transaction is rolled back."""
    if not staged.paths:
        return
    with transaction.atomic():
        result = load_staged(staged=staged, upload_id=0, register=register, upsert=False)
        transaction.set_rollback(True)
    staged.add_errors(result.errors, count=result.error_count)


def _refuse(upload: Upload, *, staged: StagedFile) -> None:
    upload.status = Upload.Status.REFUSED
    upload.rows = staged.rows
    upload.rows_added = upload.rows_replaced = 0
    upload.bytes_read = staged.size_bytes
    upload.error_count = staged.error_count
    upload.errors = [_error_json(error) for error in staged.errors]
    upload.notes = [_note_json(note) for note in staged.notes]
    upload.finished_at = clock.now()
    upload.save()


#: Unfinished: the upload page still shows a progress bar for these.
UNFINISHED = (Upload.Status.VALIDATING, Upload.Status.LOADING)


def fail_unfinished_upload(*, upload_id: int, message: str) -> bool:
    """End an upload that its task left unfinished (an error, or a worker that died) as failed,
    saying why; nothing from the file is kept (the load is one transaction). False when it had
    already finished."""
    ended = Upload.objects.filter(pk=upload_id, status__in=UNFINISHED).update(
        status=Upload.Status.FAILED,
        error_count=1,
        finished_at=clock.now(),
        errors=[{"line": None, "column": None, "code": "service_problem", "message": message}],
    )
    return bool(ended)


def _fail(upload: Upload, message: str) -> None:
    Upload.objects.filter(pk=upload.pk).update(
        status=Upload.Status.FAILED,
        error_count=1,
        finished_at=clock.now(),
        errors=[{"line": None, "column": None, "code": "service_problem", "message": message}],
    )
    upload.refresh_from_db()


def _error_json(error) -> dict:
    return _storable({"line": error.line, "column": error.column, "code": error.code, "message": error.message})


def _note_json(note) -> dict:
    data = asdict(note)
    data["lines"] = list(note.lines)
    return _storable(data)


def _storable(value):
    """A message or column name that quotes the file, as the database can store it: PostgreSQL
    refuses a NUL character in text and JSON, and an upload whose refusal cannot be saved would
    stay "checking" for ever. (The messages quote values through kernel.redaction.quoted; this
    catches anything else, such as a column name from a bad header.)"""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00")
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value


def _saving_progress(upload: Upload, progress: ProgressCallback | None) -> ProgressCallback:
    """Pass progress on, and save bytes read to the upload row about once a second (outside
    any transaction, so the upload page can poll it)."""
    last_saved = [0.0]

    def report(update: ImportProgress) -> None:
        if progress is not None:
            progress(update)
        now = time.monotonic()
        if update.phase == PHASE_CHECKING and now - last_saved[0] >= PROGRESS_SAVE_SECONDS:
            last_saved[0] = now
            Upload.objects.filter(pk=upload.pk).update(bytes_read=update.bytes_done)

    return report
