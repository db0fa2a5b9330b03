"""Tabular and Bernoulli log-likelihood CUSUMs (docs/rules/surveillance.md §4, cusum.json)."""

import math

import pytest

from perinatal.stats.cusum import (
    bernoulli_cusum,
    bernoulli_llr_weight,
    tabular_cusum,
)
from tests.surveillance.vectors import load_vectors

CUSUM = load_vectors("cusum")
PRINTED = 0.005  # qcc's table is printed to 2 decimals; vlad's weights to 3


def _tabular():
    return tabular_cusum(values=CUSUM["values"], centre=CUSUM["center"], sd=CUSUM["sd"], k=CUSUM["k"], h=CUSUM["h"])


def test_montgomery_table_9_1_upper():
    assert list(_tabular().upper) == pytest.approx(CUSUM["upper"], abs=PRINTED)


def test_montgomery_table_9_1_lower():
    assert list(_tabular().lower) == pytest.approx(CUSUM["lower"], abs=PRINTED)


def test_montgomery_table_9_1_signals():
    result = _tabular()
    assert [index + 1 for index, signal in enumerate(result.upper_signals) if signal] == CUSUM[
        "upper_signals_at_1_based"
    ]
    assert not any(result.lower_signals)


def test_tabular_signal_is_strictly_above_h():
    result = tabular_cusum(values=[1.5, 1.5], centre=0, sd=1, k=0.5, h=1.0)
    assert result.upper == (1.0, 2.0)
    assert result.upper_signals == (False, True)


def test_tabular_standardises_by_sd():
    result = tabular_cusum(values=[14.0], centre=10.0, sd=2.0, k=0.5, h=5)
    assert result.upper == (1.5,)
    assert result.lower == (0.0,)


def test_tabular_needs_a_positive_sd():
    with pytest.raises(ValueError, match="sd"):
        tabular_cusum(values=[1.0], centre=0, sd=0, k=0.5, h=5)


def _parsonnet_risk(score):
    logit = -3.68 + 0.077 * score
    return 1 / (1 + math.exp(-logit))


_WEIGHTS = CUSUM["bernoulli_llr_weights"]["rows"]


@pytest.mark.parametrize("row", _WEIGHTS, ids=lambda row: f"parsonnet{row['parsonnet']}-y{row['y']}")
@pytest.mark.parametrize(("odds_ratio", "key"), [(2.0, "W_R2"), (0.5, "W_Rhalf")])
def test_bernoulli_llr_weights(row, odds_ratio, key):
    weight = bernoulli_llr_weight(p=_parsonnet_risk(row["parsonnet"]), y=row["y"], odds_ratio=odds_ratio)
    assert weight == pytest.approx(row[key], abs=0.0005)


def test_bernoulli_cusum_accumulates_and_floors_at_zero():
    risks = [0.1, 0.1, 0.1, 0.1]
    outcomes = [1, 1, 0, 0]
    result = bernoulli_cusum(risks=risks, outcomes=outcomes, odds_ratio=2.0, h=1.15)
    death = math.log(2) - math.log(1.1)
    survival = -math.log(1.1)
    assert result.weights == pytest.approx((death, death, survival, survival))
    assert result.statistic == pytest.approx((death, 2 * death, 2 * death + survival, 2 * death + 2 * survival))
    assert result.signals == (False, True, False, False)
    floored = bernoulli_cusum(risks=[0.1], outcomes=[0], odds_ratio=2.0, h=1.0)
    assert floored.statistic == (0.0,)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"p": 0.1, "y": 2, "odds_ratio": 2.0}, "outcome"),
        ({"p": 1.1, "y": 1, "odds_ratio": 2.0}, "risk"),
        ({"p": 0.1, "y": 1, "odds_ratio": 0.0}, "odds ratio"),
    ],
)
def test_bernoulli_weight_refusals(arguments, message):
    with pytest.raises(ValueError, match=message):
        bernoulli_llr_weight(**arguments)


def test_bernoulli_lengths_must_match():
    with pytest.raises(ValueError, match="same length"):
        bernoulli_cusum(risks=[0.1], outcomes=[0, 1], odds_ratio=2.0, h=1.0)
