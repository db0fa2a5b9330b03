"""The metric engine: counting pushed down to SQL, roll-up and rows in Python
(docs/rules/dashboard.md §2–§4). It must agree with metrics.reference.compute_reference."""

from .compute import (
    STILLBIRTH_DENOMINATOR_SETTING,
    MetricRequest,
    UnknownMetric,
    compute_rows,
    default_stillbirth_denominator,
    rows_per_organisation,
)
from .organisations import OrganisationMap

__all__ = [
    "STILLBIRTH_DENOMINATOR_SETTING",
    "MetricRequest",
    "OrganisationMap",
    "UnknownMetric",
    "compute_rows",
    "default_stillbirth_denominator",
    "rows_per_organisation",
]
