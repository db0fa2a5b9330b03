"""Public disclosure control of equity rows (docs/rules/equity.md §2).

- Numerators and denominators count people (babies, women, deaths): 0 is shown, 1–7 becomes
  `*`, every other count is rounded to the nearest 5 (kernel.disclosure.public_count), the
  total row's included, so that a starred group cannot be recovered by subtraction.
- The rate and its interval are computed from the true counts and emptied when the
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

from perinatal.kernel.disclosure import SUPPRESSED_MARK, is_disclosive, public_count

from .blocks import block_key
from .groups import reference_group
from .rows import EquityRow

RATE_FIELDS = ("value", "lower_95", "upper_95")
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
    changes: dict[str, object] = {
        "numerator": public_count(row.numerator),
        "denominator": public_count(row.denominator),
    }
    suppressed = SUPPRESSED_MARK in changes.values()
    own_small = is_disclosive(row.numerator) or is_disclosive(row.denominator)
    reference_small = reference_counts is not None and any(is_disclosive(count) for count in reference_counts)
    emptied = [*(RATE_FIELDS if own_small else ()), *(COMPARISON_FIELDS if own_small or reference_small else ())]
    for name in emptied:
        if getattr(row, name) is not None:
            changes[name] = None
            suppressed = True
    return replace(row, **changes, suppressed=1 if suppressed else 0)
