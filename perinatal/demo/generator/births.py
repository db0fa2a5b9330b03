"""Deliveries (one per mother and birth event) and babies, as numpy arrays.

Everything is drawn in whole arrays from one `numpy.random.Generator`, so the same seed,
sites and period always give the same population, in the same order.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import parameters as p
from .period import DemoPeriod
from .site_table import SiteTable

# Deliveries are drawn this many days beyond the end, so that women admitted for induction
# near the end whose babies are born later are in inductions.csv (and no births.csv row).
EXTRA_DAYS = 7
MAX_WEEK = 43


@dataclass(frozen=True)
class Deliveries:
    """One row per delivery, ordered by day then site; day indices count from period.start."""

    day: np.ndarray
    site: np.ndarray
    plurality: np.ndarray
    gestation_days: np.ndarray  # true gestation, also where it is recorded as unknown
    gestation_known: np.ndarray
    mother_age: np.ndarray  # -1 = unknown
    ethnic_group: np.ndarray  # index into parameters.ETHNIC_GROUPS
    imd_quintile: np.ndarray  # 1..5, 0 = unknown
    onset: np.ndarray  # index into parameters.ONSET_VALUES
    blood_loss_ml: np.ndarray  # -1 = unknown

    def __len__(self) -> int:
        return int(self.day.size)


@dataclass(frozen=True)
class Babies:
    """One row per baby of the deliveries up to the end of the period, in delivery order."""

    delivery: np.ndarray  # index into the Deliveries (which are in birth order)
    day: np.ndarray
    site: np.ndarray
    gestation_days: np.ndarray  # recorded: -1 = unknown
    true_gestation_days: np.ndarray
    birth_weight_g: np.ndarray  # -1 = unknown
    stillbirth: np.ndarray
    termination: np.ndarray
    death_day: np.ndarray  # day index of neonatal death, -1 = none (or not yet known)
    multiple: np.ndarray

    def __len__(self) -> int:
        return int(self.day.size)


def _by_week(mapping: Mapping[tuple[int, int], float], default: float = 0.0) -> np.ndarray:
    """Probability per completed week 0..MAX_WEEK from a (first, last) week band mapping."""
    table = np.full(MAX_WEEK + 1, default, dtype=float)
    for (first, last), value in mapping.items():
        table[first : last + 1] = value
    return table


def _inverse_cdf(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(weights / weights.sum())
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, u, side="right")


def _inverse_cdf_by_group(u: np.ndarray, group: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Categorical draw per row from its group's distribution: `cumulative` is
    (groups, k) with last column 1; one group at a time, so memory stays O(n)."""
    result = np.zeros(u.size, dtype=np.int64)
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(cumulative.shape[0] + 1))
    for index in range(cumulative.shape[0]):
        rows = order[bounds[index] : bounds[index + 1]]
        result[rows] = np.searchsorted(cumulative[index, :-1], u[rows], side="right")
    return result


def daily_volume_factor(period: DemoPeriod, days: int) -> np.ndarray:
    """Seasonality × weekday × trend for each day index 0..days-1 (mean about 1)."""
    reference = dt.date(*p.TREND_REFERENCE_DATE)
    factors = np.empty(days, dtype=float)
    for index in range(days):
        day = period.start + dt.timedelta(days=index)
        day_of_year = day.timetuple().tm_yday
        season = 1.0 + p.SEASONAL_AMPLITUDE * math.cos(
            2.0 * math.pi * (day_of_year - p.SEASONAL_PEAK_DAY_OF_YEAR) / p.DAYS_PER_YEAR
        )
        trend = (1.0 + p.ANNUAL_TREND) ** ((day - reference).days / p.DAYS_PER_YEAR)
        factors[index] = season * p.WEEKDAY_FACTOR[day.weekday()] * trend
    return factors


def _gestation(rng: np.random.Generator, plurality: np.ndarray) -> np.ndarray:
    weeks_single = np.array(sorted(p.SINGLETON_GESTATION_WEEKS))
    weeks_multiple = np.array(sorted(p.MULTIPLE_GESTATION_WEEKS))
    u = rng.random(plurality.size)
    within_week = rng.integers(0, 7, plurality.size)
    single = weeks_single[_inverse_cdf(u, np.array([p.SINGLETON_GESTATION_WEEKS[w] for w in weeks_single]))]
    multiple = weeks_multiple[_inverse_cdf(u, np.array([p.MULTIPLE_GESTATION_WEEKS[w] for w in weeks_multiple]))]
    weeks = np.where(plurality > 1, multiple, single)
    return weeks * 7 + within_week


