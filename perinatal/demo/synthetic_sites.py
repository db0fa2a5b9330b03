"""Synthetic maternity sites and units for demo data.

No public list of maternity *sites* (ODS site codes) or units exists (`docs/rules/data-sources.md`, "What is
not here"), so demo data invents them from the trust reference file
`trusts-maternity-reference.csv`, every name clearly marked "(synthetic)".

Rules (all deterministic, no randomness):
- A trust gets sites when it provides births (`provides_births_evidence` = "True").
- Site count from the trust's MSDS 2022-23 deliveries: under 6,000 -> 1 site, under 10,000
  -> 2, otherwise 3; a trust with no deliveries figure gets 1 site (`SITE_COUNT_*`).
- Site codes are the trust code followed by 01, 02, 03 (e.g. `R0A01`), the pattern
  `docs/rules/data-sources.md` suggests; the first site is the largest (`SITE_SHARES`).
- Every site has an obstetric unit `<site>-OBS`; the second and third sites of a multi-site
  trust also have an alongside midwifery-led unit `<site>-MLU`; every site has a neonatal
  unit `<site>-NNU` (docs/rules/dashboard.md §1 `units.csv`).
- Neonatal level: the first site of a trust whose MBRRACE-UK comparator group mentions
  "Level 3 NICU" is a NICU; its other sites are local neonatal units (LNU). The first site
  of another trust is an LNU when its comparator group is "4,000 or more births", else a
  special care unit (SCU); other sites are SCUs.
- Dates: ODS gives a trust's open date and its close date, which is the *last* day the trust
  operated (Brighton and Sussex RXH closes 2021-03-31, its successor RYR takes over on
  2021-04-01). A unit's `opened_on` is the trust's open date and its `closed_on` the first
  day closed: the day after the ODS close date.
- Mergers the organisation register records (`TRUST_MERGERS`: North Bristol RVJ into
  Bristol RA7, docs/rules/dashboard.md §1): the closing trust's sites stay open and belong to the
  receiving trust from the merger's first day (`site_trust_on`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from perinatal.organisations.mergers import TRUST_MERGERS, TrustMerger
from perinatal.organisations.names import title_case

SITE_COUNT_ONE_BELOW = 6_000
SITE_COUNT_TWO_BELOW = 10_000
SITE_COUNT_WHEN_DELIVERIES_MISSING = 1
SITE_SHARES: Mapping[int, tuple[float, ...]] = {1: (1.0,), 2: (0.6, 0.4), 3: (0.5, 0.3, 0.2)}
SYNTHETIC_MARK = "(synthetic)"
NICU_COMPARATOR_MARK = "Level 3 NICU"
LARGE_UNIT_COMPARATOR_GROUP = "4,000 or more births"

UNIT_TYPE_OBSTETRIC = "obstetric"
UNIT_TYPE_MIDWIFERY_LED = "midwifery_led"
UNIT_TYPE_NEONATAL = "neonatal"
NEONATAL_LEVEL_NICU = "NICU"
NEONATAL_LEVEL_LNU = "LNU"
NEONATAL_LEVEL_SCU = "SCU"
UNIT_SUFFIX = {UNIT_TYPE_OBSTETRIC: "OBS", UNIT_TYPE_MIDWIFERY_LED: "MLU", UNIT_TYPE_NEONATAL: "NNU"}

_MERGER_OF = {merger.closing: merger for merger in TRUST_MERGERS}


@dataclass(frozen=True)
class TrustReference:
    """One row of `trusts-maternity-reference.csv`, the columns synthetic sites need."""

    org_code: str
    name: str
    opened_on: dt.date
    last_open_on: dt.date | None  # the ODS close date: the last day the trust operated
    provides_births: bool
    deliveries: int | None  # MSDS 2022-23 total deliveries, rounded to 5
    comparator_group: str
    region_code: str
    neonatal_network: str

    def is_open_on(self, day: dt.date) -> bool:
        return self.opened_on <= day and (self.last_open_on is None or day <= self.last_open_on)


@dataclass(frozen=True)
class SyntheticSite:
    site_code: str
    trust_code: str
    name: str
    deliveries_share: float  # this site's share of its trust's deliveries
    opened_on: dt.date
    closed_on: dt.date | None  # first day closed; None = open


@dataclass(frozen=True)
class SyntheticUnit:
    unit_code: str
    site_code: str
    trust_code: str
    unit_type: str
    neonatal_level: str  # "" unless unit_type is neonatal
    opened_on: dt.date
    closed_on: dt.date | None


def parse_ods_date(text: str) -> dt.date | None:
    """`YYYYMMDD` (ODS) or empty -> date or None."""
    text = text.strip()
    if not text:
        return None
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def trust_references(rows: Iterable[Mapping[str, str]]) -> list[TrustReference]:
    """Parse reference rows (dicts as read by `csv.DictReader`), ordered by trust code."""
    trusts = []
    for row in rows:
        opened_on = parse_ods_date(row["open_date"])
        deliveries_text = (row.get("msds_2022_23_total_deliveries_rounded") or "").strip()
        trusts.append(
            TrustReference(
                org_code=row["org_code"].strip(),
                name=row["org_name_ods"].strip(),
                opened_on=opened_on if opened_on is not None else dt.date.min,
                last_open_on=parse_ods_date(row.get("close_date_ods_2026_07") or ""),
                provides_births=(row.get("provides_births_evidence") or "").strip() == "True",
                deliveries=int(deliveries_text) if deliveries_text else None,
                comparator_group=(row.get("mbrrace_comparator_group") or "").strip(),
                region_code=(row.get("nhser_ods_code") or "").strip(),
                neonatal_network=(row.get("neonatal_network_mbrrace") or "").strip(),
            )
        )
    return sorted(trusts, key=lambda trust: trust.org_code)


def site_count(deliveries: int | None) -> int:
    """Number of synthetic sites for a trust with this many deliveries a year."""
    if deliveries is None:
        return SITE_COUNT_WHEN_DELIVERIES_MISSING
    if deliveries < SITE_COUNT_ONE_BELOW:
        return 1
    if deliveries < SITE_COUNT_TWO_BELOW:
        return 2
    return 3


def _sites_of(trust: TrustReference) -> list[SyntheticSite]:
    count = site_count(trust.deliveries)
    closed_on = trust.last_open_on + dt.timedelta(days=1) if trust.last_open_on else None
    if trust.org_code in _MERGER_OF:
        closed_on = None  # the sites carry on under the receiving trust
    trust_name = title_case(trust.name)
    return [
        SyntheticSite(
            site_code=f"{trust.org_code}{number:02d}",
            trust_code=trust.org_code,
            name=f"{trust_name} site {number} {SYNTHETIC_MARK}",
            deliveries_share=share,
            opened_on=trust.opened_on,
            closed_on=closed_on,
        )
        for number, share in enumerate(SITE_SHARES[count], start=1)
    ]


def _as_references(trusts: Iterable[Mapping[str, str] | TrustReference]) -> list[TrustReference]:
    trusts = list(trusts)
    parsed = [t for t in trusts if isinstance(t, TrustReference)]
    parsed += trust_references(t for t in trusts if not isinstance(t, TrustReference))
    return sorted(parsed, key=lambda trust: trust.org_code)


def synthetic_sites(*, trusts: Iterable[Mapping[str, str] | TrustReference], on: dt.date) -> list[SyntheticSite]:
    """Sites of every trust that provides births and is open on `on`, ordered by site code."""
    return synthetic_sites_between(trusts=trusts, start=on, end=on)


def synthetic_sites_between(
    *, trusts: Iterable[Mapping[str, str] | TrustReference], start: dt.date, end: dt.date
) -> list[SyntheticSite]:
    """Sites of every births-providing trust open on at least one day of [start, end]."""
    sites = []
    for trust in _as_references(trusts):
        open_in_range = trust.opened_on <= end and (trust.last_open_on is None or trust.last_open_on >= start)
        if trust.provides_births and open_in_range:
            sites.extend(_sites_of(trust))
    return sorted(sites, key=lambda site: site.site_code)


def merger_of(trust_code: str) -> TrustMerger | None:
    """The merger that closed this trust, if the register records one."""
    return _MERGER_OF.get(trust_code)


def site_trust_on(site: SyntheticSite, day: dt.date) -> str:
    """The trust a site belongs to on a day (its own, or the receiving trust after a merger)."""
    merger = _MERGER_OF.get(site.trust_code)
    return merger.receiving if merger is not None and day >= merger.first_day else site.trust_code


def site_number(site: SyntheticSite) -> int:
    """1 for `R0A01`, 2 for `R0A02`: the digits after the trust code."""
    return int(site.site_code[len(site.trust_code) :])


def neonatal_level(*, site: SyntheticSite, comparator_group: str) -> str:
    """NICU / LNU / SCU by the rules in the module docstring."""
    first_site = site_number(site) == 1
    if NICU_COMPARATOR_MARK in comparator_group:
        return NEONATAL_LEVEL_NICU if first_site else NEONATAL_LEVEL_LNU
    if first_site and comparator_group == LARGE_UNIT_COMPARATOR_GROUP:
        return NEONATAL_LEVEL_LNU
    return NEONATAL_LEVEL_SCU


def synthetic_units(*, sites: Iterable[SyntheticSite], comparator_groups: Mapping[str, str]) -> list[SyntheticUnit]:
    """Units of each site (`comparator_groups`: trust code -> MBRRACE-UK comparator group),
    ordered by unit code."""
    units = []
    for site in sites:
        group = comparator_groups.get(site.trust_code, "")
        types = [UNIT_TYPE_OBSTETRIC, UNIT_TYPE_NEONATAL]
        if site_number(site) > 1:
            types.append(UNIT_TYPE_MIDWIFERY_LED)
        for unit_type in types:
            level = neonatal_level(site=site, comparator_group=group) if unit_type == UNIT_TYPE_NEONATAL else ""
            units.append(
                SyntheticUnit(
                    unit_code=f"{site.site_code}-{UNIT_SUFFIX[unit_type]}",
                    site_code=site.site_code,
                    trust_code=site.trust_code,
                    unit_type=unit_type,
                    neonatal_level=level,
                    opened_on=site.opened_on,
                    closed_on=site.closed_on,
                )
            )
    return sorted(units, key=lambda unit: unit.unit_code)
