"""Background work of the dashboard pages (django-tasks, database backend; the worker is
`perinatal db_worker`): the upload page's import, and building every page again after every
import. England's rows come first, so that the engine's tally cache holds every trust's counts
of every period (every other page reads its trusts' counts from there); then the national page,
the default table of all trusts and each region's, ICB's and trust's page, whose finished rows
and charts the shared page cache keeps (settings.CACHES["dashboard"], a table every web process
reads): the first person to open a page after an import waits no longer than the second
(issue 13).

The page saves the file, then creates its Upload row (status "checking") and queues
`import_upload_task` in one transaction (`queue_upload`): a web server killed between the two
must not leave an upload "checking" with no task to check it. The worker runs the dashboard's
import service on it. The service checks the whole file first and saves how much of it has
been read to the Upload row about once a second, which the page's status endpoint reports for the progress bar.

Whatever happens, the upload ends (loaded, refused or failed, the page saying which) and its
files go: the saved file and the rows staged from it are removed when the task ends, and when
its worker is killed mid-check the scheduler notices (perinatal.core.task_recovery) and
`upload_lost_with_worker` ends it as failed and removes them. A file saved by a web server
killed before its upload was queued belongs to no task: the scheduler's sweep
`remove_abandoned_files` removes it once it is `DASHBOARD_UPLOAD_ABANDONED_SECONDS` old.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import TaskResultStatus, task

from perinatal.dashboard.datasets.deprivation import MOST_DEPRIVED_FIRST
from perinatal.dashboard.models import Upload
from perinatal.dashboard.selectors import births
from perinatal.dashboard.services import fail_unfinished_upload, import_dataset, start_upload

from .builders.national import national_page
from .builders.organisation import every_organisation, organisation_page
from .builders.trusts import trusts_page

logger = logging.getLogger(__name__)

#: Where files wait for the worker (removed once imported).
UPLOAD_DIR_SETTING = "DASHBOARD_UPLOAD_DIR"
#: How old a file in the upload folder that no queued or running import owns must be before the
#: sweep removes it (long enough for the page to save a big file and queue it).
ABANDONED_SECONDS_SETTING = "DASHBOARD_UPLOAD_ABANDONED_SECONDS"


def upload_dir() -> Path:
    folder = Path(
        getattr(settings, UPLOAD_DIR_SETTING, None)
        or os.environ.get(UPLOAD_DIR_SETTING)
        or settings.REPO_DIR / "var" / "uploads"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


#: What the upload page says when the check stopped because of a fault in the service.
FAILED_IN_SERVICE = (
    "The file could not be checked because of a problem in the service; nothing from it was kept. "
    "Upload the file again, and tell the service team if this happens again."
)
#: What it says when the background worker stopped (killed, restarted) in the middle.
LOST_WITH_WORKER = (
    "The check stopped because the background worker stopped before it finished; nothing from "
    "the file was kept. Upload the file again."
)


def staging_dir_for(upload_id: int) -> Path:
    """Where an upload's checked rows wait to be loaded: its own folder, so that a task that
    died can be cleaned up without knowing the temporary files' names."""
    return upload_dir() / f"upload-{upload_id}.staging"


def _remove_files(upload_id: int, path: str) -> None:
    saved = Path(path)
    # Only ever the upload folder's own files: the path comes from the task table.
    if saved.resolve().parent == upload_dir().resolve():
        saved.unlink(missing_ok=True)
    shutil.rmtree(staging_dir_for(upload_id), ignore_errors=True)


def queue_upload(
    *,
    dataset: str,
    path: Path,
    filename: str,
    organisation,
    uploaded_by,
    quintile_order: str = MOST_DEPRIVED_FIRST,
    only_trust: str | None = None,
) -> Upload:
    """Record a saved file's upload and queue its check, both or neither: the task table is in
    the same database (django-tasks-db), so the task's row joins the upload's transaction. A web
    server killed in between used to leave the upload "checking" for ever (issue 13)."""
    with transaction.atomic():
        upload = start_upload(
            dataset=dataset,
            path=path,
            filename=filename,
            organisation=organisation,
            uploaded_by=uploaded_by,
            source=Upload.Source.PAGE,
        )
        import_upload_task.enqueue(
            upload_id=upload.pk, path=str(path), quintile_order=quintile_order, only_trust=only_trust
        )
    return upload