def _transfer_extremely_preterm(
    rng: np.random.Generator, *, sites: SiteTable, day: np.ndarray, site: np.ndarray, gestation: np.ndarray
) -> np.ndarray:
    """Move most births below 27+0 weeks at non-NICU sites to a NICU site of the same
    neonatal network (in-utero transfer), when that site is open on the day."""
    site = site.copy()
    movers = np.flatnonzero(
        (gestation < p.GA_EXTREMELY_PRETERM)
        & ~sites.nicu[site]
        & (rng.random(site.size) < p.EXTREMELY_PRETERM_TRANSFER_SHARE)
    )
    networks = np.array(sites.network, dtype=object)
    for network in sorted(set(sites.network)):
        targets = np.flatnonzero(sites.nicu & (networks == network))
        group = movers[networks[site[movers]] == network]
        if targets.size == 0 or group.size == 0:
            continue
        chosen = targets[_inverse_cdf(rng.random(group.size), sites.annual_deliveries[targets])]
        open_then = (day[group] >= sites.first_day[chosen]) & (day[group] < sites.end_day[chosen])
        site[group[open_then]] = chosen[open_then]
    return site


def _trust_mix(rng: np.random.Generator, base: np.ndarray, concentration: float, trusts: int) -> np.ndarray:
    """(trusts, k) cumulative shares drawn around `base` (rows of base per trust)."""
    shares = np.vstack([rng.dirichlet(base[t] * concentration) for t in range(trusts)])
    cumulative = np.cumsum(shares, axis=1)
    cumulative[:, -1] = 1.0
    return cumulative


