"""Background work of the dashboard pages (django-tasks, database backend; the worker is
`perinatal db_worker`): the upload page's import, and building every page again after every
import. England's rows come first, so that the engine's tally cache holds every trust's counts
of every period (every other page reads its trusts' counts from there); then the national page,
the default table of all trusts and each region's, ICB's and trust's page, whose finished rows
and charts the shared page cache keeps (settings.CACHES["dashboard"], a table every web process
reads): the first person to open a page after an import waits no longer than the second
(issue 13).

The page saves the file, creates its Upload row (status "checking") and queues
`import_upload_task`; the worker runs the dashboard's import service on it. The service
checks the whole file first and saves how much of it has been read to the Upload row about
once a second, which the page's status endpoint reports for the progress bar.

Whatever happens, the upload ends (loaded, refused or failed, the page saying which) and its
files go: the saved file and the rows staged from it are removed when the task ends, and when
its worker is killed mid-check the scheduler notices (perinatal.core.task_recovery) and
`upload_lost_with_worker` ends it as failed and removes them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django_tasks import task

from perinatal.dashboard.datasets.deprivation import MOST_DEPRIVED_FIRST
from perinatal.dashboard.models import Upload
from perinatal.dashboard.selectors import births
from perinatal.dashboard.services import fail_unfinished_upload, import_dataset

from .builders.national import national_page
from .builders.organisation import every_organisation, organisation_page
from .builders.trusts import trusts_page

#: Where files wait for the worker (removed once imported).
UPLOAD_DIR_SETTING = "DASHBOARD_UPLOAD_DIR"


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
