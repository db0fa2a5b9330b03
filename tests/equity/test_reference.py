"""The reference implementation of the breakdowns (breakdowns.reference) on small fixtures
counted by hand (docs/rules/equity.md §1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from perinatal.equity.breakdowns.reference import compute_equity_reference
from tests.dashboard.factories import birth
from tests.dashboard.reference_helpers import LATER, org_of

ETHNIC = ("ethnic_group",)
QUINTILE = ("imd_quintile",)
BOTH = ("ethnic_group", "imd_quintile")


def run(births, *, by=ETHNIC, **kwargs):
    return compute_equity_reference(
        date_from=date(2025, 6, 1), date_to=date(2025, 6, 30), now=LATER, org_of=org_of, births=births, by=by, **kwargs
    )


def block(rows, metric_id, *, level="trust", code="R0A"):
    """{(ethnic_group, imd_quintile): (numerator, denominator)} of one block, in its order."""
    return {
        (r.ethnic_group, r.imd_quintile): (r.numerator, r.denominator)
        for r in rows
        if r.metric_id == metric_id and r.org_level == level and r.org_code == code
    }


def test_the_spec_example_as_births():
    births = [birth(f"B{i}", ethnic_group="Black", outcome="stillbirth" if i < 12 else "live") for i in range(2000)] + [
        birth(f"W{i}", ethnic_group="White", outcome="stillbirth" if i < 30 else "live") for i in range(10000)
    ]
    rows = run(births)
    black = next(
        r for r in rows if r.metric_id == "stillbirth_rate" and r.org_level == "trust" and r.ethnic_group == "Black"
    )
    assert (black.numerator, black.denominator, black.value) == (12, 2000, Decimal("6.00"))
    assert (black.rate_ratio, black.rate_ratio_lower_95, black.rate_ratio_upper_95) == (
        Decimal("2.00"),
        Decimal("1.03"),
        Decimal("3.90"),
    )
    assert (black.rate_difference, black.rate_difference_lower_95, black.rate_difference_upper_95) == (
        Decimal("3.00"),
        Decimal("-0.55"),
        Decimal("6.55"),
    )


def test_babies_take_their_own_row_and_a_mother_whose_rows_disagree_is_not_stated():
    births = [
        # twins of one mother recorded with different ethnic groups; one haemorrhage
        birth("T1", mother_id="M1", ethnic_group="Black", imd_quintile=1, outcome="stillbirth", blood_loss_ml=1600),
        birth("T2", mother_id="M1", ethnic_group="Mixed", imd_quintile=1),
        # a mother whose rows agree
        birth("A1", mother_id="M2", ethnic_group="Asian", imd_quintile=2, blood_loss_ml=1500),
        birth("A2", mother_id="M2", ethnic_group="Asian", imd_quintile=2, neonatal_death_on=date(2025, 6, 20)),
        # ethnic group agrees, quintile does not (one row empty)
        birth("W1", mother_id="M3", ethnic_group="White", imd_quintile=5),
        birth("W2", mother_id="M3", ethnic_group="White", imd_quintile=None, outcome="stillbirth"),
        # nothing stated; not in the rates (22 weeks) but a woman giving birth all the same
        birth("N1", mother_id="M4", ethnic_group=None, imd_quintile=None, gestation_days=154, blood_loss_ml=2000),
    ]
    rows = run(births)
    # babies by their own row: Black T1 (stillbirth), Mixed T2, Asian A1 A2, White W1 W2 (one stillbirth);
    # N1 is below 24 weeks, so it is in no stillbirth denominator
    assert block(rows, "stillbirth_rate") == {
        ("White", "All"): (1, 2),
        ("Black", "All"): (1, 1),
        ("Asian", "All"): (0, 2),
        ("Mixed", "All"): (0, 1),
        ("Other", "All"): (0, 0),
        ("Not stated", "All"): (0, 0),
        ("All", "All"): (2, 6),
    }
    assert block(rows, "neonatal_mortality_rate")[("Asian", "All")] == (1, 2)
    # women: M1 (Black and Mixed) is Not stated, M2 Asian, M3 White, M4 Not stated
    assert block(rows, "pph_1500_rate") == {
        ("White", "All"): (0, 1),
        ("Black", "All"): (0, 0),
        ("Asian", "All"): (1, 1),
        ("Mixed", "All"): (0, 0),
        ("Other", "All"): (0, 0),
        ("Not stated", "All"): (2, 2),
        ("All", "All"): (3, 4),
    }
    # by quintile: M1 agrees on 1, M2 on 2, M3 has 5 and an empty row, M4 nothing
    assert block(run(births, by=QUINTILE), "pph_1500_rate") == {
        ("All", "1"): (1, 1),
        ("All", "2"): (1, 1),
        ("All", "3"): (0, 0),
        ("All", "4"): (0, 0),
        ("All", "5"): (0, 0),
        ("All", "Not stated"): (1, 2),
        ("All", "All"): (3, 4),
    }
    both = block(run(births, by=BOTH), "pph_1500_rate")
    assert len(both) == 37
    assert {group: cell for group, cell in both.items() if cell != (0, 0)} == {
        ("White", "Not stated"): (0, 1),
        ("Asian", "2"): (1, 1),
        ("Not stated", "1"): (1, 1),
        ("Not stated", "Not stated"): (1, 1),
        ("All", "All"): (3, 4),
    }


def test_a_mother_is_grouped_by_her_rows_at_each_trust_in_the_period():
    births = [
        birth("J1", mother_id="M1", ethnic_group="Other", blood_loss_ml=1500),
        birth("J2", mother_id="M1", ethnic_group="Black", born_on=date(2025, 7, 2)),  # after the period
        birth("K1", mother_id="M1", ethnic_group="White", trust_code="R1B", site_code="R1B01"),
    ]
    rows = run(births)
    assert block(rows, "pph_1500_rate")[("Other", "All")] == (1, 1)
    assert block(rows, "pph_1500_rate", code="R1B")[("White", "All")] == (0, 1)
    # the ICB holds both trusts: the woman counts once at each, as in the dashboard's metric
    assert block(rows, "pph_1500_rate", level="icb", code="QA1")[("All", "All")] == (1, 2)


def test_every_level_and_england_even_without_births():
    rows = run([], trust_codes=["R2C"])
    levels = {(r.org_level, r.org_code) for r in rows}
    assert levels == {("national", "E92000001"), ("region", "Y58"), ("icb", "QB2"), ("trust", "R2C")}
    assert all((r.numerator, r.denominator, r.value) == (0, 0, None) for r in rows)
    assert len(rows) == 3 * 4 * 7
    assert rows[0].org_name == "England"


def test_public_rows_from_the_reference():
    births = [birth(f"W{i}", ethnic_group="White") for i in range(20)] + [birth("B1", ethnic_group="Black")]
    rows = run(births, public=True)
    black = next(
        r for r in rows if r.metric_id == "stillbirth_rate" and r.org_level == "trust" and r.ethnic_group == "Black"
    )
    white = next(
        r for r in rows if r.metric_id == "stillbirth_rate" and r.org_level == "trust" and r.ethnic_group == "White"
    )
    assert (black.denominator, black.value, black.suppressed) == ("*", None, 1)
    assert (white.denominator, white.value, white.suppressed) == (20, Decimal("0.00"), 0)