def generate_deliveries(rng: np.random.Generator, *, sites: SiteTable, period: DemoPeriod) -> Deliveries:
    """Deliveries on days 0 … period.days + EXTRA_DAYS − 1, ordered by day then site."""
    total_days = period.days + EXTRA_DAYS
    days = np.arange(total_days)
    expected = (
        daily_volume_factor(period, total_days)[:, None]
        * (sites.annual_deliveries / p.DAYS_PER_YEAR)[None, :]
        * sites.open_mask(days)
    )
    counts = rng.poisson(expected).ravel()
    cell = np.repeat(np.arange(counts.size), counts)
    site_count = len(sites.sites)
    day = cell // site_count
    site = cell % site_count
    n = day.size

    u = rng.random(n)
    plurality = 1 + (u < p.TWIN_SHARE + p.TRIPLET_SHARE).astype(np.int64) + (u < p.TRIPLET_SHARE)
    gestation = _gestation(rng, plurality)
    gestation_known = rng.random(n) >= p.UNKNOWN_GESTATION_SHARE
    site = _transfer_extremely_preterm(rng, sites=sites, day=day, site=site, gestation=gestation)
    order = np.lexsort((site, day))
    day, site, plurality = day[order], site[order], plurality[order]
    gestation, gestation_known = gestation[order], gestation_known[order]
    trust = sites.trust_index[site]
    trust_count = len(sites.trust_codes)

    regions = [sites.trusts[code].region_code for code in sites.trust_codes]
    ethnic_base = np.array([p.ETHNICITY_BY_REGION.get(r, p.ETHNICITY_ENGLAND) for r in regions])
    ethnic_cdf = _trust_mix(rng, ethnic_base, p.ETHNICITY_CONCENTRATION, trust_count)
    ethnic_group = _inverse_cdf_by_group(rng.random(n), trust, ethnic_cdf)

    imd_base = np.tile(np.array(p.IMD_QUINTILE_SHARES), (trust_count, 1))
    imd_cdf = _trust_mix(rng, imd_base, p.IMD_CONCENTRATION, trust_count)
    imd_quintile = 1 + _inverse_cdf_by_group(rng.random(n), trust, imd_cdf)
    imd_quintile[rng.random(n) < p.UNKNOWN_IMD_SHARE] = 0

    bands = list(p.MOTHER_AGE_BANDS)
    band = _inverse_cdf(rng.random(n), np.array([p.MOTHER_AGE_BANDS[b] for b in bands], dtype=float))
    band_low = np.array([b[0] for b in bands])[band]
    band_high = np.array([b[1] for b in bands])[band]
    mother_age = band_low + (rng.random(n) * (band_high - band_low + 1)).astype(np.int64)
    mother_age[rng.random(n) < p.UNKNOWN_MOTHER_AGE_SHARE] = -1

    weeks = np.minimum(gestation // 7, MAX_WEEK)
    onset_table = np.zeros((MAX_WEEK + 1, len(p.ONSET_VALUES)))
    for (first, last), shares in p.ONSET_BY_WEEKS.items():
        onset_table[first : last + 1] = shares
    onset_cdf = np.cumsum(onset_table, axis=1)
    onset_cdf[:, -1] = 1.0
    onset = _inverse_cdf_by_group(rng.random(n), weeks, onset_cdf)

    trust_blood_loss = np.exp(rng.normal(0.0, p.TRUST_BLOOD_LOSS_LOG_SD, trust_count))
    blood_loss = (
        p.BLOOD_LOSS_MEDIAN_ML
        * trust_blood_loss[trust]
        * np.where(plurality > 1, p.MULTIPLE_BLOOD_LOSS_FACTOR, 1.0)
        * np.exp(rng.normal(0.0, p.BLOOD_LOSS_LOG_SD, n))
    )
    step = p.BLOOD_LOSS_ROUNDING_ML
    blood_loss_ml = np.clip(np.rint(blood_loss / step) * step, p.MIN_BLOOD_LOSS_ML, p.MAX_BLOOD_LOSS_ML)
    blood_loss_ml = blood_loss_ml.astype(np.int64)
    blood_loss_ml[rng.random(n) < p.UNKNOWN_BLOOD_LOSS_SHARE] = -1

    return Deliveries(
        day=day,
        site=site,
        plurality=plurality,
        gestation_days=gestation,
        gestation_known=gestation_known,
        mother_age=mother_age,
        ethnic_group=ethnic_group,
        imd_quintile=imd_quintile,
        onset=onset,
        blood_loss_ml=blood_loss_ml,
    )


def signal_start(period: DemoPeriod) -> dt.date:
    """First day of the worse period at the signal sites: the 1st of the month
    SIGNAL_MONTHS − 1 months before the end's month (not before the period's start)."""
    index = period.end.year * 12 + period.end.month - 1 - (p.SIGNAL_MONTHS - 1)
    return max(dt.date(index // 12, index % 12 + 1, 1), period.start)


def _median_weight(gestation_days: np.ndarray) -> np.ndarray:
    weeks = np.array(sorted(p.MEDIAN_WEIGHT_G_BY_WEEK), dtype=float)
    medians = np.array([p.MEDIAN_WEIGHT_G_BY_WEEK[int(w)] for w in weeks], dtype=float)
    return np.interp(gestation_days / 7.0, weeks, medians)


def generate_babies(
    rng: np.random.Generator, *, deliveries: Deliveries, sites: SiteTable, period: DemoPeriod
) -> Babies:
    """Babies of the deliveries born on or before period.end, with outcomes."""
    last_day = period.days - 1
    in_period = np.flatnonzero(deliveries.day <= last_day)
    delivery = np.repeat(in_period, deliveries.plurality[in_period])
    n = delivery.size
    day = deliveries.day[delivery]
    site = deliveries.site[delivery]
    gestation = deliveries.gestation_days[delivery]
    known = deliveries.gestation_known[delivery]
    multiple = deliveries.plurality[delivery] > 1
    weeks = np.minimum(gestation // 7, MAX_WEEK)

    trust_risk = np.exp(rng.normal(0.0, p.TRUST_RISK_LOG_SD, len(sites.trust_codes)))
    ethnic_risk = np.array([p.RISK_BY_ETHNIC_GROUP[g] for g in p.ETHNIC_GROUPS])
    imd_risk = np.array([p.RISK_BY_IMD_QUINTILE[q] for q in range(6)])
    modifier = (
        trust_risk[sites.trust_index[site]]
        * ethnic_risk[deliveries.ethnic_group[delivery]]
        * imd_risk[deliveries.imd_quintile[delivery]]
    )
    if n:
        modifier /= modifier.mean()
    signal_sites = np.isin(np.array(sites.codes, dtype=object), np.array(p.SIGNAL_SITES, dtype=object))
    signal = signal_sites[site] & (day >= period.day_index(signal_start(period))) & known & (gestation >= p.GA_TERM)
    modifier = np.where(signal, modifier * p.SIGNAL_RATE_RATIO, modifier)

    termination_risk = _by_week(p.TERMINATION_RISK_BY_WEEKS)[weeks]
    stillbirth_risk = _by_week(p.STILLBIRTH_RISK_BY_WEEKS)[weeks] * modifier
    u = rng.random(n)
    termination = u < termination_risk
    stillbirth = u < termination_risk + stillbirth_risk
    death_risk = _by_week(p.NEONATAL_DEATH_RISK_BY_WEEKS)[weeks] * modifier
    dies = ~stillbirth & (rng.random(n) < death_risk)
    age_at_death = _inverse_cdf(rng.random(n), np.array(p.NEONATAL_DEATH_DAY_WEIGHTS))
    death_day = np.where(dies, day + age_at_death, -1)
    death_day[death_day > last_day] = -1  # not yet known at the end of the period

    weight = (
        _median_weight(gestation)
        * np.where(multiple, p.MULTIPLE_WEIGHT_FACTOR, 1.0)
        * np.where(stillbirth, p.STILLBIRTH_WEIGHT_FACTOR, 1.0)
        * np.exp(rng.normal(0.0, p.WEIGHT_LOG_SD, n))
    )
    weight = np.clip(np.rint(weight), p.MIN_WEIGHT_G, p.MAX_WEIGHT_G).astype(np.int64)
    # Unknown gestation: only babies of 400 g or more belong in births.csv (docs/rules/dashboard.md §1).
    weight = np.where(known, weight, np.maximum(weight, p.INCLUSION_WEIGHT_G))
    weight[known & (rng.random(n) < p.UNKNOWN_WEIGHT_SHARE)] = -1

    return Babies(
        delivery=delivery,
        day=day,
        site=site,
        gestation_days=np.where(known, gestation, -1),
        true_gestation_days=gestation,
        birth_weight_g=weight,
        stillbirth=stillbirth,
        termination=termination,
        death_day=death_day,
        multiple=multiple,
    )
