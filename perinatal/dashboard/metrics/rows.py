"""Output rows: one per metric, organisation and period (docs/rules/dashboard.md §4).

`build_row` turns a numerator and denominator into a finished row (value, interval,
rounding) so that every engine — the reference implementation and the SQL engine —
formats figures the same way. `sort_rows` gives the docs/rules/dashboard.md §4 order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .definitions import METRIC_IDS, MetricDefinition
from .intervals import UNIT_HOURS, metric_interval, metric_value, round_half_up
from .periods import Period

LEVEL_NATIONAL = "national"
LEVEL_REGION = "region"
LEVEL_ICB = "icb"
LEVEL_TRUST = "trust"
ORG_LEVELS = (LEVEL_NATIONAL, LEVEL_REGION, LEVEL_ICB, LEVEL_TRUST)
NATIONAL_CODE = "E92000001"
NATIONAL_NAME = "England"

#: The docs/rules/dashboard.md §4 output columns, in order.
OUTPUT_COLUMNS = (
    "metric_id",
    "org_level",
    "org_code",
    "org_name",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "suppressed",
)

Count = int | Decimal | str  # int for people/units/trusts; Decimal hours; "*" when suppressed


@dataclass(frozen=True)
class MetricRow:
    """The docs/rules/dashboard.md §4 columns in order, then `provisional` (docs/rules/dashboard.md §2: "marked so")."""

    metric_id: str
    org_level: str
    org_code: str
    org_name: str
    period_start: date
    period_end: date
    numerator: Count
    denominator: Count
    value: Decimal | None
    lower_95: Decimal | None
    upper_95: Decimal | None
    suppressed: int = 0
    provisional: bool = False


def build_row(
    *,
    definition: MetricDefinition,
    org_level: str,
    org_code: str,
    org_name: str,
    period: Period,
    numerator: int | Fraction,
    denominator: int,
    provisional: bool,
) -> MetricRow:
    """A finished row: value and 95% interval in the metric's unit, half-up to 2 decimals;
    a zero denominator gives no value and no interval."""
    if org_level not in ORG_LEVELS:
        raise ValueError(f"org_level must be one of {', '.join(ORG_LEVELS)}")
    interval = metric_interval(
        numerator=numerator, denominator=denominator, unit=definition.unit, method=definition.interval_method
    )
    shown_numerator = round_half_up(numerator) if definition.unit == UNIT_HOURS else numerator
    return MetricRow(
        metric_id=definition.id,
        org_level=org_level,
        org_code=org_code,
        org_name=org_name,
        period_start=period.start,
        period_end=period.end,
        numerator=shown_numerator,
        denominator=denominator,
        value=metric_value(numerator=numerator, denominator=denominator, unit=definition.unit),
        lower_95=None if interval is None else interval[0],
        upper_95=None if interval is None else interval[1],
        provisional=provisional,
    )


def row_sort_key(row: MetricRow, *, metric_ids: Sequence[str] = METRIC_IDS) -> tuple:
    """docs/rules/dashboard.md §4: metric (docs/rules/dashboard.md §3 order, sub-measures after their metric), level,
    org_code, period_start."""
    return (metric_ids.index(row.metric_id), ORG_LEVELS.index(row.org_level), row.org_code, row.period_start)


def sort_rows(rows: Iterable[MetricRow]) -> list[MetricRow]:
    return sorted(rows, key=row_sort_key)


def row_cells(row: MetricRow) -> dict[str, str]:
    """The docs/rules/dashboard.md §4 columns as CSV text: empty for no value, dates ISO, decimals with 2 places."""
    cells: dict[str, str] = {}
    for name in OUTPUT_COLUMNS:
        value = getattr(row, name)
        cells[name] = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return cells
