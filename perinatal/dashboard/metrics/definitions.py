"""The dashboard's metric definitions, as data the definitions page can render.

Spec: docs/rules/dashboard.md §3 (the 8 metrics), docs/rules/dashboard.md §4 (sub-measures, units, intervals,
disclosure). One frozen `MetricDefinition` per metric_id, in the docs/rules/dashboard.md §4 output order: each
metric followed by its sub-measures. Decisions the sources leave open are in `policies`, in plain English.

Sources: NHS England letter PRN02113 (16 October 2025), Annex 3; MBRRACE-UK perinatal
surveillance technical manual; MSDS CQIM "CQIMPPH"; RCPCH NNAP measures (2021 guide,
2024 composite); NHS England "Rate of delays to induction of labour"; CQC maternity survey.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from perinatal.kernel import clinical

from .intervals import (
    INTERVAL_GARWOOD,
    INTERVAL_NONE,
    INTERVAL_WILSON,
    UNIT_COUNT,
    UNIT_HOURS,
    UNIT_PER_1000,
    UNIT_PERCENT,
)
from .periods import (
    PERIOD_FORTNIGHT,
    PERIOD_OUTCOME,
    PERIOD_SURVEY,
    PROVISIONAL_DAYS_NEONATAL_MORTALITY,
    PROVISIONAL_DAYS_OPERATIONAL,
)

LOWER_IS_BETTER = "lower"
HIGHER_IS_BETTER = "higher"

STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS = "total_births"  # MBRRACE-UK; the default (**policy**)
STILLBIRTH_DENOMINATOR_LIVE_BIRTHS = "live_births"  # the seed letter's wording
STILLBIRTH_DENOMINATORS = (STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS, STILLBIRTH_DENOMINATOR_LIVE_BIRTHS)

CRUDE_RATES_NOTE = (
    "Rates are crude: they are not adjusted for the mix of births at each trust. For "
    "benchmarking use MBRRACE-UK's stabilised and adjusted rates."
)

SOURCE_LETTER = "NHS England letter PRN02113 (16 October 2025), Annex 3"
SOURCE_MBRRACE = "MBRRACE-UK perinatal surveillance technical manual"
SOURCE_CQIM = "NHS Digital Maternity Services Data Set, Clinical Quality Improvement Metric CQIMPPH"
SOURCE_NNAP = (
    "RCPCH National Neonatal Audit Programme: 2021 measures guide and the 2024 optimal perinatal care composite"
)
SOURCE_INDUCTION = "NHS England, Rate of delays to induction of labour"
SOURCE_CQC = "CQC maternity survey"

_OPEN_UNIT = (
    "A unit is open during the fortnight when it opened on or before the fortnight's last "
    "day and has no closed_on, or closed_on is after the fortnight's first day (closed_on is "
    "the first day closed)."
)
_OVERLAP = (
    "An episode overlaps the fortnight when it starts before the fortnight ends and either "
    "is still going on or ends after the fortnight starts. The fortnight runs from 00:00 on "
    "its first day to 00:00 after its last day, UK time."
)
_DURATION = (
    "An episode's duration is the real time from started_at to ended_at, the whole episode "
    "even where it lies outside the fortnight; an episode still going on is measured up to "
    "the end of the fortnight, or now if that is earlier. Clock changes are taken into "
    "account: 24 hours on the clock across the October change are 25 real hours."
)
_CONTINUOUS = "One continuous episode must last 24 hours or more: shorter episodes are not added together."
_MBRRACE_INCLUSION = (
    "Births at 24+0 weeks of gestation or more (gestation_days 168 or more) are included; "
    "where gestation is unknown, births weighing 400 g or more.",
    "Births at 22+0 to 23+6 weeks are not included, nor births with neither gestation nor weight.",
    "Terminations of pregnancy are excluded; an empty termination cell counts as not a termination.",
)
_OUTCOME_PERIOD = "Counted against the trust of birth, in the period containing the date of birth."


@dataclass(frozen=True)
class MetricDefinition:
    """One metric or sub-measure (docs/rules/dashboard.md §3, §4)."""

    id: str
    title: str
    description: str  # plain English, for the definitions page
    numerator: str
    denominator: str
    unit: str  # percent | per_1000 | count | hours
    period_kind: str  # fortnight | outcome | survey
    attribution: str  # which organisation and period a record is counted against
    inclusion_rules: tuple[str, ...]
    direction: str  # lower | higher (is better)
    interval_method: str  # wilson | garwood | none
    source: str
    datasets: tuple[str, ...]
    # Public disclosure control (docs/rules/equity.md §2) changes counts of people only.
    numerator_counts_people: bool
    denominator_counts_people: bool
    parent_id: str | None = None  # set on sub-measures
    provisional_days: int | None = None
    policies: tuple[str, ...] = ()

    @property
    def is_sub_measure(self) -> bool:
        return self.parent_id is not None


@dataclass(frozen=True)
class OpcComponent:
    """One component of optimal perinatal care (docs/rules/dashboard.md §3.7):
    eligibility by gestation, and when met."""

    key: str  # the sub-measure is optimal_perinatal_care.<key>
    title: str
    gestation_from: int  # eligible when gestation_from ≤ gestation_days < gestation_below
    gestation_below: int
    met_when: str


OPC_COMPONENTS: tuple[OpcComponent, ...] = (
    OpcComponent("steroids", "Antenatal steroids", 161, clinical.GA_34_0_DAYS, "antenatal_steroids is 1"),
    OpcComponent("magnesium", "Antenatal magnesium sulphate", 0, 210, "antenatal_magnesium is 1"),
    OpcComponent("nicu_birth", "Birth in a hospital with a NICU", 0, 189, "born_in_nicu_site is 1"),
    OpcComponent(
        "cord_clamping", "Deferred cord clamping", 0, clinical.GA_34_0_DAYS, "cord_clamping_seconds is 60 or more"
    ),
    OpcComponent(
        "temperature",
        "Normal temperature on admission",
        0,
        clinical.GA_34_0_DAYS,
        "admission_temperature_c is from 36.5 to 37.5 and temperature_within_hour is 1",
    ),
    OpcComponent(
        "breastmilk", "Breast milk in the first two days", 0, clinical.GA_34_0_DAYS, "breastmilk_day_1_2 is 1"
    ),
)


def _weeks(days: int) -> str:
    return f"{days // 7}+{days % 7}"


def _eligibility(component: OpcComponent) -> str:
    if component.gestation_from:
        return (
            f"babies born from {_weeks(component.gestation_from)} weeks up to "
            f"{_weeks(component.gestation_below - 1)} weeks"
        )
    return f"babies born before {_weeks(component.gestation_below)} weeks"


OBSTETRIC_UNIT_SUSPENSIONS = MetricDefinition(
    id="obstetric_unit_suspensions",
    title="Obstetric unit suspensions",
    description=(
        "The share of obstetric units that suspended admissions or diverted women in labour "
        "at any time in the fortnight. Midwifery-led unit suspensions are recorded and shown "
        "on trust pages but not counted here: the letter names obstetric units."
    ),
    numerator="Obstetric units open during the fortnight with any 'suspended' episode overlapping it",
    denominator="Obstetric units open during the fortnight",
    unit=UNIT_PERCENT,
    period_kind=PERIOD_FORTNIGHT,
    attribution="The trust that runs the unit (trust_code in units.csv), in each fortnight the episode overlaps.",
    inclusion_rules=(_OPEN_UNIT, _OVERLAP, "Any overlap counts, however short."),
    direction=LOWER_IS_BETTER,
    interval_method=INTERVAL_WILSON,
    source=SOURCE_LETTER,
    datasets=("units", "unit_status"),
    numerator_counts_people=False,
    denominator_counts_people=False,
    provisional_days=PROVISIONAL_DAYS_OPERATIONAL,
)

OBSTETRIC_UNIT_SUSPENSIONS_EPISODES = replace(
    OBSTETRIC_UNIT_SUSPENSIONS,
    id="obstetric_unit_suspensions.episodes",
    title="Obstetric unit suspension episodes",
    description=(
        "How many suspension episodes of obstetric units overlapped the fortnight. An episode "
        "that spans two fortnights counts in both."
    ),
    numerator="'suspended' episodes of obstetric units open during the fortnight that overlap it",
    unit=UNIT_COUNT,
    interval_method=INTERVAL_NONE,
    parent_id=OBSTETRIC_UNIT_SUSPENSIONS.id,
    policies=("The value is the number of episodes; the denominator (units open) is shown for context.",),
)

OBSTETRIC_UNIT_SUSPENSIONS_HOURS = replace(
    OBSTETRIC_UNIT_SUSPENSIONS,
    id="obstetric_unit_suspensions.hours",
    title="Hours of obstetric unit suspension",
    description=(
        "The total time obstetric units were suspended within the fortnight, in hours, added "
        "up over units and episodes."
    ),
    numerator=(
        "Hours of 'suspended' episodes inside the fortnight, for obstetric units open during "
        "it; an episode still going on counts up to the fortnight's end, or now if earlier"
    ),
    unit=UNIT_HOURS,
    interval_method=INTERVAL_NONE,
    parent_id=OBSTETRIC_UNIT_SUSPENSIONS.id,
    policies=(
        "Only the hours inside the fortnight count, so that consecutive fortnights never count "
        "the same hour twice; the denominator (units open) is shown for context.",
    ),
)

NEONATAL_UNIT_SUSPENSIONS = MetricDefinition(
    id="neonatal_unit_suspensions",
    title="Neonatal unit closures of 24 hours or more",
    description=(
        "The share of neonatal units that were closed to external transfers, or to babies born "
        "in their own hospital, for 24 hours or more in one continuous episode that overlapped "
        "the fortnight."
    ),
    numerator=(
        "Neonatal units open during the fortnight with a closed_external or closed_internal "
        "episode lasting 24 hours or more that overlaps it"
    ),
    denominator="Neonatal units open during the fortnight",
    unit=UNIT_PERCENT,
    period_kind=PERIOD_FORTNIGHT,
    attribution="The trust that runs the unit (trust_code in units.csv), in each fortnight the episode overlaps.",
    inclusion_rules=(_OPEN_UNIT, _OVERLAP, _DURATION, _CONTINUOUS),
    direction=LOWER_IS_BETTER,
    interval_method=INTERVAL_WILSON,
    source=SOURCE_LETTER,
    datasets=("units", "unit_status"),
    numerator_counts_people=False,
    denominator_counts_people=False,
    provisional_days=PROVISIONAL_DAYS_OPERATIONAL,
)

NEONATAL_UNIT_SUSPENSIONS_EXTERNAL = replace(
    NEONATAL_UNIT_SUSPENSIONS,
    id="neonatal_unit_suspensions.external",
    title="Neonatal units closed to external transfers for 24 hours or more",
    description=(
        "The share of neonatal units closed to transfers from other hospitals for 24 hours or "
        "more in one continuous episode that overlapped the fortnight."
    ),
    numerator=(
        "Neonatal units open during the fortnight with a closed_external episode lasting 24 hours or more "
        "that overlaps it"
    ),
    parent_id=NEONATAL_UNIT_SUSPENSIONS.id,
)

NEONATAL_UNIT_SUSPENSIONS_INTERNAL = replace(
    NEONATAL_UNIT_SUSPENSIONS,
    id="neonatal_unit_suspensions.internal",
    title="Neonatal units closed to their own hospital's babies for 24 hours or more",
    description=(
        "The share of neonatal units closed to babies born in their own hospital for 24 hours "
        "or more in one continuous episode that overlapped the fortnight."
    ),
    numerator=(
        "Neonatal units open during the fortnight with a closed_internal episode lasting 24 hours or more "
        "that overlaps it"
    ),
    parent_id=NEONATAL_UNIT_SUSPENSIONS.id,
)

_DELAY_RULES = (
    "A woman is delayed in the fortnight that contains the moment 24 hours (real time) after "
    "her admission for induction, provided her induction had not started by that moment "
    "(started_at empty or later).",
    "An induction that has not started counts as delayed only once those 24 hours have passed.",
)

INDUCTION_DELAYS = MetricDefinition(
    id="induction_delays",
    title="Trusts with delays to induction of labour",
    description=(
        "The share of trusts where at least one woman waited more than 24 hours after admission "
        "for her induction of labour to start. A trust's own value is 100% or 0%."
    ),
    numerator="Trusts with a woman delayed in the fortnight",
    denominator="Trusts with an obstetric unit open during the fortnight",
    unit=UNIT_PERCENT,
    period_kind=PERIOD_FORTNIGHT,
    attribution=(
        "The trust of the induction (trust_code in inductions.csv), in the fortnight containing admitted_at + 24 hours."
    ),
    inclusion_rules=(_OPEN_UNIT, *_DELAY_RULES),
    direction=LOWER_IS_BETTER,
    interval_method=INTERVAL_WILSON,
    source=f"{SOURCE_LETTER}; {SOURCE_INDUCTION}",
    datasets=("units", "inductions"),
    numerator_counts_people=False,
    denominator_counts_people=False,
    provisional_days=PROVISIONAL_DAYS_OPERATIONAL,
    policies=(_DELAY_RULES[1],),
)

INDUCTION_DELAYS_WOMEN = replace(
    INDUCTION_DELAYS,
    id="induction_delays.women",
    title="Women delayed for induction of labour",
    description=(
        "Of the women whose 24-hour point after admission for induction fell in the fortnight, "
        "the share whose induction had not started by then."
    ),
    numerator="Women delayed in the fortnight",
    denominator=(
        "Women at trusts with an obstetric unit open during the fortnight whose moment 24 hours "
        "after admission fell in the fortnight and has passed"
    ),
    attribution="The trust of the induction, in the fortnight containing admitted_at + 24 hours.",
    numerator_counts_people=True,
    denominator_counts_people=True,
    parent_id=INDUCTION_DELAYS.id,
    policies=(
        _DELAY_RULES[1],
        "Women are counted at the same trusts as the headline measure: trusts with an obstetric "
        "unit open during the fortnight.",
    ),
)

STILLBIRTH_RATE = MetricDefinition(
    id="stillbirth_rate",
    title="Stillbirth rate",
    description=(
        "Stillbirths per 1,000 total births (live births and stillbirths), as MBRRACE-UK "
        "reports them. " + CRUDE_RATES_NOTE
    ),
    numerator=(
        "Stillbirths at 24+0 weeks or more (or, gestation unknown, weighing 400 g or more), terminations excluded"
    ),
    denominator="All births, live and still, with the same inclusion (total births)",
    unit=UNIT_PER_1000,
    period_kind=PERIOD_OUTCOME,
    attribution=_OUTCOME_PERIOD,
    inclusion_rules=_MBRRACE_INCLUSION,
    direction=LOWER_IS_BETTER,
    interval_method=INTERVAL_GARWOOD,
    source=f"{SOURCE_MBRRACE}; {SOURCE_LETTER}",
    datasets=("births",),
    numerator_counts_people=True,
    denominator_counts_people=True,
    policies=(
        "The seed letter words the rate 'per 1000 live births'; MBRRACE-UK uses total births. "
        "Total births is the default; the denominator is a named setting and the page says "
        "which is used.",
    ),
)

STILLBIRTH_RATE_PER_LIVE_BIRTHS = replace(
    STILLBIRTH_RATE,
    description=(
        "Stillbirths per 1,000 live births, as the seed letter words it (MBRRACE-UK uses total "
        "births). " + CRUDE_RATES_NOTE
    ),
    denominator="Live births with the same inclusion",
)

NEONATAL_MORTALITY_RATE = MetricDefinition(
    id="neonatal_mortality_rate",
    title="Neonatal mortality rate",
    description=(
        "Deaths in the first 28 days of life (0–27 completed days) per 1,000 live births. " + CRUDE_RATES_NOTE
    ),
    numerator="Those live births whose neonatal_death_on is 0 to 27 days after born_on",
    denominator=(
        "Live births at 24+0 weeks or more (or, gestation unknown, weighing 400 g or more), terminations excluded"
    ),
    unit=UNIT_PER_1000,
    period_kind=PERIOD_OUTCOME,
    attribution=_OUTCOME_PERIOD,
    inclusion_rules=(*_MBRRACE_INCLUSION, "A death 28 days after the date of birth is not a neonatal death."),
    direction=LOWER_IS_BETTER,
    interval_method=INTERVAL_GARWOOD,
    source=f"{SOURCE_MBRRACE}; {SOURCE_LETTER}",
    datasets=("births",),
    numerator_counts_people=True,
    denominator_counts_people=True,
    provisional_days=PROVISIONAL_DAYS_NEONATAL_MORTALITY,
    policies=(
        "births.csv has dates, not times, so the neonatal period is a death 0 to 27 days after the date of birth.",
    ),
)

PPH_1500_RATE = MetricDefinition(
    id="pph_1500_rate",
    title="Postpartum haemorrhage of 1,500 ml or more",
    description=(
        "Women who lost 1,500 ml of blood or more at or after giving birth, per 1,000 women "
        "giving birth (the MSDS CQIM construction). A mother of twins counts once. " + CRUDE_RATES_NOTE
    ),
    numerator="Those women whose blood_loss_ml is 1,500 or more (the largest of her rows)",
    denominator=(
        "Women (distinct mother_id) with any birth row in the period, at any gestation and outcome, "
        "blood loss known or not"
    ),
    unit=UNIT_PER_1000,
    period_kind=PERIOD_OUTCOME,
    attribution=(
        "The trust of birth, in the period containing the date of birth; a woman counts once per trust and period."
    ),
    inclusion_rules=(
        "Every birth row counts towards the denominator, whatever the gestation, outcome or termination.",
        "Where a mother's rows give different blood_loss_ml, the largest is used.",
    ),
    direction=LOWER_IS_BETTER,
    interval_method=INTERVAL_GARWOOD,
    source=f"{SOURCE_CQIM}; {SOURCE_LETTER}",
    datasets=("births",),
    numerator_counts_people=True,
    denominator_counts_people=True,
)

OPTIMAL_PERINATAL_CARE = MetricDefinition(
    id="optimal_perinatal_care",
    title="Optimal perinatal care",
    description=(
        "Of babies born before 34 weeks and admitted to neonatal care, the share who received "
        "every part of optimal perinatal care they were eligible for. Each part is also shown "
        "on its own."
    ),
    numerator="Babies who received every component they were eligible for",
    denominator="Babies in neonatal_care.csv born before 34+0 weeks (gestation_days below 238)",
    unit=UNIT_PERCENT,
    period_kind=PERIOD_OUTCOME,
    attribution=_OUTCOME_PERIOD + " (neonatal_care.csv gives the trust of the place of birth)",
    inclusion_rules=(
        *(f"{c.title}: {_eligibility(c)} are eligible; met when {c.met_when}." for c in OPC_COMPONENTS),
        "An unknown value on a component the baby is eligible for counts as not met.",
        "Babies whose gestation is unknown are not included.",
    ),
    direction=HIGHER_IS_BETTER,
    interval_method=INTERVAL_WILSON,
    source=f"{SOURCE_NNAP}; {SOURCE_LETTER}",
    datasets=("neonatal_care",),
    numerator_counts_people=True,
    denominator_counts_people=True,
    policies=(
        "An unknown value on a component the baby is eligible for counts as not met.",
        "Babies whose gestation is unknown are not included: their eligibility cannot be known.",
    ),
)


def _component_definition(component: OpcComponent) -> MetricDefinition:
    return replace(
        OPTIMAL_PERINATAL_CARE,
        id=f"{OPTIMAL_PERINATAL_CARE.id}.{component.key}",
        title=component.title,
        description=(
            f"Of babies admitted to neonatal care who were eligible ({_eligibility(component)}), "
            f"the share for whom {component.met_when}."
        ),
        numerator=f"Eligible babies for whom {component.met_when}",
        denominator=f"Babies in neonatal_care.csv who were eligible: {_eligibility(component)}",
        inclusion_rules=(
            f"Eligible: {_eligibility(component)}.",
            f"Met when {component.met_when}; an unknown value counts as not met.",
        ),
        parent_id=OPTIMAL_PERINATAL_CARE.id,
    )


OPC_COMPONENT_DEFINITIONS = tuple(_component_definition(c) for c in OPC_COMPONENTS)

CONSIDERED_COMPLAINT = MetricDefinition(
    id="considered_complaint",
    title="Women who considered making a complaint",
    description=(
        "The share of CQC maternity survey respondents answering yes to 'At any point during "
        "your maternity care journey, did you consider making a complaint about the care you "
        "received?'. Unweighted: CQC publishes weighted trust results, so these may differ."
    ),
    numerator="Answers 'yes' (the sum of yes)",
    denominator="Valid yes/no answers (the sum of responses)",
    unit=UNIT_PERCENT,
    period_kind=PERIOD_SURVEY,
    attribution="The trust surveyed; a survey year counts in every period it overlaps.",
    inclusion_rules=(
        "Only the question considered_complaint is used.",
        "A survey row covers 1 January to 31 December of its survey_year and is included in "
        "every period that overlaps that year.",
    ),
    direction=LOWER_IS_BETTER,
    interval_method=INTERVAL_WILSON,
    source=f"{SOURCE_CQC}; {SOURCE_LETTER}",
    datasets=("survey",),
    numerator_counts_people=True,
    denominator_counts_people=True,
    policies=("Responses are added up unweighted across trusts.",),
)

#: Every metric_id in the docs/rules/dashboard.md §4 output order: each metric, then its sub-measures.
METRICS: tuple[MetricDefinition, ...] = (
    OBSTETRIC_UNIT_SUSPENSIONS,
    OBSTETRIC_UNIT_SUSPENSIONS_EPISODES,
    OBSTETRIC_UNIT_SUSPENSIONS_HOURS,
    NEONATAL_UNIT_SUSPENSIONS,
    NEONATAL_UNIT_SUSPENSIONS_EXTERNAL,
    NEONATAL_UNIT_SUSPENSIONS_INTERNAL,
    INDUCTION_DELAYS,
    INDUCTION_DELAYS_WOMEN,
    STILLBIRTH_RATE,
    NEONATAL_MORTALITY_RATE,
    PPH_1500_RATE,
    OPTIMAL_PERINATAL_CARE,
    *OPC_COMPONENT_DEFINITIONS,
    CONSIDERED_COMPLAINT,
)
METRIC_IDS: tuple[str, ...] = tuple(metric.id for metric in METRICS)
#: The 8 headline metrics of docs/rules/dashboard.md §3.
HEADLINE_METRICS: tuple[MetricDefinition, ...] = tuple(m for m in METRICS if not m.is_sub_measure)


def metric_definitions(
    *, stillbirth_denominator: str = STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS
) -> tuple[MetricDefinition, ...]:
    """All definitions in output order, with the stillbirth denominator setting applied."""
    if stillbirth_denominator not in STILLBIRTH_DENOMINATORS:
        raise ValueError(f"stillbirth_denominator must be one of {', '.join(STILLBIRTH_DENOMINATORS)}")
    if stillbirth_denominator == STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS:
        return METRICS
    return tuple(STILLBIRTH_RATE_PER_LIVE_BIRTHS if m is STILLBIRTH_RATE else m for m in METRICS)


def metric_by_id(metric_id: str) -> MetricDefinition:
    for metric in METRICS:
        if metric.id == metric_id:
            return metric
    raise KeyError(f"unknown metric_id {metric_id!r}")
