"""How the pages name each metric (its section's anchor, unit, counts, direction and
frequency), write its figures, and say which stillbirth denominator is in use.

docs/rules/dashboard.md §3–§4: values are in the metric's unit, rounded half-up to 2 decimals by the
engine; the pages show them as given (never re-rounded), with the unit in words and the
numerator and denominator beside every value.
"""

from __future__ import annotations

from decimal import Decimal

from perinatal.charts.scales import format_count, format_number
from perinatal.dashboard.metrics.definitions import (
    HIGHER_IS_BETTER,
    STILLBIRTH_DENOMINATOR_LIVE_BIRTHS,
    MetricDefinition,
)
from perinatal.dashboard.metrics.intervals import UNIT_COUNT, UNIT_HOURS, UNIT_PER_1000, UNIT_PERCENT
from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT, PERIOD_OUTCOME
from perinatal.kernel.text import sentence
from perinatal.stats.spc import IMPROVEMENT_DECREASE, IMPROVEMENT_INCREASE

DECIMALS = 2
NO_VALUE = "No data"

#: The unit in words, after the value ("3.29 per 1,000 total births").
UNIT_PHRASES = {
    "obstetric_unit_suspensions": "% of obstetric units",
    "obstetric_unit_suspensions.episodes": "episodes",
    "obstetric_unit_suspensions.hours": "hours",
    "neonatal_unit_suspensions": "% of neonatal units",
    "neonatal_unit_suspensions.external": "% of neonatal units",
    "neonatal_unit_suspensions.internal": "% of neonatal units",
    "induction_delays": "% of trusts",
    "induction_delays.women": "% of women",
    "stillbirth_rate": "per 1,000 total births",
    "neonatal_mortality_rate": "per 1,000 live births",
    "pph_1500_rate": "per 1,000 women giving birth",
    "optimal_perinatal_care": "% of babies",
    "considered_complaint": "% of respondents",
}
STILLBIRTH_PER_LIVE_BIRTHS = "per 1,000 live births"

#: What the numerator and denominator count, for column headings.
COUNT_LABELS = {
    "obstetric_unit_suspensions": ("Units suspended", "Obstetric units open"),
    "obstetric_unit_suspensions.episodes": ("Suspension episodes", "Obstetric units open"),
    "obstetric_unit_suspensions.hours": ("Hours suspended", "Obstetric units open"),
    "neonatal_unit_suspensions": ("Units closed 24 hours or more", "Neonatal units open"),
    "neonatal_unit_suspensions.external": ("Units closed to transfers", "Neonatal units open"),
    "neonatal_unit_suspensions.internal": ("Units closed to own babies", "Neonatal units open"),
    "induction_delays": ("Trusts with a delay", "Trusts with an obstetric unit"),
    "induction_delays.women": ("Women delayed", "Women due to start"),
    "stillbirth_rate": ("Stillbirths", "Total births"),
    "neonatal_mortality_rate": ("Neonatal deaths", "Live births"),
    "pph_1500_rate": ("Women with PPH of 1,500 ml or more", "Women giving birth"),
    "optimal_perinatal_care": ("Babies with every eligible component", "Babies admitted"),
    "considered_complaint": ("Answered yes", "Responses"),
}
DEFAULT_COUNT_LABELS = ("Numerator", "Denominator")
OPC_COUNT_LABELS = ("Eligible babies who received it", "Eligible babies")


def anchor(metric_id: str) -> str:
    """The id of a metric's section on a page: "stillbirth-rate"."""
    return metric_id.replace(".", "-").replace("_", "-")


def unit_phrase(definition: MetricDefinition, *, stillbirth_denominator: str | None = None) -> str:
    """The unit in words; the stillbirth rate says which denominator is in use (docs/rules/dashboard.md §3.4)."""
    if definition.id == "stillbirth_rate" and stillbirth_denominator == STILLBIRTH_DENOMINATOR_LIVE_BIRTHS:
        return STILLBIRTH_PER_LIVE_BIRTHS
    if definition.id in UNIT_PHRASES:
        return UNIT_PHRASES[definition.id]
    return "% of eligible babies" if definition.parent_id == "optimal_perinatal_care" else "%"


