"""A run's signals: each (site, month, level) recorded the first time it is seen, with its evidence.

docs/rules/surveillance.md §1.3–1.4. Signals a data revision made disappear are withdrawn (and come
back if seen again). A site with a new signal in the last six months gets a critical safety
check (or the signal joins the site's open one) and a notice to the trust's contacts.
"""

from __future__ import annotations

from collections import defaultdict

from perinatal.core import audit
from perinatal.core.formatting import long_date, month_and_year
from perinatal.kernel.working_days import SAFETY_CHECK_WORKING_DAYS, add_working_days
from perinatal.organisations.models import Organisation, Site
from perinatal.stats.months import YearMonth
from perinatal.stats.moss import LEVEL_1, MossRow
from perinatal.surveillance.calculation import MossCalculation
from perinatal.surveillance.models import (
    ContactNotice,
    CriticalSafetyCheck,
    MossRun,
    SafetyCheckStatusRecord,
    Signal,
    SignalStatusRecord,
)
from perinatal.surveillance.selectors.safety_checks import open_check_for_site
from perinatal.surveillance.services.notices import create_notice

ACTION_WINDOW_MONTHS = 6
"""A new signal opens a safety check only when its month is the run's latest evaluated month or
one of the 5 before it (the "last 6 months" of docs/rules/surveillance.md §1.3). Older months are history: when MOSS
first runs over years of births data, or data for a long-past month is corrected, the signals
found there are recorded (and shown) but open no check and tell no one. **policy**"""


def _row_evidence(row: MossRow) -> dict:
    return {
        "month": str(row.month),
        "events": row.events,
        "expected": row.expected,
        "k": row.k,
        "h1": row.h1,
        "h2": row.h2,
        "cusum": row.cusum,
        "level": row.level,
        "reset": row.reset,
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


def reconcile_signals(*, run: MossRun, calculation: MossCalculation, sites: dict[str, Site], trusts):
    """Bring the stored signals in line with a run: (new, withdrawn, checks opened, notices)."""
    now = run.started_at
    latest = calculation.run.months[-1] if calculation.run.months else None
    window_start = latest.shifted(-(ACTION_WINDOW_MONTHS - 1)) if latest is not None else None
    rows_by_site: dict[str, list[MossRow]] = defaultdict(list)
    for row in calculation.run.rows:
        rows_by_site[row.site_code].append(row)
    current = {
        (row.site_code, row.month.first_day, row.level): row for row in calculation.run.rows if row.level >= LEVEL_1
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
                site=site,
                trust=trusts[site.pk],
                month=row.month.first_day,
                level=row.level,
                method=row.method,
                first_seen_run=run,
                first_seen_at=now,
                first_seen_on=run.seen_on,
                historical=row.month < window_start,
                evidence=_evidence(
                    run=run, calculation=calculation, site_rows=rows_by_site[row.site_code], upto=row.month
                ),
            )
            records.append(
                SignalStatusRecord(
                    signal=signal,
                    status=Signal.Status.ACTIVE,
                    run=run,
                    at=now,
                    note="first seen" + (" (history: no safety check)" if signal.historical else ""),
                )
            )
            new.append(signal)
            if not signal.historical:
                new_by_site[row.site_code].append(signal)
        elif signal.status == Signal.Status.WITHDRAWN:
            signal.status = Signal.Status.ACTIVE
            signal.save(update_fields=["status"])
            records.append(
                SignalStatusRecord(
                    signal=signal, status=Signal.Status.ACTIVE, run=run, at=now, note="seen again after a data revision"
                )
            )
    withdrawn = [signal for key, signal in existing.items() if key not in current and signal.is_active]
    for signal in withdrawn:
        signal.status = Signal.Status.WITHDRAWN
        signal.save(update_fields=["status"])
        records.append(
            SignalStatusRecord(
                signal=signal,
                status=Signal.Status.WITHDRAWN,
                run=run,
                at=now,
                note="not found when the data was revised",
            )
        )
        audit.record(
            action=audit.Action.UPDATE,
            obj=signal,
            organisation=signal.trust,
            summary=f"Signal {signal.pk} at {signal.site.code} withdrawn after data revision (MOSS run {run.pk})",
        )
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
            audit.record(
                action=audit.Action.CREATE,
                obj=signal,
                organisation=check.trust,
                summary=(
                    f"Signal {signal.pk}: {site.code} level {signal.level} in "
                    f"{month_and_year(signal.month)}, safety check {check.reference}"
                ),
            )
        notices.append(create_notice(check=check, run=run, signals=signals, opened=check in opened))
    return new, withdrawn, opened, notices


def _open_check(*, site: Site, trust: Organisation, run: MossRun) -> CriticalSafetyCheck:
    check = CriticalSafetyCheck.objects.create(
        site=site,
        trust=trust,
        opened_at=run.started_at,
        opened_on=run.seen_on,
        due_on=add_working_days(start=run.seen_on, n=SAFETY_CHECK_WORKING_DAYS),
    )
    SafetyCheckStatusRecord.objects.create(
        safety_check=check,
        status=CriticalSafetyCheck.Status.OPEN,
        at=run.started_at,
        actor_label=f"MOSS run {run.pk}",
        note="opened by a new signal",
    )
    audit.record(
        action=audit.Action.CREATE,
        obj=check,
        organisation=trust,
        summary=f"Critical safety check {check.reference} opened for {site.code}, due {long_date(check.due_on)}",
    )
    return check
