"""Comparison with the reference group (docs/rules/equity.md §1): the spec's worked example,
hand-worked examples, the empty cases and half-up rounding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from statistics import NormalDist

import pytest

from perinatal.dashboard.metrics.definitions import metric_by_id
from perinatal.dashboard.metrics.periods import Period
from perinatal.equity.breakdowns.blocks import block_rows
from perinatal.equity.breakdowns.comparison import Z_95, Estimate, rate_difference, rate_ratio

D = Decimal


def test_the_worked_example_of_the_spec():
    # 12 of 2,000 against 30 of 10,000 → rate ratio 2.00 (1.03–3.90); difference 3.00 (−0.55 to 6.55)
    assert rate_ratio(a=12, n1=2000, b=30, n0=10000) == Estimate(D("2.00"), D("1.03"), D("3.90"))
    assert rate_difference(a=12, n1=2000, b=30, n0=10000) == Estimate(D("3.00"), D("-0.55"), D("6.55"))


def test_the_worked_example_as_rows_gives_rates_of_6_and_3_per_1000():
    rows = block_rows(
        definition=metric_by_id("stillbirth_rate"),
        org_level="trust",
        org_code="R0A",
        org_name="Manchester",
        period=Period(date(2025, 1, 1), date(2025, 12, 31)),
        counts={("Black", "All"): (12, 2000), ("White", "All"): (30, 10000)},
        by=("ethnic_group",),
        provisional=False,
    )
    black = next(r for r in rows if r.ethnic_group == "Black")
    white = next(r for r in rows if r.ethnic_group == "White")
    assert (black.value, white.value) == (D("6.00"), D("3.00"))
    assert (black.rate_ratio, black.rate_ratio_lower_95, black.rate_ratio_upper_95) == (D("2.00"), D("1.03"), D("3.90"))
    assert (black.rate_difference, black.rate_difference_lower_95, black.rate_difference_upper_95) == (
        D("3.00"),
        D("-0.55"),
        D("6.55"),
    )
    # the reference group itself and the total are not compared
    assert white.rate_ratio is None and white.rate_difference is None
    assert rows[-1].is_total and (rows[-1].numerator, rows[-1].denominator) == (42, 12000)
    assert rows[-1].rate_ratio is None and rows[-1].rate_difference is None


def test_equal_rates_worked_by_hand():
    # 5 of 1,000 against 5 of 1,000: se(ln RR) = √(2·(1/5 − 1/1000)) = 0.63087, × z = 1.23649;
    # exp(∓1.23649) = 0.2904, 3.4433. se(difference) = √(2·0.005·0.995/1000) = 0.0031544;
    # × z × 1000 = 6.1826.
    assert rate_ratio(a=5, n1=1000, b=5, n0=1000) == Estimate(D("1.00"), D("0.29"), D("3.44"))
    assert rate_difference(a=5, n1=1000, b=5, n0=1000) == Estimate(D("0.00"), D("-6.18"), D("6.18"))


def test_z_is_the_975th_centile_to_the_digits_given():
    assert Z_95 == pytest.approx(NormalDist().inv_cdf(0.975), abs=1e-15)


@pytest.mark.parametrize(
    "a, n1, b, n0",
    [(0, 2000, 30, 10000), (12, 2000, 0, 10000), (0, 0, 30, 10000), (12, 2000, 0, 0)],
)
def test_the_rate_ratio_is_empty_when_any_count_is_zero(a, n1, b, n0):
    assert rate_ratio(a=a, n1=n1, b=b, n0=n0) is None


def test_the_rate_difference_needs_only_both_denominators():
    assert rate_difference(a=0, n1=2000, b=30, n0=10000) == Estimate(D("-3.00"), D("-4.07"), D("-1.93"))
    assert rate_difference(a=12, n1=2000, b=0, n0=10000).value == D("6.00")
    assert rate_difference(a=0, n1=0, b=30, n0=10000) is None
    assert rate_difference(a=12, n1=2000, b=0, n0=0) is None


def test_figures_are_rounded_half_up_from_their_exact_values():
    # (1/8) / (1/1) = 0.125 exactly: half-up 0.13 (half-to-even would give 0.12)
    assert rate_ratio(a=1, n1=8, b=1, n0=1).value == D("0.13")
    # 1,000 × 1/200,000 = 0.005 exactly: 0.01; the lower limit −0.0048 shows as 0.00, not −0.00
    difference = rate_difference(a=1, n1=200000, b=0, n0=1)
    assert (difference.value, str(difference.lower_95)) == (D("0.01"), "0.00")


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError, match="numerator"):
        rate_ratio(a=5, n1=4, b=1, n0=10)
