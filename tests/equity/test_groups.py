"""The groups of a breakdown, their order, the reference group and a mother's group
(docs/rules/equity.md §1)."""

from __future__ import annotations

import pytest

from perinatal.equity.breakdowns.groups import (
    TOTAL,
    checked_by,
    collapsed,
    groups_for,
    is_compared,
    mother_group,
    reference_group,
    stored_group,
)

ETHNIC = ("ethnic_group",)
QUINTILE = ("imd_quintile",)
BOTH = ("ethnic_group", "imd_quintile")


def test_groups_in_the_order_of_the_spec():
    assert groups_for(ETHNIC) == tuple((g, "All") for g in ("White", "Black", "Asian", "Mixed", "Other", "Not stated"))
    assert groups_for(QUINTILE) == tuple(("All", q) for q in ("1", "2", "3", "4", "5", "Not stated"))
    both = groups_for(BOTH)
    assert len(both) == 36
    # ethnic group major, quintile minor
    assert both[:7] == (
        ("White", "1"),
        ("White", "2"),
        ("White", "3"),
        ("White", "4"),
        ("White", "5"),
        ("White", "Not stated"),
        ("Black", "1"),
    )
    assert both[-1] == ("Not stated", "Not stated")
    assert TOTAL not in both


def test_the_reference_groups():
    assert reference_group(ETHNIC) == ("White", "All")
    assert reference_group(QUINTILE) == ("All", "5")
    assert reference_group(BOTH) == ("White", "5")


def test_which_groups_are_compared():
    assert is_compared(("Black", "All"), by=ETHNIC)
    assert not is_compared(("White", "All"), by=ETHNIC)
    assert not is_compared(("Not stated", "All"), by=ETHNIC)
    assert not is_compared(TOTAL, by=ETHNIC)
    assert is_compared(("All", "1"), by=QUINTILE)
    assert not is_compared(("All", "5"), by=QUINTILE)
    assert is_compared(("White", "1"), by=BOTH) and is_compared(("Asian", "5"), by=BOTH)
    assert not is_compared(("White", "5"), by=BOTH)
    assert not is_compared(("Black", "Not stated"), by=BOTH)
    assert not is_compared(("Not stated", "2"), by=BOTH)


@pytest.mark.parametrize("by", [(), ("sex",), ("ethnic_group", "sex"), ("imd_quintile", "imd_quintile", "x")])
def test_a_breakdown_by_anything_else_is_refused(by):
    with pytest.raises(ValueError, match="by must be"):
        checked_by(by)


def test_the_dimensions_may_come_in_either_order():
    assert checked_by(("imd_quintile", "ethnic_group")) == BOTH


def test_a_stored_row_and_its_collapsed_group():
    assert stored_group(None, None) == ("Not stated", "Not stated")
    assert stored_group("Asian", 1) == ("Asian", "1")
    assert stored_group("", "") == ("Not stated", "Not stated")
    assert collapsed(("Asian", "1"), by=ETHNIC) == ("Asian", "All")
    assert collapsed(("Asian", "1"), by=QUINTILE) == ("All", "1")
    assert collapsed(("Asian", "1"), by=BOTH) == ("Asian", "1")


def test_a_mother_takes_the_group_her_rows_agree_on_in_each_dimension():
    assert mother_group([("Black", 2), ("Black", 2)]) == ("Black", "2")
    assert mother_group([("Black", 2), ("White", 2)]) == ("Not stated", "2")
    assert mother_group([("Black", 2), ("Black", 3)]) == ("Black", "Not stated")
    # an empty row disagrees with a stated one (**policy**: her rows must all agree)
    assert mother_group([("Black", 2), (None, None)]) == ("Not stated", "Not stated")
    assert mother_group([(None, None)]) == ("Not stated", "Not stated")
