"""Funnel plots (docs/rules/surveillance.md §3; Spiegelhalter 2005, as NHS-R FunnelPlotR 0.6.0).

Proportions get exact binomial limits with interpolation (deliberately exact rather than
FunnelPlotR's arcsine approximation: better for rare events); ratios of observed to
expected get exact Poisson limits. Optionally, limits are widened for overdispersion by a
random-effects τ², estimated from winsorised (proportions) or 10%-truncated (ratios)
z-scores, and used only when τ² > 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from perinatal.stats.lazy import scipy_stats

__all__ = [
    "ALPHA_95",
    "ALPHA_998",
    "FUNNEL_KINDS",
    "FUNNEL_PROPORTION",
    "FUNNEL_RATIO",
    "FunnelGroup",
    "FunnelInputError",
    "FunnelLimits",
    "FunnelPlot",
    "FunnelPoint",
    "Overdispersion",
    "RATIO_TRUNCATION_GROUPS",
    "WINSORISING_PERCENTILES",
    "Z_95",
    "Z_998",
    "aggregate_groups",
    "binomial_exact_limit",
    "default_target",
    "funnel_plot",
    "is_outlier",
    "overdispersion_proportions",
    "overdispersion_ratios",
    "poisson_exact_limits",
]

FUNNEL_PROPORTION = "proportion"
FUNNEL_RATIO = "ratio"
FUNNEL_KINDS = (FUNNEL_PROPORTION, FUNNEL_RATIO)

Z_95 = 1.959964
"""Two-sided 95% normal quantile, for the overdispersion-adjusted limits (docs/rules/surveillance.md §3)."""
Z_998 = 3.090232
"""Two-sided 99.8% normal quantile, for the overdispersion-adjusted limits (docs/rules/surveillance.md §3)."""
ALPHA_95 = 0.05
"""Tail probability (both tails) of the exact 95% limits."""
ALPHA_998 = 0.002
"""Tail probability (both tails) of the exact 99.8% limits."""
WINSORISING_PERCENTILES = (10, 90)
"""Proportion z-scores are winsorised at these percentiles (numpy's linear method) (docs/rules/surveillance.md §3)."""
RATIO_TRUNCATION_GROUPS = 10
"""k of the 10% truncation of ratio z-scores (docs/rules/surveillance.md §3)."""


class FunnelInputError(ValueError):
    """Groups or options that cannot make a funnel plot."""


@dataclass(frozen=True)
class FunnelGroup:
    """One group after aggregation; for ratios numerator = observed O, denominator = expected E."""

    group: str
    numerator: float
    denominator: float

    @property
    def value(self) -> float:
        return self.numerator / self.denominator


@dataclass(frozen=True)
class FunnelLimits:
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


@dataclass(frozen=True)
class Overdispersion:
    """The random-effects estimate: φ over the groups used, and τ² (0: no overdispersion)."""

    phi: float | None
    tau2: float
    groups_used: int


@dataclass(frozen=True)
class FunnelPoint:
    group: str
    numerator: float
    denominator: float
    value: float
    limits: FunnelLimits
    outlier_95: bool
    outlier_998: bool


@dataclass(frozen=True)
class FunnelPlot:
    points: tuple[FunnelPoint, ...]
    kind: str
    target: float
    overdispersion: Overdispersion | None
    adjusted: bool
    """True only when overdispersion was asked for and τ² > 0; else the chart says the
    limits are unadjusted (docs/rules/surveillance.md §3)."""


def aggregate_groups(rows: Iterable[tuple[str, float, float]]) -> list[FunnelGroup]:
    """Sum rows of the same group, keeping the order in which groups first appear (docs/rules/surveillance.md §3)."""
    totals: dict[str, list[float]] = {}
    for group, numerator, denominator in rows:
        total = totals.setdefault(group, [0, 0])
        total[0] += numerator
        total[1] += denominator
    return [FunnelGroup(group, numerator, denominator) for group, (numerator, denominator) in totals.items()]


def default_target(*, groups: Sequence[FunnelGroup], kind: str) -> float:
    """θ0: Σ numerators / Σ denominators for proportions, 1 for ratios (docs/rules/surveillance.md §3)."""
    if kind == FUNNEL_RATIO:
        return 1.0
    return math.fsum(group.numerator for group in groups) / math.fsum(group.denominator for group in groups)


def is_outlier(*, value: float, lower: float, upper: float) -> bool:
    """Strictly outside the limits; a value exactly on a limit is inside (docs/rules/surveillance.md §3)."""
    return value < lower or value > upper


# --- unadjusted limits ------------------------------------------------------------------------


def binomial_exact_limit(*, n: int, target: float, probability: float) -> float:
    """Exact binomial limit with interpolation for a proportion of n (docs/rules/surveillance.md §3).

    r_p = the smallest r with F(r) ≥ p; α = (F(r_p) − p)/(F(r_p) − F(r_p − 1));
    limit = (r_p − α)/n, truncated to [0, 1].
    """

    def cdf(r: int) -> float:
        return float(stats.binom.cdf(r, n, target)) if r >= 0 else 0.0

    stats = scipy_stats()
    estimate = stats.binom.ppf(probability, n, target)
    r = int(estimate) if math.isfinite(estimate) else n
    r = min(max(r, 0), n)
    # ppf works in floating point: walk to the exact smallest r with F(r) ≥ p.
    while r > 0 and cdf(r - 1) >= probability:
        r -= 1
    while r < n and cdf(r) < probability:
        r += 1
    at_r = cdf(r)
    below = cdf(r - 1)
    alpha = (at_r - probability) / (at_r - below)
    return min(1.0, max(0.0, (r - alpha) / n))


def poisson_exact_limits(*, expected: float, alpha: float, target: float = 1.0) -> tuple[float, float]:
    """Exact Poisson limits of O/E for a group with expected count E (docs/rules/surveillance.md §3).

    lower = χ²(α/2; 2θ0E)/(2E), upper = χ²(1 − α/2; 2(θ0E + 1))/(2E), which with the
    default θ0 = 1 is the spec's formula; a target θ0 scales the Poisson mean to θ0·E.
    """
    mean = target * expected
    stats = scipy_stats()
    lower = stats.chi2.ppf(alpha / 2, 2 * mean) / (2 * expected)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * (mean + 1)) / (2 * expected)
    return float(lower), float(upper)


