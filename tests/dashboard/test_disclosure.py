"""Disclosure control for --public output (docs/rules/dashboard.md §4)."""

from datetime import date
from decimal import Decimal

import pytest

from perinatal.dashboard.metrics.definitions import (
    INDUCTION_DELAYS,
    METRICS,
    NEONATAL_MORTALITY_RATE,
    OBSTETRIC_UNIT_SUSPENSIONS,
    metric_by_id,
)
from perinatal.dashboard.metrics.disclosure import apply_disclosure, apply_disclosure_to_rows, is_disclosive
from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.metrics.rows import build_row


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


@pytest.mark.parametrize(("count", "hidden"), [(0, False), (1, True), (7, True), (8, False), (1000, False)])
def test_is_disclosive(count, hidden):
    assert is_disclosive(count) is hidden


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown_numerator", "shown_denominator", "suppressed"),
    [
        (0, 5000, 0, 5000, 0),
        (1, 5000, "*", 5000, 1),
        (7, 5000, "*", 5000, 1),
        (8, 5000, 8, 5000, 0),
        (0, 7, 0, "*", 1),
        (0, 8, 0, 8, 0),
        (1, 7, "*", "*", 1),
        (0, 0, 0, 0, 0),
    ],
)
def test_people_counts_of_1_to_7_are_starred(numerator, denominator, shown_numerator, shown_denominator, suppressed):
    published = apply_disclosure(
        row(NEONATAL_MORTALITY_RATE, numerator, denominator), definition=NEONATAL_MORTALITY_RATE
    )
    assert (published.numerator, published.denominator, published.suppressed) == (
        shown_numerator,
        shown_denominator,
        suppressed,
    )
    if suppressed:
        assert (published.value, published.lower_95, published.upper_95) == (None, None, None)
    elif denominator:
        assert published.value is not None and published.upper_95 is not None


@pytest.mark.parametrize("definition", [OBSTETRIC_UNIT_SUSPENSIONS, INDUCTION_DELAYS])
@pytest.mark.parametrize(("numerator", "denominator"), [(1, 1), (1, 7), (3, 5)])
def test_counts_of_units_and_trusts_are_never_suppressed(definition, numerator, denominator):
    original = row(definition, numerator, denominator)
    published = apply_disclosure(original, definition=definition)
    assert published == original and published.suppressed == 0 and published.value == original.value


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
    published = apply_disclosure_to_rows(rows)
    assert [r.suppressed for r in published] == [0, 1]
    assert published[1].value is None and published[0].value == Decimal("50.00")


def test_apply_disclosure_refuses_the_wrong_definition():
    with pytest.raises(ValueError):
        apply_disclosure(row(NEONATAL_MORTALITY_RATE, 1, 10), definition=metric_by_id("stillbirth_rate"))
