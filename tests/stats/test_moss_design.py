"""MOSS thresholds: getden, Hawkins' ARL, getH and the candidate chain (docs/rules/surveillance.md §1.2, moss.json)."""

import math

import pytest

from perinatal.stats.moss_design import (
    LEVEL1_ARL,
    LEVEL2_ARL,
    METHOD,
    DesignFailedError,
    design_poisson_cusum,
    design_with_candidates,
    expected_events,
    getden,
    moss_thresholds,
    poisson_cusum_arl,
    reference_value_candidates,
    unrounded_reference_value,
)
from tests.surveillance.vectors import load_vectors

MOSS = load_vectors("moss")
ARL_RELATIVE = 1e-9
# R printed h and k to 15 significant digits.
PRINTED_RELATIVE = 1e-13


def _row_id(row):
    return f"IC{row['ic_mean']}-ARL{row['arl_target']}-k{row['candidate']}"


@pytest.mark.parametrize("row", MOSS["rows"], ids=_row_id)
def test_design_reproduces_cusumdesign(row):
    design = design_poisson_cusum(
        ic_mean=row["ic_mean"],
        oc_mean=2 * row["ic_mean"],
        arl_target=row["arl_target"],
        reference_value=row["candidate"],
    )
    assert design.denrat == row["denrat"]
    assert design.k == pytest.approx(row["k"], rel=PRINTED_RELATIVE)
    assert design.h == pytest.approx(row["h"], rel=PRINTED_RELATIVE)
    # h is a whole number of grid steps.
    assert design.h * design.denrat == pytest.approx(round(design.h * design.denrat), abs=1e-9)
    assert design.in_control_arl == pytest.approx(row["in_control_arl"], rel=ARL_RELATIVE)
    assert design.out_of_control_arl == pytest.approx(row["out_of_control_arl"], rel=ARL_RELATIVE)


@pytest.mark.parametrize("row", MOSS["rows"], ids=_row_id)
def test_vector_candidate_is_the_first_of_the_chain(row):
    assert reference_value_candidates(row["ic_mean"])[0] == row["candidate"]


@pytest.mark.parametrize("row", MOSS["rows"], ids=_row_id)
def test_arl_at_the_designed_h(row):
    # k as getden leaves it (0.125 exactly, not R's printed 0.125…); h from the vector.
    grid = getden(row["candidate"])
    arl = poisson_cusum_arl(mean=row["ic_mean"], k=grid.k, h=row["h"], denrat=grid.denrat)
    assert arl == pytest.approx(row["in_control_arl"], rel=ARL_RELATIVE)


@pytest.mark.parametrize(
    ("k", "denrat", "snapped"),
    [
        (0.14, 8, 0.125),  # no d within 0.01: the smallest err is d = 8
        (0.72, 7, 5 / 7),
        (1.44, 7, 10 / 7),
        (2.89, 9, 26 / 9),
        (0.61, 5, 0.6),  # the worked example
        (0.43, 7, 0.43),  # 0.43·7 = 3.01 is within 0.01 of 3: k kept unsnapped
        (1.43, 7, 1.43),
        (0.5, 2, 0.5),
        (0.3, 10, 0.3),
        (0.0, 1, 0.0),
        (2.0, 1, 2.0),
    ],
)
def test_getden(k, denrat, snapped):
    grid = getden(k)
    assert grid.denrat == denrat
    assert grid.k == snapped


def test_the_feasibility_test_is_done_in_double_arithmetic():
    # (29/7)·7 = 29.000000000000004 and 0.43·7 − 3 = 0.0099999999999998: together > 0.01.
    assert (29 / 7) * 7 != 29
    assert poisson_cusum_arl(mean=0.3, k=0.43, h=29 / 7, denrat=7) == 0.0
    # Without the quirk, 22/7 already reaches ARL 100 …
    assert poisson_cusum_arl(mean=0.3, k=0.43, h=22 / 7, denrat=7) > LEVEL2_ARL
    # … which is why the search never revisits it: h2 comes out as 30/7 (moss.json).
    assert poisson_cusum_arl(mean=0.3, k=0.43, h=30 / 7, denrat=7) == pytest.approx(273.718493541807, rel=ARL_RELATIVE)


def test_ic_030_gives_h2_thirty_sevenths():
    thresholds = moss_thresholds(0.3)
    assert thresholds.k == 0.43
    assert thresholds.level2.h == 30 / 7
    assert thresholds.h2 == 4.285714
    assert thresholds.h1 == 1.428571


@pytest.mark.parametrize(
    ("k", "denrat", "h"),
    [
        (0.35, 10, 1.0),  # k·d = 3.5: 0.5 from the grid
        (0.175, 8, 1.0),  # k·d = 1.4
        (0.65, 5, 1.6),  # k·d = 3.25
        (0.6, 5, 1.65),  # h·d = 8.25: h off the grid
    ],
)
def test_off_grid_k_or_h_gives_arl_zero(k, denrat, h):
    assert poisson_cusum_arl(mean=0.5, k=k, h=h, denrat=denrat) == 0.0


