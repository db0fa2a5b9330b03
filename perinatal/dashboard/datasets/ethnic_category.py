"""The mother's ethnic group as births.csv may give it, and what is stored
(docs/rules/equity.md §1, docs/rules/dashboard.md §1).

A file gives either one of the five broad groups the dashboard stores, or an NHS ethnic
category code (NHS Data Dictionary, ETHNIC CATEGORY), which is stored as its broad group.
Z (not stated), 99 (not known) and an empty cell are stored empty: the breakdowns call it
`Not stated`. This is the one place the mapping is written; the births schema reads it.
**policy**: I and O are not codes of the Data Dictionary and are refused, although they
fall inside the letter ranges H–L and M–P; codes are upper case, as the Data Dictionary
writes them.
"""

from __future__ import annotations

WHITE, BLACK, ASIAN, MIXED, OTHER = "White", "Black", "Asian", "Mixed", "Other"
#: The broad groups, as stored and as a file may give them.
ETHNIC_GROUPS = (WHITE, BLACK, ASIAN, MIXED, OTHER)

#: NHS ethnic category code -> the broad group stored; None is stored empty (Not stated).
NHS_ETHNIC_CATEGORY_GROUPS: dict[str, str | None] = {
    "A": WHITE,  # White: British
    "B": WHITE,  # White: Irish
    "C": WHITE,  # White: any other White background
    "D": MIXED,  # Mixed: White and Black Caribbean
    "E": MIXED,  # Mixed: White and Black African
    "F": MIXED,  # Mixed: White and Asian
    "G": MIXED,  # Mixed: any other mixed background
    "H": ASIAN,  # Asian or Asian British: Indian
    "J": ASIAN,  # Asian or Asian British: Pakistani
    "K": ASIAN,  # Asian or Asian British: Bangladeshi
    "L": ASIAN,  # Asian or Asian British: any other Asian background
    "M": BLACK,  # Black or Black British: Caribbean
    "N": BLACK,  # Black or Black British: African
    "P": BLACK,  # Black or Black British: any other Black background
    "R": OTHER,  # Other ethnic groups: Chinese
    "S": OTHER,  # Other ethnic groups: any other ethnic group
    "Z": None,  # Not stated
    "99": None,  # Not known
}
NHS_ETHNIC_CATEGORY_NAME = "NHS ethnic category code"
