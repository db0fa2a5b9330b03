"""Writes for outcome signals: MOSS runs, signals, critical safety checks and telling contacts.

Spec surveillance.md §1.3–1.4. :func:`record_moss_run` reads the births data, runs MOSS
(:mod:`perinatal.surveillance.calculation`, which calls the framework-free library), stores
the results, records each signal (site, month, level) the first time it is seen, withdraws
signals a data revision made disappear, opens a critical safety check for a site with a new
signal (or attaches the signal to the site's open check) and tells the trust's contacts the
same day. The safety-check workflow (owner, findings, actions, completion) is below it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection, transaction

from perinatal.accounts.models import Membership, User
from perinatal.accounts.roles import Role
from perinatal.core import audit, clock
from perinatal.organisations.models import AccountDetails, Organisation, Site
from perinatal.surveillance.analyst_files import InputFileError, ReferenceRateRow, read_reference_rate_rows
from perinatal.surveillance.calculation import MossCalculation, calculate
from perinatal.surveillance.models import (
    ContactNotice,
    CriticalSafetyCheck,
    LoadedReferenceRate,
    MossRun,
    ReferenceRateUpload,
    ReferenceRateWithdrawal,
    ReviewArea,
    SafetyCheckAction,
    SafetyCheckActionUpdate,
    SafetyCheckFinding,
    SafetyCheckStatusRecord,
    Signal,
    SignalStatusRecord,
    SiteMonthResult,
)
from perinatal.surveillance.notify import Message, NotifierError, get_notifier, service_base_url
from perinatal.surveillance.selectors.births import term_monthly_counts
from perinatal.surveillance.selectors.reference_rates import IN_FORCE, loaded_reference_rates, rates_in_force_of
from perinatal.surveillance.selectors.runs import latest_results_run
from perinatal.surveillance.selectors.safety_checks import latest_action_update, open_actions, open_check_for_site
from perinatal.surveillance.selectors.sites import site_trusts_on, sites_by_code
from perinatal.surveillance.stats.months import YearMonth
from perinatal.surveillance.stats.moss import LEVEL_1, MossRow
from perinatal.surveillance.stats.working_days import SAFETY_CHECK_WORKING_DAYS, add_working_days

logger = logging.getLogger(__name__)

ACTION_WINDOW_MONTHS = 6
"""A new signal opens a safety check only when its month is the run's latest evaluated month or
one of the 5 before it (the "last 6 months" of spec §1.3). Older months are history: when MOSS
first runs over years of births data, or data for a long-past month is corrected, the signals
found there are recorded (and shown) but open no check and tell no one. **policy**"""
NOTICE_MAX_ATTEMPTS = 10
"""A notice that keeps failing is retried by each run up to this many attempts."""
_POSTGRES_LOCK_KEY = 0x4D4F5353  # "MOSS": one run at a time


@dataclass(frozen=True)
class MossRunOutcome:
    run: MossRun
    new_signals: tuple[Signal, ...]
    withdrawn_signals: tuple[Signal, ...]
    checks_opened: tuple[CriticalSafetyCheck, ...]
    notices: tuple[ContactNotice, ...]


def current_calculation(*, counts=None) -> MossCalculation:
    """MOSS over the births data now (or over ``counts`` already read from it), with the
    loaded reference rates in force (§1.1)."""
    counts = term_monthly_counts() if counts is None else counts
    return calculate(counts, loaded=loaded_reference_rates())


def _lock_runs() -> None:
    """Serialise MOSS runs (an import and the nightly job at once): PostgreSQL advisory lock.

    SQLite's IMMEDIATE transactions (settings) already let one writer in at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_POSTGRES_LOCK_KEY])


def record_moss_run(*, trigger: str) -> MossRunOutcome:
    """Run MOSS over the births data now, store it, and tell contacts about new signals.

    Everything is stored in one transaction; messages are sent after it commits (a message
    that fails is kept and tried again by the next run).
    """
    outcome = _store_moss_run(trigger=trigger)
    send_pending_notices()
    return outcome


