"""Babies born below 34+0 weeks admitted to neonatal care (docs/rules/dashboard.md §1
`neonatal_care.csv`, docs/rules/dashboard.md §3.7 optimal perinatal care).

Live-born babies with a recorded gestation below 238 days are admitted (fewer at 22–23
weeks, where comfort care is common). Each trust has a care-quality effect on the logit
scale, so components go together within a trust; component probabilities are in
`parameters`. `born_in_nicu_site` follows the site of birth's neonatal level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import parameters as p
from .births import Babies
from .site_table import SiteTable


@dataclass(frozen=True)
class NeonatalCare:
    """One row per admitted baby, in births order; `baby` indexes the Babies arrays.
    Every optional field has a matching `*_unknown` mask."""

    baby: np.ndarray
    antenatal_steroids: np.ndarray
    steroids_unknown: np.ndarray
    antenatal_magnesium: np.ndarray
    magnesium_unknown: np.ndarray
    born_in_nicu_site: np.ndarray
    cord_clamping_seconds: np.ndarray
    cord_clamping_unknown: np.ndarray
    admission_temperature_c: np.ndarray  # tenths of a degree, e.g. 369 for 36.9
    temperature_unknown: np.ndarray
    temperature_within_hour: np.ndarray
    within_hour_unknown: np.ndarray
    breastmilk_day_1_2: np.ndarray
    breastmilk_unknown: np.ndarray

    def __len__(self) -> int:
        return int(self.baby.size)


def _happens(rng: np.random.Generator, base: np.ndarray, quality: np.ndarray) -> np.ndarray:
    logits = np.log(base / (1.0 - base)) + quality
    return rng.random(base.size) < 1.0 / (1.0 + np.exp(-logits))


def generate_neonatal_care(rng: np.random.Generator, *, babies: Babies, sites: SiteTable) -> NeonatalCare:
    gestation = babies.gestation_days
    candidates = np.flatnonzero(~babies.stillbirth & (gestation >= 0) & (gestation < p.GA_NEONATAL_CARE))
    weeks = gestation[candidates] // 7
    admission = np.full(candidates.size, p.NEONATAL_ADMISSION_OTHERWISE)
    for week, share in p.NEONATAL_ADMISSION_BY_WEEK.items():
        admission[weeks == week] = share
    baby = candidates[rng.random(candidates.size) < admission]
    n = baby.size
    ga = gestation[baby]
    site = babies.site[baby]
    trust_quality = rng.normal(0.0, p.TRUST_CARE_QUALITY_LOGIT_SD, len(sites.trust_codes))
    quality = trust_quality[sites.trust_index[site]]

    def unknown() -> np.ndarray:
        return rng.random(n) < p.CARE_UNKNOWN_SHARE

    steroids_base = np.where(ga >= p.GA_STEROIDS_FROM, p.STEROIDS_ELIGIBLE_MET, p.STEROIDS_BELOW_ELIGIBLE)
    magnesium_base = np.where(ga < p.GA_MAGNESIUM_BELOW, p.MAGNESIUM_ELIGIBLE_MET, p.MAGNESIUM_ABOVE_ELIGIBLE)
    steroids = _happens(rng, steroids_base, quality)
    magnesium = _happens(rng, magnesium_base, quality)
    deferred = _happens(rng, np.full(n, p.CORD_CLAMPING_DEFERRED), quality)
    deferred_seconds = np.array(p.DEFERRED_CLAMPING_SECONDS)[rng.integers(0, len(p.DEFERRED_CLAMPING_SECONDS), n)]
    immediate_seconds = np.array(p.IMMEDIATE_CLAMPING_SECONDS)[rng.integers(0, len(p.IMMEDIATE_CLAMPING_SECONDS), n)]
    temperature = np.rint(
        10.0 * rng.normal(p.ADMISSION_TEMPERATURE_MEAN_C + 0.1 * quality, p.ADMISSION_TEMPERATURE_SD_C, n)
    ).astype(np.int64)
    within_hour = _happens(rng, np.full(n, p.TEMPERATURE_WITHIN_HOUR), quality)
    breastmilk = _happens(rng, np.full(n, p.BREASTMILK_DAY_1_2), quality)
    return NeonatalCare(
        baby=baby,
        antenatal_steroids=steroids,
        steroids_unknown=unknown(),
        antenatal_magnesium=magnesium,
        magnesium_unknown=unknown(),
        born_in_nicu_site=sites.nicu[site],
        cord_clamping_seconds=np.where(deferred, deferred_seconds, immediate_seconds),
        cord_clamping_unknown=unknown(),
        admission_temperature_c=temperature,
        temperature_unknown=unknown(),
        temperature_within_hour=within_hour,
        within_hour_unknown=unknown(),
        breastmilk_day_1_2=breastmilk,
        breastmilk_unknown=unknown(),
    )
