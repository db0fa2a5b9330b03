"""Funnel plots (docs/rules/surveillance.md §3, funnel.json)."""

import math
from math import comb

import numpy as np
import pytest

from perinatal.stats.funnel import (
    ALPHA_95,
    ALPHA_998,
    FUNNEL_PROPORTION,
    FUNNEL_RATIO,
    Z_95,
    Z_998,
    FunnelGroup,
    FunnelInputError,
    aggregate_groups,
    binomial_exact_limit,
    default_target,
    funnel_plot,
    is_outlier,
    overdispersion_proportions,
    overdispersion_ratios,
    poisson_exact_limits,
)
from tests.surveillance.vectors import load_vectors

FUNNEL = load_vectors("funnel")
PRINTED = 5e-7  # FunnelPlotR's tests give 7 significant figures


@pytest.mark.parametrize("row", FUNNEL["poisson_exact_limits_target_1"]["rows"], ids=lambda row: f"E{row['n']}")
def test_poisson_exact_limits(row):
    lower_95, upper_95 = poisson_exact_limits(expected=row["n"], alpha=ALPHA_95)
    lower_998, upper_998 = poisson_exact_limits(expected=row["n"], alpha=ALPHA_998)
    assert lower_95 == pytest.approx(row["ll95"], rel=PRINTED)
    assert upper_95 == pytest.approx(row["ul95"], rel=PRINTED)
    assert lower_998 == pytest.approx(row["ll998"], rel=PRINTED)
    assert upper_998 == pytest.approx(row["ul998"], rel=PRINTED)


@pytest.mark.parametrize("row", FUNNEL["poisson_exact_limits_target_1"]["rows"], ids=lambda row: f"E{row['n']}")
def test_ratio_funnel_uses_the_exact_poisson_limits(row):
    plot = funnel_plot(groups=[FunnelGroup("a", row["n"], row["n"])], kind=FUNNEL_RATIO)
    limits = plot.points[0].limits
    assert plot.target == 1.0
    assert (limits.lower_95, limits.upper_998) == pytest.approx((row["ll95"], row["ul998"]), rel=PRINTED)


def test_aggregation():
    vector = FUNNEL["aggregation"]
    groups = aggregate_groups(zip(vector["group"], vector["numerator"], vector["denominator"]))
    assert [group.group for group in groups] == list(vector["expected"])
    for group in groups:
        numerator, denominator, value = vector["expected"][group.group]
        assert (group.numerator, group.denominator) == (numerator, denominator)
        assert group.value == pytest.approx(value, rel=PRINTED)


_OUTLIERS = FUNNEL["outlier_flags"]


@pytest.mark.parametrize(
    ("key", "lower", "upper"),
    [
        ("95_unadjusted", "lcl95", "ucl95"),
        ("95_adjusted", "od_lcl95", "od_ucl95"),
        ("998_unadjusted", "lcl998", "ucl998"),
        ("998_adjusted", "od_lcl998", "od_ucl998"),
    ],
)
def test_outlier_flags(key, lower, upper):
    limits = _OUTLIERS["limits"]
    flags = [int(is_outlier(value=value, lower=limits[lower], upper=limits[upper])) for value in _OUTLIERS["ratio"]]
    assert flags == _OUTLIERS["expected"][key]


@pytest.mark.parametrize(("value", "expected"), [(0.9, False), (1.1, False), (0.8999999, True), (1.1000001, True)])
def test_a_value_exactly_on_a_limit_is_inside(value, expected):
    assert is_outlier(value=value, lower=0.9, upper=1.1) is expected


# --- exact binomial limits --------------------------------------------------------------------------


def _binomial_cdf(r, n, theta):
    return sum(comb(n, i) * theta**i * (1 - theta) ** (n - i) for i in range(r + 1)) if r >= 0 else 0.0


@pytest.mark.parametrize("n", [1, 10, 37, 200])
@pytest.mark.parametrize("theta", [0.02, 0.1, 0.5, 0.93])
@pytest.mark.parametrize("probability", [0.001, 0.025, 0.975, 0.999])
def test_binomial_exact_limit_matches_its_definition(n, theta, probability):
    r = next(r for r in range(n + 1) if _binomial_cdf(r, n, theta) >= probability)
    at_r = _binomial_cdf(r, n, theta)
    alpha = (at_r - probability) / (at_r - _binomial_cdf(r - 1, n, theta))
    expected = min(1.0, max(0.0, (r - alpha) / n))
    assert binomial_exact_limit(n=n, target=theta, probability=probability) == pytest.approx(expected, abs=1e-12)


def test_binomial_exact_limit_by_hand():
    # n = 10, θ0 = 0.5, p = 0.025: F(1) = 11/1024 < p ≤ F(2) = 56/1024, so r = 2 and
    # α = (56/1024 − 0.025)/(45/1024); the limit is (2 − α)/10.
    alpha = (56 / 1024 - 0.025) / (45 / 1024)
    assert binomial_exact_limit(n=10, target=0.5, probability=0.025) == pytest.approx((2 - alpha) / 10, abs=1e-12)


