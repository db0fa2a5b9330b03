"""scipy.stats and scipy.special, each imported when first used.

Importing scipy.stats takes 2–3 s. Every process that loads the models (each command, each web
worker) paid that at start-up though most never compute an interval or a funnel limit (issue 13:
`perinatal issue-api-token` took 6 s), so modules that need it call `scipy_stats()` inside the
function that computes, never at import.
"""

from __future__ import annotations

import functools


@functools.cache
def scipy_stats():
    from scipy import stats

    return stats


@functools.cache
def scipy_special():
    """scipy.special alone (its special functions, without the distributions)."""
    from scipy import special

    return special
