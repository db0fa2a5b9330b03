"""Other CUSUMs for analysts (docs/rules/surveillance.md §4): tabular and Bernoulli log-likelihood.

MOSS's Poisson CUSUM lives in :mod:`.moss`; these two are general tools with textbook
vectors (Montgomery Table 9.1 via qcc; Steiner et al. 2000 via vlad).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BernoulliCusum",
    "TabularCusum",
    "bernoulli_cusum",
    "bernoulli_llr_weight",
    "tabular_cusum",
]


@dataclass(frozen=True)
class TabularCusum:
    """Upper and lower statistics (both non-negative) and where each exceeds h."""

    upper: tuple[float, ...]
    lower: tuple[float, ...]
    upper_signals: tuple[bool, ...]
    lower_signals: tuple[bool, ...]


def tabular_cusum(*, values: Sequence[float], centre: float, sd: float, k: float, h: float) -> TabularCusum:
    """C⁺_t = max(0, C⁺_{t−1} + z_t − k), C⁻_t = max(0, C⁻_{t−1} − z_t − k), z = (x − centre)/σ.

    A signal is a statistic strictly above h (docs/rules/surveillance.md §4).
    """
    if not sd > 0:
        raise ValueError(f"sd must be more than 0, not {sd}")
    upper: list[float] = []
    lower: list[float] = []
    high = low = 0.0
    for value in values:
        z = (value - centre) / sd
        high = max(0.0, high + z - k)
        low = max(0.0, low - z - k)
        upper.append(high)
        lower.append(low)
    return TabularCusum(
        upper=tuple(upper),
        lower=tuple(lower),
        upper_signals=tuple(value > h for value in upper),
        lower_signals=tuple(value > h for value in lower),
    )


def bernoulli_llr_weight(*, p: float, y: int, odds_ratio: float) -> float:
    """Steiner's weight W = y·ln R − ln(1 − p + R·p) for predicted risk p and outcome y."""
    if y not in (0, 1):
        raise ValueError(f"the outcome must be 0 or 1, not {y}")
    if not 0 <= p <= 1:
        raise ValueError(f"the predicted risk must be between 0 and 1, not {p}")
    if not odds_ratio > 0:
        raise ValueError(f"the odds ratio must be more than 0, not {odds_ratio}")
    return y * math.log(odds_ratio) - math.log(1 - p + odds_ratio * p)


@dataclass(frozen=True)
class BernoulliCusum:
    weights: tuple[float, ...]
    statistic: tuple[float, ...]
    signals: tuple[bool, ...]


def bernoulli_cusum(*, risks: Sequence[float], outcomes: Sequence[int], odds_ratio: float, h: float) -> BernoulliCusum:
    """Risk-adjusted CUSUM S_t = max(0, S_{t−1} + W_t), a signal when S_t > h (docs/rules/surveillance.md §4)."""
    if len(risks) != len(outcomes):
        raise ValueError("risks and outcomes must have the same length")
    weights = [bernoulli_llr_weight(p=p, y=y, odds_ratio=odds_ratio) for p, y in zip(risks, outcomes)]
    statistic = []
    total = 0.0
    for weight in weights:
        total = max(0.0, total + weight)
        statistic.append(total)
    return BernoulliCusum(
        weights=tuple(weights),
        statistic=tuple(statistic),
        signals=tuple(value > h for value in statistic),
    )
