"""Parameters of the synthetic population, with where each figure comes from.

Targets (England, `docs/rules/data-sources.md` "Facts worth pinning"): MSDS 2022-23 531,000 deliveries and
537,125 babies; MBRRACE-UK stillbirths 3.22–3.35 per 1,000 total births and neonatal deaths
1.63–1.69 per 1,000 live births (births ≥ 24+0 weeks, terminations excluded); MSDS CQIM PPH
≥ 1,500 ml about 30 per 1,000 women. MSDS 2022-23 national distributions (gestation,
mother's age, ethnicity, deprivation, onset of labour) are in `msds/…2022-23.csv`.
Figures marked *illustrative* are plausible choices for demo data, not published values.
"""

from __future__ import annotations

from collections.abc import Mapping

from perinatal.kernel import clinical

# --- Volumes -------------------------------------------------------------------------
# A trust without an MSDS 2022-23 deliveries figure (it merged or closed around then)
# gets this many deliveries a year (Northern Devon RBZ had 1,275 in 2021-22). Illustrative.
DELIVERIES_WHEN_MISSING = 1_000
DAYS_PER_YEAR = 365.25
# Mild seasonality: births peak in late September (day of year ~265), ±3 %. Illustrative.
SEASONAL_AMPLITUDE = 0.03
SEASONAL_PEAK_DAY_OF_YEAR = 265
# Planned caesareans and inductions cluster on weekdays. Illustrative (mean over a week = 1).
WEEKDAY_FACTOR = (1.04, 1.04, 1.04, 1.04, 1.04, 0.90, 0.90)  # Monday … Sunday
# ONS live births fell ~1 % a year 2021–2024; relative to the MSDS 2022-23 mid-year.
ANNUAL_TREND = -0.01
TREND_REFERENCE_DATE = (2022, 10, 1)

# --- Plurality: MSDS 2022-23 537,125 babies / 531,000 deliveries; ONS multiple maternities
# ~1.4 % of maternities.
TWIN_SHARE = 0.0140
TRIPLET_SHARE = 0.0002

# --- Gestation (completed weeks, per cent of deliveries), MSDS 2022-23 GestationLengthBirth
# split by plurality so that about 7.5 % of babies are born before 37+0 weeks and about
# 0.3 % at 22–23 weeks; twins ~50 % preterm.
SINGLETON_GESTATION_WEEKS: Mapping[int, float] = {
    22: 0.16,
    23: 0.13,
    24: 0.09,
    25: 0.09,
    26: 0.10,
    27: 0.11,
    28: 0.13,
    29: 0.15,
    30: 0.18,
    31: 0.22,
    32: 0.30,
    33: 0.45,
    34: 0.85,
    35: 1.20,
    36: 2.05,
    37: 9.00,
    38: 16.30,
    39: 32.00,
    40: 23.00,
    41: 11.80,
    42: 1.60,
    43: 0.09,
}
MULTIPLE_GESTATION_WEEKS: Mapping[int, float] = {
    22: 0.4,
    23: 0.4,
    24: 0.5,
    25: 0.5,
    26: 0.5,
    27: 0.5,
    28: 1.0,
    29: 1.0,
    30: 1.2,
    31: 1.4,
    32: 2.2,
    33: 3.0,
    34: 7.4,
    35: 11.0,
    36: 20.0,
    37: 30.0,
    38: 15.0,
    39: 3.5,
    40: 0.5,
}
# MSDS 2022-23: 3,245 of 538,790 babies with gestation missing; the demo keeps fewer.
UNKNOWN_GESTATION_SHARE = 0.003

# --- Gestational-age thresholds (days) used by the definitions (docs/rules/dashboard.md §3,
# docs/rules/surveillance.md §1.1).
GA_TERM = clinical.GA_37_0_DAYS
GA_VIABILITY = clinical.GA_24_0_DAYS  # 24+0
GA_NEONATAL_CARE = clinical.GA_34_0_DAYS  # 34+0: neonatal_care.csv covers babies born below this
GA_EXTREMELY_PRETERM = 189  # 27+0: below this, birth should be in a NICU site

