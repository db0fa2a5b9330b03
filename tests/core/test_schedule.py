"""When a daily job is due (pure rule), and the scheduler queueing it exactly once."""

from datetime import UTC, date, datetime, time

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from perinatal.core.models import ScheduledJobRun
from perinatal.core.schedule import LONDON, DailyJob, parse_jobs
from perinatal.core.scheduler import queue_due_jobs

JOB = DailyJob(
    name="moss-nightly",
    at=time(2, 15),
    task="perinatal.surveillance.tasks.run_moss_task",
    kwargs={"trigger": "nightly"},
)


@pytest.mark.parametrize(
    "now, occurrence",
    [
        (datetime(2026, 1, 10, 2, 14, 59, tzinfo=LONDON), date(2026, 1, 9)),  # a second before: yesterday's
        (datetime(2026, 1, 10, 2, 15, tzinfo=LONDON), date(2026, 1, 10)),  # at the time: today's
        (datetime(2026, 1, 10, 23, 59, tzinfo=LONDON), date(2026, 1, 10)),
        (datetime(2026, 1, 1, 0, 0, tzinfo=LONDON), date(2025, 12, 31)),  # across a year end
        # Summer: 02:15 BST is 01:15 UTC.
        (datetime(2026, 7, 1, 1, 14, tzinfo=UTC), date(2026, 6, 30)),
        (datetime(2026, 7, 1, 1, 15, tzinfo=UTC), date(2026, 7, 1)),
        # Clocks go forward 29 March 2026 at 01:00 GMT: 02:15 BST is 01:15 UTC that day.
        (datetime(2026, 3, 29, 1, 14, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 3, 29, 1, 15, tzinfo=UTC), date(2026, 3, 29)),
        # Clocks go back 25 October 2026 at 02:00 BST: 02:15 GMT is 02:15 UTC that day.
        (datetime(2026, 10, 25, 2, 14, tzinfo=UTC), date(2026, 10, 24)),
        (datetime(2026, 10, 25, 2, 15, tzinfo=UTC), date(2026, 10, 25)),
    ],
)
def test_latest_occurrence(now, occurrence):
    assert JOB.latest_occurrence(now) == occurrence


def test_next_after_is_the_following_occurrence():
    assert JOB.next_after(datetime(2026, 1, 10, 2, 14, tzinfo=LONDON)) == datetime(2026, 1, 10, 2, 15, tzinfo=LONDON)
    assert JOB.next_after(datetime(2026, 1, 10, 2, 15, tzinfo=LONDON)) == datetime(2026, 1, 11, 2, 15, tzinfo=LONDON)


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        JOB.latest_occurrence(datetime(2026, 1, 10, 3, 0))


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"at": "02:15", "task": "x.y"}, "unique name"),
        ({"name": "a", "at": "2.15am", "task": "x.y"}, "'at' must be a time"),
        ({"name": "a", "task": "x.y"}, "'at' must be a time"),
        ({"name": "a", "at": "02:15"}, "'task' must name"),
    ],
)
def test_malformed_jobs_are_refused_by_name(entry, message):
    with pytest.raises(ValueError, match=message):
        parse_jobs([entry])


def test_duplicate_job_names_are_refused():
    with pytest.raises(ValueError, match="unique name"):
        parse_jobs([{"name": "a", "at": "01:00", "task": "x.y"}, {"name": "a", "at": "02:00", "task": "x.y"}])


@pytest.mark.django_db
def test_the_scheduler_queues_each_occurrence_once(settings):
    settings.PERINATAL_NOW = "2026-11-27T03:00"
    before = DBTaskResult.objects.count()
    assert [q.run.occurrence for q in queue_due_jobs(jobs=(JOB,))] == [date(2026, 11, 27)]
    assert queue_due_jobs(jobs=(JOB,)) == []  # restarted, or a second scheduler: nothing more
    run = ScheduledJobRun.objects.get()
    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.task_path == "perinatal.surveillance.tasks.run_moss_task"
    assert task.args_kwargs["kwargs"] == {"trigger": "nightly"}
    settings.PERINATAL_NOW = "2026-11-28T02:15"
    assert [q.run.occurrence for q in queue_due_jobs(jobs=(JOB,))] == [date(2026, 11, 28)]
    assert DBTaskResult.objects.count() == before + 2


@pytest.mark.django_db
def test_a_scheduler_down_for_days_runs_the_missed_job_once(settings):
    settings.PERINATAL_NOW = "2026-11-20T03:00"
    queue_due_jobs(jobs=(JOB,))
    settings.PERINATAL_NOW = "2026-11-27T01:00"  # a week later, before tonight's time
    assert [q.run.occurrence for q in queue_due_jobs(jobs=(JOB,))] == [date(2026, 11, 26)]


@pytest.mark.django_db
def test_scheduler_command_once_uses_the_settings_jobs(settings, capsys):
    settings.PERINATAL_NOW = "2026-11-27T12:00"
    call_command("scheduler", "--once")
    call_command("scheduler", "--once")
    out = capsys.readouterr().out
    assert "moss-nightly: daily at 2:15am Europe/London, next 28 November 2026 at 2:15am" in out
    assert out.count("Queued moss-nightly for 27 November 2026.") == 1
    assert ScheduledJobRun.objects.filter(job="moss-nightly").count() == 1


# --- is the nightly run on time? ---------------------------------------------------------------

