"""MOSS thresholds: Hawkins' Poisson CUSUM design through NHS England's candidate chain.

docs/rules/surveillance.md §1.2 and §1.5. The method is NHS England's at commit 01e9554 of
nhsengland/Maternity-MOSS (8 April 2026, R CUSUMdesign 1.1.5 ``getH(distr = 3, type = "Z")``),
recorded as :data:`METHOD`. Later revisions of NHS England's method must be added as a
second named method, never by editing this one.

Everything here runs in plain double arithmetic in the order of operations the spec gives,
because the thresholds must agree with NHS England's to the last digit (see the
``29/7 · 7 = 29.000000000000004`` case in docs/rules/surveillance.md §1.2 step 2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .r_rounding import round_r

__all__ = [
    "CANDIDATE_STEPS",
    "DesignFailedError",
    "GridChoice",
    "LEVEL1_ARL",
    "LEVEL2_ARL",
    "METHOD",
    "MossThresholds",
    "PoissonCusumDesign",
    "design_poisson_cusum",
    "design_with_candidates",
    "expected_events",
    "getden",
    "moss_thresholds",
    "poisson_cusum_arl",
    "reference_value_candidates",
    "unrounded_reference_value",
]

METHOD = "nhse-2026-04"
"""Name recorded with every MOSS signal computed by this module (docs/rules/surveillance.md §1)."""

LEVEL1_ARL = 20
"""In-control average run length the level-1 threshold h1 is designed for (docs/rules/surveillance.md §1.2)."""
LEVEL2_ARL = 100
"""In-control average run length the level-2 threshold h2 is designed for (docs/rules/surveillance.md §1.2)."""
OUT_OF_CONTROL_FACTOR = 2
"""OC = 2 × IC: the CUSUM is tuned to detect a doubling of the rate (docs/rules/surveillance.md §1.2)."""
IC_DECIMALS = 2
"""IC is R-rounded to 2 decimals (docs/rules/surveillance.md §1.2)."""
THRESHOLD_DECIMALS = 6
"""h1, h2 and the CUSUM are R-rounded to 6 decimals (docs/rules/surveillance.md §1.2, §1.3)."""
CANDIDATE_STEPS = (0.01, 0.1, 0.2, 0.5)
"""The reference value k_u is tried rounded to these steps, in this order (docs/rules/surveillance.md §1.2)."""

GRID_MAX_DENOMINATOR = 10
"""getden tries d = 1…10 (docs/rules/surveillance.md §1.2 step 1)."""
GRID_TOLERANCE = 0.01
"""Tolerance of getden and of the ARL feasibility test (docs/rules/surveillance.md §1.2 steps 1 and 2)."""
GRID_OFFSET = 0.01
"""getden's err(d) = |fmod(k·d + 0.01, 1) − 0.01| + … (docs/rules/surveillance.md §1.2 step 1)."""
SEARCH_MAX_STEP = 10
"""The search for h widens by at most 10 grid steps at a time (docs/rules/surveillance.md §1.2 step 3)."""
SEARCH_STEP_INCREMENT = 2
SEARCH_MAX_ITERATIONS = 40
SEARCH_MAX_STATES = 256
"""The design fails when the bracket would pass 256 grid steps (docs/rules/surveillance.md §1.2 step 3)."""
BISECTION_MAX_ITERATIONS = 20
BISECTION_FAIL_TOLERANCE = 0.001
"""A bisection ARL within 0.1 % of the target fails the design (docs/rules/surveillance.md §1.2 step 3)."""


class DesignFailedError(Exception):
    """getH could not design the CUSUM for this reference value (docs/rules/surveillance.md §1.2 step 3)."""


@dataclass(frozen=True)
class GridChoice:
    """getden's grid: the CUSUM moves on multiples of 1/denrat, with reference value k."""

    k: float
    denrat: int


@dataclass(frozen=True)
class PoissonCusumDesign:
    """One getH design: the smallest h on the 1/denrat grid reaching the in-control ARL."""

    ic_mean: float
    oc_mean: float
    arl_target: float
    candidate: float
    denrat: int
    k: float
    h: float
    in_control_arl: float
    out_of_control_arl: float


@dataclass(frozen=True)
class MossThresholds:
    """The parameters of a site-year's CUSUM (docs/rules/surveillance.md §1.2), with the designs they came from."""

    ic: float
    oc: float
    k: float
    h1: float
    h2: float
    level1: PoissonCusumDesign
    level2: PoissonCusumDesign
    method: str = METHOD


