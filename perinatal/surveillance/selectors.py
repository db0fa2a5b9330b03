"""Reads for outcome signals: MOSS inputs from the births data, stored results, signals, checks.

Aggregate figures (monthly counts, CUSUM results, signal summaries) are published statistics
and not scoped; safety checks and notifications are record-level and are read only through
``perinatal.accounts.scoping`` (the views pass the user's scope in).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import CharField, Count, Prefetch, Q, QuerySet
from django.db.models.functions import Cast, Substr, TruncMonth

from perinatal.core import clock
from perinatal.accounts.scoping import Scope
from perinatal.dashboard.datasets.schema import OUTCOME_LIVE, OUTCOME_STILLBIRTH
from perinatal.dashboard.models import BirthRecord
from perinatal.organisations.models import Organisation, Site, SiteOwnership
from perinatal.surveillance.calculation import LoadedRate, SiteMonthCounts
from perinatal.surveillance.models import (
    CriticalSafetyCheck,
    LoadedReferenceRate,
    MossRun,
    ReferenceRateUpload,
    SafetyCheckAction,
    SafetyCheckActionUpdate,
    Signal,
    SiteMonthResult,
)
from perinatal.kernel import clinical
from perinatal.stats.months import YearMonth
from perinatal.stats.moss_design import METHOD

# Spec surveillance.md §1.1: term is GA ≥ 37+0; a neonatal death is at 0–27 completed days
# (births.csv gives neonatal_death_on up to 28 days after born_on).
TERM_GESTATION_DAYS = clinical.GA_37_0_DAYS
NEONATAL_DEATH_LAST_DAY = clinical.NEONATAL_LAST_DAY


def _term_births() -> QuerySet[BirthRecord]:
    """Term births (live + still) at a known site, terminations excluded (§1.1)."""
    return BirthRecord.objects.filter(
        site__isnull=False, gestation_days__gte=TERM_GESTATION_DAYS, termination=False
    )


TERM_STILLBIRTH = Q(outcome=OUTCOME_STILLBIRTH)
TERM_NEONATAL_DEATH = Q(outcome=OUTCOME_LIVE, neonatal_death_day__isnull=False, neonatal_death_day__lte=NEONATAL_DEATH_LAST_DAY)


def _birth_month():
    """The month of birth as a grouping key, computed by the database itself.

    PostgreSQL truncates natively; SQLite's Trunc is a Python function called once per row
    (30 s over the national 2.5 million births), whereas its dates are ISO text, so the first
    seven characters are the month (under 10 s).
    """
    if connection.vendor == "postgresql":
        return TruncMonth("born_on")
    return Substr(Cast("born_on", CharField()), 1, 7)


def _year_month(value) -> YearMonth:
    return YearMonth.parse(value) if isinstance(value, str) else YearMonth.of(value)


def term_monthly_counts() -> list[SiteMonthCounts]:
    """Per site of birth and month of birth: term births, term stillbirths, term neonatal deaths.

    One SQL aggregate query over the births records (spec §1.1), ordered by site and month.
    """
    rows = (
        _term_births()
        .annotate(birth_month=_birth_month())
        .values("site__code", "birth_month")
        .annotate(
            term_births=Count("id"),
            stillbirths=Count("id", filter=TERM_STILLBIRTH),
            neonatal_deaths=Count("id", filter=TERM_NEONATAL_DEATH),
        )
        .order_by()  # sorted below: sorting in SQL costs the database more than sorting these few rows here
    )
    counts = [
        SiteMonthCounts(
            site_code=row["site__code"],
            month=_year_month(row["birth_month"]),
            term_births=row["term_births"],
            term_stillbirths=row["stillbirths"],
            term_neonatal_deaths=row["neonatal_deaths"],
        )
        for row in rows
    ]
    return sorted(counts, key=lambda row: (row.site_code, row.month))


@dataclass(frozen=True)
class DayEvents:
    stillbirths: int = 0
    neonatal_deaths: int = 0

    @property
    def events(self) -> int:
        return self.stillbirths + self.neonatal_deaths


def daily_term_events(*, site: Site, first: date, last: date) -> dict[date, DayEvents]:
    """Term stillbirths and term neonatal deaths at one site, by day of birth, for the excess-events chart."""
    rows = (
        _term_births()
        .filter(site=site, born_on__gte=first, born_on__lte=last)
        .filter(TERM_STILLBIRTH | TERM_NEONATAL_DEATH)
        .values("born_on")
        .annotate(stillbirths=Count("id", filter=TERM_STILLBIRTH), neonatal_deaths=Count("id", filter=TERM_NEONATAL_DEATH))
    )
    return {row["born_on"]: DayEvents(row["stillbirths"], row["neonatal_deaths"]) for row in rows}


def sites_by_code(codes: Iterable[str]) -> dict[str, Site]:
    return {site.code: site for site in Site.objects.filter(code__in=set(codes))}


def site_trusts_on(day: date) -> dict[int, Organisation]:
    """site id -> the trust that owns it on a day, in one query.

    A site owned by no trust that day (a transfer recorded for later) keeps its latest owner
    before the day, else its first.
    """
    result: dict[int, Organisation] = {}
    ownerships = SiteOwnership.objects.select_related("trust").order_by("site_id", "valid_from")
    for ownership in ownerships:
        current = ownership.valid_from <= day and (ownership.valid_until is None or day < ownership.valid_until)
        if current or ownership.valid_from <= day or ownership.site_id not in result:
            result[ownership.site_id] = ownership.trust
    return result


def site_names_for_export(day: date) -> dict[str, tuple[str, str, str]]:
    """site code -> (site name, trust code, trust name): the optional names of ``perinatal moss`` (§1.6)."""
    ownerships = SiteOwnership.objects.on(day).select_related("site", "trust")
    return {o.site.code: (o.site.name, o.trust.code, o.trust.display_name) for o in ownerships}


IN_FORCE = Q(replaced_by__isnull=True, withdrawn_by__isnull=True)
"""A loaded rate is in force until a later load replaces it or its own load is withdrawn."""


def current_loaded_rates() -> QuerySet[LoadedReferenceRate]:
    """Loaded reference rates in force: not replaced by a later load, not withdrawn."""
    return LoadedReferenceRate.objects.filter(IN_FORCE).select_related("upload", "upload__loaded_by")


def reference_rate_uploads() -> QuerySet[ReferenceRateUpload]:
    """Every load of reference rates, newest first, with its withdrawal and how many rates are in force."""
    return (
        ReferenceRateUpload.objects.select_related("loaded_by", "withdrawal", "withdrawal__by")
        .annotate(rates_in_force=Count("rates", filter=Q(rates__replaced_by__isnull=True, rates__withdrawn_by__isnull=True)))
        .order_by("-loaded_at", "-id")
    )


def rates_in_force_of(upload: ReferenceRateUpload) -> QuerySet[LoadedReferenceRate]:
    return upload.rates.filter(IN_FORCE).order_by("site_code", "period_end_year", "id")


def national_rates_used(run: MossRun) -> dict[int, float]:
    """year -> the national rate a stored run used for sites without a loaded rate (none if every site had one)."""
    rows = (
        SiteMonthResult.objects.filter(run=run, reference_source=SiteMonthResult.ReferenceSource.NATIONAL)
        .order_by().values_list("month__year", "reference_rate").distinct()
    )
    return dict(sorted(rows))


def loaded_reference_rates() -> list[LoadedRate]:
    """The loaded rates in force, as the calculation reads them (origin: the stored row's id)."""
    return [
        LoadedRate(site_code=rate.site_code, year=rate.events_year, rate=rate.rate, origin=rate.pk)
        for rate in current_loaded_rates().order_by("site_code", "period_end_year")
    ]


# --- stored runs --------------------------------------------------------------------------------


def latest_run() -> MossRun | None:
    return MossRun.objects.filter(method=METHOD, finished_at__isnull=False).order_by("-started_at", "-id").first()


def latest_results_run() -> MossRun | None:
    """The latest run whose results are stored (a later run may have found the data unchanged)."""
    return (
        MossRun.objects.filter(method=METHOD, results_stored=True, finished_at__isnull=False)
        .order_by("-started_at", "-id")
        .first()
    )


def site_results(*, run: MossRun, site: Site) -> list[SiteMonthResult]:
    return list(
        SiteMonthResult.objects.filter(run=run, site=site).select_related("loaded_reference_rate__upload").order_by("month")
    )


def monitored_sites(run: MossRun) -> QuerySet[Site]:
    return Site.objects.filter(pk__in=SiteMonthResult.objects.filter(run=run).values("site_id")).order_by("code")


# --- the national summary -------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSignalSummary:
    """One site on the national signals page (aggregate: shown to every signed-in user)."""

    site: Site
    trust: Organisation
    latest_month: date
    latest_level: int
    latest_cusum: float
    level1_months_6: int
    level2_months_6: int
    level1_months_12: int
    level2_months_12: int

    @property
    def in_signal(self) -> bool:
        return self.latest_level > 0

    @property
    def signalled_in_12_months(self) -> bool:
        return bool(self.level1_months_12 or self.level2_months_12)


def site_signal_summaries(run: MossRun) -> list[SiteSignalSummary]:
    """Per monitored site: the latest month's level and the level-1/2 months in the last 6 and 12 (§1.3).

    The windows are the run's latest evaluated month and the 5 / 11 months before it.
    """
    if run.latest_month is None:
        return []
    latest = YearMonth.of(run.latest_month)
    first_6 = latest.shifted(-5).first_day
    first_12 = latest.shifted(-11).first_day
    rows = (
        SiteMonthResult.objects.filter(run=run, month__gte=first_12)
        .select_related("site", "trust")
        .order_by("site__code", "month")
    )
    by_site: dict[int, list[SiteMonthResult]] = defaultdict(list)
    for row in rows:
        by_site[row.site_id].append(row)
    summaries = []
    for site_rows in by_site.values():
        last = site_rows[-1]
        recent = [row for row in site_rows if row.month >= first_6]
        summaries.append(
            SiteSignalSummary(
                site=last.site,
                trust=last.trust,
                latest_month=last.month,
                latest_level=last.level if last.month == run.latest_month else 0,
                latest_cusum=last.cusum,
                level1_months_6=sum(1 for row in recent if row.level == 1),
                level2_months_6=sum(1 for row in recent if row.level == 2),
                level1_months_12=sum(1 for row in site_rows if row.level == 1),
                level2_months_12=sum(1 for row in site_rows if row.level == 2),
            )
        )
    return sorted(summaries, key=lambda s: (-s.latest_level, -(s.level2_months_6 + s.level1_months_6),
                                            -(s.level2_months_12 + s.level1_months_12), s.site.code))


# --- signals and safety checks (record-level: scoped) ---------------------------------------------


def signals_for_site(site: Site) -> QuerySet[Signal]:
    return Signal.objects.filter(site=site, method=METHOD).select_related("safety_check").order_by("-month", "-level")


def checks_visible_to(scope: Scope) -> QuerySet[CriticalSafetyCheck]:
    """Safety checks the user may read: the trust's own, its ICB's, its region's, or all nationally."""
    return scope.restrict(
        CriticalSafetyCheck.objects.select_related("site", "trust", "owner"), trust_field="trust"
    )


def open_checks_visible_to(scope: Scope) -> QuerySet[CriticalSafetyCheck]:
    return checks_visible_to(scope).filter(status=CriticalSafetyCheck.Status.OPEN).order_by("due_on", "id")


def open_check_for_site(site: Site) -> CriticalSafetyCheck | None:
    return CriticalSafetyCheck.objects.filter(site=site, status=CriticalSafetyCheck.Status.OPEN).first()


def checks_for_site(*, site: Site, scope: Scope) -> QuerySet[CriticalSafetyCheck]:
    return checks_visible_to(scope).filter(site=site).order_by("-opened_at")


def latest_findings(check: CriticalSafetyCheck) -> dict[str, object]:
    """area -> its latest finding (a newer row supersedes an older one)."""
    latest: dict[str, object] = {}
    for finding in check.findings.select_related("recorded_by").order_by("recorded_at", "id"):
        latest[finding.area] = finding
    return latest


def latest_action_update(action: SafetyCheckAction) -> SafetyCheckActionUpdate | None:
    """The action's current status is its latest update's (an action with none is open)."""
    return action.updates.order_by("-at", "-id").first()


def actions_with_updates(check: CriticalSafetyCheck) -> list[SafetyCheckAction]:
    """The check's actions in the order they were added, each with ``updates`` oldest first (two queries)."""
    updates = Prefetch("updates", queryset=SafetyCheckActionUpdate.objects.select_related("actor").order_by("at", "id"))
    return list(check.actions.select_related("recorded_by").prefetch_related(updates).order_by("recorded_at", "id"))


def actions_of_checks(check_ids) -> dict[int, list[SafetyCheckAction]]:
    """check id -> its actions with ``updates`` prefetched, for a list of checks in two queries."""
    updates = Prefetch("updates", queryset=SafetyCheckActionUpdate.objects.order_by("at", "id"))
    by_check: dict[int, list[SafetyCheckAction]] = defaultdict(list)
    for action in (SafetyCheckAction.objects.filter(safety_check_id__in=list(check_ids))
                   .prefetch_related(updates).order_by("recorded_at", "id")):
        by_check[action.safety_check_id].append(action)
    return by_check


def is_done(action: SafetyCheckAction) -> bool:
    """Done when the latest update says so (reads prefetched ``updates`` when present)."""
    updates = list(action.updates.all())
    latest = max(updates, key=lambda update: (update.at, update.id), default=None)
    return latest is not None and latest.status == SafetyCheckActionUpdate.Status.DONE


def open_actions(check: CriticalSafetyCheck) -> list[SafetyCheckAction]:
    return [action for action in actions_with_updates(check) if not is_done(action)]


# --- notified deaths (record-level: scoped by the reporting trust) --------------------------------


@dataclass(frozen=True)
class NotifiedDeath:
    """A notified term stillbirth or term neonatal death born at the site (spec §1.1: shown beside the chart)."""

    reference: str
    born_on: date
    kind: str  # "stillbirth" or "neonatal_death"
    in_births_data: bool

    @property
    def month(self) -> date:
        return self.born_on.replace(day=1)


def _parse_local(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=clock.LONDON)


def _term_death_kind(document: dict) -> tuple[date, str] | None:
    """(date of birth, kind) when a notification document is a term stillbirth or term neonatal death.

    Term: a known, reliable gestation ≥ 259 days; terminations excluded; a neonatal death is at
    0–27 completed days (routing.md §1: floor((died_at − born_at) / 24 h)).
    """
    baby = document.get("baby") or {}
    gestation = baby.get("gestation") or {}
    if not gestation or not gestation.get("reliable", False) or baby.get("termination_of_pregnancy"):
        return None
    try:
        days = int(gestation.get("weeks")) * 7 + int(gestation.get("days") or 0)
    except (TypeError, ValueError):
        return None
    born_at = _parse_local(baby.get("born_at"))
    if days < TERM_GESTATION_DAYS or born_at is None:
        return None
    born_on = clock.london(born_at).date()
    if baby.get("born_alive") is False:
        return born_on, "stillbirth"
    died_at = _parse_local(baby.get("died_at"))
    if died_at is None:
        return None
    if (died_at - born_at) // timedelta(hours=24) <= NEONATAL_DEATH_LAST_DAY:
        return born_on, "neonatal_death"
    return None


def notified_term_deaths(*, site: Site, first: date, last: date, scope: Scope) -> list[NotifiedDeath]:
    """Notified term deaths born at the site between two dates, from notifications the user may read.

    Each is flagged when the births data has no term death of the same kind at the site on the
    same day: a death missing from the births data (spec §1.1: flagged, never added on top).
    """
    from perinatal.notifications.models import Notification

    start = datetime.combine(first, time.min, tzinfo=clock.LONDON)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=clock.LONDON)
    notifications = scope.restrict(
        Notification.objects.filter(event=Notification.Event.BABY, born_at__gte=start, born_at__lt=end)
        .select_related("current_version"),
        trust_field="trust",
    )
    found: list[tuple[str, date, str]] = []
    for notification in notifications:
        version = notification.current_version
        if version is None:
            continue
        document = version.document or {}
        place = document.get("place_of_birth") or {}
        if place.get("site") != site.code:
            continue
        term_death = _term_death_kind(document)
        if term_death is not None:
            found.append((notification.reference, *term_death))
    if not found:
        return []
    in_data = daily_term_events(site=site, first=first, last=last)
    remaining = {day: {"stillbirth": counts.stillbirths, "neonatal_death": counts.neonatal_deaths}
                 for day, counts in in_data.items()}
    result = []
    for reference, born_on, kind in sorted(found, key=lambda item: (item[1], item[0])):
        available = remaining.get(born_on, {}).get(kind, 0)
        if available:
            remaining[born_on][kind] = available - 1
        result.append(NotifiedDeath(reference=reference, born_on=born_on, kind=kind, in_births_data=bool(available)))
    return result
