"""The rows of one metric, organisation and period (docs/rules/equity.md §1): every group of
the breakdown, with 0 and 0 where it has no births, then the total row, each with its rate
and 95% interval, and the comparison with the reference group.

The rate and its interval come from the dashboard's row builder (metrics.rows.build_row), so
that they are the metric's own figures (Garwood interval, half-up rounding) and the total row
equals the metric's row. Counting, roll-up and disclosure control are elsewhere: the engine
(equity.engine) and the reference implementation (breakdowns.reference) both end here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from perinatal.dashboard.metrics.definitions import MetricDefinition
from perinatal.dashboard.metrics.intervals import UNIT_PERCENT, metric_value
from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.metrics.rows import ORG_LEVELS, build_row

from .comparison import rate_difference, rate_ratio
from .groups import TOTAL, Group, compared_with, groups_for, reference_group
from .rows import ALL, DIMENSIONS, METRIC_IDS, NOT_STATED, EquityRow

Counts = tuple[int, int]  # (numerator, denominator)


def block_rows(
    *,
    definition: MetricDefinition,
    org_level: str,
    org_code: str,
    org_name: str,
    period: Period,
    counts: Mapping[Group, Sequence[int]],
    by: Sequence[str],
    provisional: bool,
) -> list[EquityRow]:
    """The rows of one metric, organisation and period, in output order: `counts` holds the
    (numerator, denominator) of the groups that have any (collapsed to `by`)."""
    groups = groups_for(by)
    unknown = set(counts) - set(groups)
    if unknown:
        raise ValueError(f"counts for groups outside the breakdown: {sorted(unknown)}")
    cells: dict[Group, Counts] = {group: _counts(counts.get(group)) for group in groups}
    cells[TOTAL] = (sum(n for n, _ in cells.values()), sum(d for _, d in cells.values()))
    reference = reference_group(by)
    b, n0 = cells[reference]
    rows = []
    for group, (a, n1) in cells.items():
        metric_row = build_row(
            definition=definition,
            org_level=org_level,
            org_code=org_code,
            org_name=org_name,
            period=period,
            numerator=a,
            denominator=n1,
            provisional=provisional,
        )
        ratio = difference = None
        if compared_with(group, reference=reference):
            ratio = rate_ratio(a=a, n1=n1, b=b, n0=n0)
            difference = rate_difference(a=a, n1=n1, b=b, n0=n0)
        rows.append(
            EquityRow(
                metric_id=definition.id,
                org_level=org_level,
                org_code=org_code,
                org_name=org_name,
                period_start=period.start,
                period_end=period.end,
                ethnic_group=group[0],
                imd_quintile=group[1],
                numerator=a,
                denominator=n1,
                value=metric_row.value,
                lower_95=metric_row.lower_95,
                upper_95=metric_row.upper_95,
                rate_ratio=None if ratio is None else ratio.value,
                rate_ratio_lower_95=None if ratio is None else ratio.lower_95,
                rate_ratio_upper_95=None if ratio is None else ratio.upper_95,
                rate_difference=None if difference is None else difference.value,
                rate_difference_lower_95=None if difference is None else difference.lower_95,
                rate_difference_upper_95=None if difference is None else difference.upper_95,
                provisional=provisional,
            )
        )
    return rows


def _counts(cell: Sequence[int] | None) -> Counts:
    if cell is None:
        return 0, 0
    numerator, denominator = cell
    return int(numerator), int(denominator)


def block_key(row: EquityRow) -> tuple[str, str, str, date]:
    """The rows of one block share metric, organisation and period."""
    return row.metric_id, row.org_level, row.org_code, row.period_start


def sort_equity_rows(rows: Iterable[EquityRow]) -> list[EquityRow]:
    """docs/rules/equity.md §1: metric, level, org_code (then period), each block's rows
    kept in their group order (`All` last); the sort is stable."""
    return sorted(rows, key=_order)


def _order(row: EquityRow) -> tuple:
    return METRIC_IDS.index(row.metric_id), ORG_LEVELS.index(row.org_level), row.org_code, row.period_start


def stated_share(rows: Sequence[EquityRow], *, dimension: str) -> Decimal | None:
    """The percentage of a block's denominator whose group is stated in `dimension` (the
    issue's "Not stated always shown, with the share of records where the group is
    recorded"), half-up to 2 decimals; None when the block's total is 0. Needs true counts:
    on public rows the share would come from rounded counts, so it is refused."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(DIMENSIONS)}")
    totals = [row for row in rows if row.is_total]
    if len(totals) != 1 or any(block_key(row) != block_key(totals[0]) for row in rows):
        raise ValueError("stated_share needs the rows of one block, its total row included")
    if any(row.suppressed or not isinstance(row.denominator, int) for row in rows):
        raise ValueError("stated_share needs the true counts, not published ones")
    if all(getattr(row, dimension) == ALL for row in rows):
        raise ValueError(f"the block is not broken down by {dimension}")
    total = totals[0].denominator
    if total == 0:
        return None
    not_stated = sum(row.denominator for row in rows if not row.is_total and getattr(row, dimension) == NOT_STATED)
    return metric_value(numerator=total - not_stated, denominator=total, unit=UNIT_PERCENT)