def getden(k: float) -> GridChoice:
    """CUSUMdesign's ``getden``: choose the grid denominator d for reference value k
    (docs/rules/surveillance.md §1.2.1).

    The first d in 1…10 with err(d) < 0.01 keeps k as given (unsnapped: 0.43 stays 0.43
    with d = 7); otherwise the d with the smallest err (ties: the smaller d) is used and k
    is snapped to int(k·d + 0.5)/d.
    """
    errors = []
    for d in range(1, GRID_MAX_DENOMINATOR + 1):
        # The second term is ~2e-16, not 0; it is kept so that err agrees bit for bit.
        err = abs(math.fmod(k * d + GRID_OFFSET, 1) - GRID_OFFSET) + abs(math.fmod(d + GRID_OFFSET, 1) - GRID_OFFSET)
        if err < GRID_TOLERANCE:
            return GridChoice(k=k, denrat=d)
        errors.append(err)
    best = min(range(GRID_MAX_DENOMINATOR), key=lambda index: (errors[index], index))
    d = best + 1
    return GridChoice(k=int(k * d + 0.5) / d, denrat=d)


def _poisson_cdf(mean: float, largest: int) -> list[float]:
    """F(0…largest) for Poisson(mean), summing the probabilities by recursion."""
    probability = math.exp(-mean)
    cumulative = probability
    values = [cumulative]
    for n in range(1, largest + 1):
        probability = probability * mean / n
        cumulative = cumulative + probability
        values.append(cumulative)
    return values


def poisson_cusum_arl(*, mean: float, k: float, h: float, denrat: int) -> float:
    """Zero-start ARL of the upper Poisson CUSUM with reference k and interval h (docs/rules/surveillance.md §1.2.2).

    Hawkins' (1992) Markov chain on the states S = j/d, j = 0…M−1, solved by Gauss
    elimination without pivoting. When k·d or h·d is not within 0.01 of the grid (tested in
    double arithmetic) the ARL is taken as 0, as CUSUMdesign does.
    """
    d = denrat
    big_k = int(k * d + 0.5)
    states = int(h * d - 0.5) + 1
    # Not vacuous: (29/7)·7 = 29.000000000000004, which tips k = 0.43, d = 7 over 0.01.
    if abs(big_k - k * d) + abs((states - 1) - h * d + 1) > GRID_TOLERANCE:
        return 0.0
    if states < 1:
        raise ValueError(f"h = {h} leaves no state below the decision interval")
    largest_count = (states - 1 + big_k) // d
    cdf = _poisson_cdf(mean, max(largest_count, 0))

    # Φ(i) = F(⌊(i + K)/d⌋), F(n) = 0 for n < 0; numpy's // floors negative numbers too.
    cdf_with_zero = np.array([0.0, *cdf])
    rows = np.arange(states).reshape(-1, 1)
    columns = np.arange(states).reshape(1, -1)

    def phi(steps: np.ndarray) -> np.ndarray:
        counts = (steps + big_k) // d
        return cdf_with_zero[np.maximum(counts, -1) + 1]

    transition = phi(columns - rows) - phi(columns - rows - 1)
    transition[:, 0] = phi(-rows[:, 0])
    system = np.eye(states) - transition
    right = np.ones(states)
    # Forward elimination without pivoting, row by row, as the Fortran does.
    for column in range(states - 1):
        factors = system[column + 1 :, column] / system[column, column]
        system[column + 1 :, column + 1 :] -= np.outer(factors, system[column, column + 1 :])
        right[column + 1 :] -= factors * right[column]
    solution = np.zeros(states)
    for row in range(states - 1, -1, -1):
        known = system[row, row + 1 :] @ solution[row + 1 :]
        solution[row] = (right[row] - known) / system[row, row]
    return float(solution[0])


