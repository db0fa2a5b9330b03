"""Reference implementation, outcome and survey metrics 4–8 (docs/rules/dashboard.md §3.4–3.8)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from perinatal.dashboard.metrics.definitions import STILLBIRTH_DENOMINATOR_LIVE_BIRTHS

from .factories import OTHER_TRUST, admission, birth, survey_row
from .reference_helpers import counts, pick, run

YEAR = {"date_from": "2025-01-01", "date_to": "2025-12-31"}


def births_run(births, **kwargs):
    return run(births=births, **YEAR, **kwargs)


@pytest.mark.parametrize(
    ("gestation", "weight", "included"),
    [
        (168, 3000, True),  # 24+0
        (167, 3000, False),  # 23+6: 22–23 week births are not in the rates
        (154, 600, False),  # 22+0, even at 400 g or more: known gestation decides
        (None, 400, True),  # gestation unknown, 400 g
        (None, 399, False),  # gestation unknown, under 400 g
        (None, None, False),  # neither known
        (300, None, True),  # gestation known, weight unknown
    ],
)
def test_stillbirth_and_neonatal_inclusion(gestation, weight, included):
    rows = births_run(
        [
            birth("S1", outcome="stillbirth", gestation_days=gestation, birth_weight_g=weight),
            birth("L1", outcome="live", gestation_days=gestation, birth_weight_g=weight),
        ]
    )
    n = 1 if included else 0
    assert counts(rows, "stillbirth_rate") == (n, 2 * n)
    assert counts(rows, "neonatal_mortality_rate") == (0, n)


def test_terminations_are_excluded_from_stillbirth_and_neonatal_rates():
    rows = births_run(
        [
            birth("S1", outcome="stillbirth", termination=True),
            birth("L1", termination=True, neonatal_death_on=date(2025, 6, 16)),
            birth("L2"),
        ]
    )
    assert counts(rows, "stillbirth_rate") == (0, 1)
    assert counts(rows, "neonatal_mortality_rate") == (0, 1)


def test_stillbirth_rate_per_1000_total_births():
    births = [birth(f"L{i}") for i in range(997)] + [birth(f"S{i}", outcome="stillbirth") for i in range(3)]
    row = pick(births_run(births), "stillbirth_rate")
    assert (row.numerator, row.denominator, row.value) == (3, 1000, Decimal("3.00"))
    # Garwood limits for 3 events: 0.6187 and 8.7673, per 1,000 of 1,000 births
    assert (row.lower_95, row.upper_95) == (Decimal("0.62"), Decimal("8.77"))


def test_stillbirth_denominator_setting_live_births():
    births = [birth(f"L{i}") for i in range(997)] + [birth(f"S{i}", outcome="stillbirth") for i in range(3)]
    row = pick(births_run(births, stillbirth_denominator=STILLBIRTH_DENOMINATOR_LIVE_BIRTHS), "stillbirth_rate")
    assert (row.numerator, row.denominator, row.value) == (3, 997, Decimal("3.01"))


@pytest.mark.parametrize(("days", "counted"), [(0, True), (6, True), (27, True), (28, False)])
def test_neonatal_death_on_day_27_and_28(days, counted):
    born = date(2025, 6, 15)
    rows = births_run([birth("L1", born_on=born, neonatal_death_on=born + timedelta(days=days))])
    assert counts(rows, "neonatal_mortality_rate") == ((1 if counted else 0), 1)


def test_neonatal_death_counted_in_the_period_of_birth():
    rows = run(
        births=[birth("L1", born_on=date(2025, 1, 31), neonatal_death_on=date(2025, 2, 10))],
        date_from="2025-01-01",
        date_to="2025-02-28",
        by="month",
    )
    assert counts(rows, "neonatal_mortality_rate", period_start="2025-01-01") == (1, 1)
    assert counts(rows, "neonatal_mortality_rate", period_start="2025-02-01") == (0, 0)


def test_stillbirths_are_not_in_the_neonatal_denominator():
    rows = births_run([birth("S1", outcome="stillbirth"), birth("L1")])
    assert counts(rows, "neonatal_mortality_rate") == (0, 1)


def test_pph_twins_count_once_with_the_largest_blood_loss():
    rows = births_run(
        [
            birth("T1", mother_id="M1", blood_loss_ml=1400, multiple_birth=True),
            birth("T2", mother_id="M1", blood_loss_ml=1600, multiple_birth=True),
            birth("B3", mother_id="M2", blood_loss_ml=500),
        ]
    )
    row = pick(rows, "pph_1500_rate")
    assert (row.numerator, row.denominator, row.value) == (1, 2, Decimal("500.00"))


@pytest.mark.parametrize(
    ("losses", "counted"),
    [
        ([1499], False),
        ([1500], True),
        ([None], False),
        ([None, 1500], True),
        ([1500, None], True),
        ([None, None], False),
        ([1499, 1499], False),
    ],
)
def test_pph_threshold_and_unknown_blood_loss(losses, counted):
    rows = births_run([birth(f"B{i}", mother_id="M1", blood_loss_ml=loss) for i, loss in enumerate(losses)])
    assert counts(rows, "pph_1500_rate") == ((1 if counted else 0), 1)


def test_pph_denominator_includes_every_gestation_outcome_and_termination():
    rows = births_run(
        [
            birth("B1", mother_id="M1", gestation_days=154, birth_weight_g=350),
            birth("B2", mother_id="M2", outcome="stillbirth", termination=True, blood_loss_ml=1600),
            birth("B3", mother_id="M3", gestation_days=None, birth_weight_g=None, blood_loss_ml=None),
        ]
    )
    assert counts(rows, "pph_1500_rate") == (1, 3)


def test_outcomes_count_against_the_trust_of_birth_in_the_period():
    rows = run(
        births=[
            birth("B1", born_on=date(2024, 12, 31)),
            birth("B2", trust_code=OTHER_TRUST),
            birth("B3", born_on=date(2025, 1, 1)),
            birth("B4", born_on=date(2026, 1, 1)),
        ],
        **YEAR,
    )
    assert counts(rows, "stillbirth_rate") == (0, 1)
    assert counts(rows, "stillbirth_rate", code=OTHER_TRUST) == (0, 1)
    assert counts(rows, "pph_1500_rate") == (0, 1)


def opc(babies):
    return run(neonatal_care=babies, **YEAR)


def test_optimal_perinatal_care_all_components_met():
    rows = opc([admission("A1")])
    assert counts(rows, "optimal_perinatal_care") == (1, 1)
    for key in ("steroids", "magnesium", "nicu_birth", "cord_clamping", "temperature", "breastmilk"):
        assert counts(rows, f"optimal_perinatal_care.{key}") == (1, 1)


@pytest.mark.parametrize(
    ("gestation", "eligible"),
    [
        (160, {"magnesium", "nicu_birth", "cord_clamping", "temperature", "breastmilk"}),
        (161, {"steroids", "magnesium", "nicu_birth", "cord_clamping", "temperature", "breastmilk"}),
        (188, {"steroids", "magnesium", "nicu_birth", "cord_clamping", "temperature", "breastmilk"}),
        (189, {"steroids", "magnesium", "cord_clamping", "temperature", "breastmilk"}),
        (209, {"steroids", "magnesium", "cord_clamping", "temperature", "breastmilk"}),
        (210, {"steroids", "cord_clamping", "temperature", "breastmilk"}),
        (237, {"steroids", "cord_clamping", "temperature", "breastmilk"}),
    ],
)
def test_opc_component_eligibility_by_gestation(gestation, eligible):
    # nothing given: every eligible component is unknown, so not met
    baby = admission(
        "A1",
        gestation_days=gestation,
        antenatal_steroids=None,
        antenatal_magnesium=None,
        born_in_nicu_site=None,
        cord_clamping_seconds=None,
        admission_temperature_c=None,
        temperature_within_hour=None,
        breastmilk_day_1_2=None,
    )
    rows = opc([baby])
    assert counts(rows, "optimal_perinatal_care") == (0, 1)
    for key in ("steroids", "magnesium", "nicu_birth", "cord_clamping", "temperature", "breastmilk"):
        assert counts(rows, f"optimal_perinatal_care.{key}") == ((0, 1) if key in eligible else (0, 0))


def test_opc_ineligible_components_do_not_matter():
    # 33+0 weeks: not eligible for magnesium or NICU birth, so those unknown cells do not count
    rows = opc([admission("A1", gestation_days=231, antenatal_magnesium=None, born_in_nicu_site=False)])
    assert counts(rows, "optimal_perinatal_care") == (1, 1)


@pytest.mark.parametrize(("gestation", "included"), [(237, True), (238, False), (None, False)])
def test_opc_includes_babies_below_34_weeks_with_known_gestation(gestation, included):
    rows = opc([admission("A1", gestation_days=gestation)])
    assert counts(rows, "optimal_perinatal_care") == ((1, 1) if included else (0, 0))


@pytest.mark.parametrize(
    ("changes", "component"),
    [
        ({"antenatal_steroids": False}, "steroids"),
        ({"antenatal_magnesium": None}, "magnesium"),
        ({"born_in_nicu_site": False}, "nicu_birth"),
        ({"cord_clamping_seconds": 59}, "cord_clamping"),
        ({"cord_clamping_seconds": None}, "cord_clamping"),
        ({"admission_temperature_c": Decimal("36.4")}, "temperature"),
        ({"admission_temperature_c": Decimal("37.6")}, "temperature"),
        ({"temperature_within_hour": False}, "temperature"),
        ({"temperature_within_hour": None}, "temperature"),
        ({"breastmilk_day_1_2": None}, "breastmilk"),
    ],
)
def test_opc_one_component_not_met(changes, component):
    rows = opc([admission("A1", **changes)])
    assert counts(rows, "optimal_perinatal_care") == (0, 1)
    assert counts(rows, f"optimal_perinatal_care.{component}") == (0, 1)


@pytest.mark.parametrize("temperature", [Decimal("36.5"), Decimal("37.5"), Decimal("37.0")])
def test_opc_temperature_bounds_are_inclusive(temperature):
    assert counts(
        opc([admission("A1", admission_temperature_c=temperature)]), "optimal_perinatal_care.temperature"
    ) == (1, 1)


def test_considered_complaint_sums_yes_and_responses_over_overlapping_years():
    rows = run(
        survey=[
            survey_row(2024, 100, 10),
            survey_row(2025, 200, 30),
            survey_row(2026, 50, 50),
            survey_row(2025, 80, 40, question="felt_listened_to"),
        ],
        date_from="2024-07-01",
        date_to="2025-06-30",
    )
    row = pick(rows, "considered_complaint")
    assert (row.numerator, row.denominator, row.value) == (40, 300, Decimal("13.33"))
    assert (row.period_start, row.period_end) == (date(2024, 7, 1), date(2025, 6, 30))


def test_survey_by_month_counts_the_year_in_each_month_it_overlaps():
    rows = run(survey=[survey_row(2025, 200, 30)], date_from="2024-12-01", date_to="2025-01-31", by="month")
    assert counts(rows, "considered_complaint", period_start="2024-12-01") == (0, 0)
    assert counts(rows, "considered_complaint", period_start="2025-01-01") == (30, 200)


def test_outcome_rows_by_quarter():
    rows = run(
        births=[birth("B1", born_on=date(2025, 2, 1)), birth("B2", born_on=date(2025, 5, 1))],
        date_from="2025-01-01",
        date_to="2025-06-30",
        by="quarter",
    )
    assert counts(rows, "stillbirth_rate", period_start="2025-01-01") == (0, 1)
    assert counts(rows, "stillbirth_rate", period_start="2025-04-01") == (0, 1)
