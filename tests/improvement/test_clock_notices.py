"""The daily job that tells the regional and national teams when a case's clock turns
(docs/rules/improvement.md §2, "Turns"): once per turn, every missed day looked at, through the
platform's notifier."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from perinatal.core.notify import NotifierError
from perinatal.improvement.models import ClockNotice
from perinatal.improvement.services.clock_notices import notify_clock_turns
from perinatal.improvement.services.people import add_person
from perinatal.improvement.tasks import DAILY_JOB, clock_turns_task
from tests.improvement.factories import IST, case_with_plan, opened_case, user

pytestmark = pytest.mark.django_db


class RefusingNotifier:
    name = "refusing"

    def send(self, message):
        raise NotifierError("the mail server refused")


def keys() -> list[str]:
    return list(ClockNotice.objects.order_by("turned_on", "id").values_list("key", flat=True))


def test_each_turn_is_told_once_and_missed_days_are_looked_at(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case = opened_case()  # identified 5 January 2026: due soon from 2 February, overdue from 17 February
    add_person(case=case, role="improvement_advisor", name="Ada Lead", email="ada.lead@nhs.example", by=user(IST))
    assert notify_clock_turns(today=date(2026, 2, 1)).stored == 0  # the first run looks at its day only
    outcome = notify_clock_turns(today=date(2026, 2, 2))
    assert (outcome.days, outcome.stored, outcome.sent) == ((date(2026, 2, 2),), 1, 1)
    assert notify_clock_turns(today=date(2026, 2, 2)).days == ()  # the same day again: nothing new
    # The job did not run from 3 to 19 February: it looks at each of those days.
    later = notify_clock_turns(today=date(2026, 2, 20))
    assert len(later.days) == 18 and later.stored == 1
    assert keys() == ["diagnostic_due_soon:2026-02-16", "diagnostic_overdue:2026-02-16"]
    overdue = ClockNotice.objects.get(key="diagnostic_overdue:2026-02-16")
    assert overdue.turned_on == date(2026, 2, 17)
    assert overdue.recipients == ["ada.lead@nhs.example", "ist@perinatal.example", "region.y62@perinatal.example"]
    assert mail.outbox[-1].subject == f"Case {case.case_id}: diagnostic overdue"
    assert "was due on 16 February 2026 and is not completed" in mail.outbox[-1].body
    assert len(mail.outbox) == 2


def test_a_month_without_an_executive_meeting(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case_with_plan()  # agreed 20 February 2026: March is the first month counted
    notify_clock_turns(today=date(2026, 3, 31))
    notify_clock_turns(today=date(2026, 4, 1))
    assert keys() == ["executive_meeting_missed:2026-03"]
    assert mail.outbox[-1].subject.endswith("no executive meeting in March 2026")
    notify_clock_turns(today=date(2026, 7, 1))
    assert keys()[-2:] == ["executive_meeting_missed:2026-06", "quarterly_review_missed:2026-Q2"]
    assert mail.outbox[-1].subject.endswith("no improvement review in April to June 2026")


def test_a_notice_that_fails_is_tried_again_the_next_day(settings):
    settings.SURVEILLANCE_NOTIFIER = "tests.improvement.test_clock_notices.RefusingNotifier"
    opened_case()
    notify_clock_turns(today=date(2026, 2, 2))
    notice = ClockNotice.objects.get()
    assert (notice.status, notice.attempts, notice.last_error) == ("failed", 1, "the mail server refused")
    settings.SURVEILLANCE_NOTIFIER = "email"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notify_clock_turns(today=date(2026, 2, 3)).sent == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == ("sent", 2)


def test_the_daily_job_is_configured():
    from django.conf import settings as django_settings

    assert any(
        job["name"] == DAILY_JOB and job["task"].endswith("clock_turns_task")
        for job in django_settings.PERINATAL_DAILY_JOBS
    )
    assert hasattr(clock_turns_task, "enqueue")
