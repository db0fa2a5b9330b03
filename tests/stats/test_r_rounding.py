"""R's round(x, d) (docs/rules/surveillance.md §1.5)."""

import math

import pytest

from perinatal.stats.r_rounding import round_r


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        # d = 0 is half to even, as R.
        (0.5, 0, 0.0),
        (1.5, 0, 2.0),
        (2.5, 0, 2.0),
        (-2.5, 0, -2.0),
        (2.6, 0, 3.0),
        # The worked example's IC: 0.002 × 2500/12.
        (0.002 * (2500 / 12), 2, 0.42),
        # Ties in double arithmetic go to the even last digit …
        (0.125, 2, 0.12),
        (0.375, 2, 0.38),
        (2.5, 1, 2.5),
        # … but 0.15 and 0.25 are not ties in binary: the nearer neighbour wins.
        (0.15, 1, 0.1),
        (0.25, 1, 0.2),
        (0.35, 1, 0.3),
        (2.675, 2, 2.67),
        # 1.0000005 is stored as 1.00000050000000007: nearer the upper neighbour.
        (1.0000005, 6, 1.000001),
        (4.6000000000000005, 6, 4.6),
        (1.3999999999999997, 6, 1.4),
        (12 / 7, 6, 1.714286),
        (30 / 7, 6, 4.285714),
        (-0.125, 2, -0.12),
        (-1.456, 2, -1.46),
        (0.0, 6, 0.0),
        (0.004999, 2, 0.0),
        # 0.01 − 0.005 == 0.005 − 0 in doubles: a tie, and floor(0.5) = 0 is even.
        (0.005, 2, 0.0),
        (0.015, 2, 0.01),
    ],
)
def test_round_r(x, digits, expected):
    assert round_r(x, digits=digits) == expected


@pytest.mark.parametrize("x", [math.inf, -math.inf])
def test_round_r_keeps_infinities(x):
    assert round_r(x, digits=2) == x


def test_round_r_keeps_nan():
    assert math.isnan(round_r(math.nan, digits=2))


def test_round_r_refuses_negative_digits():
    with pytest.raises(ValueError, match="digits"):
        round_r(1.0, digits=-1)