def test_binomial_limits_are_truncated_to_zero_and_one():
    assert binomial_exact_limit(n=5, target=0.01, probability=0.025) == 0.0
    assert binomial_exact_limit(n=5, target=0.0, probability=0.975) == 0.0
    assert 0.0 <= binomial_exact_limit(n=5, target=0.99, probability=0.999) <= 1.0


def test_proportion_limits_narrow_as_n_grows():
    widths = []
    for n in (20, 200, 2000):
        limits = funnel_plot(groups=[FunnelGroup("a", n // 10, n)], target=0.1).points[0].limits
        assert limits.lower_998 <= limits.lower_95 <= 0.1 <= limits.upper_95 <= limits.upper_998
        widths.append(limits.upper_95 - limits.lower_95)
    assert widths == sorted(widths, reverse=True)


# --- target -------------------------------------------------------------------------------------------


def test_default_target():
    groups = [FunnelGroup("a", 10, 100), FunnelGroup("b", 30, 100)]
    assert default_target(groups=groups, kind=FUNNEL_PROPORTION) == 0.2
    assert default_target(groups=groups, kind=FUNNEL_RATIO) == 1.0
    assert funnel_plot(groups=groups).target == 0.2
    assert funnel_plot(groups=groups, target=0.25).target == 0.25


def test_a_ratio_target_scales_the_poisson_mean():
    lower, upper = poisson_exact_limits(expected=20, alpha=ALPHA_95, target=1.5)
    lower_30, upper_30 = poisson_exact_limits(expected=30, alpha=ALPHA_95)
    # θ0 = 1.5 with E = 20 is the Poisson(30) of E = 30, on the scale of E = 20.
    assert lower == pytest.approx(lower_30 * 30 / 20, rel=1e-12)
    assert upper == pytest.approx(upper_30 * 30 / 20, rel=1e-12)


# --- overdispersion -------------------------------------------------------------------------------------


def _ratio_groups(observed, expected=100.0):
    return [FunnelGroup(f"g{index}", count, expected) for index, count in enumerate(observed)]


def test_ratio_truncation_drops_the_two_lowest_and_highest_of_20():
    # N = 20: floor(rk·10/21) is 0 for ranks 1–2 and 9 for ranks 19–20.
    observed = [60, 70, 80, 85, 90, 92, 94, 96, 98, 100, 101, 103, 105, 107, 110, 115, 120, 130, 150, 300]
    estimate = overdispersion_ratios(groups=_ratio_groups(observed))
    assert estimate.groups_used == 16
    # The dropped extremes do not move the estimate.
    wilder = overdispersion_ratios(groups=_ratio_groups([1, *observed[1:-1], 3000]))
    assert wilder == estimate
    kept = observed[2:-2]
    z = [math.sqrt(100) * math.log(count / 100) for count in kept]
    assert estimate.phi == pytest.approx(sum(value * value for value in z) / 16)


def test_ratio_truncation_averages_tied_ranks():
    # Ten equal z-scores share rank 5.5: floor(5.5·10/11) = 5, all kept.
    estimate = overdispersion_ratios(groups=_ratio_groups([120] * 10))
    assert estimate.groups_used == 10


def test_zero_observed_ratio_group_is_kept_on_the_chart_but_not_in_phi():
    observed = [0, 60, 70, 80, 85, 90, 92, 94, 96, 98, 100, 101, 103, 105, 107, 110, 115, 120, 130, 150, 300]
    with_zero = overdispersion_ratios(groups=_ratio_groups(observed))
    without_zero = overdispersion_ratios(groups=_ratio_groups(observed[1:]))
    assert with_zero == without_zero
    plot = funnel_plot(groups=_ratio_groups(observed), kind=FUNNEL_RATIO, overdispersion=True)
    assert plot.adjusted
    zero = plot.points[0]
    assert zero.value == 0.0
    assert zero.limits.lower_95 > 0
    assert zero.outlier_95 and zero.outlier_998


def test_zero_observed_ratio_group_without_overdispersion():
    plot = funnel_plot(groups=[FunnelGroup("a", 0, 2.0), FunnelGroup("b", 3, 2.5)], kind=FUNNEL_RATIO)
    zero = plot.points[0]
    assert zero.value == 0.0
    # The exact lower limits for E = 2 are χ²(0.025; 4)/4 = 0.12110 and χ²(0.001; 4)/4 = 0.022701.
    assert zero.limits.lower_95 == pytest.approx(0.1211046, rel=1e-6)
    assert zero.limits.lower_998 == pytest.approx(0.0227010, rel=1e-5)
    assert zero.outlier_95 and zero.outlier_998
    assert not plot.points[1].outlier_95


def test_no_overdispersion_keeps_the_exact_limits():
    # Every group exactly on target: z = 0, φ = 0, τ² = 0.
    groups = _ratio_groups([100] * 12)
    plot = funnel_plot(groups=groups, kind=FUNNEL_RATIO, overdispersion=True)
    assert plot.overdispersion.tau2 == 0.0
    assert not plot.adjusted
    assert plot.points[0].limits == funnel_plot(groups=groups, kind=FUNNEL_RATIO).points[0].limits


def test_adjusted_ratio_limits():
    observed = [60, 70, 80, 85, 90, 92, 94, 96, 98, 100, 101, 103, 105, 107, 110, 115, 120, 130, 150, 300]
    groups = _ratio_groups(observed)
    plot = funnel_plot(groups=groups, kind=FUNNEL_RATIO, overdispersion=True)
    estimate = plot.overdispersion
    m = estimate.groups_used
    weights = [100.0] * m
    expected_tau2 = (m * estimate.phi - (m - 1)) / (sum(weights) - sum(w * w for w in weights) / sum(weights))
    assert estimate.tau2 == pytest.approx(expected_tau2)
    spread = math.sqrt(1 / 100 + estimate.tau2)
    limits = plot.points[0].limits
    assert limits.lower_95 == pytest.approx(math.exp(-Z_95 * spread))
    assert limits.upper_998 == pytest.approx(math.exp(Z_998 * spread))


def _proportion_groups(numerators, n=400):
    return [FunnelGroup(f"g{index}", count, n) for index, count in enumerate(numerators)]


def test_proportion_winsorising_at_the_10th_and_90th_percentiles():
    # 11 groups: the 10th and 90th percentiles fall on the 2nd and 10th values, so
    # moving the extremes further out changes nothing.
    numerators = [20, 30, 35, 38, 40, 40, 42, 45, 50, 55, 80]
    estimate = overdispersion_proportions(groups=_proportion_groups(numerators), target=0.1)
    wilder = overdispersion_proportions(groups=_proportion_groups([0, *numerators[1:-1], 300]), target=0.1)
    assert wilder == estimate
    assert estimate.groups_used == 11
    y0 = math.asin(math.sqrt(0.1))
    z = np.array([(math.asin(math.sqrt(count / 400)) - y0) * 2 * math.sqrt(400) for count in numerators])
    clipped = np.clip(z, np.percentile(z, 10), np.percentile(z, 90))
    assert estimate.phi == pytest.approx(float(np.sum(clipped**2)) / 11)


def test_adjusted_proportion_limits():
    numerators = [20, 30, 35, 38, 40, 40, 42, 45, 50, 55, 80]
    plot = funnel_plot(groups=_proportion_groups(numerators), target=0.1, overdispersion=True)
    assert plot.adjusted
    tau2 = plot.overdispersion.tau2
    s = 1 / (2 * math.sqrt(400))
    y0 = math.asin(math.sqrt(0.1))
    limits = plot.points[0].limits
    assert limits.lower_95 == pytest.approx(math.sin(y0 - Z_95 * math.sqrt(s * s + tau2)) ** 2)
    assert limits.upper_998 == pytest.approx(math.sin(y0 + Z_998 * math.sqrt(s * s + tau2)) ** 2)


def test_adjusted_proportion_limits_stay_within_zero_and_one():
    plot = funnel_plot(
        groups=[FunnelGroup(f"g{i}", count, 10) for i, count in enumerate([0, 0, 1, 5, 9, 10, 10, 0, 10, 2, 8])],
        overdispersion=True,
    )
    assert plot.adjusted
    for point in plot.points:
        assert point.limits.lower_998 == 0.0
        assert point.limits.upper_998 == 1.0


def test_single_group_has_no_overdispersion():
    plot = funnel_plot(groups=[FunnelGroup("a", 300, 100)], kind=FUNNEL_RATIO, overdispersion=True)
    assert plot.overdispersion.tau2 == 0.0
    assert not plot.adjusted


def test_all_zero_ratio_groups_have_no_estimate():
    estimate = overdispersion_ratios(groups=_ratio_groups([0, 0]))
    assert (estimate.phi, estimate.tau2, estimate.groups_used) == (None, 0.0, 0)


# --- refusals -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "kind", "target", "message"),
    [
        ([], FUNNEL_PROPORTION, None, "no groups"),
        ([FunnelGroup("a", 1, 0)], FUNNEL_RATIO, None, "more than 0"),
        ([FunnelGroup("a", -1, 5)], FUNNEL_RATIO, None, "negative"),
        ([FunnelGroup("a", 6, 5)], FUNNEL_PROPORTION, None, "more than the denominator"),
        ([FunnelGroup("a", 1, 5.5)], FUNNEL_PROPORTION, None, "whole number"),
        ([FunnelGroup("a", 1, 5)], FUNNEL_PROPORTION, 1.2, "between 0 and 1"),
        ([FunnelGroup("a", 1, 5)], FUNNEL_RATIO, 0.0, "more than 0"),
        ([FunnelGroup("a", 1, 5)], "rate", None, "proportion, ratio"),
    ],
)
def test_refusals(groups, kind, target, message):
    with pytest.raises(FunnelInputError, match=message):
        funnel_plot(groups=groups, kind=kind, target=target)