def abandoned_after_seconds() -> float:
    return float(getattr(settings, ABANDONED_SECONDS_SETTING, None) or os.environ.get(ABANDONED_SECONDS_SETTING) or 600)


_STAGING = re.compile(r"upload-(\d+)\.staging")


def remove_abandoned_files() -> list[str]:
    """The scheduler's sweep (registered in apps.py): remove what lies in the upload folder,
    older than `DASHBOARD_UPLOAD_ABANDONED_SECONDS`, that no queued or running import owns (a
    file saved by a web server killed before queueing it; staged rows of an upload long gone).
    Returns the names removed."""
    from django_tasks_db.models import DBTaskResult

    folder = upload_dir()
    owned_paths: set[str] = set()
    owned_uploads: set[int] = set()
    pending = DBTaskResult.objects.filter(
        task_path=import_upload_task.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values_list("args_kwargs", flat=True)
    for arguments in pending:
        kwargs = (arguments or {}).get("kwargs", {})
        if kwargs.get("path"):
            owned_paths.add(str(Path(kwargs["path"]).resolve()))
        if kwargs.get("upload_id") is not None:
            owned_uploads.add(int(kwargs["upload_id"]))
    cutoff = time.time() - abandoned_after_seconds()
    removed = []
    for entry in folder.iterdir():
        try:
            if entry.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue  # its task removed it meanwhile
        staging = _STAGING.fullmatch(entry.name)
        if staging and int(staging.group(1)) in owned_uploads:
            continue
        if not staging and str(entry.resolve()) in owned_paths:
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry.name)
    if removed:
        logger.warning("Removed %s abandoned file(s) from the upload folder", len(removed))
    return removed


@task()
def import_upload_task(
    upload_id: int, path: str, quintile_order: str = MOST_DEPRIVED_FIRST, only_trust: str | None = None
) -> dict:
    """Check and load a file saved by the upload page; the file is deleted afterwards.
    `quintile_order`: the page's answer on how a births file numbers imd_quintile.
    `only_trust`: a trust's own upload, whose rows may name only that trust."""
    upload = Upload.objects.get(pk=upload_id)
    staging = staging_dir_for(upload_id)
    staging.mkdir(parents=True, exist_ok=True)
    try:
        upload = import_dataset(
            dataset=upload.dataset,
            path=Path(path),
            upload=upload,
            quintile_order=quintile_order,
            staging_dir=staging,
            only_trust=only_trust,
        )
    except BaseException:
        # The task fails (its error kept, redacted, in the task table); the page must not say
        # "checking" for ever.
        fail_unfinished_upload(upload_id=upload_id, message=FAILED_IN_SERVICE)
        raise
    finally:
        _remove_files(upload_id, path)
    return {"upload": upload.pk, "status": upload.status, "rows": upload.rows, "errors": upload.error_count}


def upload_lost_with_worker(
    upload_id: int, path: str, quintile_order: str = MOST_DEPRIVED_FIRST, only_trust: str | None = None
) -> None:
    """The import task's worker died mid-check (registered with core.task_recovery.on_lost)."""
    fail_unfinished_upload(upload_id=upload_id, message=LOST_WITH_WORKER)
    _remove_files(upload_id, path)


@task()
def warm_up_task() -> dict:
    """Build every dashboard page for the data as they are now (England's first), keeping
    their rows and charts in the shared page cache; returns how many pages were built."""
    span = births.data_span()
    if span is None:
        return {"warmed": 0}
    england, *others = every_organisation(span=span)
    organisation_page(org=england, span=span)
    national_page(span=span)
    trusts_page(metric_id=None, period_key=None, region=None, icb=None, sort=None, order=None, span=span)
    for org in others:
        organisation_page(org=org, span=span)
    return {"warmed": 3 + len(others)}


def enqueue_warm_up(upload) -> None:
    """The after-import hook (registered in apps.py): queue the warm-up once a load has committed."""
    warm_up_task.enqueue()
