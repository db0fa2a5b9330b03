"""The equity breakdowns for a date range, every level: SQL counts per trust and group, rolled
up in Python exactly as the dashboard's metrics are (docs/rules/equity.md §1, docs/rules/dashboard.md §4).

One period, `[from, to]` (as `perinatal metrics` gives for outcome metrics). Each trust's
counts per group come from the database (equity.engine.queries), past periods from the
dashboard's tally cache; ICBs, regions and England are sums of their trusts' counts, each
trust placed by the ICB and region in force on the period's end date
(dashboard.engine.compute.placement). Rows: breakdowns.blocks; `--public`: breakdowns.public.
It must agree with breakdowns.reference.compute_equity_reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from perinatal.core import clock
from perinatal.dashboard.engine import MetricRequest, OrganisationMap, UnknownMetric, tally_cache
from perinatal.dashboard.engine.compute import england_always, placement, trust_filter, trusts_with_rows, wanted_keys
from perinatal.dashboard.engine.queries import Bounds, microseconds
from perinatal.dashboard.metrics.periods import is_provisional, outcome_periods
from perinatal.dashboard.metrics.rows import LEVEL_NATIONAL, NATIONAL_CODE, ORG_LEVELS
from perinatal.equity.breakdowns.blocks import block_rows, sort_equity_rows
from perinatal.equity.breakdowns.groups import Group, checked_by, collapsed
from perinatal.equity.breakdowns.public import public_rows
from perinatal.equity.breakdowns.rows import DIMENSION_ETHNIC_GROUP, METRIC_IDS, EquityRow
from perinatal.kernel.london_time import LONDON, to_utc

from .queries import split_key, tally_equity_births

#: The tally cache's family of the equity counts (one entry per period, every trust).
CACHE_FAMILY = "equity_births"


@dataclass(frozen=True)
class EquityRequest:
    """What to break down. `organisation` = (level, code) keeps only that organisation's rows
    (and counts only the trusts that can belong to it)."""

    date_from: date
    date_to: date
    by: tuple[str, ...] = (DIMENSION_ETHNIC_GROUP,)
    metric_ids: tuple[str, ...] | None = None  # None: the three metrics of docs/rules/equity.md §1
    levels: tuple[str, ...] = ORG_LEVELS
    organisation: tuple[str, str] | None = None
    public: bool = False
    now: datetime | None = None  # None: the service clock (it marks provisional periods)
    stillbirth_denominator: str | None = None  # None: the dashboard's setting

    def metric_request(self) -> MetricRequest:
        """The same request as the dashboard's engine takes it (the total rows equal its rows)."""
        unknown = [m for m in self.metric_ids or () if m not in METRIC_IDS]
        if unknown:
            raise UnknownMetric(f"no equity breakdown of {', '.join(unknown)}: use one of {', '.join(METRIC_IDS)}")
        return MetricRequest(
            date_from=self.date_from,
            date_to=self.date_to,
            metric_ids=self.metric_ids or METRIC_IDS,
            levels=self.levels,
            organisation=self.organisation,
            now=self.now,
            stillbirth_denominator=self.stillbirth_denominator,
        )


def compute_equity_rows(request: EquityRequest, *, organisations: OrganisationMap | None = None) -> list[EquityRow]:
    """The docs/rules/equity.md §1 rows for `request`, in its order (with `public`, docs/rules/equity.md §2)."""
    by = checked_by(request.by)
    for level in request.levels:
        if level not in ORG_LEVELS:
            raise ValueError(f"unknown level {level!r}: use one of {', '.join(ORG_LEVELS)}")
    metric_request = request.metric_request()
    definitions = metric_request.definitions()
    (period,) = outcome_periods(date_from=request.date_from, date_to=request.date_to)
    now = request.now or clock.now()
    today = to_utc(now).astimezone(LONDON).date()
    orgs = organisations or OrganisationMap()
    trust_ids = trust_filter(metric_request, orgs)
    denominator = metric_request.resolved_stillbirth_denominator

    bounds = Bounds.of(0, period, now)
    store = tally_cache.TallyStore() if tally_cache.enabled() else tally_cache.NoStore()
    counted = store.counts(
        family=CACHE_FAMILY,
        variant=denominator,
        bounds=[bounds],
        trust_ids=trust_ids,
        now_us=microseconds(now),
        now_dependent=False,
        count=lambda missing: tally_cache.split_tallies(
            tally_equity_births(periods=missing, stillbirth_denominator=denominator, trust_ids=trust_ids),
            [b.index for b in missing],
        ),
    )[bounds.index]
    # metric_id -> trust code -> group of the breakdown -> [numerator, denominator]
    per_trust: dict[str, dict[str, dict[Group, list[int]]]] = {}
    for key, cells in counted.metrics.items():
        metric_id, full_group = split_key(key)
        group = collapsed(full_group, by=by)
        for pk, (numerator, denominator_count) in cells.items():
            cell = per_trust.setdefault(metric_id, {}).setdefault(orgs.trust_codes[pk], {}).setdefault(group, [0, 0])
            cell[0] += int(numerator)
            cell[1] += int(denominator_count)

    placed = placement(
        trusts_with_rows(trust_ids, orgs=orgs), orgs=orgs, day=period.end, wanted=wanted_keys(metric_request)
    )
    rows: list[EquityRow] = []
    for definition in definitions:
        totals: dict[tuple[str, str], dict[Group, list[int]]] = {}
        if england_always(metric_request):
            totals[(LEVEL_NATIONAL, NATIONAL_CODE)] = {}  # England has rows even with no trust
        trusts = per_trust.get(definition.id, {})
        for trust, keys in placed.items():
            for key in keys:
                cells = totals.setdefault(key, {})
                for group, (numerator, denominator_count) in trusts.get(trust, {}).items():
                    cell = cells.setdefault(group, [0, 0])
                    cell[0] += numerator
                    cell[1] += denominator_count
        provisional = is_provisional(period_end=period.end, today=today, provisional_days=definition.provisional_days)
        for (level, code), cells in totals.items():
            rows.extend(
                block_rows(
                    definition=definition,
                    org_level=level,
                    org_code=code,
                    org_name=orgs.name(level, code),
                    period=period,
                    counts=cells,
                    by=by,
                    provisional=provisional,
                )
            )
    rows = sort_equity_rows(rows)
    return public_rows(rows, by=by) if request.public else rows