# --- overdispersion ---------------------------------------------------------------------------


def _tau2(z_scores: Sequence[float], weights: Sequence[float]) -> Overdispersion:
    """φ = Σz²/m; τ² = 0 if m·φ ≤ m − 1, else max(0, (m·φ − (m − 1))/(Σw − Σw²/Σw))."""
    m = len(z_scores)
    if m == 0:
        return Overdispersion(phi=None, tau2=0.0, groups_used=0)
    phi = math.fsum(z * z for z in z_scores) / m
    if m * phi <= m - 1:
        return Overdispersion(phi=phi, tau2=0.0, groups_used=m)
    total = math.fsum(weights)
    spread = total - math.fsum(w * w for w in weights) / total
    if spread <= 0:
        # One group (or one carrying all the weight) cannot show between-group variance.
        return Overdispersion(phi=phi, tau2=0.0, groups_used=m)
    return Overdispersion(phi=phi, tau2=max(0.0, (m * phi - (m - 1)) / spread), groups_used=m)


def overdispersion_proportions(*, groups: Sequence[FunnelGroup], target: float) -> Overdispersion:
    """τ² on the arcsine scale from z-scores winsorised at their 10th and 90th percentiles
    (docs/rules/surveillance.md §3)."""
    if not groups:
        return Overdispersion(phi=None, tau2=0.0, groups_used=0)
    y0 = math.asin(math.sqrt(target))
    z = np.array([(math.asin(math.sqrt(group.value)) - y0) * (2 * math.sqrt(group.denominator)) for group in groups])
    low, high = np.percentile(z, WINSORISING_PERCENTILES)
    winsorised = np.clip(z, low, high)
    weights = [4 * group.denominator for group in groups]  # w = 1/s², s = 1/(2√n)
    return _tau2([float(value) for value in winsorised], weights)


def overdispersion_ratios(*, groups: Sequence[FunnelGroup], target: float = 1.0) -> Overdispersion:
    """τ² on the log scale from 10%-truncated z-scores; groups with O = 0 are left out (docs/rules/surveillance.md §3).

    z = √E·ln(O/(θ0·E)); with rk the rank of z (ties averaged) among the N groups with
    O > 0, groups with floor(rk·k/(N + 1)) ≤ 0 or ≥ k − 1 (k = 10) are dropped.
    """
    usable = [group for group in groups if group.numerator > 0]
    if not usable:
        return Overdispersion(phi=None, tau2=0.0, groups_used=0)
    z = [math.sqrt(group.denominator) * math.log(group.value / target) for group in usable]
    ranks = scipy_stats().rankdata(z, method="average")
    k = RATIO_TRUNCATION_GROUPS
    total = len(usable)
    kept = [index for index, rank in enumerate(ranks) if 0 < math.floor(rank * k / (total + 1)) < k - 1]
    return _tau2([z[index] for index in kept], [usable[index].denominator for index in kept])


