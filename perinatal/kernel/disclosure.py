"""Public disclosure control of counts of people (docs/rules/equity.md §2).

NHS Digital's rule for HES, ECDS and NHS Maternity Statistics since September 2018, which
NHS England's equalities dashboard follows: a count of 0 is shown, a count of 1–7 is
replaced by `*`, and every other count is rounded to the nearest multiple of 5. Rounding
every count (totals included) is what stops a starred count being recovered by subtracting
the other rows from a total. Counts of units and trusts are never controlled; the callers
decide which counts are of people.
"""

from __future__ import annotations

SUPPRESSED_MARK = "*"
SMALLEST_DISCLOSIVE = 1
LARGEST_DISCLOSIVE = 7
ROUNDING_BASE = 5


def is_disclosive(count: object) -> bool:
    """A count of people from 1 to 7 (0 is shown)."""
    return isinstance(count, int) and not isinstance(count, bool) and SMALLEST_DISCLOSIVE <= count <= LARGEST_DISCLOSIVE


def rounded_to_five(count: int) -> int:
    """The nearest multiple of 5, halves up (8 → 10, 12 → 10, 13 → 15, 10,023 → 10,025)."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    return (count + ROUNDING_BASE // 2) // ROUNDING_BASE * ROUNDING_BASE


def public_count(count: int) -> int | str:
    """A count of people as published: 0 stays 0, 1–7 becomes `*`, others to the nearest 5."""
    if count == 0:
        return 0
    if is_disclosive(count):
        return SUPPRESSED_MARK
    return rounded_to_five(count)
