"""A web server killed while it records an upload (issue 13, found by `make chaos`): the upload
row and its import task are written in one transaction, so a death between the two leaves
neither (it used to leave the upload "Checking the file" for ever, with no task to check it);
the file it had saved belongs to no task and the scheduler's sweep removes it once old."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from perinatal.accounts.roles import Role
from perinatal.core import task_recovery
from perinatal.dashboard.models import Upload
from perinatal.dashboard.pages import tasks
from perinatal.organisations.models import ENGLAND_CODE
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HEADER = (
    "baby_id,mother_id,trust_code,site_code,born_on,gestation_days,birth_weight_g,outcome,termination,"
    "neonatal_death_on,blood_loss_ml,multiple_birth,mother_age,ethnic_group,imd_quintile,onset_of_labour\n"
)


class ServerKilled(BaseException):
    """Stands for the process dying (SIGKILL) just after the upload row was written."""


@pytest.fixture
def admin(client):
    sign_in(client, make_user(Role.PROGRAMME_ADMIN, ENGLAND_CODE))
    return client


def _imports():
    return DBTaskResult.objects.filter(task_path=tasks.import_upload_task.module_path)


def _age(path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_a_server_killed_before_the_task_is_queued_leaves_no_upload_checking(admin, settings, tmp_path, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)

    def killed(self, task, args, kwargs):
        raise ServerKilled

    monkeypatch.setattr(DatabaseBackend, "enqueue", killed)
    uploads_before = set(Upload.objects.values_list("pk", flat=True))
    file = SimpleUploadedFile("births.csv", HEADER.encode(), content_type="text/csv")
    with pytest.raises(ServerKilled):
        admin.post(reverse("dashboard:upload_new"), {"dataset": "births", "file": file})
    # Was: an upload "checking" for ever, with no task to check it.
    assert set(Upload.objects.values_list("pk", flat=True)) == uploads_before
    assert not _imports().exists()
    assert list(tmp_path.iterdir()) == []  # nor the file it had saved


def test_an_upload_is_recorded_and_queued_together(admin, settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    file = SimpleUploadedFile("births.csv", HEADER.encode(), content_type="text/csv")
    admin.post(reverse("dashboard:upload_new"), {"dataset": "births", "file": file})
    upload = Upload.objects.latest("id")
    task = _imports().get()
    assert upload.status == Upload.Status.VALIDATING
    assert task.status == TaskResultStatus.READY and task.args_kwargs["kwargs"]["upload_id"] == upload.pk


def test_the_sweep_removes_an_old_file_no_task_owns_and_keeps_fresh_and_queued_ones(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    settings.DASHBOARD_UPLOAD_ABANDONED_SECONDS = 600
    abandoned = tmp_path / "abandoned.csv"
    fresh = tmp_path / "fresh.csv"
    queued = tmp_path / "queued.csv"
    for path in (abandoned, fresh, queued):
        path.write_text(HEADER)
    upload = tasks.queue_upload(
        dataset="births", path=queued, filename="births.csv", organisation=None, uploaded_by=None
    )
    queued_staging = tasks.staging_dir_for(upload.pk)
    queued_staging.mkdir()
    orphan_staging = tasks.staging_dir_for(upload.pk + 1000)
    orphan_staging.mkdir()
    for path in (abandoned, queued, queued_staging, orphan_staging):
        _age(path, 601)
    _age(fresh, 300)

    task_recovery.recover_lost_work()  # the scheduler's pass runs the sweep

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["fresh.csv", "queued.csv", queued_staging.name])
    # Once its task has ended, an old file is nobody's.
    _imports().update(status=TaskResultStatus.FAILED)
    assert sorted(tasks.remove_abandoned_files()) == sorted(["queued.csv", queued_staging.name])
