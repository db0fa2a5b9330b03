"""The demo's signals and checks (loaded into the test database by `setup.load_demo(small=True)`),
the background MOSS task and the after-births-import hook."""

import pytest
from django_tasks_db.models import DBTaskResult

from perinatal.core import clock
from perinatal.dashboard.imports.hooks import hooks_for, run_after_import
from perinatal.dashboard.models import Upload
from perinatal.demo.dashboard_data import SMALL_TRUSTS
from perinatal.demo.generator import SIGNAL_SITES
from perinatal.demo.outcome_signals import DEMO_PLACED_NOTE, load_demo_signals
from perinatal.surveillance.models import CriticalSafetyCheck, MossRun, Signal
from perinatal.surveillance.tasks import enqueue_after_births_import, run_moss_task
from tests.surveillance.platform import WORKED_NOW, worked_example

pytestmark = pytest.mark.django_db


def test_the_small_demo_has_real_signals_at_a_small_demo_site():
    run = MossRun.objects.get(trigger=MossRun.Trigger.DEMO)
    assert run.results_stored and run.sites_monitored > 0
    signals = Signal.objects.filter(status=Signal.Status.ACTIVE, historical=False)
    assert signals.filter(trust__code__in=SMALL_TRUSTS).exists()
    assert signals.filter(site__code__in=SIGNAL_SITES).exists()


def test_the_demo_has_a_check_due_in_the_future_and_one_overdue():
    today = clock.today()
    open_checks = CriticalSafetyCheck.objects.filter(status=CriticalSafetyCheck.Status.OPEN)
    signal_site_checks = open_checks.filter(site__code__in=SIGNAL_SITES)
    assert signal_site_checks.exists() and all(check.due_on >= today for check in signal_site_checks)
    overdue = [check for check in open_checks if check.is_overdue_on(today)]
    assert len(overdue) == 1
    (placed,) = overdue
    assert placed.site.code not in SIGNAL_SITES
    assert placed.status_records.get().note == DEMO_PLACED_NOTE
    # Placed as seen when its earliest signal's month had ended: never before that month.
    assert min(signal.month for signal in placed.signals.all()) < placed.opened_on.replace(day=1)


def test_loading_the_demo_again_changes_nothing():
    runs, checks = MossRun.objects.count(), list(CriticalSafetyCheck.objects.values_list("pk", "opened_on", "due_on"))
    summary = load_demo_signals(small=True)
    assert summary.run is None and summary.previous_year_births == 0
    assert MossRun.objects.count() == runs
    assert list(CriticalSafetyCheck.objects.values_list("pk", "opened_on", "due_on")) == checks


def test_the_task_runs_moss(settings):
    settings.PERINATAL_NOW = WORKED_NOW
    worked_example()
    result = run_moss_task.call(trigger="nightly")
    assert result["results_stored"] and result["new_signals"] == 4 and result["checks_opened"] == 1
    assert MossRun.objects.get(pk=result["run"]).trigger == "nightly"


def test_a_births_import_queues_a_moss_run():
    assert enqueue_after_births_import in hooks_for("births")
    before = DBTaskResult.objects.filter(task_path__endswith="run_moss_task").count()
    upload = Upload.objects.create(dataset="births", filename="births.csv", started_at=clock.now(), status="loaded")
    run_after_import(upload)
    queued = DBTaskResult.objects.filter(task_path__endswith="run_moss_task").order_by("-enqueued_at").first()
    assert DBTaskResult.objects.filter(task_path__endswith="run_moss_task").count() == before + 1
    assert queued.args_kwargs["kwargs"] == {"trigger": "births_import"}
    other = Upload.objects.create(dataset="survey", filename="survey.csv", started_at=clock.now(), status="loaded")
    run_after_import(other)
    assert DBTaskResult.objects.filter(task_path__endswith="run_moss_task").count() == before + 1


def test_every_demo_notice_says_the_due_date_its_check_page_says():
    """Issue 12: the placed overdue check's email said the due date of the day MOSS ran, its page
    the one 8 working days after the placed opening day. One rule (kernel.working_days), one date."""
    from perinatal.core.formatting import long_date
    from perinatal.kernel.working_days import SAFETY_CHECK_WORKING_DAYS, add_working_days
    from perinatal.surveillance.models import ContactNotice

    notices = list(ContactNotice.objects.select_related("safety_check"))
    assert notices and all(notice.status == ContactNotice.Status.SENT for notice in notices)
    placed = CriticalSafetyCheck.objects.get(status_records__note=DEMO_PLACED_NOTE)
    assert placed.notices.exists()
    for notice in notices:
        check = notice.safety_check
        assert check.due_on == add_working_days(start=check.opened_on, n=SAFETY_CHECK_WORKING_DAYS)
        due = long_date(check.due_on)
        assert notice.subject.endswith(f"due {due}")
        assert f"It is due by {due} (the 8th working day after {long_date(check.opened_on)})." in notice.body
