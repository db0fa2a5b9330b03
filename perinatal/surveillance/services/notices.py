"""Telling a trust's contacts of a new signal: the notice written with the run, sent after it.

docs/rules/surveillance.md §1.4: the trust's account details email and its local authorisers hear
the same day. A notice is stored in the run's transaction and sent after it commits; one that
fails is kept and tried again by later runs.
"""

from __future__ import annotations

import logging

from perinatal.accounts.contacts import contact_emails
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date, month_and_year
from perinatal.core.notify import Message, NotifierError, get_notifier, service_base_url
from perinatal.surveillance.models import ContactNotice, CriticalSafetyCheck, MossRun, Signal

logger = logging.getLogger(__name__)

NOTICE_MAX_ATTEMPTS = 10
"""A notice that keeps failing is retried by each run up to this many attempts."""


def _level_words(level: int) -> str:
    return "level 2 (escalated)" if level == 2 else "level 1"


def notice_text(*, check: CriticalSafetyCheck, signals: list[Signal], opened: bool) -> tuple[str, str]:
    """The notice's subject and body, written from the check as it stands: the due date said is
    the check's own (the 8th working day after it opened, kernel.working_days), never another."""
    site = check.site
    lines = [
        f"- {month_and_year(signal.month)}: {_level_words(signal.level)}"
        for signal in sorted(signals, key=lambda s: (s.month, s.level))
    ]
    what = (
        "A critical safety check has been opened"
        if opened
        else "The signal has been added to the site's open critical safety check"
    )
    body = "\n".join(
        [
            f"The Maternity Outcomes Signal System (MOSS) has found a new signal at {site.name} ({site.code}):",
            *lines,
            "",
            f"{what}. It is due by {long_date(check.due_on)} (the 8th working day after {long_date(check.opened_on)}).",
            f"Record the review here: {service_base_url()}/signals/checks/{check.pk}/",
            "",
            "A signal is a prompt for a safety check, not a verdict of unsafe care.",
        ]
    )
    subject = f"MOSS signal at {site.code}: critical safety check due {long_date(check.due_on)}"
    return subject, body


def create_notice(*, check: CriticalSafetyCheck, run: MossRun, signals: list[Signal], opened: bool) -> ContactNotice:
    subject, body = notice_text(check=check, signals=signals, opened=opened)
    notice = ContactNotice.objects.create(
        safety_check=check,
        run=run,
        recipients=contact_emails(check.trust),
        subject=subject,
        body=body,
        created_at=run.started_at,
    )
    notice.signals.set(signals)
    return notice


def rewrite_unsent_notices(check: CriticalSafetyCheck) -> int:
    """Write the check's notices not yet sent again from the check as it now stands.

    For the demo, which places a check's dates in the past after MOSS opened it: the email must
    then say the due date the check's page says. A check's first notice is the one that opened it
    (a check is opened with its notice, in one run). Sent notices are never changed.
    """
    first = check.notices.order_by("created_at", "id").values_list("pk", flat=True).first()
    unsent = check.notices.exclude(status=ContactNotice.Status.SENT).prefetch_related("signals")
    for notice in unsent:
        notice.subject, notice.body = notice_text(
            check=check, signals=list(notice.signals.all()), opened=notice.pk == first
        )
        notice.save(update_fields=["subject", "body"])
    return len(unsent)


def send_pending_notices() -> list[ContactNotice]:
    """Send every notice not yet sent (new ones, and failed ones with attempts left)."""
    pending = (
        ContactNotice.objects.filter(
            status__in=[ContactNotice.Status.PENDING, ContactNotice.Status.FAILED], attempts__lt=NOTICE_MAX_ATTEMPTS
        )
        .select_related("safety_check", "safety_check__trust")
        .order_by("created_at", "id")
    )
    if not pending:
        return []
    try:
        notifier = get_notifier()
    except NotifierError as error:
        logger.error("MOSS notices not sent: %s", error)
        return []
    sent = []
    for notice in pending:
        if not notice.recipients:
            # The trust may have added an email since: look again before giving up on this attempt.
            notice.recipients = contact_emails(notice.safety_check.trust)
        notice.attempts += 1
        notice.backend = notifier.name
        if not notice.recipients:
            notice.status = ContactNotice.Status.FAILED
            notice.last_error = "the trust has no account details email and no local authoriser"
        else:
            try:
                notifier.send(
                    Message(
                        recipients=tuple(notice.recipients),
                        subject=notice.subject,
                        body=notice.body,
                        reference=f"csc-{notice.safety_check_id}-notice-{notice.pk}",
                    )
                )
            except NotifierError as error:
                notice.status = ContactNotice.Status.FAILED
                notice.last_error = str(error)[:300]
            else:
                notice.status = ContactNotice.Status.SENT
                notice.sent_at = clock.now()
                notice.last_error = ""
                sent.append(notice)
        notice.save()
        if notice.status == ContactNotice.Status.FAILED:
            logger.warning(
                "MOSS notice %s for safety check %s not sent: %s", notice.pk, notice.safety_check_id, notice.last_error
            )
        else:
            audit.record(
                action=audit.Action.CREATE,
                obj=notice,
                organisation=notice.safety_check.trust,
                summary=(
                    f"Contacts told of safety check {notice.safety_check.reference} "
                    f"({len(notice.recipients)} recipients, {notifier.name})"
                ),
            )
    return sent