@transaction.atomic
def _store_moss_run(*, trigger: str) -> MossRunOutcome:
    _lock_runs()
    started = clock.now()
    seen_on = clock.london(started).date()
    calculation = current_calculation()
    previous = latest_results_run()
    latest_month = calculation.run.months[-1].first_day if calculation.run.months else None
    run = MossRun.objects.create(
        started_at=started, seen_on=seen_on, trigger=trigger, method=calculation.method,
        reference=calculation.reference, data_fingerprint=calculation.fingerprint, latest_month=latest_month,
        skipped=[
            {"site_code": s.site_code, "year": s.year, "reason": s.reason, "message": s.message}
            for s in calculation.run.skipped
        ],
    )
    if previous is not None and previous.data_fingerprint == calculation.fingerprint:
        # Same data, same method: the stored results and signals stand.
        run.results_stored = False
        run.sites_monitored = previous.sites_monitored
        run.site_months = previous.site_months
        run.finished_at = clock.now()
        run.save()
        return MossRunOutcome(run, (), (), (), ())
    sites = sites_by_code({row.site_code for row in calculation.run.rows})
    trusts = site_trusts_on(seen_on)
    _store_results(run=run, calculation=calculation, sites=sites, trusts=trusts)
    new, withdrawn, opened, notices = _reconcile_signals(run=run, calculation=calculation, sites=sites, trusts=trusts)
    run.sites_monitored = len({row.site_code for row in calculation.run.rows})
    run.site_months = len(calculation.run.rows)
    run.new_signals = len(new)
    run.withdrawn_signals = len(withdrawn)
    run.checks_opened = len(opened)
    run.finished_at = clock.now()
    run.save()
    audit.record(
        action=audit.Action.CREATE, obj=run,
        summary=(f"MOSS run {run.pk} ({run.get_trigger_display().lower()}): {run.sites_monitored} sites, "
                 f"{len(new)} new signals, {len(withdrawn)} withdrawn, {len(opened)} safety checks opened"),
    )
    return MossRunOutcome(run, tuple(new), tuple(withdrawn), tuple(opened), tuple(notices))


def _store_results(*, run: MossRun, calculation: MossCalculation, sites: dict[str, Site], trusts) -> None:
    results = []
    for row in calculation.run.rows:
        site = sites[row.site_code]
        year = row.month.year
        source = calculation.reference_source(site_code=row.site_code, year=year)
        results.append(
            SiteMonthResult(
                run=run, site=site, trust=trusts[site.pk], month=row.month.first_day, events=row.events,
                expected=row.expected, k=row.k, h1=row.h1, h2=row.h2, cusum=row.cusum, level=row.level,
                reset=row.reset, method=row.method,
                denominator=calculation.denominator(site_code=row.site_code, year=year),
                reference_rate=calculation.reference_rate(site_code=row.site_code, year=year),
                reference_source=source.kind, loaded_reference_rate_id=source.origin,
            )
        )
    SiteMonthResult.objects.bulk_create(results, batch_size=2000)


def _row_evidence(row: MossRow) -> dict:
    return {
        "month": str(row.month), "events": row.events, "expected": row.expected, "k": row.k, "h1": row.h1,
        "h2": row.h2, "cusum": row.cusum, "level": row.level, "reset": row.reset,
    }


def _evidence(*, run: MossRun, calculation: MossCalculation, site_rows: list[MossRow], upto: YearMonth) -> dict:
    """The data a signal was computed from: the site's rows up to its month and their inputs."""
    last = site_rows[-1]
    year = upto.year
    return {
        "method": calculation.method,
        "run": run.pk,
        "data_fingerprint": calculation.fingerprint,
        "reference": calculation.reference,
        "denominator": calculation.denominator(site_code=last.site_code, year=year),
        "reference_rate": calculation.reference_rate(site_code=last.site_code, year=year),
        "reference_source": calculation.reference_source(site_code=last.site_code, year=year).kind,
        "loaded_reference_rate": calculation.reference_source(site_code=last.site_code, year=year).origin,
        "rows": [_row_evidence(row) for row in site_rows if row.month <= upto],
    }


