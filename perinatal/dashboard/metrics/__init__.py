"""The dashboard's metrics: definitions as data, periods, intervals, disclosure control,
output rows and the pure-Python reference implementation (docs/rules/dashboard.md §2–§4)."""

from .definitions import (
    HEADLINE_METRICS,
    METRIC_IDS,
    METRICS,
    OPC_COMPONENTS,
    MetricDefinition,
    OpcComponent,
    metric_by_id,
    metric_definitions,
)
from .disclosure import apply_disclosure, apply_disclosure_to_rows, is_disclosive
from .intervals import garwood_interval, metric_interval, metric_value, round_half_up, wilson_interval
from .periods import Period, fortnight_ending, fortnight_series, outcome_periods
from .reference import compute_reference
from .rows import OUTPUT_COLUMNS, MetricRow, build_row, row_cells, sort_rows

__all__ = [
    "HEADLINE_METRICS",
    "METRICS",
    "METRIC_IDS",
    "MetricDefinition",
    "MetricRow",
    "OPC_COMPONENTS",
    "OUTPUT_COLUMNS",
    "OpcComponent",
    "Period",
    "apply_disclosure",
    "apply_disclosure_to_rows",
    "build_row",
    "compute_reference",
    "fortnight_ending",
    "fortnight_series",
    "garwood_interval",
    "is_disclosive",
    "metric_by_id",
    "metric_definitions",
    "metric_interval",
    "metric_value",
    "outcome_periods",
    "round_half_up",
    "row_cells",
    "sort_rows",
    "wilson_interval",
]