# --- Birth weight: median grams at each completed week (UK-WHO-like), log-normal spread.
MEDIAN_WEIGHT_G_BY_WEEK: Mapping[int, int] = {
    22: 480,
    23: 560,
    24: 650,
    25: 760,
    26: 880,
    27: 1000,
    28: 1150,
    29: 1300,
    30: 1480,
    31: 1670,
    32: 1870,
    33: 2100,
    34: 2340,
    35: 2570,
    36: 2800,
    37: 3000,
    38: 3200,
    39: 3360,
    40: 3480,
    41: 3590,
    42: 3650,
    43: 3680,
}
WEIGHT_LOG_SD = 0.13
MULTIPLE_WEIGHT_FACTOR = 0.92
STILLBIRTH_WEIGHT_FACTOR = 0.88
MIN_WEIGHT_G = 250
MAX_WEIGHT_G = 6_000
INCLUSION_WEIGHT_G = clinical.WEIGHT_RULE_MIN_G  # unknown-gestation babies are in births.csv only from 400 g
UNKNOWN_WEIGHT_SHARE = 0.005

# --- Outcomes by completed week band: (first week, last week) -> probability per baby.
# Calibrated so that, after the population mix below, stillbirths ≈ 3.3 per 1,000 total
# births and neonatal deaths ≈ 1.6 per 1,000 live births (≥ 24+0, terminations excluded),
# and term stillbirths + term neonatal deaths ≈ 1.6 per 1,000 term births (the MOSS
# reference rate the brief names). Distribution by gestation follows MBRRACE-UK's pattern
# (about a third of stillbirths and of neonatal deaths at term).
STILLBIRTH_RISK_BY_WEEKS: Mapping[tuple[int, int], float] = {
    (22, 23): 0.45,
    (24, 27): 0.23,
    (28, 31): 0.085,
    (32, 33): 0.04,
    (34, 36): 0.0055,
    (37, 43): 0.00105,
}
NEONATAL_DEATH_RISK_BY_WEEKS: Mapping[tuple[int, int], float] = {
    (22, 22): 0.85,
    (23, 23): 0.55,
    (24, 27): 0.20,
    (28, 31): 0.04,
    (32, 33): 0.012,
    (34, 36): 0.003,
    (37, 43): 0.00055,
}
# Terminations of pregnancy at 22+ weeks, recorded as stillbirths with termination = 1
# (rare: MBRRACE-UK reports ~0.2 per 1,000 from 24 weeks). Illustrative.
TERMINATION_RISK_BY_WEEKS: Mapping[tuple[int, int], float] = {
    (22, 23): 0.08,
    (24, 27): 0.02,
    (28, 36): 0.001,
    (37, 43): 0.00002,
}
# Day of death after birth (0 = day of birth): mostly in the first week. Day 28 is valid in
# births.csv but outside the 0–27-day definition (docs/rules/dashboard.md §3.5), so it is kept rare.
NEONATAL_DEATH_DAY_WEIGHTS: tuple[float, ...] = (
    (0.38, 0.14, 0.07, 0.05, 0.035, 0.035, 0.035) + (0.02,) * 7 + (0.0085,) * 14 + (0.005,)
)
# Relative risk of stillbirth and neonatal death (MBRRACE-UK: about ×2 for babies of Black
# ethnicity, ×1.5 Asian; most vs least deprived quintile about ×1.9). Normalised over the
# generated population so the national rates stay on target.
RISK_BY_ETHNIC_GROUP: Mapping[str, float] = {
    "White": 0.9,
    "Black": 2.0,
    "Asian": 1.5,
    "Mixed": 1.1,
    "Other": 1.2,
    "": 1.1,
}
RISK_BY_IMD_QUINTILE: Mapping[int, float] = {1: 1.4, 2: 1.15, 3: 1.0, 4: 0.85, 5: 0.75, 0: 1.0}
TRUST_RISK_LOG_SD = 0.12  # between-trust variation of mortality. Illustrative.

