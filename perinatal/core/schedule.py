"""Daily jobs and when each is due: framework-free, so the rule is tested on its own.

django-tasks runs queued work but has no scheduler, and "MOSS runs nightly"
(docs/rules/surveillance.md §1.4) must hold on every deployment without a host cron line that
someone forgets. The scheduler process (``perinatal scheduler``) asks this module which
occurrence of each job is due and claims it once in the database (see
``perinatal.core.models.ScheduledJobRun``), so two schedulers on two hosts never run a
job twice, and a scheduler that was down at the set time runs the missed occurrence
when it starts.

Times are wall-clock Europe/London: a job "at 02:15" runs at 02:15 GMT in winter and
02:15 BST in summer (02:15 exists on both clock-change days in England).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from perinatal.kernel.london_time import LONDON, london_date


@dataclass(frozen=True)
class DailyJob:
    """A task (dotted path of a django-tasks task) queued once a day at a London time."""

    name: str
    at: time
    task: str
    kwargs: dict = field(default_factory=dict)
    description: str = ""

    def scheduled_for(self, day: date) -> datetime:
        return datetime.combine(day, self.at, tzinfo=LONDON)

    def latest_occurrence(self, now: datetime) -> date:
        """The day of the latest occurrence at or before `now`: today once the set time
        has passed, yesterday before it. Only the latest is ever run: a scheduler down for
        a week runs the job once when it starts, not seven times."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        today = london_date(now)
        return today if now >= self.scheduled_for(today) else today - timedelta(days=1)

    def next_after(self, now: datetime) -> datetime:
        """When the occurrence after the latest one is due."""
        return self.scheduled_for(self.latest_occurrence(now) + timedelta(days=1))


def parse_jobs(raw: list[dict]) -> tuple[DailyJob, ...]:
    """Jobs from settings (``PERINATAL_DAILY_JOBS``), refusing a malformed entry by name."""
    jobs = []
    names = set()
    for entry in raw:
        name = entry.get("name") or ""
        if not name or name in names:
            raise ValueError(f"daily job {name!r}: every job needs a unique name")
        try:
            at = time.fromisoformat(entry["at"])
        except (KeyError, ValueError) as error:
            raise ValueError(f"daily job {name}: 'at' must be a time like 02:15") from error
        if not entry.get("task"):
            raise ValueError(f"daily job {name}: 'task' must name a django-tasks task")
        names.add(name)
        jobs.append(
            DailyJob(
                name=name,
                at=at,
                task=entry["task"],
                kwargs=dict(entry.get("kwargs", {})),
                description=entry.get("description", ""),
            )
        )
    return tuple(jobs)
