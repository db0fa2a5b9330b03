"""Values and 95% intervals in a metric's unit, rounded half-up to 2 decimals in Python.

Spec: docs/rules/dashboard.md §4: "value in the metric's unit, rounded half-up to 2 decimals in
Python (never in SQL, so SQLite and PostgreSQL agree); a zero denominator gives an empty
value, never 0. 95% interval (α = 0.05): Wilson for proportions, exact Poisson (Garwood)
for rates per 1,000, in the metric's unit, 2 decimals."

Values are computed exactly (fractions) before rounding, so 1/8 is 12.50% everywhere.
Wilson: Wilson (1927), as in Newcombe (1998) method 3. Garwood (1936): the exact Poisson
limits chi2(α/2; 2x)/2 and chi2(1 − α/2; 2x + 2)/2 on the count x.
"""

from __future__ import annotations

import functools
import math
from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist

from perinatal.stats.lazy import scipy_special

ALPHA = 0.05
DECIMAL_PLACES = 2

UNIT_PERCENT = "percent"
UNIT_PER_1000 = "per_1000"
UNIT_COUNT = "count"  # sub-measures that count episodes: value = numerator
UNIT_HOURS = "hours"  # sub-measures that add up time: value = numerator in hours
#: What a proportion is multiplied by to be in the unit.
UNIT_SCALE = {UNIT_PERCENT: 100, UNIT_PER_1000: 1000, UNIT_COUNT: None, UNIT_HOURS: None}

INTERVAL_WILSON = "wilson"
INTERVAL_GARWOOD = "garwood"
INTERVAL_NONE = "none"

Number = int | Fraction | Decimal | float


def round_half_up(value: Number, places: int = DECIMAL_PLACES) -> Decimal:
    """`value` rounded half away from zero to `places` decimals, exactly.

    A float is first read as its shortest decimal form (repr), so 2.675 rounds to 2.68.
    """
    if isinstance(value, int):
        return _round_ratio(value, 1, places)
    if isinstance(value, float):
        return _round_ratio(*Decimal(repr(value)).as_integer_ratio(), places)
    exact = Fraction(value)
    return _round_ratio(exact.numerator, exact.denominator, places)


def _round_ratio(numerator: int, denominator: int, places: int = DECIMAL_PLACES) -> Decimal:
    """numerator / denominator rounded half away from zero to `places` decimals, in integers:
    floor(|n / d| × 10^places + 1/2) is (2 |n| 10^places + |d|) // (2 |d|). A row's value
    and interval ends are rounded ~100,000 times for every organisation's year, and
    Fraction arithmetic cost 2 s of it (issue 13)."""
    magnitude, divisor = abs(numerator) * 10**places, abs(denominator)
    rounded = (2 * magnitude + divisor) // (2 * divisor)
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    return Decimal(sign * rounded).scaleb(-places)


def wilson_interval(*, successes: int, trials: int, alpha: float = ALPHA) -> tuple[float, float] | None:
    """Wilson score interval for a proportion, as proportions; None when `trials` is 0."""
    if trials == 0:
        return None
    _check_counts(successes=successes, trials=trials)
    z = _normal_quantile(1 - alpha / 2)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    # exact at the edges: 0 successes has lower limit 0, all successes upper limit 1
    lower = 0.0 if successes == 0 else max(0.0, centre - half_width)
    upper = 1.0 if successes == trials else min(1.0, centre + half_width)
    return lower, upper


# Kept per count: the chi-squared quantiles cost ~0.1 ms each, and a breakdown of every
# organisation by group (docs/rules/equity.md §1) asks for the same small counts thousands of times.
@functools.lru_cache(maxsize=8192)
def garwood_interval(*, events: int, alpha: float = ALPHA) -> tuple[float, float]:
    """Exact Poisson (Garwood) interval for a count of events, as counts."""
    if events < 0:
        raise ValueError("a count of events cannot be negative")
    lower = 0.0 if events == 0 else _chi2_quantile(alpha / 2, 2 * events) / 2
    upper = _chi2_quantile(1 - alpha / 2, 2 * (events + 1)) / 2
    return lower, upper


def _chi2_quantile(q: float, df: int) -> float:
    """scipy.stats.chi2.ppf(q, df), computed as it does (2 × the inverse of the regularised
    lower incomplete gamma function at df / 2), so the same floats: from scipy.special alone,
    whose import costs about half of scipy.stats's (issue 13: the engine's first interval in a
    command or benchmark paid for all of scipy.stats)."""
    return float(2 * scipy_special().gammaincinv(df / 2, q))


@functools.cache
def _normal_quantile(q: float) -> float:
    return NormalDist().inv_cdf(q)


def _check_counts(*, successes: int, trials: int) -> None:
    if not 0 <= successes <= trials:
        raise ValueError(f"a proportion needs 0 ≤ numerator ({successes}) ≤ denominator ({trials})")


def metric_value(*, numerator: Number, denominator: Number, unit: str) -> Decimal | None:
    """The value in `unit`, rounded half-up to 2 decimals; None when the denominator is 0.

    For count and hours sub-measures the value is the numerator itself (the denominator,
    the units counted, still decides whether there is a value).
    """
    if denominator == 0:
        return None
    scale = UNIT_SCALE[unit]
    if scale is None:
        return round_half_up(numerator)
    if isinstance(numerator, int) and isinstance(denominator, int):
        return _round_ratio(numerator * scale, denominator)
    return round_half_up(Fraction(numerator) * scale / Fraction(denominator))


def metric_interval(
    *, numerator: Number, denominator: Number, unit: str, method: str
) -> tuple[Decimal, Decimal] | None:
    """The 95% interval in `unit`, each end rounded half-up to 2 decimals; None when the
    denominator is 0 or the metric has no interval."""
    if denominator == 0 or method == INTERVAL_NONE:
        return None
    scale = UNIT_SCALE[unit]
    if method == INTERVAL_WILSON:
        limits = wilson_interval(successes=int(numerator), trials=int(denominator))
        if limits is None:
            return None
        lower, upper = limits
    elif method == INTERVAL_GARWOOD:
        low_count, high_count = garwood_interval(events=int(numerator))
        lower, upper = low_count / int(denominator), high_count / int(denominator)
    else:
        raise ValueError(f"unknown interval method {method!r}")
    return round_half_up(lower * scale), round_half_up(upper * scale)
