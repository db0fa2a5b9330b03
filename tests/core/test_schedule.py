"""When a daily job is due (pure rule), and the scheduler queueing it exactly once."""

from datetime import date, datetime, time, timezone

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from perinatal.core.models import ScheduledJobRun
from perinatal.core.schedule import LONDON, DailyJob, parse_jobs
from perinatal.core.scheduler import queue_due_jobs

JOB = DailyJob(name="moss-nightly", at=time(2, 15), task="perinatal.surveillance.tasks.run_moss_task",
               kwargs={"trigger": "nightly"})


@pytest.mark.parametrize("now, occurrence", [
    (datetime(2026, 1, 10, 2, 14, 59, tzinfo=LONDON), date(2026, 1, 9)),   # a second before: yesterday's
    (datetime(2026, 1, 10, 2, 15, tzinfo=LONDON), date(2026, 1, 10)),      # at the time: today's
    (datetime(2026, 1, 10, 23, 59, tzinfo=LONDON), date(2026, 1, 10)),
    (datetime(2026, 1, 1, 0, 0, tzinfo=LONDON), date(2025, 12, 31)),       # across a year end
    # Summer: 02:15 BST is 01:15 UTC.
    (datetime(2026, 7, 1, 1, 14, tzinfo=timezone.utc), date(2026, 6, 30)),
    (datetime(2026, 7, 1, 1, 15, tzinfo=timezone.utc), date(2026, 7, 1)),
    # Clocks go forward 29 March 2026 at 01:00 GMT: 02:15 BST is 01:15 UTC that day.
    (datetime(2026, 3, 29, 1, 14, tzinfo=timezone.utc), date(2026, 3, 28)),
    (datetime(2026, 3, 29, 1, 15, tzinfo=timezone.utc), date(2026, 3, 29)),
    # Clocks go back 25 October 2026 at 02:00 BST: 02:15 GMT is 02:15 UTC that day.
    (datetime(2026, 10, 25, 2, 14, tzinfo=timezone.utc), date(2026, 10, 24)),
    (datetime(2026, 10, 25, 2, 15, tzinfo=timezone.utc), date(2026, 10, 25)),
])
def test_latest_occurrence(now, occurrence):
    assert JOB.latest_occurrence(now) == occurrence


def test_next_after_is_the_following_occurrence():
    assert JOB.next_after(datetime(2026, 1, 10, 2, 14, tzinfo=LONDON)) == datetime(2026, 1, 10, 2, 15, tzinfo=LONDON)
    assert JOB.next_after(datetime(2026, 1, 10, 2, 15, tzinfo=LONDON)) == datetime(2026, 1, 11, 2, 15, tzinfo=LONDON)


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        JOB.latest_occurrence(datetime(2026, 1, 10, 3, 0))


@pytest.mark.parametrize("entry, message", [
    ({"at": "02:15", "task": "x.y"}, "unique name"),
    ({"name": "a", "at": "2.15am", "task": "x.y"}, "'at' must be a time"),
    ({"name": "a", "task": "x.y"}, "'at' must be a time"),
    ({"name": "a", "at": "02:15"}, "'task' must name"),
])
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
    assert "moss-nightly: daily at 02:15 Europe/London, next 28 November 2026 02:15" in out
    assert out.count("Queued moss-nightly for 27 November 2026.") == 1
    assert ScheduledJobRun.objects.filter(job="moss-nightly").count() == 1


# --- is the nightly run on time? ---------------------------------------------------------------

from perinatal.core.scheduler import daily_job_status  # noqa: E402


@pytest.mark.django_db
@pytest.mark.parametrize("now, claimed, missed", [
    ("2026-11-27T02:44", None, None),                   # due at 02:15, within the half hour's grace
    ("2026-11-27T02:46", None, "2026-11-27T02:15"),     # half an hour late and never queued
    ("2026-11-27T09:00", "2026-11-27", None),           # tonight's queued
    ("2026-11-27T09:00", "2026-11-25", "2026-11-27T02:15"),  # the last one queued was two nights ago
    ("2026-11-27T01:00", "2026-11-26", None),           # before tonight's time, last night's queued
])
def test_the_nightly_job_is_late_only_when_its_due_occurrence_was_not_queued(settings, now, claimed, missed):
    settings.PERINATAL_NOW = now
    if claimed:
        ScheduledJobRun.objects.create(job="moss-nightly", occurrence=date.fromisoformat(claimed),
                                       queued_at=datetime(2026, 11, 20, tzinfo=timezone.utc))
    status = daily_job_status("moss-nightly")
    expected = datetime.fromisoformat(missed).replace(tzinfo=LONDON) if missed else None
    assert status.missed_at == expected
    assert status.next_at > datetime.fromisoformat(now).replace(tzinfo=LONDON)


@pytest.mark.django_db
def test_the_signals_page_says_when_the_nightly_run_is_late_and_when_the_next_is(settings, client):
    from django.urls import reverse

    from perinatal.accounts.models import User
    from tests.helpers import sign_in

    sign_in(client, User.objects.get(email="ist@perinatal.example"))
    settings.PERINATAL_NOW = "2026-11-27T09:00"
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert "the nightly MOSS run is late" in page and "27 November 2026 at 2:15am has not started" in page
    ScheduledJobRun.objects.create(job="moss-nightly", occurrence=date(2026, 11, 27), queued_at=datetime.now(timezone.utc))
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert "the nightly MOSS run is late" not in page


def test_an_unknown_job_has_no_status(db):
    assert daily_job_status("no-such-job") is None
