"""How the equity pages name groups, dimensions and the people each rate is about
(docs/rules/equity.md §1).

Quintiles are stored 1 = most deprived (docs/rules/equity.md §1); people read them as
"1 (most deprived)" … "5 (least deprived)". A group of both dimensions is an ethnic group in
a quintile ("White in quintile 5 (least deprived)", the reference of docs/rules/equity.md §1).
The reading's sentences name the people a rate is about: babies of the group's mothers for
the stillbirth and neonatal mortality rates, the women themselves for haemorrhage.
"""

from __future__ import annotations

from perinatal.equity.breakdowns.rows import (
    ALL,
    DIMENSION_ETHNIC_GROUP,
    DIMENSION_IMD_QUINTILE,
    NOT_STATED,
    REFERENCE_GROUP,
    EquityRow,
)

QUINTILE_LABELS = {
    "1": "1 (most deprived)",
    "2": "2",
    "3": "3",
    "4": "4",
    "5": "5 (least deprived)",
    NOT_STATED: NOT_STATED,
}
DIMENSION_WORDS = {
    (DIMENSION_ETHNIC_GROUP,): "ethnic group",
    (DIMENSION_IMD_QUINTILE,): "deprivation quintile",
    (DIMENSION_ETHNIC_GROUP, DIMENSION_IMD_QUINTILE): "ethnic group and deprivation quintile",
}
#: The `by` choices as the form offers them: value (the command's --by text) and label.
BY_OPTIONS = (
    (DIMENSION_ETHNIC_GROUP, "Ethnic group"),
    (DIMENSION_IMD_QUINTILE, "Deprivation quintile"),
    (f"{DIMENSION_ETHNIC_GROUP},{DIMENSION_IMD_QUINTILE}", "Both: ethnic group within each deprivation quintile"),
)
TOTAL_LABEL = "All groups"
#: The rate each metric's sentences name, and whether it is about babies or the women themselves.
RATE_NAMES = {
    "stillbirth_rate": "stillbirth rate",
    "neonatal_mortality_rate": "neonatal mortality rate",
    "pph_1500_rate": "rate of postpartum haemorrhage of 1,500 ml or more",
}
ABOUT_BABIES = frozenset({"stillbirth_rate", "neonatal_mortality_rate"})
#: Ethnic groups whose name reads before "mothers"; the others are said another way.
_ETHNIC_MOTHERS = {
    "White": "White mothers",
    "Black": "Black mothers",
    "Asian": "Asian mothers",
    "Mixed": "mothers of Mixed ethnicity",
    "Other": "mothers of Other ethnic groups",
    NOT_STATED: "mothers whose ethnic group is not stated",
}


def quintile_label(quintile: str) -> str:
    return QUINTILE_LABELS.get(quintile, quintile)


def group_key(row: EquityRow) -> tuple[str, str]:
    return (row.ethnic_group, row.imd_quintile)


def group_label(ethnic_group: str, imd_quintile: str) -> str:
    """ "Black", "1 (most deprived)", "Black in quintile 1 (most deprived)", "All groups"."""
    if ethnic_group == ALL and imd_quintile == ALL:
        return TOTAL_LABEL
    if imd_quintile == ALL:
        return ethnic_group
    if ethnic_group == ALL:
        return quintile_label(imd_quintile)
    if imd_quintile == NOT_STATED:
        return f"{ethnic_group}, quintile not stated"
    return f"{ethnic_group} in quintile {quintile_label(imd_quintile)}"


def reference_key(by: tuple[str, ...]) -> tuple[str, str]:
    """White; quintile 5; White in quintile 5 (docs/rules/equity.md §1)."""
    return (
        REFERENCE_GROUP[DIMENSION_ETHNIC_GROUP] if DIMENSION_ETHNIC_GROUP in by else ALL,
        REFERENCE_GROUP[DIMENSION_IMD_QUINTILE] if DIMENSION_IMD_QUINTILE in by else ALL,
    )


def is_not_stated(key: tuple[str, str]) -> bool:
    return NOT_STATED in key


def _area(quintile: str) -> str:
    if quintile == "1":
        return "living in the most deprived areas (quintile 1)"
    if quintile == "5":
        return "living in the least deprived areas (quintile 5)"
    if quintile == NOT_STATED:
        return "whose area is not recorded"
    return f"living in deprivation quintile {quintile}"


def mothers(ethnic_group: str, imd_quintile: str) -> str:
    """ "Black mothers", "mothers living in the most deprived areas (quintile 1)", "White
    mothers living in the least deprived areas (quintile 5)"."""
    who = "mothers" if ethnic_group == ALL else _ETHNIC_MOTHERS.get(ethnic_group, f"{ethnic_group} mothers")
    if imd_quintile == ALL:
        return who
    return f"{who} {_area(imd_quintile)}"


def people(metric_id: str, ethnic_group: str, imd_quintile: str) -> str:
    """Who a rate is about: "babies of Black mothers"; for haemorrhage the women themselves."""
    who = mothers(ethnic_group, imd_quintile)
    return f"babies of {who}" if metric_id in ABOUT_BABIES else who
