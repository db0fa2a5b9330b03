"""A MOSS run queued after a reference-rate change must not be lost with a killed worker
(issue 13): the scheduler's pass queues it again, and until it has run the signals pages say
the signals do not use the rates in force (docs/adr/0023-production-serving.md)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from perinatal.accounts.models import User
from perinatal.core import task_recovery
from perinatal.surveillance.models import MossRun, ReferenceRateUpload
from perinatal.surveillance.selectors.reference_rates import rates_changed_since, sites_on_rates_out_of_force
from perinatal.surveillance.services.reference_rates import withdraw_reference_rates
from perinatal.surveillance.services.runs import record_moss_run
from perinatal.surveillance.tasks import run_moss_task
from tests.helpers import sign_in
from tests.surveillance.platform import SITE_A, WORKED_NOW, worked_example

pytestmark = pytest.mark.django_db

HEADER = "Site_Code,Year,Events,Denom,Ref_Rate,Source"
ADMIN = "programme.admin@perinatal.example"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def births(settings):
    settings.PERINATAL_NOW = WORKED_NOW
    worked_example()
    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()  # the suite's set-up queued runs no worker ran: only the test's own


def _load_rates(tmp_path: Path) -> ReferenceRateUpload:
    path = tmp_path / "MOSS_Ref_Rate.csv"
    path.write_text(f"{HEADER}\n{SITE_A},2022-2024,16,4000,0.004,NHSE\n", encoding="utf-8")
    call_command("load_reference_rates", str(path), "--no-run", stdout=io.StringIO(), stderr=io.StringIO())
    return ReferenceRateUpload.objects.get()


def _moss_tasks():
    return DBTaskResult.objects.filter(task_path=run_moss_task.module_path)


def test_a_withdrawal_whose_run_was_lost_is_noticed_requeued_and_shown_until_it_runs(births, tmp_path, client):
    upload = _load_rates(tmp_path)
    record_moss_run(trigger=MossRun.Trigger.REFERENCE_RATES)
    assert not rates_changed_since(MossRun.objects.latest())
    withdraw_reference_rates(upload=upload, reason="wrong year", by=User.objects.get(email=ADMIN))
    # The run the withdrawal queued was claimed by a worker that was then killed.
    lost = DBTaskResult.objects.get(id=run_moss_task.enqueue(trigger=MossRun.Trigger.REFERENCE_WITHDRAWN.value).id)
    lost.claim("killed-worker")
    DBTaskResult.objects.filter(id=lost.id).update(started_at=lost.started_at - task_recovery.lost_after() * 2)

    sign_in(client, User.objects.get(email=ADMIN))
    for page in ("/signals/", f"/signals/sites/{SITE_A}/"):
        text = client.get(page).content.decode()
        assert "Reference rates have changed" in text and "withdrawn or replaced" in text and SITE_A in text
    assert sites_on_rates_out_of_force(MossRun.objects.latest()) == [SITE_A]

    task_recovery.recover_lost_work()  # the scheduler's pass
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED
    queued = _moss_tasks().filter(status=TaskResultStatus.READY)
    assert [task.args_kwargs["kwargs"] for task in queued] == [{"trigger": "rates_withdrawn"}]
    task_recovery.recover_lost_work()  # one queued run is enough
    assert _moss_tasks().filter(status=TaskResultStatus.READY).count() == 1

    record_moss_run(trigger=MossRun.Trigger.REFERENCE_WITHDRAWN)  # the worker runs it
    assert not rates_changed_since(MossRun.objects.latest())
    assert "Reference rates have changed" not in client.get("/signals/").content.decode()


def test_a_change_with_no_run_queued_at_all_gets_one_and_a_failing_run_is_not_queued_for_ever(births, tmp_path):
    record_moss_run(trigger=MossRun.Trigger.COMMAND)
    _load_rates(tmp_path)  # --no-run: nothing queued
    assert rates_changed_since(MossRun.objects.latest())
    task_recovery.recover_lost_work()
    queued = _moss_tasks().get(status=TaskResultStatus.READY)
    assert queued.args_kwargs["kwargs"] == {"trigger": "reference_rates"}
    # The run keeps failing: after three failures in the hour the sweep stops queueing it.
    for _ in range(3):
        task = _moss_tasks().get(status=TaskResultStatus.READY)
        task.claim("worker")
        task.set_failed(RuntimeError("MOSS failed"))
        task_recovery.recover_lost_work()
    assert not _moss_tasks().filter(status=TaskResultStatus.READY).exists()
    assert _moss_tasks().filter(status=TaskResultStatus.FAILED).count() == 3