# --- Signal sites: a worse recent period so MOSS CUSUM signals fire (docs/rules/surveillance.md §1).
# The largest synthetic sites of three regions (North West, London, East of England; ~6,000–
# 7,000 deliveries a year, so a tripled rate signals within months), picked by hand among
# trusts not subject to a national maternity investigation; the choice says nothing about
# the real trusts. Their term stillbirth and term neonatal death risks are
# multiplied in the last SIGNAL_MONTHS calendar months of the range (the month of `end`
# and the 5 before it).
SIGNAL_SITES: tuple[str, ...] = ("R0A01", "R1H01", "RDE01")
SIGNAL_RATE_RATIO = 3.0
SIGNAL_MONTHS = 6

# --- Extremely preterm births move to a NICU site in the same neonatal network (in-utero
# transfer); NNAP reports ~75–85 % born in a NICU site. Illustrative.
EXTREMELY_PRETERM_TRANSFER_SHARE = 0.75

# --- Mothers (MSDS 2022-23 deliveries).
MOTHER_AGE_BANDS: Mapping[tuple[int, int], int] = {
    (16, 19): 17_135,
    (20, 24): 70_865,
    (25, 29): 146_955,
    (30, 34): 180_110,
    (35, 39): 94_830,
    (40, 44): 19_475,
    (45, 48): 1_625,
}
UNKNOWN_MOTHER_AGE_SHARE = 0.003
ETHNIC_GROUPS = ("White", "Black", "Asian", "Mixed", "Other", "")  # "" = not known
# Regional mixes (illustrative, after ONS Census 2021 births by mother's ethnicity); England
# overall is close to MSDS 2022-23 (White 68 %, Asian 13 %, Black 6 %, Mixed 2 %, Other 4 %).
ETHNICITY_BY_REGION: Mapping[str, tuple[float, ...]] = {
    "Y56": (0.42, 0.17, 0.22, 0.06, 0.08, 0.05),
    "Y58": (0.84, 0.02, 0.04, 0.03, 0.02, 0.05),
    "Y59": (0.76, 0.03, 0.09, 0.03, 0.04, 0.05),
    "Y60": (0.66, 0.06, 0.17, 0.03, 0.04, 0.04),
    "Y61": (0.76, 0.05, 0.07, 0.03, 0.04, 0.05),
    "Y62": (0.74, 0.03, 0.13, 0.02, 0.03, 0.05),
    "Y63": (0.76, 0.02, 0.12, 0.02, 0.03, 0.05),
}
ETHNICITY_ENGLAND = (0.68, 0.056, 0.132, 0.024, 0.04, 0.068)
ETHNICITY_CONCENTRATION = 80.0  # Dirichlet spread of trusts around their region. Illustrative.
# IMD quintiles from MSDS 2022-23 deciles at booking (1 = most deprived); 0 = not known.
IMD_QUINTILE_SHARES = (0.262, 0.225, 0.192, 0.172, 0.149)
UNKNOWN_IMD_SHARE = 0.01
IMD_CONCENTRATION = 12.0  # trusts differ widely in deprivation. Illustrative.

# --- Onset of labour (MSDS 2022-23: of deliveries with a known onset 44 % spontaneous,
# 31 % induced, 25 % caesarean before labour; the NHS England induction series ~35 %).
ONSET_VALUES = ("spontaneous", "induced", "none")
ONSET_BY_WEEKS: Mapping[tuple[int, int], tuple[float, float, float]] = {
    (22, 27): (0.70, 0.05, 0.25),
    (28, 36): (0.55, 0.20, 0.25),
    (37, 43): (0.43, 0.36, 0.21),
}

