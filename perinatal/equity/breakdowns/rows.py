"""The rows of an equity breakdown (docs/rules/equity.md §1): the dimensions, their groups
in output order, the reference groups, and the output columns.

One `EquityRow` per metric, organisation, period and group; the total row holds `All` in
every column broken down, and its numerator and denominator equal the metric's own row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

METRIC_IDS = ("stillbirth_rate", "neonatal_mortality_rate", "pph_1500_rate")

DIMENSION_ETHNIC_GROUP = "ethnic_group"
DIMENSION_IMD_QUINTILE = "imd_quintile"
DIMENSIONS = (DIMENSION_ETHNIC_GROUP, DIMENSION_IMD_QUINTILE)
#: The `--by` choices, in the order the command lists them.
BY_CHOICES = ((DIMENSION_ETHNIC_GROUP,), (DIMENSION_IMD_QUINTILE,), (DIMENSION_ETHNIC_GROUP, DIMENSION_IMD_QUINTILE))

NOT_STATED = "Not stated"
ALL = "All"
ETHNIC_GROUPS = ("White", "Black", "Asian", "Mixed", "Other", NOT_STATED)
IMD_QUINTILES = ("1", "2", "3", "4", "5", NOT_STATED)
GROUPS = {DIMENSION_ETHNIC_GROUP: ETHNIC_GROUPS, DIMENSION_IMD_QUINTILE: IMD_QUINTILES}
#: The comparison's reference group in each dimension (with both: White in quintile 5, **policy**).
REFERENCE_GROUP = {DIMENSION_ETHNIC_GROUP: "White", DIMENSION_IMD_QUINTILE: "5"}

OUTPUT_COLUMNS = (
    "metric_id",
    "org_level",
    "org_code",
    "org_name",
    "period_start",
    "period_end",
    "ethnic_group",
    "imd_quintile",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "rate_ratio",
    "rate_ratio_lower_95",
    "rate_ratio_upper_95",
    "rate_difference",
    "rate_difference_lower_95",
    "rate_difference_upper_95",
    "suppressed",
)

Count = int | str  # "*" when suppressed in a public output


@dataclass(frozen=True)
class EquityRow:
    """The docs/rules/equity.md §1 columns in order, then `provisional` as on the metric rows."""

    metric_id: str
    org_level: str
    org_code: str
    org_name: str
    period_start: date
    period_end: date
    ethnic_group: str  # a group of ETHNIC_GROUPS, or ALL when not broken down / the total
    imd_quintile: str  # a group of IMD_QUINTILES, or ALL
    numerator: Count
    denominator: Count
    value: Decimal | None
    lower_95: Decimal | None
    upper_95: Decimal | None
    rate_ratio: Decimal | None = None
    rate_ratio_lower_95: Decimal | None = None
    rate_ratio_upper_95: Decimal | None = None
    rate_difference: Decimal | None = None
    rate_difference_lower_95: Decimal | None = None
    rate_difference_upper_95: Decimal | None = None
    suppressed: int = 0
    provisional: bool = False

    @property
    def is_total(self) -> bool:
        return self.ethnic_group == ALL and self.imd_quintile == ALL
