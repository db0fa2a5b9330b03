"""R's ``round(x, digits)`` exactly as the MOSS calculation uses it (docs/rules/surveillance.md §1.5).

NHS England's MOSS code runs in R, whose ``round`` is not Python's ``round``: for
``digits > 0`` it chooses between the two neighbouring decimals ``floor(x·p)/p`` and
``ceil(x·p)/p`` by their distance from ``x`` in double arithmetic, breaking exact ties
towards the even last digit. Reproducing it is what makes the in-control mean, ``h1``,
``h2`` and the CUSUM agree with NHS England's to the last digit.

Rounding half up for display is not done here; pages round for display themselves.
"""

from __future__ import annotations

import math

__all__ = ["round_r"]


def round_r(x: float, *, digits: int = 0) -> float:
    """Return R's ``round(x, digits)`` (docs/rules/surveillance.md §1.5).

    ``digits == 0`` is round half to even, as R (IEC 60559) does. For ``digits > 0``, with
    ``p = 10**digits``: ``xd = floor(x·p)/p`` and ``xu = ceil(x·p)/p``; return ``xu`` when it
    is nearer to ``x``, or equally near and ``floor(x·p)`` is odd; otherwise ``xd``.
    Non-finite values are returned unchanged.
    """
    if not math.isfinite(x):
        return x
    if digits < 0:
        raise ValueError(f"digits must be 0 or more, not {digits}")
    if digits == 0:
        return float(round(x))
    p = 10.0**digits
    scaled_down = math.floor(x * p)
    xd = scaled_down / p
    xu = math.ceil(x * p) / p
    # The comparison is made between the two distances in double arithmetic, in this order.
    distance_up = xu - x
    distance_down = x - xd
    if distance_up < distance_down or (distance_up == distance_down and scaled_down % 2 == 1):
        return xu
    return xd
