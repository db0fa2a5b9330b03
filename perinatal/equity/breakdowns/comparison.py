"""Comparison of a group with the reference group (docs/rules/equity.md §1): the rate ratio
and the rate difference per 1,000, each with its 95% interval, rounded half-up to 2 decimals
by the dashboard's one rounding rule (docs/rules/dashboard.md §4).

With a = numerator, n1 = denominator of the group, b, n0 those of the reference group,
p1 = a/n1, p0 = b/n0 and z = 1.959963984540054:

- rate ratio p1 / p0, interval exp(ln RR ± z·√(1/a − 1/n1 + 1/b − 1/n0)) (the log method,
  Katz et al. 1978); empty when a, b, n1 or n0 is 0;
- rate difference 1000·(p1 − p0), interval 1000·((p1 − p0) ± z·√(p1(1−p1)/n1 + p0(1−p0)/n0))
  (Wald); empty when n1 or n0 is 0.

The ratio and the difference themselves are exact (fractions) before rounding; only the
interval limits go through floating point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from perinatal.dashboard.metrics.intervals import round_half_up

#: The 97.5th centile of the standard normal distribution, to the digits docs/rules/equity.md §1 gives.
Z_95 = 1.959963984540054
PER_1000 = 1000


@dataclass(frozen=True)
class Estimate:
    """A figure and its 95% interval, each rounded half-up to 2 decimals."""

    value: Decimal
    lower_95: Decimal
    upper_95: Decimal


def _check(numerator: int, denominator: int) -> None:
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise ValueError(f"a rate needs 0 ≤ numerator ({numerator}) ≤ denominator ({denominator})")


def rate_ratio(*, a: int, n1: int, b: int, n0: int) -> Estimate | None:
    """The group's rate over the reference group's, with the log-method 95% interval; None
    when a, b, n1 or n0 is 0 (docs/rules/equity.md §1)."""
    _check(a, n1)
    _check(b, n0)
    if 0 in (a, n1, b, n0):
        return None
    ratio = Fraction(a, n1) / Fraction(b, n0)
    spread = Z_95 * math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n0)
    log_ratio = math.log(a / n1) - math.log(b / n0)
    return Estimate(
        value=round_half_up(ratio),
        lower_95=round_half_up(math.exp(log_ratio - spread)),
        upper_95=round_half_up(math.exp(log_ratio + spread)),
    )


def rate_difference(*, a: int, n1: int, b: int, n0: int) -> Estimate | None:
    """1,000 × (the group's rate − the reference group's), with the Wald 95% interval; None
    when n1 or n0 is 0 (docs/rules/equity.md §1)."""
    _check(a, n1)
    _check(b, n0)
    if n1 == 0 or n0 == 0:
        return None
    difference = Fraction(a, n1) - Fraction(b, n0)
    p1, p0 = a / n1, b / n0
    spread = Z_95 * math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    return Estimate(
        value=round_half_up(difference * PER_1000),
        lower_95=round_half_up(PER_1000 * (float(difference) - spread)),
        upper_95=round_half_up(PER_1000 * (float(difference) + spread)),
    )
