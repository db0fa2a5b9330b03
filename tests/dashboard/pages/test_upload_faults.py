"""Uploads that hit a fault end, and say so (issue 13): a NUL byte in the file is refused with
the byte shown as an escape (PostgreSQL cannot store it); an upload whose worker died is ended
as failed by the scheduler's pass and its files removed; an import that raises ends its upload
as failed, removes its files and fails its task; an NHS number is never echoed."""

import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from perinatal.accounts.roles import Role
from perinatal.core import clock, task_recovery
from perinatal.core.models import WorkerHeartbeat
from perinatal.dashboard.models import Upload
from perinatal.dashboard.pages import tasks
from perinatal.organisations.models import ENGLAND_CODE
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HEADER = (
    "baby_id,mother_id,trust_code,site_code,born_on,gestation_days,birth_weight_g,outcome,termination,"
    "neonatal_death_on,blood_loss_ml,multiple_birth,mother_age,ethnic_group,imd_quintile,onset_of_labour\n"
)


@pytest.fixture
def admin(client):
    sign_in(client, make_user(Role.PROGRAMME_ADMIN, ENGLAND_CODE))
    return client


def _post(admin, text: str):
    file = SimpleUploadedFile("births.csv", text.encode(), content_type="text/csv")
    return admin.post(reverse("dashboard:upload_new"), {"dataset": "births", "file": file})


def test_a_nul_byte_is_refused_with_the_byte_written_as_an_escape_and_the_files_removed(admin, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    response = _post(admin, HEADER + "PQ\x001,PM1,R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,N,1,spontaneous\n")
    upload = Upload.objects.latest("id")
    assert upload.status == Upload.Status.REFUSED  # on PostgreSQL it stayed "checking" for ever
    assert upload.errors[0]["message"].startswith("'PQ\\x001' is not a valid baby_id")
    assert "\x00" not in str(upload.errors)
    assert list(tmp_path.iterdir()) == []  # the saved file and the staged rows are gone
    page = admin.get(response["Location"]).content.decode()
    assert "The file was refused" in page and "PQ\\x001" in page


def test_an_nhs_number_in_a_file_is_never_echoed_in_the_stored_errors_or_the_page(admin, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    rows = (
        "9434765919,PM1,R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,N,1,spontaneous\n"
        "943 476 5919,PM2,R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,N,1,spontaneous\n"
    )
    response = _post(admin, HEADER + rows)
    upload = Upload.objects.latest("id")
    assert upload.status == Upload.Status.REFUSED and upload.error_count == 2
    messages = [error["message"] for error in upload.errors]
    assert messages[0].startswith("baby_id is a valid NHS number; the dashboard holds no NHS numbers")
    assert messages[1].startswith("'[nhs-number]' is not a valid baby_id")
    page = admin.get(response["Location"]).content.decode()
    assert "5919" not in str(upload.errors) and "5919" not in page


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def _running_upload_task(settings, tmp_path, *, heartbeat: dict | None):
    """An upload as the page leaves it, its task claimed by a worker (as db_worker claims it)."""
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    settings.TASKS = DATABASE_TASKS
    saved = tmp_path / "saved.csv"
    saved.write_text(HEADER)
    upload = Upload.objects.create(
        dataset="births",
        filename="births.csv",
        source=Upload.Source.PAGE,
        status=Upload.Status.VALIDATING,
        size_bytes=100,
        bytes_read=100,
        started_at=clock.now(),
    )
    tasks.staging_dir_for(upload.pk).mkdir()
    (tasks.staging_dir_for(upload.pk) / "rows.births.staged.csv").write_text("rows")
    result = tasks.import_upload_task.enqueue(upload_id=upload.pk, path=str(saved))
    task = DBTaskResult.objects.get(id=result.id)
    task.claim("worker-1")
    if heartbeat is not None:
        WorkerHeartbeat.objects.create(worker_id="worker-1", **heartbeat)
    return upload, task


def test_an_upload_whose_worker_died_is_ended_as_failed_and_its_files_removed(admin, settings, tmp_path):
    from django.utils import timezone

    upload, task = _running_upload_task(
        settings, tmp_path, heartbeat={"host": task_recovery.HOST, "pid": _dead_pid(), "beat_at": timezone.now()}
    )
    lost = task_recovery.recover_lost_work()
    assert [item.id for item in lost] == [str(task.id)]
    task.refresh_from_db()
    upload.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and task.exception_class_path == task_recovery.LOST_EXCEPTION
    assert upload.status == Upload.Status.FAILED
    assert list(tmp_path.iterdir()) == []
    page = admin.get(reverse("dashboard:upload", args=[upload.pk])).content.decode()
    assert "The import failed" in page and "background worker stopped" in page
    assert "app-upload-progress" not in page  # no longer "Checking the file: 99%"


@pytest.mark.parametrize(
    ("heartbeat", "lost"),
    [
        ({"host": task_recovery.HOST, "pid": "self", "beat_at": "long ago"}, False),  # alive here, if quiet
        ({"host": "another-host", "pid": 1, "beat_at": "now"}, False),  # beating elsewhere
        ({"host": "another-host", "pid": 1, "beat_at": "long ago"}, True),  # stopped beating elsewhere
        (None, True),  # claimed long ago by a worker that never beat
    ],
)
def test_a_running_task_is_lost_only_when_its_worker_is_gone(settings, tmp_path, heartbeat, lost):
    import os
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - task_recovery.lost_after() - timedelta(seconds=5)
    if heartbeat is not None:
        heartbeat = {
            **heartbeat,
            "pid": os.getpid() if heartbeat["pid"] == "self" else heartbeat["pid"],
            "beat_at": long_ago if heartbeat["beat_at"] == "long ago" else timezone.now(),
        }
    upload, task = _running_upload_task(settings, tmp_path, heartbeat=heartbeat)
    DBTaskResult.objects.filter(id=task.id).update(started_at=long_ago)
    assert bool(task_recovery.reap_lost_tasks()) is lost
    upload.refresh_from_db()
    assert (upload.status == Upload.Status.FAILED) is lost


def test_an_import_that_raises_ends_the_upload_as_failed_removes_its_files_and_fails_the_task(
    admin, settings, tmp_path, monkeypatch
):
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    saved = tmp_path / "saved.csv"
    saved.write_text(HEADER)
    upload = Upload.objects.create(
        dataset="births",
        filename="births.csv",
        source=Upload.Source.PAGE,
        status=Upload.Status.VALIDATING,
        size_bytes=100,
        started_at=clock.now(),
    )
    fault = RuntimeError("a fault in the service")

    def import_dataset(*, staging_dir, **kwargs):
        (staging_dir / "rows.births.staged.csv").write_text("rows")  # part way through
        raise fault

    monkeypatch.setattr(tasks, "import_dataset", import_dataset)
    with pytest.raises(RuntimeError) as raised:
        tasks.import_upload_task.call(upload_id=upload.pk, path=str(saved))
    assert raised.value is fault  # the task fails, its error kept in the task table
    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED
    assert [error["message"] for error in upload.errors] == [tasks.FAILED_IN_SERVICE]
    assert list(tmp_path.iterdir()) == []  # the saved file and the staging folder are gone
    page = admin.get(reverse("dashboard:upload", args=[upload.pk])).content.decode()
    assert "The import failed" in page and "problem in the service" in page
    assert "app-upload-progress" not in page
