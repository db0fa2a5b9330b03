"""Women admitted for induction of labour (docs/rules/dashboard.md §1 `inductions.csv`,
docs/rules/dashboard.md §3 metric 3).

Every delivery with onset `induced` had an induction: admitted at the hospital, induction
started after a delay (within 24 h for most women; delayed beyond 24 h for a trust-specific
10–20 % or so), and the baby born some hours later. Deliveries up to EXTRA_DAYS after the
end supply the women admitted near the end whose induction had not started by then
(`started_at` empty) or whose baby was not yet born.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import parameters as p
from .births import Deliveries
from .clock_changes import MINUTES_PER_DAY, avoid_clock_change_hour
from .period import DemoPeriod
from .site_table import SiteTable

INDUCED = p.ONSET_VALUES.index("induced")
MINUTES_PER_HOUR = 60


@dataclass(frozen=True)
class Inductions:
    """Ordered by admitted_at then site; minutes since period.start 00:00 local."""

    site: np.ndarray
    admitted_at: np.ndarray
    started_at: np.ndarray
    not_started: np.ndarray  # started_at empty: not started by the end of the period

    def __len__(self) -> int:
        return int(self.site.size)


def generate_inductions(
    rng: np.random.Generator, *, deliveries: Deliveries, sites: SiteTable, period: DemoPeriod
) -> Inductions:
    induced = np.flatnonzero(deliveries.onset == INDUCED)
    n = induced.size
    site = deliveries.site[induced]
    trust = sites.trust_index[site]
    born_at = deliveries.day[induced] * MINUTES_PER_DAY + rng.integers(0, MINUTES_PER_DAY, n)

    delayed_share = rng.beta(*p.DELAYED_SHARE_BETA, len(sites.trust_codes))
    delayed = rng.random(n) < delayed_share[trust]
    prompt = np.minimum(rng.exponential(p.PROMPT_START_MEAN_HOURS * MINUTES_PER_HOUR, n), 24 * 60 - 1)
    late = np.minimum(
        24 * 60 + 1 + rng.exponential(p.DELAY_BEYOND_24H_MEAN_HOURS * MINUTES_PER_HOUR, n),
        p.MAX_DELAY_HOURS * MINUTES_PER_HOUR,
    )
    delay = np.rint(np.where(delayed, late, prompt)).astype(np.int64)
    to_birth = np.minimum(
        p.INDUCTION_TO_BIRTH_MIN_HOURS + rng.gamma(*p.INDUCTION_TO_BIRTH_GAMMA, n),
        p.MAX_INDUCTION_TO_BIRTH_HOURS,
    )
    started_at = born_at - np.rint(to_birth * MINUTES_PER_HOUR).astype(np.int64)
    admitted_at = started_at - delay

    admitted_at = avoid_clock_change_hour(period, admitted_at)
    started_at = np.maximum(avoid_clock_change_hour(period, started_at), admitted_at)
    period_end = period.days * MINUTES_PER_DAY  # 00:00 on the day after the end
    keep = (admitted_at >= 0) & (admitted_at < period_end)
    order = np.lexsort((site[keep], admitted_at[keep]))
    site, admitted_at, started_at = site[keep][order], admitted_at[keep][order], started_at[keep][order]
    return Inductions(site=site, admitted_at=admitted_at, started_at=started_at, not_started=started_at >= period_end)
