"""One block's rows (docs/rules/equity.md §1): every group with 0 and 0 where it has no
births, the total last, and the share of records whose group is stated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from perinatal.dashboard.metrics.definitions import metric_by_id
from perinatal.dashboard.metrics.periods import Period
from perinatal.equity.breakdowns.blocks import block_rows, stated_share
from perinatal.equity.breakdowns.public import public_rows


def block(counts, by):
    return block_rows(
        definition=metric_by_id("pph_1500_rate"),
        org_level="icb",
        org_code="QA1",
        org_name="An ICB",
        period=Period(date(2025, 1, 1), date(2025, 3, 31)),
        counts=counts,
        by=by,
        provisional=True,
    )


def test_every_group_then_the_total():
    rows = block({("Asian", "3"): (2, 40), ("Not stated", "3"): (1, 10)}, ("ethnic_group", "imd_quintile"))
    assert len(rows) == 37
    assert [(r.ethnic_group, r.imd_quintile) for r in rows[-2:]] == [("Not stated", "Not stated"), ("All", "All")]
    assert (rows[-1].numerator, rows[-1].denominator, rows[-1].provisional) == (3, 50, True)
    empty = rows[0]
    assert (empty.numerator, empty.denominator, empty.value, empty.lower_95, empty.rate_ratio) == (
        0,
        0,
        None,
        None,
        None,
    )


def test_counts_outside_the_breakdown_are_refused():
    with pytest.raises(ValueError, match="outside the breakdown"):
        block({("Asian", "3"): (2, 40)}, ("ethnic_group",))


def test_the_share_of_records_whose_group_is_stated():
    rows = block(
        {("Asian", "3"): (2, 40), ("Not stated", "3"): (1, 10), ("White", "Not stated"): (0, 30)},
        ("ethnic_group", "imd_quintile"),
    )
    assert stated_share(rows, dimension="ethnic_group") == Decimal("87.50")  # 70 of 80
    assert stated_share(rows, dimension="imd_quintile") == Decimal("62.50")  # 50 of 80
    assert stated_share(block({}, ("ethnic_group",)), dimension="ethnic_group") is None
    with pytest.raises(ValueError, match="not broken down by imd_quintile"):
        stated_share(block({}, ("ethnic_group",)), dimension="imd_quintile")
    with pytest.raises(ValueError, match="true counts"):
        stated_share(public_rows(rows, by=("ethnic_group", "imd_quintile")), dimension="ethnic_group")
