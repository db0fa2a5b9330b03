"""Stored MOSS runs and their results: the latest run, the latest with results, a site's months.

Aggregate statistics (not scoped). Only runs of the current method count (``METHOD``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from perinatal.organisations.models import Site
from perinatal.stats.moss_design import METHOD
from perinatal.surveillance.models import MossRun, SiteMonthResult


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
        SiteMonthResult.objects.filter(run=run, site=site)
        .select_related("site", "loaded_reference_rate__upload")
        .order_by("month")
    )


def monitored_sites(run: MossRun) -> QuerySet[Site]:
    return Site.objects.filter(pk__in=SiteMonthResult.objects.filter(run=run).values("site_id")).order_by("code")
