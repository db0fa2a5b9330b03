"""Reads of the equity breakdowns (docs/rules/equity.md §1–§2): the rows the `perinatal equity`
command prints, the equity pages show and download, and the board report's equity section uses.

Breakdowns are published statistics like the dashboard's metrics (docs/rules/dashboard.md §5):
signed-in users read the true figures; every public output asks for `public=True`
(docs/rules/equity.md §2).
"""

from __future__ import annotations

from datetime import date, datetime

from perinatal.dashboard.engine import OrganisationMap
from perinatal.dashboard.metrics.rows import ORG_LEVELS
from perinatal.equity.breakdowns.rows import DIMENSION_ETHNIC_GROUP, EquityRow
from perinatal.equity.engine import EquityRequest, compute_equity_rows


def equity_rows(
    *,
    date_from: date,
    date_to: date,
    by: tuple[str, ...] = (DIMENSION_ETHNIC_GROUP,),
    metric_ids: tuple[str, ...] | None = None,
    levels: tuple[str, ...] = ORG_LEVELS,
    organisation: tuple[str, str] | None = None,
    public: bool = False,
    now: datetime | None = None,
    stillbirth_denominator: str | None = None,
    organisations: OrganisationMap | None = None,
) -> list[EquityRow]:
    """The rows of docs/rules/equity.md §1 for `[date_from, date_to]`: per metric, organisation
    (every level, or `organisation` = (level, code) alone) and group of `by`, then the total
    row; `public` applies docs/rules/equity.md §2. Raises UnknownMetric (a ValueError) for a
    metric without a breakdown and ValueError for a bad `by`, level or range."""
    request = EquityRequest(
        date_from=date_from,
        date_to=date_to,
        by=tuple(by),
        metric_ids=None if metric_ids is None else tuple(metric_ids),
        levels=tuple(levels),
        organisation=organisation,
        public=public,
        now=now,
        stillbirth_denominator=stillbirth_denominator,
    )
    return compute_equity_rows(request, organisations=organisations)
