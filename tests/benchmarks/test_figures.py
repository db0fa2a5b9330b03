"""The benchmarks' one percentile (benchmarks/_figures.py): nearest rank, the smallest value
with at least the fraction of the values at or below it, whatever floating point does to
fraction × count."""

import importlib

import pytest

from benchmarks._figures import percentile

ONE_TO_A_HUNDRED = [float(v) for v in range(100, 0, -1)]  # the order given must not matter


@pytest.mark.parametrize(("fraction", "expected"), [(0.50, 50.0), (0.95, 95.0), (0.99, 99.0), (1.0, 100.0)])
def test_a_hundred_values(fraction, expected):
    # Not the 96th: rounding 95 + 0.5 to the nearest rank rounds half to even, up to 96.
    assert percentile(ONE_TO_A_HUNDRED, fraction) == expected


@pytest.mark.parametrize(("fraction", "expected"), [(0.07, 7.0), (0.55, 55.0), (0.56, 56.0)])
def test_floating_point_error_never_moves_the_rank_up(fraction, expected):
    # 0.55 × 100 is 55.000…01 in floating point: its bare ceiling would be the 56th value.
    assert percentile(ONE_TO_A_HUNDRED, fraction) == expected


def test_twenty_values_p95_is_the_19th():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 0.95) == 19.0
    assert percentile(values, 0.50) == 10.0


@pytest.mark.parametrize("count", [3, 7, 10, 20, 30, 40, 60, 100, 200, 1000, 2000])
def test_p95_is_the_first_value_with_95_per_cent_at_or_below_it(count):
    values = list(range(1, count + 1))
    p95 = percentile(values, 0.95)
    assert 100 * p95 >= 95 * count  # at least 95% of the values at or below it
    assert 100 * (p95 - 1) < 95 * count  # and none smaller has


def test_one_value_and_none():
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([3.0], 0.01) == 3.0
    assert percentile([], 0.5) == 0.0
    assert percentile([1.0, 2.0, 3.0], 0.5) == 2.0


@pytest.mark.parametrize("name", ["load", "dashboard_pages", "board_report", "notifications"])
def test_every_benchmark_uses_this_percentile(name):
    module = importlib.import_module(f"benchmarks.{name}")
    assert module.percentile is percentile
    assert not hasattr(module, "_percentile")