from perinatal.core.scheduler import daily_job_status  # noqa: E402


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now, claimed, late",
    [
        ("2026-11-27T02:44", None, False),  # due at 02:15, within the half hour's grace
        ("2026-11-27T02:46", None, True),  # half an hour late and never queued
        ("2026-11-27T09:00", "2026-11-27", False),  # tonight's claimed (by cron: no task to follow)
        ("2026-11-27T09:00", "2026-11-25", True),  # the last one claimed was two nights ago
        ("2026-11-27T01:00", "2026-11-26", False),  # before tonight's time, last night's claimed
    ],
)
def test_the_nightly_job_is_late_only_when_its_due_occurrence_was_not_claimed(settings, now, claimed, late):
    settings.PERINATAL_NOW = now
    if claimed:
        ScheduledJobRun.objects.create(
            job="moss-nightly", occurrence=date.fromisoformat(claimed), queued_at=datetime(2026, 11, 20, tzinfo=UTC)
        )
    status = daily_job_status("moss-nightly")
    assert (status.problem == "has not started") is late and (status.problem is None) is (not late)
    assert status.next_at > datetime.fromisoformat(now).replace(tzinfo=LONDON)


@pytest.mark.django_db
def test_queued_is_not_done_a_waiting_or_failed_task_shows(settings):
    from django_tasks import TaskResultStatus

    settings.PERINATAL_NOW = "2026-11-27T02:20"
    (queued,) = queue_due_jobs(jobs=(JOB,))
    task = DBTaskResult.objects.get(id=queued.run.task_id)
    assert daily_job_status("moss-nightly").problem is None  # queued five minutes ago
    settings.PERINATAL_NOW = "2026-11-27T03:00"
    assert "waiting for the background worker" in daily_job_status("moss-nightly").problem
    task.status = TaskResultStatus.FAILED
    task.save()
    assert daily_job_status("moss-nightly").problem == "failed"
    task.status = TaskResultStatus.SUCCESSFUL
    task.save()
    assert daily_job_status("moss-nightly").problem is None


@pytest.mark.django_db
def test_the_signals_page_says_when_the_nightly_run_did_not_happen(settings, client):
    from django.urls import reverse

    from perinatal.accounts.models import User
    from tests.helpers import sign_in

    sign_in(client, User.objects.get(email="ist@perinatal.example"))
    settings.PERINATAL_NOW = "2026-11-27T09:00"
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert "the nightly MOSS run did not happen" in page and "27 November 2026 at 2:15am has not started" in page
    ScheduledJobRun.objects.create(job="moss-nightly", occurrence=date(2026, 11, 27), queued_at=datetime.now(UTC))
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert "the nightly MOSS run did not happen" not in page


@pytest.mark.django_db
def test_run_moss_nightly_from_cron_claims_the_night_so_the_scheduler_does_not_run_it_again(settings, capsys):
    settings.PERINATAL_NOW = "2026-11-27T02:15"
    call_command("run_moss", "--trigger", "nightly")
    assert ScheduledJobRun.objects.get(job="moss-nightly").occurrence == date(2026, 11, 27)
    # The scheduler sees the night taken (other daily jobs are its own business).
    assert "moss-nightly" not in [queued.job.name for queued in queue_due_jobs()]
    call_command("run_moss", "--trigger", "nightly")
    assert "already queued; nothing to do" in capsys.readouterr().out
    from perinatal.surveillance.models import MossRun

    assert MossRun.objects.filter(trigger="nightly").count() == 1
    assert daily_job_status("moss-nightly").problem is None


@pytest.mark.django_db
def test_one_jobs_error_does_not_stop_the_others():
    broken = DailyJob(name="broken", at=time(2, 0), task="perinatal.core.no_such_module.task")
    queued = queue_due_jobs(jobs=(broken, JOB))
    assert [q.job.name for q in queued] == ["moss-nightly"]
    assert not ScheduledJobRun.objects.filter(job="broken").exists()  # nothing half-claimed


def test_a_malformed_configuration_is_a_system_check_error(settings):
    from perinatal.core.checks import daily_jobs_are_valid

    settings.PERINATAL_DAILY_JOBS = [{"name": "moss-nightly", "at": "2.15", "task": "x"}]
    assert [e.id for e in daily_jobs_are_valid(None)] == ["perinatal.E001"]
    settings.PERINATAL_DAILY_JOBS = [{"name": "x", "at": "02:15", "task": "perinatal.core.no_such.task"}]
    assert "no task" in daily_jobs_are_valid(None)[0].msg
    settings.PERINATAL_DAILY_JOBS = [{"name": "x", "at": "02:15", "task": "perinatal.surveillance.tasks.run_moss_task"}]
    assert daily_jobs_are_valid(None) == []


@pytest.mark.django_db
def test_a_malformed_configuration_does_not_break_the_signals_page(settings, client):
    from django.urls import reverse

    from perinatal.accounts.models import User
    from tests.helpers import sign_in

    settings.PERINATAL_DAILY_JOBS = [{"name": "moss-nightly", "at": "2.15", "task": "x"}]
    sign_in(client, User.objects.get(email="ist@perinatal.example"))
    assert client.get(reverse("surveillance:overview")).status_code == 200


def test_an_unknown_job_has_no_status(db):
    assert daily_job_status("no-such-job") is None


@pytest.mark.django_db
def test_a_claim_lost_between_the_check_and_the_insert_queues_nothing(settings):
    """The unique constraint, not the exists() pre-check, is what stops a second run."""
    from perinatal.core.scheduler import _queue

    ScheduledJobRun.objects.create(
        job="moss-nightly",
        occurrence=date(2026, 11, 27),
        queued_at=datetime(2026, 11, 27, 2, 15, tzinfo=LONDON),
        queued_by="the other host",
    )
    before = DBTaskResult.objects.count()
    assert _queue(JOB, date(2026, 11, 27)) is None
    assert DBTaskResult.objects.count() == before  # the task went with the failed claim
    assert ScheduledJobRun.objects.get().queued_by == "the other host"
