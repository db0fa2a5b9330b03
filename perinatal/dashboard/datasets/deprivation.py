"""Deprivation as births.csv may give it: a quintile in either order, or an English Indices
of Deprivation 2025 rank, and the quintile stored (docs/rules/equity.md §1,
docs/rules/dashboard.md §1).

The stored quintile is always 1 = the most deprived fifth of areas … 5 = the least deprived.
A file that numbers quintiles the other way round (the National Maternity and Perinatal
Audit does) says so when it is imported, and each quintile q is stored as 6 − q. A file may
give instead the IoD 2025 rank of the mother's lower-layer super output area (1 = the most
deprived of 33,755), whose quintile is ⌈rank ÷ 6,751⌉.
"""

from __future__ import annotations

QUINTILES = 5
QUINTILE_RANGE = (1, QUINTILES)

#: English Indices of Deprivation 2025: lower-layer super output areas (2021 boundaries).
IOD_2025_AREAS = 33_755
IOD_2025_AREAS_PER_QUINTILE = IOD_2025_AREAS // QUINTILES  # 6,751: the areas divide exactly
IOD_2025_RANK_RANGE = (1, IOD_2025_AREAS)

MOST_DEPRIVED_FIRST = "most_deprived_first"
LEAST_DEPRIVED_FIRST = "least_deprived_first"
#: How a file numbers its quintiles; the first is the default and the stored order.
QUINTILE_ORDERS = (MOST_DEPRIVED_FIRST, LEAST_DEPRIVED_FIRST)
QUINTILE_ORDER_WORDS = {
    MOST_DEPRIVED_FIRST: "1 is the most deprived (the usual order)",
    LEAST_DEPRIVED_FIRST: "1 is the least deprived (as the National Maternity and Perinatal Audit numbers them)",
}


def quintile_of_rank(rank: int) -> int:
    """The IoD 2025 quintile of an area's rank: ⌈rank ÷ 6,751⌉, 1 = most deprived."""
    if not IOD_2025_RANK_RANGE[0] <= rank <= IOD_2025_RANK_RANGE[1]:
        raise ValueError(f"an IoD 2025 rank is from 1 to {IOD_2025_AREAS}")
    return -(-rank // IOD_2025_AREAS_PER_QUINTILE)


def stored_quintile(quintile: int, *, order: str) -> int:
    """The quintile as stored (1 = most deprived) from a file numbering them in `order`."""
    if order not in QUINTILE_ORDERS:
        raise ValueError(f"the quintile order must be one of {', '.join(QUINTILE_ORDERS)}")
    if not QUINTILE_RANGE[0] <= quintile <= QUINTILE_RANGE[1]:
        raise ValueError("a quintile is from 1 to 5")
    return quintile if order == MOST_DEPRIVED_FIRST else QUINTILES + 1 - quintile