def design_poisson_cusum(
    *, ic_mean: float, oc_mean: float, arl_target: float, reference_value: float
) -> PoissonCusumDesign:
    """CUSUMdesign 1.1.5 ``getH(distr = 3, ref, ICmean, OOCmean, ARL, type = "Z")`` (docs/rules/surveillance.md §1.2.3).

    Widen a bracket [lo, hi] of grid steps until ARL(hi/d) exceeds the target, then bisect to
    the smallest hi reaching it. Raises :class:`DesignFailedError` when the bracket passes 256
    steps, after 40 widenings, after 20 bisections, or when a bisection ARL lands within
    0.1 % of the target (which sends MOSS on to its next candidate).
    """
    grid = getden(reference_value)
    d, k = grid.denrat, grid.k

    def arl(steps: int, mean: float = ic_mean) -> float:
        return poisson_cusum_arl(mean=mean, k=k, h=steps / d, denrat=d)

    step = min(int(ic_mean / 2 + 1) * d, SEARCH_MAX_STEP)
    lo = 0
    for _ in range(SEARCH_MAX_ITERATIONS):
        step = min(SEARCH_MAX_STEP, step + SEARCH_STEP_INCREMENT)
        hi = lo + step
        if hi > SEARCH_MAX_STATES:
            raise DesignFailedError(f"no h below {SEARCH_MAX_STATES}/{d} reaches ARL {arl_target}")
        if arl(hi) > arl_target:
            break
        lo = hi
    else:
        raise DesignFailedError(f"no bracket for ARL {arl_target} after {SEARCH_MAX_ITERATIONS} steps")

    for _ in range(BISECTION_MAX_ITERATIONS):
        if hi - lo == 1:
            return PoissonCusumDesign(
                ic_mean=ic_mean,
                oc_mean=oc_mean,
                arl_target=arl_target,
                candidate=reference_value,
                denrat=d,
                k=k,
                h=hi / d,
                in_control_arl=arl(hi),
                out_of_control_arl=arl(hi, oc_mean),
            )
        middle = max(lo + 1, min(hi - 1, math.trunc((lo + hi + 1) / 2)))
        middle_arl = arl(middle)
        if middle_arl < arl_target:
            lo = middle
        else:
            hi = middle
        if abs(middle_arl / arl_target - 1) < BISECTION_FAIL_TOLERANCE:
            raise DesignFailedError(f"ARL {middle_arl} at h = {middle}/{d} is within 0.1% of the target {arl_target}")
    raise DesignFailedError(f"bisection did not converge in {BISECTION_MAX_ITERATIONS} steps")


def expected_events(*, reference_rate: float, denominator: float) -> float:
    """IC: expected events per month, R-rounded to 2 decimals (docs/rules/surveillance.md §1.2)."""
    return round_r(reference_rate * denominator, digits=IC_DECIMALS)


def unrounded_reference_value(ic_mean: float) -> float:
    """k_u = (OC − IC) / (ln OC − ln IC) with OC = 2·IC (docs/rules/surveillance.md §1.2)."""
    oc_mean = OUT_OF_CONTROL_FACTOR * ic_mean
    return (oc_mean - ic_mean) / (math.log(oc_mean) - math.log(ic_mean))


def reference_value_candidates(ic_mean: float) -> tuple[float, ...]:
    """k_u rounded to 0.01, 0.1, 0.2 and 0.5, in the order MOSS tries them (docs/rules/surveillance.md §1.2).

    ``round`` here is R's ``round(x)``: half to even, which Python's ``round`` also is.
    """
    k_u = unrounded_reference_value(ic_mean)
    return tuple(round(k_u / step) * step for step in CANDIDATE_STEPS)


def design_with_candidates(*, ic_mean: float, arl_target: float) -> PoissonCusumDesign:
    """The design of the first of the four candidate reference values that does not fail
    (docs/rules/surveillance.md §1.2).

    Raises :class:`DesignFailedError` naming every candidate's failure when all four fail.
    """
    oc_mean = OUT_OF_CONTROL_FACTOR * ic_mean
    reasons = []
    for candidate in reference_value_candidates(ic_mean):
        try:
            return design_poisson_cusum(
                ic_mean=ic_mean, oc_mean=oc_mean, arl_target=arl_target, reference_value=candidate
            )
        except DesignFailedError as error:
            reasons.append(f"k {candidate}: {error}")
    raise DesignFailedError(f"every candidate failed for IC {ic_mean}, ARL {arl_target} ({'; '.join(reasons)})")


@lru_cache(maxsize=1024)
def moss_thresholds(ic_mean: float) -> MossThresholds:
    """k, h1 and h2 for a site-year whose expected events per month is ``ic_mean`` (docs/rules/surveillance.md §1.2).

    Level 1 (ARL 20) and level 2 (ARL 100) each use the first candidate whose design does
    not fail, independently; k is level 1's. Raises :class:`DesignFailedError` when all
    four candidates fail for either level, and ``ValueError`` when ``ic_mean`` is not
    positive (a site whose IC rounds to 0.00 has too few births to monitor).
    """
    if not ic_mean > 0:
        raise ValueError(f"the in-control mean must be positive, not {ic_mean}")
    level1 = design_with_candidates(ic_mean=ic_mean, arl_target=LEVEL1_ARL)
    level2 = design_with_candidates(ic_mean=ic_mean, arl_target=LEVEL2_ARL)
    return MossThresholds(
        ic=ic_mean,
        oc=OUT_OF_CONTROL_FACTOR * ic_mean,
        k=level1.k,
        h1=round_r(level1.h, digits=THRESHOLD_DECIMALS),
        h2=round_r(level2.h, digits=THRESHOLD_DECIMALS),
        level1=level1,
        level2=level2,
    )