def _reconcile_signals(*, run: MossRun, calculation: MossCalculation, sites: dict[str, Site], trusts):
    now = run.started_at
    latest = calculation.run.months[-1] if calculation.run.months else None
    window_start = latest.shifted(-(ACTION_WINDOW_MONTHS - 1)) if latest is not None else None
    rows_by_site: dict[str, list[MossRow]] = defaultdict(list)
    for row in calculation.run.rows:
        rows_by_site[row.site_code].append(row)
    current = {
        (row.site_code, row.month.first_day, row.level): row
        for row in calculation.run.rows if row.level >= LEVEL_1
    }
    existing = {
        (signal.site.code, signal.month, signal.level): signal
        for signal in Signal.objects.filter(method=calculation.method).select_related("site")
    }
    new_by_site: dict[str, list[Signal]] = defaultdict(list)
    new: list[Signal] = []
    records: list[SignalStatusRecord] = []
    for key, row in current.items():
        signal = existing.get(key)
        if signal is None:
            site = sites[row.site_code]
            signal = Signal.objects.create(
                site=site, trust=trusts[site.pk], month=row.month.first_day, level=row.level, method=row.method,
                first_seen_run=run, first_seen_at=now, first_seen_on=run.seen_on,
                historical=row.month < window_start,
                evidence=_evidence(run=run, calculation=calculation, site_rows=rows_by_site[row.site_code], upto=row.month),
            )
            records.append(SignalStatusRecord(signal=signal, status=Signal.Status.ACTIVE, run=run, at=now,
                                              note="first seen" + (" (history: no safety check)" if signal.historical else "")))
            new.append(signal)
            if not signal.historical:
                new_by_site[row.site_code].append(signal)
        elif signal.status == Signal.Status.WITHDRAWN:
            signal.status = Signal.Status.ACTIVE
            signal.save(update_fields=["status"])
            records.append(SignalStatusRecord(signal=signal, status=Signal.Status.ACTIVE, run=run, at=now,
                                              note="seen again after a data revision"))
    withdrawn = [signal for key, signal in existing.items() if key not in current and signal.is_active]
    for signal in withdrawn:
        signal.status = Signal.Status.WITHDRAWN
        signal.save(update_fields=["status"])
        records.append(SignalStatusRecord(signal=signal, status=Signal.Status.WITHDRAWN, run=run, at=now,
                                          note="not found when the data was revised"))
        audit.record(action=audit.Action.UPDATE, obj=signal, organisation=signal.trust,
                     summary=f"Signal {signal.pk} at {signal.site.code} withdrawn after data revision (MOSS run {run.pk})")
    SignalStatusRecord.objects.bulk_create(records)
    opened: list[CriticalSafetyCheck] = []
    notices: list[ContactNotice] = []
    for site_code, signals in sorted(new_by_site.items()):
        site = sites[site_code]
        check = open_check_for_site(site)
        if check is None:
            check = _open_check(site=site, trust=trusts[site.pk], run=run)
            opened.append(check)
        Signal.objects.filter(pk__in=[signal.pk for signal in signals]).update(safety_check=check)
        for signal in signals:
            signal.safety_check = check
            audit.record(action=audit.Action.CREATE, obj=signal, organisation=check.trust,
                         summary=(f"Signal {signal.pk}: {site.code} level {signal.level} in "
                                  f"{signal.month:%B %Y}, safety check {check.reference}"))
        notices.append(_create_notice(check=check, run=run, signals=signals, opened=check in opened))
    return new, withdrawn, opened, notices


def _open_check(*, site: Site, trust: Organisation, run: MossRun) -> CriticalSafetyCheck:
    check = CriticalSafetyCheck.objects.create(
        site=site, trust=trust, opened_at=run.started_at, opened_on=run.seen_on,
        due_on=add_working_days(start=run.seen_on, n=SAFETY_CHECK_WORKING_DAYS),
    )
    SafetyCheckStatusRecord.objects.create(
        safety_check=check, status=CriticalSafetyCheck.Status.OPEN, at=run.started_at,
        actor_label=f"MOSS run {run.pk}", note="opened by a new signal",
    )
    audit.record(action=audit.Action.CREATE, obj=check, organisation=trust,
                 summary=f"Critical safety check {check.reference} opened for {site.code}, due {check.due_on:%-d %B %Y}")
    return check


# --- loaded reference rates (spec §1.1, §1.6) -------------------------------------------------------


@dataclass(frozen=True)
class ReferenceRatesLoaded:
    upload: ReferenceRateUpload
    site_rates: int
    all_sites_rates: int
    replaced: int
    unknown_sites: tuple[str, ...]


