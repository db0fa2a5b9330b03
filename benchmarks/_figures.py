"""The benchmarks' shared arithmetic (not a benchmark: no `run`)."""

from __future__ import annotations

import math


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no values): the smallest value with at least `fraction`
    of the values at or below it: the ceiling of `fraction` × count, rounded to 9 places first
    so floating-point error (0.55 × 100 is 55.000…01) never moves it one rank up."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(round(fraction * len(ordered), 9)))
    return ordered[min(rank, len(ordered)) - 1]
