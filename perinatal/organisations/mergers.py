"""Trust mergers the organisation register records, as dated facts (framework-free).

One list, read by the register (its sites move to the receiving trust on the first day) and
by the demo data generator (synthetic births follow the same transfer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TrustMerger:
    closing: str
    receiving: str
    first_day: dt.date  # first day the closing trust's sites belong to the receiving trust


# North Bristol merged into Bristol: ODS close date 30 June 2026 (its last day), so its sites
# belong to Bristol from 1 July 2026.
TRUST_MERGERS: tuple[TrustMerger, ...] = (TrustMerger("RVJ", "RA7", dt.date(2026, 7, 1)),)