def load_reference_rates(*, path, by: User | None = None, by_label: str = "", filename: str = "",
                         request=None) -> ReferenceRatesLoaded:
    """Load NHS England's ``MOSS_Ref_Rate.csv``: the whole file, or nothing.

    Read with the one parser of the format (the one ``perinatal moss`` uses): a malformed file
    raises :class:`InputFileError` naming the file, line and column before anything is stored.
    A rate for a site (or all sites) and period in force is replaced by the new one; the old row
    is kept, marked with the load that replaced it. Site codes not in the register are stored
    (the national file covers sites this platform may not know yet) and reported. ``filename``
    is the name to record when ``path`` is a temporary copy (an upload on the page).
    """
    rows = read_reference_rate_rows(path)
    if not rows:
        raise InputFileError(path, None, None, "has no rows of data")
    _check_storable(path, rows)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _store_reference_rates(rows=rows, filename=(filename or Path(path).name)[:255], sha256=digest, by=by,
                                  by_label=by_label or (by.email if by is not None else "command line"), request=request)


#: Site codes as ODS writes them (R0A01, RRK98, ...); the column holds 20 characters.
_SITE_CODE = re.compile(r"[A-Z0-9]{1,20}")
#: A term stillbirth and neonatal death rate is a few per 1,000 term births. A Ref_Rate above
#: this is a file written per 1,000 (3.1 for 0.0031): MOSS would design thresholds for ~1,000
#: times the events, fail, and stop monitoring every site it applies to.
MAX_PLAUSIBLE_REFERENCE_RATE = 0.1


def _check_storable(path, rows: tuple[ReferenceRateRow, ...]) -> None:
    """What the platform must refuse beyond the format: ``perinatal moss`` uses any rate as given
    (§1.6), but a rate loaded here changes every later run for the sites it covers."""
    for row in rows:
        if row.site_code and not _SITE_CODE.fullmatch(row.site_code):
            raise InputFileError(path, row.line, "Site_Code",
                                 f"{row.site_code[:30]!r} is not a site code (up to 20 capital letters and digits, like R0A01)")
        for column, text in (("Events", row.events), ("Denom", row.denom), ("Source", row.source)):
            if "\x00" in text:
                raise InputFileError(path, row.line, column, "contains a NUL character: is this a CSV text file?")
        if row.rate > MAX_PLAUSIBLE_REFERENCE_RATE:
            raise InputFileError(path, row.line, "Ref_Rate",
                                 f"{row.rate:g} is {row.rate * 1000:,.0f} per 1,000 term births: Ref_Rate is events per "
                                 "term birth (e.g. 0.0021 for 2.1 per 1,000)")


@transaction.atomic
def _store_reference_rates(*, rows: tuple[ReferenceRateRow, ...], filename: str, sha256: str, by: User | None,
                           by_label: str, request=None) -> ReferenceRatesLoaded:
    # One load at a time: row locks cannot cover a site and period nobody has loaded yet.
    _lock_runs()
    keys = {(row.site_code, row.last_year) for row in rows}
    current = LoadedReferenceRate.objects.select_for_update().filter(IN_FORCE)
    replaced = [rate.pk for rate in current if (rate.site_code, rate.period_end_year) in keys]
    upload = ReferenceRateUpload.objects.create(
        filename=filename, sha256=sha256, loaded_at=clock.now(), loaded_by=by, loaded_by_label=by_label,
        rates_loaded=len(rows), rates_replaced=len(replaced),
    )
    # Replaced first: the constraint allows one rate in force per site and period.
    LoadedReferenceRate.objects.filter(pk__in=replaced).update(replaced_by=upload)
    LoadedReferenceRate.objects.bulk_create([
        LoadedReferenceRate(
            upload=upload, line=row.line, site_code=row.site_code, period_start_year=row.first_year,
            period_end_year=row.last_year, rate=row.rate, events=row.events, denom=row.denom, source=row.source,
        )
        for row in rows
    ])
    codes = {row.site_code for row in rows if row.site_code}
    known = set(Site.objects.filter(code__in=codes).values_list("code", flat=True))
    site_rates = sum(1 for row in rows if row.site_code)
    outcome = ReferenceRatesLoaded(upload=upload, site_rates=site_rates, all_sites_rates=len(rows) - site_rates,
                                   replaced=len(replaced), unknown_sites=tuple(sorted(codes - known)))
    audit.record(action=audit.Action.CREATE, obj=upload, actor=by, request=request,
                 summary=(f"Reference rates load {upload.pk}: {outcome.site_rates} site rates, "
                          f"{outcome.all_sites_rates} for all sites, {outcome.replaced} earlier rates replaced"))
    return outcome


