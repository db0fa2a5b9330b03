"""The metric engine's rows for a page: one engine call per page (engine.compute_rows:
counting in SQL, the counts of past periods kept in the engine's tally cache), the finished
rows kept by selectors.row_cache until the data, the register or the day change.

The requests are built here, apart from the reads, because the background warm-up
(pages.tasks) must compute exactly the requests the pages will make.
"""

from __future__ import annotations

from datetime import datetime

from perinatal.dashboard.engine import MetricRequest, OrganisationMap
from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.metrics.rows import LEVEL_NATIONAL, LEVEL_TRUST, MetricRow
from perinatal.dashboard.selectors.births import DataSpan
from perinatal.dashboard.selectors.row_cache import rows_for


def _now_or(now: datetime | None) -> dict:
    """No `now` lets the request take the service clock's (and the page cache keep the rows)."""
    return {} if now is None else {"now": now}


def organisation_request(
    *, level: str, code: str, span: DataSpan, stillbirth_denominator: str, now: datetime | None = None
) -> MetricRequest:
    """Every metric and sub-measure of one organisation over the whole data: fortnights,
    whole months, survey years. The national page and England's page share it."""
    return MetricRequest(
        date_from=span.series_start,
        date_to=span.as_of,
        levels=(level,),
        by="month",
        survey_by_year=True,
        organisation=(level, code),
        stillbirth_denominator=stillbirth_denominator,
        **_now_or(now),
    )


def organisation_rows(
    *,
    level: str,
    code: str,
    span: DataSpan,
    stillbirth_denominator: str,
    orgs: OrganisationMap,
    now: datetime | None = None,
) -> list[MetricRow]:
    """The rows of organisation_request: the engine counts only the trusts that can belong to
    the organisation."""
    request = organisation_request(
        level=level, code=code, span=span, stillbirth_denominator=stillbirth_denominator, now=now
    )
    return rows_for(request, organisations=orgs)


def trusts_request(
    *, metric_id: str, period: Period, stillbirth_denominator: str, now: datetime | None = None
) -> MetricRequest:
    """One metric for one period, for every trust and England."""
    return MetricRequest(
        date_from=period.start,
        date_to=period.end,
        metric_ids=(metric_id,),
        levels=(LEVEL_NATIONAL, LEVEL_TRUST),
        stillbirth_denominator=stillbirth_denominator,
        **_now_or(now),
    )


def trusts_rows(
    *, metric_id: str, period: Period, stillbirth_denominator: str, orgs: OrganisationMap, now: datetime | None = None
) -> list[MetricRow]:
    """The rows of trusts_request: England's first, then every trust's."""
    request = trusts_request(metric_id=metric_id, period=period, stillbirth_denominator=stillbirth_denominator, now=now)
    return rows_for(request, organisations=orgs)
