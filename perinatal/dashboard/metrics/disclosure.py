"""Public disclosure control of the metric rows (docs/rules/equity.md §2, which replaces the
earlier rule of docs/rules/dashboard.md §4 `--public`).

Every public output — `perinatal metrics --public`, `GET /api/v1/metrics?public=1`, the
reference implementation's `public` flag and every public download — publishes rows through
`apply_disclosure`, so the rule is written once:

- counts of people (each metric definition says whether its numerator and denominator count
  people) are published with `perinatal.kernel.disclosure.public_count`: 0 stays 0, 1–7
  becomes `*`, others go to the nearest multiple of 5; counts of units and trusts (and hours)
  are never changed;
- rates per 1,000 (stillbirth, neonatal mortality, PPH) and their intervals stay as computed
  from the true counts, and are emptied when the numerator or the denominator is 1–7;
- percentages of people (optimal perinatal care and its components, women delayed for
  induction, the survey question) are recomputed from the published counts — 13 of 238 is
  published as 15 of 240, 6.25% — with the Wilson interval from those counts, and are emptied
  when either count is 1–7;
- `suppressed` = 1 where anything was starred or emptied; rounding alone is not suppression.

Rounding every count of people, totals included, is what stops a starred count being worked
out by subtracting the other rows from a total, which the earlier rule allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from perinatal.kernel.disclosure import is_disclosive, public_count

from .definitions import METRICS, MetricDefinition
from .intervals import UNIT_PER_1000, metric_interval, metric_value
from .rows import MetricRow

__all__ = ["apply_disclosure", "apply_disclosure_to_rows", "is_disclosive"]


def apply_disclosure(row: MetricRow, *, definition: MetricDefinition) -> MetricRow:
    """The row as published (docs/rules/equity.md §2)."""
    if definition.id != row.metric_id:
        raise ValueError(f"definition {definition.id} does not describe row {row.metric_id}")
    if not (definition.numerator_counts_people or definition.denominator_counts_people):
        return row  # units and trusts (and hours of suspension) are never changed
    hidden = (definition.numerator_counts_people and is_disclosive(row.numerator)) or (
        definition.denominator_counts_people and is_disclosive(row.denominator)
    )
    numerator = public_count(row.numerator) if definition.numerator_counts_people else row.numerator
    denominator = public_count(row.denominator) if definition.denominator_counts_people else row.denominator
    if hidden:
        return replace(
            row, numerator=numerator, denominator=denominator, value=None, lower_95=None, upper_95=None, suppressed=1
        )
    if definition.unit == UNIT_PER_1000:
        # Rates per 1,000 keep the value and interval of the true counts.
        return replace(row, numerator=numerator, denominator=denominator)
    # Percentages of people are recomputed from the published counts, so that the value
    # matches the counts beside it and gives nothing more away than they do.
    interval = metric_interval(
        numerator=numerator, denominator=denominator, unit=definition.unit, method=definition.interval_method
    )
    return replace(
        row,
        numerator=numerator,
        denominator=denominator,
        value=metric_value(numerator=numerator, denominator=denominator, unit=definition.unit),
        lower_95=None if interval is None else interval[0],
        upper_95=None if interval is None else interval[1],
    )


def apply_disclosure_to_rows(
    rows: Iterable[MetricRow], *, definitions: Iterable[MetricDefinition] = METRICS
) -> list[MetricRow]:
    by_id: Mapping[str, MetricDefinition] = {d.id: d for d in definitions}
    return [apply_disclosure(row, definition=by_id[row.metric_id]) for row in rows]