# --- the plot ---------------------------------------------------------------------------------


def _unadjusted_limits(group: FunnelGroup, kind: str, target: float) -> FunnelLimits:
    if kind == FUNNEL_RATIO:
        lower_95, upper_95 = poisson_exact_limits(expected=group.denominator, alpha=ALPHA_95, target=target)
        lower_998, upper_998 = poisson_exact_limits(expected=group.denominator, alpha=ALPHA_998, target=target)
        return FunnelLimits(lower_95, upper_95, lower_998, upper_998)
    n = int(group.denominator)

    def limit(probability: float) -> float:
        return binomial_exact_limit(n=n, target=target, probability=probability)

    return FunnelLimits(limit(ALPHA_95 / 2), limit(1 - ALPHA_95 / 2), limit(ALPHA_998 / 2), limit(1 - ALPHA_998 / 2))


def _adjusted_limits(group: FunnelGroup, kind: str, target: float, tau2: float) -> FunnelLimits:
    if kind == FUNNEL_RATIO:
        spread = math.sqrt(1 / group.denominator + tau2)
        return FunnelLimits(
            target * math.exp(-Z_95 * spread),
            target * math.exp(Z_95 * spread),
            target * math.exp(-Z_998 * spread),
            target * math.exp(Z_998 * spread),
        )
    y0 = math.asin(math.sqrt(target))
    s = 1 / (2 * math.sqrt(group.denominator))
    spread = math.sqrt(s * s + tau2)

    def limit(z: float) -> float:
        # Clamping the angle to [0, π/2] is what keeps sin² from folding back up past 0 or 1.
        angle = min(math.pi / 2, max(0.0, y0 + z * spread))
        return min(1.0, max(0.0, math.sin(angle) ** 2))

    return FunnelLimits(limit(-Z_95), limit(Z_95), limit(-Z_998), limit(Z_998))


def _check_groups(groups: Sequence[FunnelGroup], kind: str) -> None:
    if kind not in FUNNEL_KINDS:
        raise FunnelInputError(f"the funnel type must be one of {', '.join(FUNNEL_KINDS)}, not {kind!r}")
    if not groups:
        raise FunnelInputError("there are no groups")
    for group in groups:
        if not group.denominator > 0:
            raise FunnelInputError(f"group {group.group!r}: the denominator must be more than 0")
        if group.numerator < 0:
            raise FunnelInputError(f"group {group.group!r}: the numerator must not be negative")
        if kind == FUNNEL_PROPORTION:
            if group.numerator > group.denominator:
                raise FunnelInputError(f"group {group.group!r}: the numerator is more than the denominator")
            if group.denominator != int(group.denominator):
                raise FunnelInputError(f"group {group.group!r}: a proportion's denominator must be a whole number")


def funnel_plot(
    *,
    groups: Sequence[FunnelGroup],
    kind: str = FUNNEL_PROPORTION,
    target: float | None = None,
    overdispersion: bool = False,
) -> FunnelPlot:
    """Limits and outlier flags for each (already aggregated) group (docs/rules/surveillance.md §3)."""
    _check_groups(groups, kind)
    if target is None:
        target = default_target(groups=groups, kind=kind)
    if kind == FUNNEL_PROPORTION and not 0 <= target <= 1:
        raise FunnelInputError(f"a proportion's target must be between 0 and 1, not {target}")
    if kind == FUNNEL_RATIO and not target > 0:
        raise FunnelInputError(f"a ratio's target must be more than 0, not {target}")
    estimate = None
    if overdispersion:
        if kind == FUNNEL_RATIO:
            estimate = overdispersion_ratios(groups=groups, target=target)
        else:
            estimate = overdispersion_proportions(groups=groups, target=target)
    adjusted = estimate is not None and estimate.tau2 > 0
    points = []
    for group in groups:
        if adjusted:
            limits = _adjusted_limits(group, kind, target, estimate.tau2)
        else:
            limits = _unadjusted_limits(group, kind, target)
        value = group.value
        points.append(
            FunnelPoint(
                group=group.group,
                numerator=group.numerator,
                denominator=group.denominator,
                value=value,
                limits=limits,
                outlier_95=is_outlier(value=value, lower=limits.lower_95, upper=limits.upper_95),
                outlier_998=is_outlier(value=value, lower=limits.lower_998, upper=limits.upper_998),
            )
        )
    return FunnelPlot(points=tuple(points), kind=kind, target=target, overdispersion=estimate, adjusted=adjusted)