WITHDRAWAL_REASON_MAX_LENGTH = 1000


class ReferenceRatesRefused(ValueError):
    """A withdrawal that cannot be made, with the form field it concerns."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@transaction.atomic
def withdraw_reference_rates(*, upload: ReferenceRateUpload, reason: str, by: User, request=None) -> ReferenceRateWithdrawal:
    """Take a load's rates out of force: append a withdrawal (who, when, why) and mark its rates.

    Nothing is deleted. Rates the load had replaced do **not** come back (ADR 0013): for each of
    its site-periods MOSS then uses a rate loaded for all sites if one is in force, else the
    national rate, until another load is in force. The caller queues the MOSS run.
    """
    upload = ReferenceRateUpload.objects.select_for_update().get(pk=upload.pk)
    if ReferenceRateWithdrawal.objects.filter(upload=upload).exists():
        raise ReferenceRatesRefused("__all__", f"The rates loaded from {upload.filename} have already been withdrawn")
    reason = (reason or "").strip()
    if not reason:
        raise ReferenceRatesRefused("reason", "Enter why the rates are being withdrawn")
    if len(reason) > WITHDRAWAL_REASON_MAX_LENGTH:
        raise ReferenceRatesRefused("reason", f"The reason must be {WITHDRAWAL_REASON_MAX_LENGTH:,} characters or fewer")
    in_force = list(rates_in_force_of(upload).select_for_update().values_list("pk", flat=True))
    if not in_force:
        raise ReferenceRatesRefused(
            "__all__", f"None of the rates loaded from {upload.filename} is in force: later loads replaced them all")
    withdrawal = ReferenceRateWithdrawal.objects.create(
        upload=upload, at=clock.now(), by=by, by_label=by.email, reason=reason, rates_withdrawn=len(in_force),
    )
    LoadedReferenceRate.objects.filter(pk__in=in_force).update(withdrawn_by=withdrawal)
    # The reason is free text: kept on the withdrawal row, not copied into the audit summary.
    audit.record(action=audit.Action.DECIDE, obj=upload, actor=by, request=request,
                 summary=(f"Reference rates load {upload.pk} withdrawn: "
                          f"{len(in_force)} rate{'s' if len(in_force) != 1 else ''} no longer in force"))
    return withdrawal


# --- telling the trust's contacts -----------------------------------------------------------------


def contact_emails(trust: Organisation) -> list[str]:
    """The trust's account details email and its local authorisers' emails (deduplicated)."""
    emails = []
    details = AccountDetails.objects.filter(trust=trust).first()
    if details is not None and details.email:
        emails.append(details.email.lower())
    authorisers = (
        Membership.objects.active()
        .filter(organisation=trust, role=Role.LOCAL_AUTHORISER.value, user__is_active=True)
        .select_related("user").order_by("user__email")
    )
    emails += [membership.user.email.lower() for membership in authorisers]
    return list(dict.fromkeys(email for email in emails if email))


def _level_words(level: int) -> str:
    return "level 2 (escalated)" if level == 2 else "level 1"


def _create_notice(*, check: CriticalSafetyCheck, run: MossRun, signals: list[Signal], opened: bool) -> ContactNotice:
    site = check.site
    lines = [f"- {signal.month:%B %Y}: {_level_words(signal.level)}" for signal in sorted(signals, key=lambda s: (s.month, s.level))]
    what = "A critical safety check has been opened" if opened else "The signal has been added to the site's open critical safety check"
    body = "\n".join([
        f"The Maternity Outcomes Signal System (MOSS) has found a new signal at {site.name} ({site.code}):",
        *lines,
        "",
        f"{what}. It is due by {check.due_on:%-d %B %Y} (the 8th working day after {check.opened_on:%-d %B %Y}).",
        f"Record the review here: {service_base_url()}/signals/checks/{check.pk}/",
        "",
        "A signal is a prompt for a safety check, not a verdict of unsafe care.",
    ])
    notice = ContactNotice.objects.create(
        safety_check=check, run=run, recipients=contact_emails(check.trust),
        subject=f"MOSS signal at {site.code}: critical safety check due {check.due_on:%-d %B %Y}",
        body=body, created_at=run.started_at,
    )
    notice.signals.set(signals)
    return notice


def send_pending_notices() -> list[ContactNotice]:
    """Send every notice not yet sent (new ones, and failed ones with attempts left)."""
    pending = ContactNotice.objects.filter(
        status__in=[ContactNotice.Status.PENDING, ContactNotice.Status.FAILED], attempts__lt=NOTICE_MAX_ATTEMPTS
    ).select_related("safety_check", "safety_check__trust").order_by("created_at", "id")
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
                notifier.send(Message(recipients=tuple(notice.recipients), subject=notice.subject, body=notice.body,
                                      reference=f"csc-{notice.safety_check_id}-notice-{notice.pk}"))
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
            logger.warning("MOSS notice %s for safety check %s not sent: %s", notice.pk, notice.safety_check_id, notice.last_error)
        else:
            audit.record(action=audit.Action.CREATE, obj=notice, organisation=notice.safety_check.trust,
                         summary=f"Contacts told of safety check {notice.safety_check.reference} ({len(notice.recipients)} recipients, {notifier.name})")
    return sent


# --- the safety-check workflow --------------------------------------------------------------------


class SafetyCheckRefused(ValueError):
    """A change that cannot be made, with the form field it concerns."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def _require_open(check: CriticalSafetyCheck) -> None:
    if not check.is_open:
        raise SafetyCheckRefused("__all__", "This safety check is completed: it can no longer be changed")


