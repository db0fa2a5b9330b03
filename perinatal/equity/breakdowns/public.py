"""Public disclosure control of equity rows (docs/rules/equity.md §2).

- A row's own counts, rate and interval are published as the metric's rows are
  (dashboard.metrics.disclosure.apply_disclosure, the rule written once): numerators and
  denominators count people, so 0 is shown, 1–7 becomes `*` and every other count is rounded
  to the nearest 5, the total row's included, so that a starred group cannot be recovered by
  subtraction; the rate and its interval are those of the true counts, emptied when the
  numerator or the denominator is 1–7.
- The rate ratio and rate difference (with their intervals) are emptied when any of a, n1
  (the group's counts) or b, n0 (the reference group's) is 1–7.
- `suppressed` is 1 on a row where anything was replaced by `*` or emptied (a figure that
  would have been shown); rounding alone is not suppression.

The rows given must hold the true counts: a block (one metric, organisation and period) is
controlled at once, because a row's comparison depends on its reference group's counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from perinatal.dashboard.metrics.definitions import metric_by_id
from perinatal.dashboard.metrics.disclosure import apply_disclosure
from perinatal.dashboard.metrics.rows import MetricRow
from perinatal.kernel.disclosure import is_disclosive

from .blocks import block_key
from .groups import reference_group
from .rows import EquityRow

OWN_FIELDS = ("numerator", "denominator", "value", "lower_95", "upper_95", "suppressed")
COMPARISON_FIELDS = (
    "rate_ratio",
    "rate_ratio_lower_95",
    "rate_ratio_upper_95",
    "rate_difference",
    "rate_difference_lower_95",
    "rate_difference_upper_95",
)


def public_rows(rows: Iterable[EquityRow], *, by: Sequence[str]) -> list[EquityRow]:
    """The rows as published, in the same order."""
    rows = list(rows)
    reference = reference_group(by)
    references = {
        block_key(row): (row.numerator, row.denominator)
        for row in rows
        if (row.ethnic_group, row.imd_quintile) == reference
    }
    return [public_row(row, reference_counts=references.get(block_key(row))) for row in rows]


def public_row(row: EquityRow, *, reference_counts: tuple[int, int] | None) -> EquityRow:
    """One row as published; `reference_counts` = the true (b, n0) of its reference group."""
    for count in (row.numerator, row.denominator, *(reference_counts or ())):
        if not isinstance(count, int) or isinstance(count, bool):
            raise ValueError("disclosure control needs the true counts, not published ones")
    own = apply_disclosure(
        MetricRow(**{name: getattr(row, name) for name in MetricRow.__dataclass_fields__}),
        definition=metric_by_id(row.metric_id),
    )
    changes: dict[str, object] = {name: getattr(own, name) for name in OWN_FIELDS}
    small = [row.numerator, row.denominator, *(reference_counts or ())]
    if any(is_disclosive(count) for count in small):
        for name in COMPARISON_FIELDS:
            if getattr(row, name) is not None:
                changes[name] = None
                changes["suppressed"] = 1
    return replace(row, **changes)
