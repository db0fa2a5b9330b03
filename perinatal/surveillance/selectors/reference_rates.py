"""Loaded reference rates (docs/rules/surveillance.md §1.1, §1.6): those in force, every load, the national rates
a run used.

``IN_FORCE`` is the one definition of a rate in force, shared with the services that load
and withdraw rates.
"""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet

from perinatal.surveillance.calculation import LoadedRate
from perinatal.surveillance.models import (
    LoadedReferenceRate,
    MossRun,
    ReferenceRateUpload,
    ReferenceRateWithdrawal,
    SiteMonthResult,
)

IN_FORCE = Q(replaced_by__isnull=True, withdrawn_by__isnull=True)
"""A loaded rate is in force until a later load replaces it or its own load is withdrawn."""


def current_loaded_rates() -> QuerySet[LoadedReferenceRate]:
    """Loaded reference rates in force: not replaced by a later load, not withdrawn."""
    return LoadedReferenceRate.objects.filter(IN_FORCE).select_related("upload", "upload__loaded_by")


def reference_rate_uploads() -> QuerySet[ReferenceRateUpload]:
    """Every load of reference rates, newest first, with its withdrawal and how many rates are in force."""
    return (
        ReferenceRateUpload.objects.select_related("loaded_by", "withdrawal", "withdrawal__by")
        .annotate(
            rates_in_force=Count("rates", filter=Q(rates__replaced_by__isnull=True, rates__withdrawn_by__isnull=True))
        )
        .order_by("-loaded_at", "-id")
    )


def rates_in_force_of(upload: ReferenceRateUpload) -> QuerySet[LoadedReferenceRate]:
    return upload.rates.filter(IN_FORCE).order_by("site_code", "period_end_year", "id")


def national_rates_used(run: MossRun) -> dict[int, float]:
    """year -> the national rate a stored run used for sites without a loaded rate (none if every site had one)."""
    rows = (
        SiteMonthResult.objects.filter(run=run, reference_source=SiteMonthResult.ReferenceSource.NATIONAL)
        .order_by()
        .values_list("month__year", "reference_rate")
        .distinct()
    )
    return dict(sorted(rows))


def loaded_reference_rates() -> list[LoadedRate]:
    """The loaded rates in force, as the calculation reads them (origin: the stored row's id)."""
    return [
        LoadedRate(site_code=rate.site_code, year=rate.events_year, rate=rate.rate, origin=rate.pk)
        for rate in current_loaded_rates().order_by("site_code", "period_end_year")
    ]


def reference_state() -> str:
    """The loads and withdrawals of reference rates so far, as a run records what it read: a
    load or a withdrawal changes it (both are kept for ever, never deleted). The ids, not the
    times: the service clock may be fixed (the demo), and two changes in one instant still differ."""
    latest_load = ReferenceRateUpload.objects.aggregate(latest=Max("id"))["latest"]
    if latest_load is None:
        return ""
    latest_withdrawal = ReferenceRateWithdrawal.objects.aggregate(latest=Max("id"))["latest"] or 0
    return f"load {latest_load}, withdrawal {latest_withdrawal}"


def rates_changed_since(run: MossRun | None) -> bool:
    """Reference rates were loaded or withdrawn after `run` (the latest) read them: its signals
    do not use the rates in force yet. (Before any run there are no signals to be out of date.)"""
    return run is not None and run.reference_state != reference_state()


def sites_on_rates_out_of_force(run: MossRun) -> list[str]:
    """Sites whose results in `run` used a loaded rate since withdrawn or replaced."""
    return sorted(
        set(
            SiteMonthResult.objects.filter(run=run, loaded_reference_rate__isnull=False)
            .exclude(loaded_reference_rate__replaced_by__isnull=True, loaded_reference_rate__withdrawn_by__isnull=True)
            .values_list("site__code", flat=True)
        )
    )
