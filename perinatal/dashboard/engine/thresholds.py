"""The thresholds of the metric definitions, as the SQL engine uses them (docs/rules/dashboard.md §3).

Gestation bounds of the optimal perinatal care components come from
`metrics.definitions.OPC_COMPONENTS`; the fortnight and the 24-hour induction wait from
`metrics.periods`. The rest are docs/rules/dashboard.md §3's numbers, named here once.
"""

from __future__ import annotations

from perinatal.dashboard.metrics.definitions import OPC_COMPONENTS, OpcComponent
from perinatal.dashboard.metrics.periods import INDUCTION_DELAY
from perinatal.kernel import clinical

# docs/rules/dashboard.md §3.4 / §3.5: births at GA ≥ 168 days, or GA unknown and weight ≥ 400 g; terminations excluded.
MBRRACE_GESTATION_DAYS = clinical.GA_24_0_DAYS
MBRRACE_WEIGHT_G = clinical.WEIGHT_RULE_MIN_G
# docs/rules/dashboard.md §3.5: neonatal_death_on − born_on ≤ 27 days (**policy**: 0–27 completed days).
NEONATAL_LAST_DAY = clinical.NEONATAL_LAST_DAY
# docs/rules/dashboard.md §3.6: blood_loss_ml ≥ 1,500.
PPH_BLOOD_LOSS_ML = clinical.PPH_SEVERE_ML
# docs/rules/dashboard.md §3.2: a closure counts when one continuous episode lasts ≥ 24 hours.
NEONATAL_CLOSURE_SECONDS = 24 * 60 * 60
# docs/rules/dashboard.md §3.3: delayed when not started 24 hours after admission.
INDUCTION_DELAY_SECONDS = int(INDUCTION_DELAY.total_seconds())
# docs/rules/dashboard.md §3.7: the population is babies with GA < 238 days; component thresholds.
OPC_GESTATION_BELOW = max(component.gestation_below for component in OPC_COMPONENTS)
CORD_CLAMPING_SECONDS = 60
TEMPERATURE_LOW_C = "36.5"
TEMPERATURE_HIGH_C = "37.5"

STATUS_SUSPENDED = "suspended"
STATUS_CLOSED_EXTERNAL = "closed_external"
STATUS_CLOSED_INTERNAL = "closed_internal"
UNIT_OBSTETRIC = "obstetric"
UNIT_NEONATAL = "neonatal"
OUTCOME_LIVE = "live"
OUTCOME_STILLBIRTH = "stillbirth"
QUESTION_CONSIDERED_COMPLAINT = "considered_complaint"


def component(key: str) -> OpcComponent:
    for candidate in OPC_COMPONENTS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


#: SQL condition for "the component is met", per component key (docs/rules/dashboard.md §3.7; unknown is not met).
OPC_MET_SQL = {
    "steroids": "antenatal_steroids = TRUE",
    "magnesium": "antenatal_magnesium = TRUE",
    "nicu_birth": "born_in_nicu_site = TRUE",
    "cord_clamping": f"cord_clamping_seconds >= {CORD_CLAMPING_SECONDS}",
    "temperature": (
        f"admission_temperature_c >= {TEMPERATURE_LOW_C} AND admission_temperature_c <= "
        f"{TEMPERATURE_HIGH_C} AND temperature_within_hour = TRUE"
    ),
    "breastmilk": "breastmilk_day_1_2 = TRUE",
}


def opc_eligible_sql(key: str) -> str:
    """SQL condition for eligibility by gestation (the population already has GA < 238)."""
    bounds = component(key)
    parts = []
    if bounds.gestation_from:
        parts.append(f"gestation_days >= {bounds.gestation_from}")
    if bounds.gestation_below < OPC_GESTATION_BELOW:
        parts.append(f"gestation_days < {bounds.gestation_below}")
    return " AND ".join(parts) or "TRUE"
