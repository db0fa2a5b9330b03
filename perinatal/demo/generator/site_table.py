"""The synthetic sites of the demo, as arrays the generators index by site number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from perinatal.demo.synthetic_sites import (
    NEONATAL_LEVEL_NICU,
    SyntheticSite,
    SyntheticUnit,
    TrustReference,
    merger_of,
    site_trust_on,
    synthetic_sites_between,
    synthetic_units,
    trust_references,
)

from . import parameters as p
from .period import DemoPeriod


@dataclass(frozen=True)
class SiteTable:
    """Sites ordered by site code; index i of every array is site i."""

    sites: tuple[SyntheticSite, ...]
    units: tuple[SyntheticUnit, ...]
    trusts: Mapping[str, TrustReference]
    annual_deliveries: np.ndarray  # float, this site's deliveries a year
    first_day: np.ndarray  # int, first day index open (may be negative)
    end_day: np.ndarray  # int, first day index closed (large when open)
    nicu: np.ndarray  # bool, the site's neonatal unit is a NICU
    network: tuple[str, ...]  # neonatal network (or region) the site belongs to
    trust_index: np.ndarray  # int, index into trust_codes (the site's own trust)
    trust_codes: tuple[str, ...]
    transfer_day: np.ndarray  # int, first day index under the receiving trust (large if none)
    receiving_trust: tuple[str, ...]  # trust after the transfer ("" if none)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(site.site_code for site in self.sites)

    def trust_code_column(self, site: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Code of the trust each (site, day) belongs to: a merged trust's sites name the
        receiving trust from the merger's first day."""
        own = np.array([s.trust_code for s in self.sites], dtype=object)[site]
        receiving = np.array(self.receiving_trust, dtype=object)[site]
        return np.where(day >= self.transfer_day[site], receiving, own)

    def trust_code_on(self, site_index: int, day: dt.date) -> str:
        return site_trust_on(self.sites[site_index], day)

    def open_mask(self, days: np.ndarray) -> np.ndarray:
        """(len(days), sites) boolean: site open on each day index."""
        return (days[:, None] >= self.first_day[None, :]) & (days[:, None] < self.end_day[None, :])


def _trust_deliveries(trust: TrustReference) -> float:
    return float(trust.deliveries if trust.deliveries is not None else p.DELIVERIES_WHEN_MISSING)


def site_table(
    *,
    trusts_rows: Iterable[Mapping[str, str]],
    period: DemoPeriod,
    trust_codes: Sequence[str] | None = None,
) -> SiteTable:
    """Sites of the trusts providing births and open during `period` (all of them, or only
    `trust_codes`)."""
    references = trust_references(trusts_rows)
    if trust_codes is not None:
        wanted = set(trust_codes)
        unknown = sorted(wanted - {trust.org_code for trust in references})
        if unknown:
            raise ValueError(f"unknown trust codes: {', '.join(unknown)}")
        references = [trust for trust in references if trust.org_code in wanted]
    by_code = {trust.org_code: trust for trust in references}
    sites = synthetic_sites_between(trusts=references, start=period.start, end=period.end)
    units = synthetic_units(sites=sites, comparator_groups={code: t.comparator_group for code, t in by_code.items()})
    nicu_sites = {u.site_code for u in units if u.neonatal_level == NEONATAL_LEVEL_NICU}
    site_trusts = tuple(dict.fromkeys(site.trust_code for site in sites))
    far = period.days + 10_000
    return SiteTable(
        sites=tuple(sites),
        units=tuple(units),
        trusts={code: by_code[code] for code in site_trusts},
        annual_deliveries=np.array(
            [_trust_deliveries(by_code[s.trust_code]) * s.deliveries_share for s in sites], dtype=float
        ),
        first_day=np.array([max(period.day_index(s.opened_on), -far) for s in sites], dtype=np.int64),
        end_day=np.array([period.day_index(s.closed_on) if s.closed_on else far for s in sites], dtype=np.int64),
        nicu=np.array([s.site_code in nicu_sites for s in sites], dtype=bool),
        network=tuple(by_code[s.trust_code].neonatal_network or by_code[s.trust_code].region_code for s in sites),
        trust_index=np.array([site_trusts.index(s.trust_code) for s in sites], dtype=np.int64),
        trust_codes=site_trusts,
        transfer_day=np.array(
            [period.day_index(m.first_day) if (m := merger_of(s.trust_code)) else far for s in sites],
            dtype=np.int64,
        ),
        receiving_trust=tuple(m.receiving if (m := merger_of(s.trust_code)) else "" for s in sites),
    )
