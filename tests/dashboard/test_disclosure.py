"""Public disclosure control of the metric rows (docs/rules/equity.md §2)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import product

import pytest

from perinatal.dashboard.metrics.definitions import (
    CONSIDERED_COMPLAINT,
    INDUCTION_DELAYS,
    INDUCTION_DELAYS_WOMEN,
    METRICS,
    NEONATAL_MORTALITY_RATE,
    OBSTETRIC_UNIT_SUSPENSIONS,
    OBSTETRIC_UNIT_SUSPENSIONS_EPISODES,
    OBSTETRIC_UNIT_SUSPENSIONS_HOURS,
    OPC_COMPONENT_DEFINITIONS,
    OPTIMAL_PERINATAL_CARE,
    PPH_1500_RATE,
    STILLBIRTH_RATE,
    metric_by_id,
)
from perinatal.dashboard.metrics.disclosure import apply_disclosure, apply_disclosure_to_rows, is_disclosive
from perinatal.dashboard.metrics.intervals import UNIT_PER_1000, UNIT_PERCENT, metric_interval
from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.metrics.rows import build_row

from .factories import birth
from .reference_helpers import pick, run

RATES = (STILLBIRTH_RATE, NEONATAL_MORTALITY_RATE, PPH_1500_RATE)
PERCENTAGES_OF_PEOPLE = (
    OPTIMAL_PERINATAL_CARE,
    *OPC_COMPONENT_DEFINITIONS,
    CONSIDERED_COMPLAINT,
    INDUCTION_DELAYS_WOMEN,
)
NO_PEOPLE = (
    OBSTETRIC_UNIT_SUSPENSIONS,
    OBSTETRIC_UNIT_SUSPENSIONS_EPISODES,
    OBSTETRIC_UNIT_SUSPENSIONS_HOURS,
    INDUCTION_DELAYS,
)


def row(definition, numerator, denominator):
    return build_row(
        definition=definition,
        org_level="trust",
        org_code="R0A",
        org_name="A trust",
        period=Period(date(2025, 1, 1), date(2025, 12, 31)),
        numerator=numerator,
        denominator=denominator,
        provisional=False,
    )


def published(definition, numerator, denominator):
    return apply_disclosure(row(definition, numerator, denominator), definition=definition)


@pytest.mark.parametrize(("count", "hidden"), [(0, False), (1, True), (7, True), (8, False), (1000, False)])
def test_is_disclosive(count, hidden):
    assert is_disclosive(count) is hidden


def test_the_metric_units_are_the_ones_the_rule_expects():
    """The rule treats rates per 1,000 and percentages of people differently: each metric that
    counts people is one or the other (hours and episodes count no people)."""
    people = [m for m in METRICS if m.numerator_counts_people or m.denominator_counts_people]
    assert {m.id for m in people if m.unit == UNIT_PER_1000} == {m.id for m in RATES}
    assert {m.id for m in people if m.unit == UNIT_PERCENT} == {m.id for m in PERCENTAGES_OF_PEOPLE}
    assert len(people) == len(RATES) + len(PERCENTAGES_OF_PEOPLE)


@pytest.mark.parametrize(
    ("births", "shown"), [(8, 10), (12, 10), (13, 15), (57, 55), (238, 240), (10_023, 10_025), (10, 10), (0, 0)]
)
def test_counts_of_people_of_8_or_more_go_to_the_nearest_5(births, shown):
    published_row = published(STILLBIRTH_RATE, 0, births)
    assert (published_row.numerator, published_row.denominator, published_row.suppressed) == (0, shown, 0)


def test_a_rate_keeps_the_value_and_interval_of_the_true_counts():
    true_row = row(STILLBIRTH_RATE, 13, 238)
    published_row = apply_disclosure(true_row, definition=STILLBIRTH_RATE)
    assert (published_row.numerator, published_row.denominator, published_row.suppressed) == (15, 240, 0)
    assert published_row.value == Decimal("54.62") == true_row.value  # 13 / 238, not 15 / 240 (62.50)
    assert (published_row.lower_95, published_row.upper_95) == (true_row.lower_95, true_row.upper_95)


@pytest.mark.parametrize("definition", RATES)
@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [(5, 2000, ("*", 2000)), (1, 5000, ("*", 5000)), (7, 5001, ("*", 5000)), (0, 7, (0, "*")), (1, 7, ("*", "*"))],
)
def test_a_rate_with_a_count_of_1_to_7_is_emptied(definition, numerator, denominator, shown):
    published_row = published(definition, numerator, denominator)
    assert (published_row.numerator, published_row.denominator) == shown
    assert (published_row.value, published_row.lower_95, published_row.upper_95, published_row.suppressed) == (
        None,
        None,
        None,
        1,
    )


def test_zero_is_shown_and_is_not_suppression():
    none_died = published(NEONATAL_MORTALITY_RATE, 0, 5000)
    assert (none_died.numerator, none_died.denominator, none_died.value, none_died.suppressed) == (
        0,
        5000,
        Decimal("0.00"),
        0,
    )
    assert none_died.upper_95 is not None
    no_births = published(NEONATAL_MORTALITY_RATE, 0, 0)
    assert (no_births.numerator, no_births.denominator, no_births.value, no_births.suppressed) == (0, 0, None, 0)


def test_a_percentage_of_people_is_computed_from_the_rounded_counts():
    published_row = published(OPTIMAL_PERINATAL_CARE, 13, 238)
    assert (published_row.numerator, published_row.denominator, published_row.suppressed) == (15, 240, 0)
    assert published_row.value == Decimal("6.25")  # 15 / 240, not 13 / 238 (5.46)
    from_rounded = metric_interval(numerator=15, denominator=240, unit=UNIT_PERCENT, method="wilson")
    from_true = metric_interval(numerator=13, denominator=238, unit=UNIT_PERCENT, method="wilson")
    assert (published_row.lower_95, published_row.upper_95) == from_rounded != from_true


@pytest.mark.parametrize("definition", PERCENTAGES_OF_PEOPLE)
def test_every_percentage_of_people_follows_the_rounded_counts(definition):
    published_row = published(definition, 9, 52)
    assert (published_row.numerator, published_row.denominator, published_row.value) == (10, 50, Decimal("20.00"))
    assert published_row.suppressed == 0


@pytest.mark.parametrize("definition", PERCENTAGES_OF_PEOPLE)
@pytest.mark.parametrize(("numerator", "denominator", "shown"), [(5, 100, ("*", 100)), (0, 6, (0, "*"))])
def test_a_percentage_with_a_count_of_1_to_7_is_emptied(definition, numerator, denominator, shown):
    published_row = published(definition, numerator, denominator)
    assert (published_row.numerator, published_row.denominator) == shown
    assert (published_row.value, published_row.lower_95, published_row.upper_95, published_row.suppressed) == (
        None,
        None,
        None,
        1,
    )


@pytest.mark.parametrize("definition", NO_PEOPLE)
@pytest.mark.parametrize(("numerator", "denominator"), [(1, 1), (1, 7), (3, 5), (13, 238)])
def test_counts_of_units_trusts_episodes_and_hours_are_never_changed(definition, numerator, denominator):
    original = row(definition, numerator, denominator)
    assert apply_disclosure(original, definition=definition) == original


def test_every_metric_says_whether_it_counts_people():
    people = {m.id for m in METRICS if m.numerator_counts_people or m.denominator_counts_people}
    assert people == {
        "induction_delays.women",
        "stillbirth_rate",
        "neonatal_mortality_rate",
        "pph_1500_rate",
        "optimal_perinatal_care",
        "optimal_perinatal_care.steroids",
        "optimal_perinatal_care.magnesium",
        "optimal_perinatal_care.nicu_birth",
        "optimal_perinatal_care.cord_clamping",
        "optimal_perinatal_care.temperature",
        "optimal_perinatal_care.breastmilk",
        "considered_complaint",
    }


def test_apply_disclosure_to_rows_uses_each_rows_definition():
    rows = [row(OBSTETRIC_UNIT_SUSPENSIONS, 1, 2), row(NEONATAL_MORTALITY_RATE, 1, 2000)]
    published_rows = apply_disclosure_to_rows(rows)
    assert [r.suppressed for r in published_rows] == [0, 1]
    assert published_rows[1].value is None and published_rows[0].value == Decimal("50.00")


def test_apply_disclosure_refuses_the_wrong_definition():
    with pytest.raises(ValueError):
        apply_disclosure(row(NEONATAL_MORTALITY_RATE, 1, 10), definition=metric_by_id("stillbirth_rate"))


# --- Recovery by subtraction: why the rule changed -------------------------------------------

#: Three trusts of one region (one ICB): 3, 12 and 20 stillbirths.
REGION = {"T1": ("Q01", "Y56"), "T2": ("Q01", "Y56"), "T3": ("Q01", "Y56")}
STILLBIRTHS = {"T1": 3, "T2": 12, "T3": 20}


def _region_rows(*, public: bool):
    births = [
        birth(f"{trust}-{i}", trust_code=trust, outcome="stillbirth" if i < stillbirths else "live")
        for trust, stillbirths in STILLBIRTHS.items()
        for i in range(400)
    ]
    rows = run(
        births=births,
        org_of=lambda trust, period_end: REGION[trust],
        date_from="2025-01-01",
        date_to="2025-12-31",
        public=public,
    )
    trusts = [pick(rows, "stillbirth_rate", code=trust) for trust in STILLBIRTHS]
    return trusts, pick(rows, "stillbirth_rate", level="region", code="Y56")


def _old_rule(published_row):
    """The rule this one replaced: a count of 1–7 people starred, every other count exact."""
    return replace(published_row, numerator="*" if is_disclosive(published_row.numerator) else published_row.numerator)


def _true_counts_under_old_rule(shown):
    return range(1, 8) if shown == "*" else [shown]


def _true_counts_under_new_rule(shown):
    """Every true count the published one could stand for (docs/rules/equity.md §2)."""
    if shown == "*":
        return range(1, 8)
    if shown == 0:
        return [0]
    return [count for count in range(shown - 2, shown + 3) if count >= 8]


def _starred_counts_consistent_with(trusts, region, true_counts):
    """What a reader can work out about the starred trust from the published rows alone: the
    region's total less the other trusts, over every combination of true counts they allow."""
    starred = [r.numerator for r in trusts].index("*")
    others = [r.numerator for i, r in enumerate(trusts) if i != starred]
    found = set()
    for total, *rest in product(true_counts(region.numerator), *(true_counts(n) for n in others)):
        if 1 <= total - sum(rest) <= 7:
            found.add(total - sum(rest))
    return found


def test_under_the_old_rule_a_starred_count_was_recovered_from_the_total():
    trusts, region = _region_rows(public=False)
    old_trusts, old_region = [_old_rule(r) for r in trusts], _old_rule(region)
    assert [r.numerator for r in old_trusts] == ["*", 12, 20] and old_region.numerator == 35
    assert _starred_counts_consistent_with(old_trusts, old_region, _true_counts_under_old_rule) == {3}


def test_under_the_new_rule_the_total_no_longer_gives_the_starred_count_away():
    trusts, region = _region_rows(public=True)
    assert [r.numerator for r in trusts] == ["*", 10, 20] and region.numerator == 35
    assert [r.denominator for r in trusts] == [400, 400, 400] and region.denominator == 1200
    assert _starred_counts_consistent_with(trusts, region, _true_counts_under_new_rule) == set(range(1, 8))
