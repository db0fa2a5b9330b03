"""Clinical thresholds shared by notification routing, the dashboard's metrics, the outcome
signals and the demo data: each number written once, named by what it means.

Gestation is in completed days (37+0 weeks = 259 days); a baby's age at death is in
completed days, floor((died − born) / 24 hours) on real instants. Sources:
- MBRRACE-UK perinatal surveillance definitions: late fetal loss 22+0 to 23+6 weeks,
  stillbirth from 24+0 weeks, neonatal death at 0–27 completed days (early neonatal 0–6)
  of a baby born alive from 20+0 weeks (or, gestation unknown, weighing 400 g or more);
  docs/rules/routing.md §1, docs/rules/dashboard.md §3.4–3.5.
- Term is 37+0 weeks or more (MNSI's criteria; NHS England's MOSS term stillbirth and term
  neonatal death measures); docs/rules/routing.md §3.4, docs/rules/surveillance.md §1.1.
- Optimal perinatal care (RCPCH NNAP) is measured for babies born below 34+0 weeks, the babies
  the dashboard's neonatal_care.csv covers; docs/rules/dashboard.md §3.7.
- Severe postpartum haemorrhage is blood loss of 1,500 ml or more (the dashboard's PPH
  metric); docs/rules/dashboard.md §3.6.
"""

from __future__ import annotations

__all__ = [
    "EARLY_NEONATAL_LAST_DAY",
    "GA_20_0_DAYS",
    "GA_22_0_DAYS",
    "GA_24_0_DAYS",
    "GA_34_0_DAYS",
    "GA_37_0_DAYS",
    "NEONATAL_LAST_DAY",
    "PPH_SEVERE_ML",
    "WEIGHT_RULE_MIN_G",
    "gestation_days",
]


def gestation_days(weeks: int, days: int = 0) -> int:
    """Completed weeks and days as days: gestation_days(37) == 259."""
    return weeks * 7 + days


GA_20_0_DAYS = gestation_days(20)  # 140: from here a live-born baby's death is a neonatal death
GA_22_0_DAYS = gestation_days(22)  # 154: late fetal loss from 22+0
GA_24_0_DAYS = gestation_days(24)  # 168: stillbirth from 24+0
GA_34_0_DAYS = gestation_days(34)  # 238: optimal perinatal care and neonatal care below 34+0
GA_37_0_DAYS = gestation_days(37)  # 259: term
WEIGHT_RULE_MIN_G = 400  # gestation unknown: counted by weight instead
EARLY_NEONATAL_LAST_DAY = 6  # early neonatal death: 0–6 completed days
NEONATAL_LAST_DAY = 27  # neonatal death: 0–27 completed days (the first 28 days of life)
PPH_SEVERE_ML = 1500
