"""Each trust is told when its sites are due to be onboarded, once (docs/rules/equity.md §3)."""

from datetime import date

import pytest
from django.core import mail

from perinatal.core import notify
from perinatal.equity.models import OnboardingNotice
from perinatal.equity.programme.services.notices import send_onboarding_notices_task, send_pending_notices
from perinatal.equity.programme.services.plan import add_intake, allocate_sites
from tests.equity.programme.conftest import region, site

pytestmark = pytest.mark.django_db


class FailingNotifier:
    name = "failing"

    def send(self, message):
        raise notify.NotifierError("the mail server refused the message")


@pytest.fixture
def ryr02_notice(admin, settings):
    settings.SURVEILLANCE_NOTIFIER = "email"
    send_pending_notices()  # the demo plan's own notices, out of the way
    mail.outbox.clear()
    intake = add_intake(
        number=4,
        name="South East second wave",
        regions=[region("Y59")],
        start_on=date(2027, 9, 1),
        capacity=1,
        by=admin,
    )
    allocate_sites(intake=intake, sites=[site("RYR02")], by=admin)
    return OnboardingNotice.objects.get(intake=intake)


def test_the_trusts_contacts_are_told_the_date_and_what_to_do(ryr02_notice):
    (sent,) = send_pending_notices()
    assert sent.pk == ryr02_notice.pk
    (message,) = mail.outbox
    assert message.to == ["hom.ryr@perinatal.example"]
    assert message.subject == "Equity programme: intake 4 starts 1 September 2027"
    assert "(RYR02)" in message.body
    assert "The intake starts on 1 September 2027. Onboarding begins on 9 June 2027, 12 weeks before" in message.body
    assert "/equity/programme/sites/RYR02/" in message.body
    ryr02_notice.refresh_from_db()
    assert ryr02_notice.status == "sent" and ryr02_notice.sent_at is not None and ryr02_notice.attempts == 1


def test_a_notice_is_sent_once(ryr02_notice):
    send_pending_notices()
    assert send_pending_notices() == []
    assert len(mail.outbox) == 1


def test_a_notice_that_fails_is_kept_and_tried_again(ryr02_notice, settings):
    settings.SURVEILLANCE_NOTIFIER = "tests.equity.programme.test_notices.FailingNotifier"
    assert send_pending_notices() == []
    ryr02_notice.refresh_from_db()
    assert ryr02_notice.status == "failed" and "refused" in ryr02_notice.last_error
    settings.SURVEILLANCE_NOTIFIER = "email"
    assert [notice.pk for notice in send_pending_notices()] == [ryr02_notice.pk]


def test_a_trust_without_contacts_is_not_told_and_the_notice_says_why(admin, settings):
    settings.SURVEILLANCE_NOTIFIER = "email"
    # RJ1 (in intake 1) has no account details email and no local authoriser in the demo.
    notice = OnboardingNotice.objects.get(trust__code="RJ1")
    assert notice.recipients == []
    send_pending_notices()
    notice.refresh_from_db()
    assert notice.status == "failed" and "no account details email and no local authoriser" in notice.last_error


def test_the_worker_task_sends_the_pending_notices(ryr02_notice):
    result = send_onboarding_notices_task.call()
    assert result["sent"] == 1


def test_a_daily_job_tries_again_what_is_not_sent(settings):
    from perinatal.core.scheduler import check_daily_jobs, daily_jobs, queue_due_jobs

    assert check_daily_jobs() == []  # the task it names can be imported
    (job,) = [job for job in daily_jobs() if job.name == "equity-programme-notices"]
    assert job.task == "perinatal.equity.programme.services.notices.send_onboarding_notices_task"
    settings.PERINATAL_NOW = "2026-11-27T07:30"
    assert [queued.run.occurrence for queued in queue_due_jobs(jobs=(job,))] == [date(2026, 11, 27)]