def test_arl_single_state():
    # h = 1/d: one state; L = 1/(1 − P(stay at 0)).
    mean, k, d = 0.42, 0.6, 5
    stay = math.exp(-mean)  # only X = 0 keeps S at 0 when K = 3 and d = 5
    assert poisson_cusum_arl(mean=mean, k=k, h=1 / d, denrat=d) == pytest.approx(1 / (1 - stay))


def test_arl_grows_with_h_and_falls_with_the_mean():
    arls = [poisson_cusum_arl(mean=0.42, k=0.6, h=steps / 5, denrat=5) for steps in range(1, 20)]
    assert arls == sorted(arls)
    assert poisson_cusum_arl(mean=0.84, k=0.6, h=1.6, denrat=5) < poisson_cusum_arl(mean=0.42, k=0.6, h=1.6, denrat=5)


def test_worked_example_thresholds():
    example = MOSS["worked_example"]
    ic = expected_events(reference_rate=example["reference_rate"], denominator=example["denominator"])
    assert ic == example["ic_mean"]
    assert unrounded_reference_value(ic) == pytest.approx(0.605932, abs=5e-7)
    thresholds = moss_thresholds(ic)
    assert thresholds.level1.candidate == example["candidate"]
    assert thresholds.level1.denrat == example["denrat"]
    assert thresholds.k == example["k"]
    assert thresholds.h1 == example["h1"]
    assert thresholds.h2 == example["h2"]
    assert round(thresholds.level1.in_control_arl, 2) == example["arl1"]
    assert round(thresholds.level2.in_control_arl, 2) == example["arl2"]
    assert thresholds.oc == 2 * ic
    assert thresholds.method == METHOD == "nhse-2026-04"


@pytest.mark.parametrize(
    ("ic", "expected"),
    [
        (0.42, (0.61, 0.6000000000000001, 0.6000000000000001, 0.5)),
        (0.1, (0.14, 0.1, 0.2, 0.0)),
        (0.3, (0.43, 0.4, 0.4, 0.5)),
    ],
)
def test_candidates(ic, expected):
    assert reference_value_candidates(ic) == expected


def test_a_bisection_arl_within_a_tenth_of_a_percent_fails_the_design():
    with pytest.raises(DesignFailedError, match=r"within 0\.1%"):
        design_poisson_cusum(ic_mean=0.22, oc_mean=0.44, arl_target=LEVEL1_ARL, reference_value=0.32)


def test_a_failed_candidate_sends_moss_to_the_next():
    # IC 0.22: level 1 fails with 0.32 and 0.3 (both within 0.1% of ARL 20 at h = 1.4),
    # succeeds with 0.4; level 2 succeeds with the first candidate, independently.
    assert reference_value_candidates(0.22)[:3] == (0.32, 0.30000000000000004, 0.4)
    thresholds = moss_thresholds(0.22)
    assert thresholds.level1.candidate == 0.4
    assert thresholds.level2.candidate == 0.32
    # k is level 1's.
    assert thresholds.k == thresholds.level1.k == 0.4
    assert thresholds.level2.k == 0.3


def test_every_candidate_failing_fails_the_chain():
    with pytest.raises(DesignFailedError, match="every candidate failed") as raised:
        design_with_candidates(ic_mean=0.1, arl_target=math.inf)
    assert "no h below 256/8" in str(raised.value)


def test_the_search_fails_beyond_256_steps():
    with pytest.raises(DesignFailedError, match="256"):
        design_poisson_cusum(ic_mean=0.1, oc_mean=0.2, arl_target=1e12, reference_value=0.14)


@pytest.mark.parametrize("ic", [0.0, -0.1])
def test_thresholds_need_a_positive_ic(ic):
    with pytest.raises(ValueError, match="positive"):
        moss_thresholds(ic)


@pytest.mark.parametrize("ic", [0.05, 0.42, 0.99, 1.5, 3.0])
def test_thresholds_reach_their_targets(ic):
    thresholds = moss_thresholds(ic)
    assert thresholds.level1.in_control_arl > LEVEL1_ARL
    assert thresholds.level2.in_control_arl > LEVEL2_ARL
    assert thresholds.h1 <= thresholds.h2
    assert thresholds.level1.out_of_control_arl < thresholds.level1.in_control_arl


def test_expected_events_rounds_like_r():
    # 0.125 is a tie in doubles: R rounds to the even 0.12, Python's "half up" would give 0.13.
    assert expected_events(reference_rate=0.001, denominator=125) == 0.12
    assert expected_events(reference_rate=0.0001, denominator=40) == 0.0
