"""Demo outcome signals: MOSS over the demo births, with safety checks placed for the walk-through.

Called by ``perinatal setup --demo`` after the dashboard's demo data is loaded. MOSS runs
over the demo births exactly as it does after any import, so the signals are real: the demo
generator gives its ``SIGNAL_SITES`` a worse recent period (demo.generator.parameters).
The run sees every signal today, so every check it opens is due in 8 working days; to show
an overdue check as well, one check is then placed deliberately in the past (**demo only**):
the open check, away from the signal sites, whose earliest signal is oldest, is dated as if
MOSS had seen that signal when its month's data arrived (:data:`DEMO_DATA_LAG_DAYS` after the
month ended). Its month is before the latest month, so it is always overdue; the checks at the
signal sites stay due in the future, for a trust to complete.

MOSS needs the births of the year before (denominators, docs/rules/surveillance.md §1.1). The small demo of the tests
loads one year of births, so for it the years before are generated too (same generator, seed,
end date and trusts) and imported through the dashboard's import service.

The run's notices to the trusts' contacts are sent after the placement, so the placed check's
email says the due date its page says.

Running set-up again changes nothing: a run over unchanged data is skipped, and the overdue
check is placed once.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Max, Min

from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.dashboard.models import BirthRecord, Upload
from perinatal.dashboard.services import import_dataset
from perinatal.demo import generator
from perinatal.demo.dashboard_data import DEMO_SEED, SMALL_TRUSTS
from perinatal.demo.generator import SIGNAL_SITES
from perinatal.demo.organisations import demo_end_date
from perinatal.kernel.working_days import SAFETY_CHECK_WORKING_DAYS, add_working_days, is_working_day
from perinatal.organisations.sites import trust_reference_rows
from perinatal.stats.months import YearMonth
from perinatal.surveillance.models import ContactNotice, CriticalSafetyCheck, MossRun, SafetyCheckStatusRecord, Signal
from perinatal.surveillance.selectors.runs import latest_results_run
from perinatal.surveillance.services.notices import rewrite_unsent_notices, send_pending_notices
from perinatal.surveillance.services.runs import current_calculation, record_moss_run

DEMO_DATA_LAG_DAYS = 10
"""Days after a month ends before its births data arrives (for the placed check). Demo only."""
DEMO_PLACED_NOTE = "demo: placed as seen when its month's data arrived"
PREVIOUS_YEAR_ID_PREFIX = "P"
"""Baby and mother ids of the generated previous year are prefixed, so they never meet the loaded ones."""


@dataclass(frozen=True)
class DemoSignalsSummary:
    run: MossRun | None
    previous_year_births: int
    signals: int
    open_checks: int
    overdue_check: CriticalSafetyCheck | None


def load_demo_signals(*, small: bool, stdout=None) -> DemoSignalsSummary:
    previous = _previous_year_births_for_small_demo() if small else 0
    latest = latest_results_run()
    run = None
    if latest is None or latest.data_fingerprint != current_calculation().fingerprint:
        # The notices wait until the overdue check is placed, so its email says its placed due date.
        run = record_moss_run(trigger=MossRun.Trigger.DEMO, send_notices=False).run
    overdue = _place_overdue_check()
    send_pending_notices()
    summary = DemoSignalsSummary(
        run=run,
        previous_year_births=previous,
        signals=Signal.objects.filter(status=Signal.Status.ACTIVE).count(),
        open_checks=CriticalSafetyCheck.objects.filter(status=CriticalSafetyCheck.Status.OPEN).count(),
        overdue_check=overdue,
    )
    if stdout is not None:
        stdout.write(
            f"Outcome signals: {summary.signals} active MOSS signals, {summary.open_checks} open safety checks"
            + (f" ({overdue.reference} at {overdue.site.code} placed overdue)" if overdue else "")
            + "."
        )
    return summary


def _previous_year_births_for_small_demo() -> int:
    """Import the years before the small demo's births when they cover one calendar year only.

    MOSS evaluates a month of year Y with the births of Y − 1, so the years imported reach back
    to the year before the demo's worse period (``SIGNAL_MONTHS``) begins: one year, or two
    when that period starts in the previous year.
    """

    span = BirthRecord.objects.aggregate(first=Min("born_on"), last=Max("born_on"))
    if span["first"] is None or span["first"].year < span["last"].year:
        return 0
    end = demo_end_date() if demo_end_date().year == span["last"].year else span["last"]
    start = date(span["first"].year, 1, 1)
    signal_from = YearMonth.of(end).shifted(-(generator.SIGNAL_MONTHS - 1))
    years = end.year - (signal_from.year - 1) + 1
    with tempfile.TemporaryDirectory(prefix="perinatal-moss-demo-") as folder:
        out = Path(folder)
        generator.generate(
            years=years,
            end=end,
            seed=DEMO_SEED,
            out_dir=out / "generated",
            trusts_rows=trust_reference_rows(),
            trust_codes=list(SMALL_TRUSTS),
        )
        path = out / "births-previous-years.csv"
        written = 0
        with (
            open(out / "generated" / "births.csv", encoding="utf-8", newline="") as source,
            open(path, "w", encoding="utf-8", newline="") as target,
        ):
            reader = csv.DictReader(source)
            writer = csv.DictWriter(target, fieldnames=reader.fieldnames, lineterminator="\n")
            writer.writeheader()
            for row in reader:
                if date.fromisoformat(row["born_on"]) < start:
                    row["baby_id"] = PREVIOUS_YEAR_ID_PREFIX + row["baby_id"]
                    row["mother_id"] = PREVIOUS_YEAR_ID_PREFIX + row["mother_id"]
                    writer.writerow(row)
                    written += 1
        upload = import_dataset(
            dataset="births", path=path, filename="demo-births-previous-years.csv", source=Upload.Source.DEMO
        )
    if upload.status != Upload.Status.LOADED:
        raise RuntimeError(f"the previous years of demo births were not loaded ({upload.error_count} errors)")
    return written


def _arrival_day(month: YearMonth) -> date:
    """The first working day at least DEMO_DATA_LAG_DAYS after the month ends."""
    day = month.dates()[-1] + timedelta(days=DEMO_DATA_LAG_DAYS)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@transaction.atomic
def _place_overdue_check() -> CriticalSafetyCheck | None:
    placed = SafetyCheckStatusRecord.objects.filter(note=DEMO_PLACED_NOTE).select_related("safety_check").first()
    if placed is not None:
        return placed.safety_check
    run = latest_results_run()
    if run is None or run.latest_month is None:
        return None
    candidates = []
    for check in CriticalSafetyCheck.objects.filter(status=CriticalSafetyCheck.Status.OPEN).select_related("site"):
        if check.site.code in SIGNAL_SITES:
            continue  # the signal sites' checks stay due in the future, for a trust to complete
        earliest = check.signals.aggregate(first=Min("month"))["first"]
        if earliest is not None and earliest < run.latest_month:
            candidates.append((earliest, check.site.code, check))
    if not candidates:
        return None
    earliest, _code, check = min(candidates, key=lambda item: item[:2])
    opened_on = _arrival_day(YearMonth.of(earliest))
    opened_at = datetime.combine(opened_on, time(9, 0), tzinfo=clock.LONDON)
    # Demo placement rewrites the dates of rows that are otherwise append-only.
    CriticalSafetyCheck.objects.filter(pk=check.pk).update(
        opened_on=opened_on,
        opened_at=opened_at,
        due_on=add_working_days(start=opened_on, n=SAFETY_CHECK_WORKING_DAYS),
    )
    SafetyCheckStatusRecord.objects.filter(safety_check=check).update(at=opened_at, note=DEMO_PLACED_NOTE)
    Signal.objects.filter(safety_check=check).update(first_seen_on=opened_on, first_seen_at=opened_at)
    ContactNotice.objects.filter(safety_check=check).update(created_at=opened_at)
    ContactNotice.objects.filter(safety_check=check, status=ContactNotice.Status.SENT).update(sent_at=opened_at)
    check.refresh_from_db()
    rewrite_unsent_notices(check)  # the email says the placed due date, as the check's page does
    audit.record(
        action=audit.Action.UPDATE,
        obj=check,
        organisation=check.trust,
        summary=f"Demo: safety check {check.reference} placed as opened on {long_date(opened_on)}",
    )
    return check