def _lock(check: CriticalSafetyCheck) -> CriticalSafetyCheck:
    return CriticalSafetyCheck.objects.select_for_update().get(pk=check.pk)


def eligible_owners(trust: Organisation):
    """People who may lead a check: the trust's active local authorisers and trust viewers."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation=trust,
        memberships__revoked_at__isnull=True,
        memberships__role__in=[Role.LOCAL_AUTHORISER.value, Role.TRUST_VIEWER.value],
    ).distinct().order_by("full_name", "email")


@transaction.atomic
def assign_owner(*, check: CriticalSafetyCheck, owner: User, by: User, request=None) -> CriticalSafetyCheck:
    check = _lock(check)
    _require_open(check)
    if not eligible_owners(check.trust).filter(pk=owner.pk).exists():
        raise SafetyCheckRefused("owner", "Choose a local authoriser or trust viewer of this trust as the owner")
    check.owner = owner
    check.save(update_fields=["owner"])
    audit.record(action=audit.Action.UPDATE, obj=check, organisation=check.trust,
                 summary=f"Safety check {check.reference} owner set (user {owner.pk})", request=request, actor=by)
    return check


@transaction.atomic
def record_finding(*, check: CriticalSafetyCheck, area: str, findings: str, by: User, request=None) -> SafetyCheckFinding:
    check = _lock(check)
    _require_open(check)
    if area not in ReviewArea.values:
        raise SafetyCheckRefused("area", "Choose the area the findings are about")
    findings = (findings or "").strip()
    if not findings:
        raise SafetyCheckRefused("findings", f"Enter what the review of {ReviewArea(area).label.lower()} found")
    finding = SafetyCheckFinding.objects.create(
        safety_check=check, area=area, findings=findings, recorded_by=by, recorded_at=clock.now()
    )
    audit.record(action=audit.Action.UPDATE, obj=check, organisation=check.trust,
                 summary=f"Safety check {check.reference}: findings recorded for {ReviewArea(area).label.lower()}",
                 request=request, actor=by)
    return finding


@transaction.atomic
def add_action(*, check: CriticalSafetyCheck, description: str, owner: str, due_on: date, by: User, request=None) -> SafetyCheckAction:
    check = _lock(check)
    _require_open(check)
    description, owner = (description or "").strip(), (owner or "").strip()
    if not description:
        raise SafetyCheckRefused("description", "Enter what the action is")
    if not owner:
        raise SafetyCheckRefused("owner", "Enter who owns the action")
    if due_on < check.opened_on:
        raise SafetyCheckRefused("due_on", f"The action's due date must be on or after {check.opened_on:%-d %B %Y}, when the check opened")
    action = SafetyCheckAction.objects.create(
        safety_check=check, description=description, owner=owner, due_on=due_on, recorded_by=by, recorded_at=clock.now()
    )
    audit.record(action=audit.Action.UPDATE, obj=check, organisation=check.trust,
                 summary=f"Safety check {check.reference}: action {action.pk} added, due {due_on:%-d %B %Y}",
                 request=request, actor=by)
    return action


ACTION_NOTE_MAX_LENGTH = 1000


def note_needed(*, status: str, was_done: bool) -> str:
    """The error for an update without a note, worded for what the update does."""
    if status == SafetyCheckActionUpdate.Status.DONE:
        return "Enter what was done to complete the action"
    if was_done:
        return "Enter why the action is open again"
    return "Enter the progress on the action so far"


@transaction.atomic
def update_action(*, action: SafetyCheckAction, status: str, note: str, by: User, request=None) -> SafetyCheckActionUpdate:
    """Mark an action done, note its progress, or open it again: a new row, never an edit.

    Allowed after the check is completed (not ``_require_open``): actions go on the trust's
    action plan and outlive the 8-working-day check (ADR 0013). Every update needs a note,
    because "done" without what was done is no evidence for the action plan.
    """
    check = _lock(action.safety_check)  # one update of a check's actions at a time
    if status not in SafetyCheckActionUpdate.Status.values:
        raise SafetyCheckRefused("status", "Select whether the action is done or still open")
    latest = latest_action_update(action)
    was_done = latest is not None and latest.status == SafetyCheckActionUpdate.Status.DONE
    note = (note or "").strip()
    if not note:
        raise SafetyCheckRefused("note", note_needed(status=status, was_done=was_done))
    if len(note) > ACTION_NOTE_MAX_LENGTH:
        raise SafetyCheckRefused("note", f"The note must be {ACTION_NOTE_MAX_LENGTH:,} characters or fewer")
    update = SafetyCheckActionUpdate.objects.create(
        action=action, status=status, note=note, at=clock.now(), actor=by, actor_label=by.email,
    )
    if status == SafetyCheckActionUpdate.Status.DONE:
        what = "noted again as done" if was_done else "marked done"
    else:
        what = "opened again" if was_done else "progress noted"
    audit.record(action=audit.Action.UPDATE, obj=check, organisation=check.trust,
                 summary=f"Safety check {check.reference}: action {action.pk} {what}", request=request, actor=by)
    return update


def missing_areas(check: CriticalSafetyCheck) -> list[str]:
    recorded = set(check.findings.values_list("area", flat=True))
    return [area.label for area in ReviewArea if area.value not in recorded]


@transaction.atomic
def complete_check(*, check: CriticalSafetyCheck, summary: str, by: User, request=None) -> CriticalSafetyCheck:
    """Complete the check: every review area needs findings, and the completion needs a summary."""
    check = _lock(check)
    _require_open(check)
    missing = missing_areas(check)
    if missing:
        raise SafetyCheckRefused("summary", "Record findings for " + ", ".join(area.lower() for area in missing) + " before completing the check")
    summary = (summary or "").strip()
    if not summary:
        raise SafetyCheckRefused("summary", "Enter a summary of the safety check's conclusions")
    now = clock.now()
    check.status = CriticalSafetyCheck.Status.COMPLETED
    check.completed_at = now
    check.completed_by = by
    check.completion_summary = summary
    check.save(update_fields=["status", "completed_at", "completed_by", "completion_summary"])
    late = check.was_completed_late()
    # Open actions do not block completion: they carry on in the trust's action plan (ADR 0013).
    still_open = len(open_actions(check))
    note = "completed after its due date" if late else "completed by its due date"
    if still_open:
        note += f"; {still_open} action{'s' if still_open != 1 else ''} still open"
    SafetyCheckStatusRecord.objects.create(
        safety_check=check, status=CriticalSafetyCheck.Status.COMPLETED, at=now, actor=by, actor_label=by.email,
        note=note,
    )
    audit.record(action=audit.Action.DECIDE, obj=check, organisation=check.trust,
                 summary=f"Safety check {check.reference} completed" + (" after its due date" if late else ""),
                 request=request, actor=by)
    return check
