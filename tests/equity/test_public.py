"""Public disclosure control of equity rows (docs/rules/equity.md §2): the spec's examples, what
is emptied and when, what counts as suppression, and that a starred group count can no longer
be recovered from the total (as it could under the old rule of docs/rules/dashboard.md §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from perinatal.dashboard.metrics.definitions import metric_by_id
from perinatal.dashboard.metrics.periods import Period
from perinatal.equity.breakdowns.blocks import block_rows
from perinatal.equity.breakdowns.public import public_row, public_rows

ETHNIC = ("ethnic_group",)


def block(counts, *, by=ETHNIC, metric="stillbirth_rate"):
    return block_rows(
        definition=metric_by_id(metric),
        org_level="trust",
        org_code="R0A",
        org_name="Manchester",
        period=Period(date(2025, 1, 1), date(2025, 12, 31)),
        counts=counts,
        by=by,
        provisional=False,
    )


def group_row(rows, group):
    return next(r for r in rows if r.ethnic_group == group)


@pytest.mark.parametrize(
    "true, shown",
    [(0, 0), (1, "*"), (7, "*"), (8, 10), (12, 10), (13, 15), (57, 55), (238, 240), (10023, 10025)],
)
def test_counts_of_people_as_the_spec_gives_them(true, shown):
    rows = public_rows(block({("Black", "All"): (true, max(true, 20000))}), by=ETHNIC)
    assert group_row(rows, "Black").numerator == shown


def test_rates_come_from_the_true_counts_and_rounding_alone_is_not_suppression():
    true = block({("Black", "All"): (13, 238), ("White", "All"): (57, 10023)})
    shown = public_rows(true, by=ETHNIC)
    black, true_black = group_row(shown, "Black"), group_row(true, "Black")
    assert (black.numerator, black.denominator) == (15, 240)
    assert black.value == true_black.value == Decimal("54.62")  # 13 / 238, not 15 / 240 (62.50)
    assert (black.lower_95, black.upper_95) == (true_black.lower_95, true_black.upper_95)
    assert black.rate_ratio == true_black.rate_ratio is not None
    assert black.suppressed == 0
    total = shown[-1]
    assert (total.numerator, total.denominator, total.suppressed) == (70, 10260, 0)  # 70 / 10,261 → 10,260


def test_a_small_count_stars_and_empties_the_rate_and_the_comparison():
    shown = public_rows(
        block({("Black", "All"): (3, 900), ("Asian", "All"): (0, 5), ("White", "All"): (30, 10000)}), by=ETHNIC
    )
    black = group_row(shown, "Black")
    assert (black.numerator, black.denominator, black.value, black.lower_95, black.upper_95) == (
        "*",
        900,
        None,
        None,
        None,
    )
    assert black.rate_ratio is None and black.rate_difference_upper_95 is None
    assert black.suppressed == 1
    asian = group_row(shown, "Asian")  # 0 of 5: the denominator is starred, the rate 0.00 emptied
    assert (asian.numerator, asian.denominator, asian.value, asian.suppressed) == (0, "*", None, 1)


def test_a_small_reference_group_empties_every_comparison_but_not_the_rates():
    shown = public_rows(block({("Black", "All"): (40, 9000), ("White", "All"): (2, 800)}), by=ETHNIC)
    black = group_row(shown, "Black")
    assert (black.numerator, black.denominator) == (40, 9000)
    assert black.value is not None and black.lower_95 is not None
    assert black.rate_ratio is None and black.rate_difference is None and black.rate_difference_lower_95 is None
    assert black.suppressed == 1  # a figure that would have been shown was emptied


def test_nothing_emptied_is_not_suppression():
    # no births in the group: every figure is empty already, and 0 is shown
    shown = public_rows(block({("White", "All"): (2, 800)}), by=ETHNIC)
    mixed = group_row(shown, "Mixed")
    assert (mixed.numerator, mixed.denominator, mixed.rate_ratio, mixed.suppressed) == (0, 0, None, 0)


def test_the_rows_must_hold_true_counts():
    shown = public_rows(block({("Black", "All"): (3, 900)}), by=ETHNIC)
    with pytest.raises(ValueError, match="true counts"):
        public_row(group_row(shown, "Black"), reference_counts=None)


# --- No recovery by subtraction -------------------------------------------------------------
def old_rule(count: int):
    """docs/rules/dashboard.md §4 before docs/rules/equity.md §2: 1–7 starred, every other count exact."""
    return "*" if 1 <= count <= 7 else count


def candidates(shown, total_shown, *, rounded: bool):
    """Every true value of the starred count consistent with what was published: the other
    groups' true counts and the total's are unknown within what their published figures allow."""

    def possible(published):
        if published == "*":
            return range(1, 8)
        if not rounded or published == 0:
            return range(published, published + 1)
        return range(max(8, published - 2), published + 3)  # counts rounding to it (8 or more)

    others = [possible(value) for value in shown]
    low, high = sum(r.start for r in others), sum(r.stop - 1 for r in others)
    found = set()
    for total in possible(total_shown):
        for hidden in range(1, 8):
            if low <= total - hidden <= high:
                found.add(hidden)
    return found


def test_a_starred_group_cannot_be_recovered_from_the_total():
    counts = {("White", "All"): (58, 10000), ("Black", "All"): (3, 900), ("Asian", "All"): (21, 3000)}
    true = block(counts)
    # the old rule: the total and the other groups exact, so total − others gives the star
    old = [old_rule(r.numerator) for r in true]
    black_index = [r.ethnic_group for r in true].index("Black")
    others_old = [value for i, value in enumerate(old[:-1]) if i != black_index]
    assert old[black_index] == "*"
    assert old[-1] - sum(others_old) == 3
    assert candidates(others_old, old[-1], rounded=False) == {3}
    # the rule now: every count of people rounded to 5 (the total too), so the star stays open
    shown = public_rows(true, by=ETHNIC)
    published = [r.numerator for r in shown]
    assert published[black_index] == "*"
    others_now = [value for i, value in enumerate(published[:-1]) if i != black_index]
    found = candidates(others_now, published[-1], rounded=True)
    assert 3 in found and len(found) > 1, found
