"""Values, Wilson and Garwood intervals, and half-up rounding (docs/rules/dashboard.md §4)."""

import json
import math
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from perinatal.dashboard.metrics.intervals import (
    INTERVAL_GARWOOD,
    INTERVAL_NONE,
    INTERVAL_WILSON,
    UNIT_COUNT,
    UNIT_HOURS,
    UNIT_PER_1000,
    UNIT_PERCENT,
    garwood_interval,
    metric_interval,
    metric_value,
    round_half_up,
    wilson_interval,
)
from perinatal.stats.lazy import scipy_stats

FUNNEL_VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "funnel.json"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 8), "0.13"),
        (Decimal("2.675"), "2.68"),
        (2.675, "2.68"),  # a float is read as its shortest decimal form
        (Decimal("2.665"), "2.67"),  # half-up, not half-even
        (Decimal("0.005"), "0.01"),
        (Decimal("0.0049999"), "0.00"),
        (Fraction(100, 3), "33.33"),
        (Fraction(200, 3), "66.67"),
        (12.5, "12.50"),
        (0, "0.00"),
        (Decimal("-1.005"), "-1.01"),  # half away from zero
    ],
)
def test_round_half_up(value, expected):
    result = round_half_up(value, 2)
    assert result == Decimal(expected) and str(result) == expected


def _half_up_by_fractions(value, places):
    """The rule of docs/rules/dashboard.md §4 spelt out with fractions: floor(|x| × 10^places + 1/2)."""
    exact = Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)
    rounded = math.floor(abs(exact) * 10**places + Fraction(1, 2))
    return Decimal((-1 if exact < 0 else 1) * rounded).scaleb(-places)


def test_round_half_up_and_values_in_integers_equal_the_fractions():
    """round_half_up and metric_value round in integers (issue 13); every result, its digits
    and its exponent, is that of the rule computed with fractions, ties and signs included."""
    chosen = random.Random(13)
    for _ in range(20_000):
        numerator, denominator = chosen.randint(-5_000, 5_000), chosen.choice([1, 2, 8, 40, 200, 3, 7, 3001])
        denominator *= chosen.choice([1, -1])
        places = chosen.choice([0, 1, 2, 3])
        for value in (numerator, Fraction(numerator, denominator), numerator / denominator):
            assert repr(round_half_up(value, places)) == repr(_half_up_by_fractions(value, places)), value
        for unit, scale in ((UNIT_PERCENT, 100), (UNIT_PER_1000, 1000)):
            value = metric_value(numerator=numerator, denominator=denominator, unit=unit)
            assert repr(value) == repr(_half_up_by_fractions(Fraction(numerator * scale, denominator), 2))


def test_garwood_limits_are_scipy_s_chi_squared_quantiles_exactly():
    """Computed from scipy.special (issue 13), the limits are the very floats of scipy.stats.chi2."""
    chi2 = scipy_stats().chi2
    for events in (*range(0, 300), 1_000, 2_718, 10_000):
        low, high = garwood_interval(events=events)
        assert low == (0.0 if events == 0 else float(chi2.ppf(0.025, 2 * events)) / 2)
        assert high == float(chi2.ppf(0.975, 2 * (events + 1))) / 2


# Newcombe (1998) Stat Med 17:857, Table I, method 3 (Wilson score without continuity correction)
@pytest.mark.parametrize(
    ("successes", "trials", "lower", "upper"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_against_published_values(successes, trials, lower, upper):
    low, high = wilson_interval(successes=successes, trials=trials)
    assert low == pytest.approx(lower, abs=5e-5)
    assert high == pytest.approx(upper, abs=5e-5)


def test_wilson_edges_are_exact():
    assert wilson_interval(successes=0, trials=7)[0] == 0.0
    assert wilson_interval(successes=7, trials=7)[1] == 1.0
    assert wilson_interval(successes=0, trials=0) is None


def test_wilson_refuses_an_impossible_proportion():
    with pytest.raises(ValueError):
        wilson_interval(successes=3, trials=2)


# Garwood (1936) exact Poisson limits, as tabulated (e.g. Ulm 1990, Am J Epidemiol 131:373)
@pytest.mark.parametrize(
    ("events", "lower", "upper"),
    [(0, 0.0, 3.6889), (1, 0.0253, 5.5716), (2, 0.2422, 7.2247), (5, 1.6235, 11.6683), (10, 4.7954, 18.3904)],
)
def test_garwood_against_published_values(events, lower, upper):
    low, high = garwood_interval(events=events)
    assert low == pytest.approx(lower, abs=5e-5)
    assert high == pytest.approx(upper, abs=5e-5)


@pytest.mark.parametrize("row", json.loads(FUNNEL_VECTORS.read_text())["poisson_exact_limits_target_1"]["rows"])
def test_garwood_against_funnelplotr_vectors(row):
    # FunnelPlotR: lower = chi2.ppf(a/2, 2n)/(2n), upper = chi2.ppf(1 - a/2, 2(n+1))/(2n)
    n = row["n"]
    low, high = garwood_interval(events=n)
    assert low / n == pytest.approx(row["ll95"], abs=1e-6)
    assert high / n == pytest.approx(row["ul95"], abs=1e-6)


def test_garwood_refuses_a_negative_count():
    with pytest.raises(ValueError):
        garwood_interval(events=-1)


@pytest.mark.parametrize(
    ("numerator", "denominator", "unit", "expected"),
    [
        (1, 8, UNIT_PERCENT, "12.50"),
        (1, 3, UNIT_PERCENT, "33.33"),
        (2, 3, UNIT_PERCENT, "66.67"),
        (0, 5, UNIT_PERCENT, "0.00"),
        (3, 1000, UNIT_PER_1000, "3.00"),
        (7, 2000, UNIT_PER_1000, "3.50"),
        (1, 3001, UNIT_PER_1000, "0.33"),
        (4, 2, UNIT_COUNT, "4.00"),
        (Fraction(7, 6), 3, UNIT_HOURS, "1.17"),
    ],
)
def test_metric_value(numerator, denominator, unit, expected):
    assert str(metric_value(numerator=numerator, denominator=denominator, unit=unit)) == expected


@pytest.mark.parametrize("unit", [UNIT_PERCENT, UNIT_PER_1000, UNIT_COUNT, UNIT_HOURS])
def test_zero_denominator_gives_no_value_never_zero(unit):
    assert metric_value(numerator=0, denominator=0, unit=unit) is None
    assert metric_interval(numerator=0, denominator=0, unit=unit, method=INTERVAL_WILSON) is None


def test_metric_interval_in_the_unit():
    assert metric_interval(numerator=5, denominator=10, unit=UNIT_PERCENT, method=INTERVAL_WILSON) == (
        Decimal("23.66"),
        Decimal("76.34"),
    )
    # 10 events in 4,000: Garwood count limits 4.7954 and 18.3904, per 1,000
    assert metric_interval(numerator=10, denominator=4000, unit=UNIT_PER_1000, method=INTERVAL_GARWOOD) == (
        Decimal("1.20"),
        Decimal("4.60"),
    )
    assert metric_interval(numerator=0, denominator=1000, unit=UNIT_PER_1000, method=INTERVAL_GARWOOD) == (
        Decimal("0.00"),
        Decimal("3.69"),
    )
    assert metric_interval(numerator=3, denominator=2, unit=UNIT_COUNT, method=INTERVAL_NONE) is None


def test_metric_interval_refuses_an_unknown_method():
    with pytest.raises(ValueError):
        metric_interval(numerator=1, denominator=2, unit=UNIT_PERCENT, method="clopper")