def count_labels(definition: MetricDefinition, *, stillbirth_denominator: str | None = None) -> tuple[str, str]:
    if definition.id == "stillbirth_rate" and stillbirth_denominator == STILLBIRTH_DENOMINATOR_LIVE_BIRTHS:
        return ("Stillbirths", "Live births")
    if definition.parent_id == "optimal_perinatal_care":
        return OPC_COUNT_LABELS
    return COUNT_LABELS.get(definition.id, DEFAULT_COUNT_LABELS)


def axis_label(definition: MetricDefinition, *, stillbirth_denominator: str | None = None) -> str:
    """The value axis and value column heading: "Per 1,000 total births", "% of units"."""
    phrase = unit_phrase(definition, stillbirth_denominator=stillbirth_denominator)
    return sentence(phrase)


def format_value(value: Decimal | None, *, unit: str) -> str:
    """The value as the engine rounded it: "12.50%", "3.29", "4", "12.50"; "No data" for none."""
    if value is None:
        return NO_VALUE
    if unit == UNIT_COUNT:
        return format_count(int(value)) if value == int(value) else format_number(value, decimals=DECIMALS)
    text = format_number(value, decimals=DECIMALS)
    return f"{text}%" if unit == UNIT_PERCENT else text


def value_with_unit(
    value: Decimal | None, *, definition: MetricDefinition, stillbirth_denominator: str | None = None
) -> str:
    """ "3.29 per 1,000 total births", "12.50% of obstetric units", "4 episodes"."""
    if value is None:
        return NO_VALUE
    text = format_value(value, unit=definition.unit)
    phrase = unit_phrase(definition, stillbirth_denominator=stillbirth_denominator)
    if definition.unit == UNIT_PERCENT:
        return f"{text} {phrase[2:]}" if phrase.startswith("% ") else text
    return f"{text} {phrase}"


def format_interval(lower: Decimal | None, upper: Decimal | None, *, unit: str) -> str:
    if lower is None or upper is None:
        return ""
    return f"{format_value(lower, unit=unit)} to {format_value(upper, unit=unit)}"


def improvement_of(definition: MetricDefinition) -> str:
    """The Making Data Count improvement direction of a metric (docs/rules/dashboard.md §3: lower is better for 1–6
    and 8; higher for 7)."""
    return IMPROVEMENT_INCREASE if definition.direction == HIGHER_IS_BETTER else IMPROVEMENT_DECREASE


def direction_words(definition: MetricDefinition) -> str:
    return "Higher is better" if definition.direction == HIGHER_IS_BETTER else "Lower is better"


def frequency_words(definition: MetricDefinition) -> str:
    if definition.period_kind == PERIOD_FORTNIGHT:
        return "Fortnightly"
    if definition.period_kind == PERIOD_OUTCOME:
        return "Monthly"
    return "Yearly"


def stillbirth_denominator_words(denominator: str) -> str:
    """Which stillbirth denominator the pages use (docs/rules/dashboard.md §3.4), and how it differs from the other."""
    if denominator == STILLBIRTH_DENOMINATOR_LIVE_BIRTHS:
        return (
            "The stillbirth rate is shown per 1,000 live births, as NHS England's letter of 16 October 2025 words it. "
            "MBRRACE-UK uses total births (live births and stillbirths)."
        )
    return (
        "The stillbirth rate is shown per 1,000 total births (live births and stillbirths), as "
        "MBRRACE-UK reports it. NHS England's letter of 16 October 2025 words it per 1,000 live births."
    )


def value_bounds(unit: str) -> tuple[float | None, float | None]:
    """What a value can never go below or above (chart floors and ceilings)."""
    if unit == UNIT_PERCENT:
        return 0.0, 100.0
    if unit == UNIT_PER_1000:
        return 0.0, 1000.0
    if unit in (UNIT_COUNT, UNIT_HOURS):
        return 0.0, None
    return None, None
