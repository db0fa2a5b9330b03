"""MOSS runs: read the births data now, run MOSS, store the run and every site-month result.

docs/rules/surveillance.md §1.3. :func:`record_moss_run` reads the births data, runs MOSS
(:mod:`perinatal.surveillance.calculation`, which calls the framework-free library), stores
the results and hands the signals to :mod:`.signals` in the same transaction, then sends the
notices to the trusts' contacts (:mod:`.notices`) once it has committed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.organisations.models import Site
from perinatal.surveillance.calculation import MossCalculation, calculate
from perinatal.surveillance.models import ContactNotice, CriticalSafetyCheck, MossRun, Signal, SiteMonthResult
from perinatal.surveillance.selectors.births import term_monthly_counts
from perinatal.surveillance.selectors.reference_rates import loaded_reference_rates, reference_state
from perinatal.surveillance.selectors.runs import latest_results_run
from perinatal.surveillance.selectors.sites import site_trusts_on, sites_by_code
from perinatal.surveillance.services.notices import send_pending_notices
from perinatal.surveillance.services.run_lock import lock_runs
from perinatal.surveillance.services.signals import reconcile_signals


@dataclass(frozen=True)
class MossRunOutcome:
    run: MossRun
    new_signals: tuple[Signal, ...]
    withdrawn_signals: tuple[Signal, ...]
    checks_opened: tuple[CriticalSafetyCheck, ...]
    notices: tuple[ContactNotice, ...]


def current_calculation(*, counts=None) -> MossCalculation:
    """MOSS over the births data now (or over ``counts`` already read from it), with the
    loaded reference rates in force (docs/rules/surveillance.md §1.1)."""
    counts = term_monthly_counts() if counts is None else counts
    return calculate(counts, loaded=loaded_reference_rates())


def record_moss_run(*, trigger: str, send_notices: bool = True) -> MossRunOutcome:
    """Run MOSS over the births data now, store it, and tell contacts about new signals.

    Everything is stored in one transaction; messages are sent after it commits (a message
    that fails is kept and tried again by the next run). ``send_notices=False`` leaves them
    pending for the caller to send (the demo places a check's dates first).
    """
    outcome = _store_moss_run(trigger=trigger)
    if send_notices:
        send_pending_notices()
    return outcome


@transaction.atomic
def _store_moss_run(*, trigger: str) -> MossRunOutcome:
    lock_runs()
    started = clock.now()
    seen_on = clock.london(started).date()
    calculation = current_calculation()
    previous = latest_results_run()
    latest_month = calculation.run.months[-1].first_day if calculation.run.months else None
    run = MossRun.objects.create(
        started_at=started,
        seen_on=seen_on,
        trigger=trigger,
        method=calculation.method,
        reference=calculation.reference,
        data_fingerprint=calculation.fingerprint,
        reference_state=reference_state(),  # read under the run lock: the rates this run used
        latest_month=latest_month,
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
    new, withdrawn, opened, notices = reconcile_signals(run=run, calculation=calculation, sites=sites, trusts=trusts)
    run.sites_monitored = len({row.site_code for row in calculation.run.rows})
    run.site_months = len(calculation.run.rows)
    run.new_signals = len(new)
    run.withdrawn_signals = len(withdrawn)
    run.checks_opened = len(opened)
    run.finished_at = clock.now()
    run.save()
    audit.record(
        action=audit.Action.CREATE,
        obj=run,
        summary=(
            f"MOSS run {run.pk} ({run.get_trigger_display().lower()}): {run.sites_monitored} sites, "
            f"{len(new)} new signals, {len(withdrawn)} withdrawn, {len(opened)} safety checks opened"
        ),
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
                run=run,
                site=site,
                trust=trusts[site.pk],
                month=row.month.first_day,
                events=row.events,
                expected=row.expected,
                k=row.k,
                h1=row.h1,
                h2=row.h2,
                cusum=row.cusum,
                level=row.level,
                reset=row.reset,
                method=row.method,
                denominator=calculation.denominator(site_code=row.site_code, year=year),
                reference_rate=calculation.reference_rate(site_code=row.site_code, year=year),
                reference_source=source.kind,
                loaded_reference_rate_id=source.origin,
            )
        )
    SiteMonthResult.objects.bulk_create(results, batch_size=2000)
