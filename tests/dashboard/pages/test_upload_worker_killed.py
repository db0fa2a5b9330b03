"""A worker killed in the middle of checking an upload (issue 13), with the real processes:
`perinatal db_worker` is killed with SIGKILL mid-check; the upload must not stay "Checking the
file" for ever with its file left in the upload folder. The scheduler's next pass notices the
worker is gone, ends the task and the upload as failed and removes the files."""

from __future__ import annotations

import signal
import sqlite3
import time

from tests import processes

HEADER = (
    "baby_id,mother_id,trust_code,site_code,born_on,gestation_days,birth_weight_g,outcome,termination,"
    "neonatal_death_on,blood_loss_ml,multiple_birth,mother_age,ethnic_group,imd_quintile,onset_of_labour\n"
)
TASKS = "django_tasks_database_dbtaskresult"
ROWS = 300_000  # several seconds of checking on the 2-core machine

QUEUE = """
from pathlib import Path
from perinatal.dashboard.models import Upload
from perinatal.dashboard.pages.tasks import import_upload_task, upload_dir
from perinatal.dashboard.services import start_upload
saved = upload_dir() / "waiting.csv"
upload = start_upload(dataset="births", path=saved, filename="births.csv", source=Upload.Source.PAGE)
import_upload_task.enqueue(upload_id=upload.pk, path=str(saved))
print(upload.pk)
"""


def _wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_an_upload_whose_worker_is_killed_mid_check_ends_as_failed_with_its_files_removed(tmp_path):
    database = tmp_path / "killed.sqlite3"
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    env = processes.service_env(
        database_url=f"sqlite:///{database}", port=processes.free_port(), DASHBOARD_UPLOAD_DIR=str(uploads)
    )
    processes.manage(env, "migrate", "--verbosity", "0")
    line = "B{0},M{0},R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,N,1,spontaneous\n"
    with open(uploads / "waiting.csv", "w") as out:
        out.write(HEADER)
        out.writelines(line.format(i) for i in range(ROWS))
    upload_id = int(processes.manage(env, "shell", "--no-imports", "-c", QUEUE).stdout.split()[-1])
    db = sqlite3.connect(database)

    def upload() -> tuple[str, int]:
        return db.execute("SELECT status, bytes_read FROM dashboard_upload WHERE id = ?", [upload_id]).fetchone()

    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = processes.start_worker(env, log)
        try:
            _wait_for(
                lambda: db.execute(
                    "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
                ).fetchone(),
                seconds=120,
                what="the worker to start the check",
            )
            time.sleep(0.5)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
    assert upload()[0] == "validating"  # left "checking" by the dead worker...
    assert (uploads / "waiting.csv").exists()

    swept = processes.manage(env, "scheduler", "--once").stdout
    assert "was lost with its worker: ended as failed" in swept
    status, _ = upload()
    message = db.execute("SELECT errors FROM dashboard_upload WHERE id = ?", [upload_id]).fetchone()[0]
    assert status == "failed" and "background worker stopped" in message
    assert list(uploads.iterdir()) == []  # the saved file and the staged rows are gone
    task = db.execute(f"SELECT status, exception_class_path FROM {TASKS}").fetchone()
    assert task == ("FAILED", "perinatal.core.task_recovery.WorkerLost")
    db.close()
