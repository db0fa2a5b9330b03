"""Disclosure control for `--public` output (docs/rules/dashboard.md §4).

"It applies to counts of people (babies, women, deaths) only — a numerator or denominator
of 1–7 is shown as `*`, and `value`, `lower_95`, `upper_95` are emptied with `suppressed` =
1; 0 is shown. Counts of units and trusts are never suppressed." Each metric definition
says whether its numerator and denominator count people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from .definitions import METRICS, MetricDefinition
from .rows import SUPPRESSED_MARK, MetricRow

SMALLEST_DISCLOSIVE = 1
LARGEST_DISCLOSIVE = 7


def is_disclosive(count: object) -> bool:
    """A count of people from 1 to 7 (0 is shown)."""
    return isinstance(count, int) and SMALLEST_DISCLOSIVE <= count <= LARGEST_DISCLOSIVE


def apply_disclosure(row: MetricRow, *, definition: MetricDefinition) -> MetricRow:
    """The row as published: small counts of people starred, value and interval emptied."""
    if definition.id != row.metric_id:
        raise ValueError(f"definition {definition.id} does not describe row {row.metric_id}")
    hide_numerator = definition.numerator_counts_people and is_disclosive(row.numerator)
    hide_denominator = definition.denominator_counts_people and is_disclosive(row.denominator)
    if not (hide_numerator or hide_denominator):
        return row
    return replace(
        row,
        numerator=SUPPRESSED_MARK if hide_numerator else row.numerator,
        denominator=SUPPRESSED_MARK if hide_denominator else row.denominator,
        value=None,
        lower_95=None,
        upper_95=None,
        suppressed=1,
    )


def apply_disclosure_to_rows(
    rows: Iterable[MetricRow], *, definitions: Iterable[MetricDefinition] = METRICS
) -> list[MetricRow]:
    by_id: Mapping[str, MetricDefinition] = {d.id: d for d in definitions}
    return [apply_disclosure(row, definition=by_id[row.metric_id]) for row in rows]
