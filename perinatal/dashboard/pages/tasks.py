"""Background work of the dashboard pages (django-tasks, database backend; the worker is
`perinatal db_worker`): the upload page's import, and computing England's rows again after
every import, so that the engine's tally cache holds every trust's counts of every period
before anyone opens a page (England's page counts every trust; every other page reads its
trusts' counts from there).

The page saves the file, creates its Upload row (status "checking") and queues
`import_upload_task`; the worker runs the dashboard's import service on it. The service
checks the whole file first and saves how much of it has been read to the Upload row about
once a second, which the page's status endpoint reports for the progress bar.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tasks import task

from perinatal.dashboard.datasets.deprivation import MOST_DEPRIVED_FIRST
from perinatal.dashboard.engine import OrganisationMap, compute_rows, default_stillbirth_denominator
from perinatal.dashboard.metrics.rows import LEVEL_NATIONAL, NATIONAL_CODE
from perinatal.dashboard.models import Upload
from perinatal.dashboard.selectors import births, metric_rows
from perinatal.dashboard.services import import_dataset

from .builders.trusts import DEFAULT_METRIC, metric_definition
from .reporting_periods import choices_for, default_choice

#: Where files wait for the worker (removed once imported).
UPLOAD_DIR_SETTING = "DASHBOARD_UPLOAD_DIR"


def upload_dir() -> Path:
    folder = Path(getattr(settings, UPLOAD_DIR_SETTING, None) or settings.REPO_DIR / "var" / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@task()
def import_upload_task(upload_id: int, path: str, quintile_order: str = MOST_DEPRIVED_FIRST) -> dict:
    """Check and load a file saved by the upload page; the file is deleted afterwards.
    `quintile_order`: the page's answer on how a births file numbers imd_quintile."""
    upload = Upload.objects.get(pk=upload_id)
    try:
        upload = import_dataset(dataset=upload.dataset, path=Path(path), upload=upload, quintile_order=quintile_order)
    finally:
        Path(path).unlink(missing_ok=True)
    return {"upload": upload.pk, "status": upload.status, "rows": upload.rows, "errors": upload.error_count}


@task()
def warm_up_task() -> dict:
    """Compute the rows of England's pages and of the default table of all trusts for the
    data as they are now (the engine keeps their counts; a second run reads them back)."""
    span = births.data_span()
    if span is None:
        return {"warmed": 0}
    orgs = OrganisationMap()
    denominator = default_stillbirth_denominator()
    requests = [
        metric_rows.organisation_request(
            level=LEVEL_NATIONAL, code=NATIONAL_CODE, span=span, stillbirth_denominator=denominator
        )
    ]
    definition = metric_definition(DEFAULT_METRIC, stillbirth_denominator=denominator)
    choice = default_choice(
        choices_for(period_kind=definition.period_kind, span=span), period_kind=definition.period_kind
    )
    if choice is not None:
        requests.append(
            metric_rows.trusts_request(
                metric_id=definition.id, period=choice.period, stillbirth_denominator=denominator
            )
        )
    for request in requests:
        compute_rows(request, organisations=orgs)
    return {"warmed": len(requests)}


def enqueue_warm_up(upload) -> None:
    """The after-import hook (registered in apps.py): queue the warm-up once a load has committed."""
    warm_up_task.enqueue()