# --- Blood loss (ml): log-normal, calibrated to PPH ≥ 1,500 ml ≈ 30 per 1,000 women.
BLOOD_LOSS_MEDIAN_ML = 345.0
BLOOD_LOSS_LOG_SD = 0.775
MULTIPLE_BLOOD_LOSS_FACTOR = 1.35
TRUST_BLOOD_LOSS_LOG_SD = 0.08
BLOOD_LOSS_ROUNDING_ML = 10
MIN_BLOOD_LOSS_ML = 50
MAX_BLOOD_LOSS_ML = 9_990
UNKNOWN_BLOOD_LOSS_SHARE = 0.02

# --- Neonatal care (babies < 34+0 weeks admitted; NNAP-like component rates, illustrative,
# giving optimal perinatal care overall about 45 %).
NEONATAL_ADMISSION_BY_WEEK: Mapping[int, float] = {22: 0.4, 23: 0.8}
NEONATAL_ADMISSION_OTHERWISE = 0.985
TRUST_CARE_QUALITY_LOGIT_SD = 0.35
STEROIDS_ELIGIBLE_MET = 0.90
STEROIDS_BELOW_ELIGIBLE = 0.50
MAGNESIUM_ELIGIBLE_MET = 0.86
MAGNESIUM_ABOVE_ELIGIBLE = 0.25
GA_STEROIDS_FROM = 161  # 23+0
GA_MAGNESIUM_BELOW = 210  # 30+0
CORD_CLAMPING_DEFERRED = 0.85
DEFERRED_CLAMPING_SECONDS = (60, 60, 60, 90, 120, 120, 180, 240)
IMMEDIATE_CLAMPING_SECONDS = (0, 0, 15, 20, 30, 30, 45, 50, 55, 59)
ADMISSION_TEMPERATURE_MEAN_C = 36.95
ADMISSION_TEMPERATURE_SD_C = 0.38
TEMPERATURE_WITHIN_HOUR = 0.96
BREASTMILK_DAY_1_2 = 0.85
CARE_UNKNOWN_SHARE = 0.02  # each recorded component is unknown this often

# --- Unit status episodes (docs/rules/dashboard.md §1 `unit_status.csv`). Illustrative.
# (mean episodes per unit per year, median hours, log sd, min hours, max hours)
OBSTETRIC_SUSPENSIONS = (4.0, 8.0, 0.8, 1.0, 96.0)
MIDWIFERY_SUSPENSIONS = (8.0, 24.0, 1.0, 2.0, 21 * 24.0)
NEONATAL_CLOSURES = (3.0, 16.0, 0.9, 2.0, 14 * 24.0)
EPISODE_RATE_GAMMA_SHAPE = 2.0  # units differ in how often they suspend
NEONATAL_INTERNAL_SHARE = 0.15  # closed to own babies, not just to external transfers
# Some neonatal closures last just under or just over 24 h (the metric counts ≥ 24 h).
NEAR_24_HOUR_SHARE = 0.08
NEAR_24_HOUR_MINUTES = (1_430, 1_439, 1_440, 1_441, 1_450)
ONGOING_AT_END = 2  # units forced to have an episode still going on at the end

# --- Induction of labour (NHS England "Rate of delays to induction of labour").
DELAYED_SHARE_BETA = (6.0, 34.0)  # per trust, mean 15 % delayed > 24 h
PROMPT_START_MEAN_HOURS = 5.0
DELAY_BEYOND_24H_MEAN_HOURS = 14.0
MAX_DELAY_HOURS = 72.0
INDUCTION_TO_BIRTH_MIN_HOURS = 6.0
INDUCTION_TO_BIRTH_GAMMA = (2.0, 9.0)  # shape, scale hours
MAX_INDUCTION_TO_BIRTH_HOURS = 60.0

# --- CQC maternity survey, question considered_complaint. Illustrative.
SURVEY_QUESTION = "considered_complaint"
SURVEY_SAMPLE_MONTH = 2  # CQC samples women who gave birth in February
SURVEY_RESPONSES_PER_DELIVERY = 0.04
SURVEY_MIN_RESPONSES = 100
SURVEY_MAX_RESPONSES = 400
SURVEY_YES_RANGE = (0.25, 0.35)
SURVEY_YEAR_SD = 0.015
