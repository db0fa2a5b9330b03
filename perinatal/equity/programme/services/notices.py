"""Telling a trust when its sites are due to be onboarded (docs/rules/equity.md §3: "the trust is
told when it is due to be onboarded").

A notice is written in the transaction that allocates the sites (or moves the intake's start),
one per trust, and sent by the background worker once it has committed, through the platform's
notifier (`perinatal.core.notify`) to the trust's contacts: its account details email and its
local authorisers, the Head or Director of Midwifery (`perinatal.accounts.contacts`). Each site is
told once for each start date of its intake; a notice that fails is kept and tried again by the
next send (and the daily ``equity-programme-notices`` job).

Messages name sites, dates and the intake: never a person.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django_tasks import task

from perinatal.accounts.contacts import contact_emails
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.core.notify import Message, NotifierError, get_notifier, service_base_url
from perinatal.equity.models import PROGRAMME_NAME, Intake, OnboardingNotice
from perinatal.equity.programme import rules
from perinatal.equity.programme.selectors import site_facts
from perinatal.organisations.models import Organisation, Site

logger = logging.getLogger(__name__)

NOTICE_MAX_ATTEMPTS = 10
"""A notice that keeps failing is tried again up to this many times."""
DAILY_JOB = "equity-programme-notices"
"""The daily job (settings.PERINATAL_DAILY_JOBS) that retries notices not yet sent."""


def _body(*, intake: Intake, trust: Organisation, sites: list[Site], moved: bool) -> str:
    onboarding = rules.onboarding_starts(intake.start_on)
    opening = (
        f"The start date of intake {intake.number} ({intake.name}) of the {PROGRAMME_NAME} has changed."
        if moved
        else f"{trust.display_name} has sites in intake {intake.number} ({intake.name}) of the {PROGRAMME_NAME}."
    )
    lines = [
        opening,
        "",
        "Sites, each with its neonatal units:",
        *[f"- {site.name} ({site.code})" for site in sites],
        "",
        f"The intake starts on {long_date(intake.start_on)}. Onboarding begins on {long_date(onboarding)}, "
        f"{rules.ONBOARDING_WEEKS} weeks before: name each site's team (the perinatal quad, the clinical leaders, "
        "a sponsor executive, the board safety champions and a culture coach), record the executive team's "
        "backing and run the participants' survey before the intake.",
        "",
        "Record each site's team here:",
        *[f"{service_base_url()}{reverse('equity_programme:site', kwargs={'code': site.code})}" for site in sites],
    ]
    return "\n".join(lines)


def queue_onboarding_notices(*, intake: Intake, sites: Iterable[Site], moved: bool = False) -> list[OnboardingNotice]:
    """Write a notice for each trust whose sites have not yet been told this intake's start date.

    Called inside the allocating (or date-moving) transaction; sending is queued for after it commits.
    """
    sites = sorted(dict.fromkeys(sites), key=lambda site: site.code)
    told = set(
        OnboardingNotice.objects.filter(intake=intake, starts_on=intake.start_on, sites__in=sites).values_list(
            "sites", flat=True
        )
    )
    facts = site_facts(sites, clock.today())
    by_trust: dict[int, tuple[Organisation, list[Site]]] = {}
    for site in sites:
        trust = facts[site.pk].trust
        if site.pk in told or trust is None:
            continue
        by_trust.setdefault(trust.pk, (trust, []))[1].append(site)
    notices = []
    for trust, trust_sites in by_trust.values():
        notice = OnboardingNotice.objects.create(
            intake=intake,
            trust=trust,
            starts_on=intake.start_on,
            recipients=contact_emails(trust),
            subject=(
                f"Equity programme: intake {intake.number} "
                f"{'now starts' if moved else 'starts'} {long_date(intake.start_on)}"
            ),
            body=_body(intake=intake, trust=trust, sites=trust_sites, moved=moved),
            created_at=clock.now(),
        )
        notice.sites.set(trust_sites)
        notices.append(notice)
    if notices:
        transaction.on_commit(lambda: send_onboarding_notices_task.enqueue())
    return notices


def send_pending_notices() -> list[OnboardingNotice]:
    """Send every notice not yet sent (new ones, and failed ones with attempts left)."""
    pending = OnboardingNotice.objects.filter(
        status__in=[OnboardingNotice.Status.PENDING, OnboardingNotice.Status.FAILED],
        attempts__lt=NOTICE_MAX_ATTEMPTS,
    ).select_related("intake", "trust")
    pending = list(pending.order_by("created_at", "id"))
    if not pending:
        return []
    try:
        notifier = get_notifier()
    except NotifierError as error:
        logger.error("Equity programme notices not sent: %s", error)
        return []
    sent = []
    for notice in pending:
        with transaction.atomic():
            notice = OnboardingNotice.objects.select_for_update().get(pk=notice.pk)
            if notice.status == OnboardingNotice.Status.SENT:
                continue  # another worker sent it meanwhile: it is sent once
            if not notice.recipients:
                # The trust may have added an email or an authoriser since: look again.
                notice.recipients = contact_emails(notice.trust)
            notice.attempts += 1
            notice.backend = notifier.name
            if not notice.recipients:
                notice.status = OnboardingNotice.Status.FAILED
                notice.last_error = "the trust has no account details email and no local authoriser"
            else:
                try:
                    notifier.send(
                        Message(
                            recipients=tuple(notice.recipients),
                            subject=notice.subject,
                            body=notice.body,
                            reference=f"equity-intake-{notice.intake_id}-notice-{notice.pk}",
                        )
                    )
                except NotifierError as error:
                    notice.status = OnboardingNotice.Status.FAILED
                    notice.last_error = str(error)[:300]
                else:
                    notice.status = OnboardingNotice.Status.SENT
                    notice.sent_at = clock.now()
                    notice.last_error = ""
                    sent.append(notice)
            notice.save()
        if notice.status == OnboardingNotice.Status.FAILED:
            logger.warning("Equity programme notice %s not sent: %s", notice.pk, notice.last_error)
        else:
            audit.record(
                action=audit.Action.CREATE,
                obj=notice,
                organisation=notice.trust,
                summary=(
                    f"Equity programme: trust told intake {notice.intake.number} starts "
                    f"{long_date(notice.starts_on)} ({len(notice.recipients)} recipients, {notifier.name})"
                ),
            )
    return sent


@task()
def send_onboarding_notices_task() -> dict:
    """The worker's task: send the pending notices (queued after an allocation commits, and daily)."""
    sent = send_pending_notices()
    return {"sent": len(sent)}
