"""Reference output: roll-up, order, empty values, provisional marks, --public (docs/rules/dashboard.md §4)."""

from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal

from perinatal.dashboard.metrics.definitions import METRIC_IDS
from perinatal.dashboard.metrics.rows import OUTPUT_COLUMNS, MetricRow, row_cells

from .factories import OTHER_TRUST, at, birth, episode, unit
from .reference_helpers import counts, pick, run

YEAR = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
ENGLAND = {"level": "national", "code": "E92000001"}


def test_roll_up_sums_numerators_and_denominators_never_rates():
    births = (
        [birth(f"A{i}", outcome="stillbirth" if i < 1 else "live") for i in range(2)]
        + [birth(f"B{i}", trust_code=OTHER_TRUST) for i in range(8)]
        + [birth(f"C{i}", trust_code="R2C", outcome="stillbirth") for i in range(2)]
    )
    rows = run(births=births, **YEAR)
    assert counts(rows, "stillbirth_rate") == (1, 2)
    assert counts(rows, "stillbirth_rate", code=OTHER_TRUST) == (0, 8)
    icb = pick(rows, "stillbirth_rate", level="icb", code="QA1")
    assert (icb.numerator, icb.denominator, icb.value) == (1, 10, Decimal("100.00"))  # not (500 + 0) / 2
    assert counts(rows, "stillbirth_rate", level="region", code="Y58") == (2, 2)
    national = pick(rows, "stillbirth_rate", **ENGLAND)
    assert (national.numerator, national.denominator, national.org_name) == (3, 12, "England")


def test_roll_up_uses_the_organisation_in_force_on_the_period_end():
    def org_of(trust, period_end):
        return ("QNEW", "Y59") if period_end >= date(2026, 4, 1) else ("QOLD", "Y58")

    rows = run(
        births=[birth("B1", born_on=date(2026, 3, 1)), birth("B2", born_on=date(2026, 4, 1))],
        date_from="2026-01-01",
        date_to="2026-06-30",
        by="quarter",
        org_of=org_of,
    )
    assert counts(rows, "stillbirth_rate", level="icb", code="QOLD", period_start="2026-01-01") == (0, 1)
    assert counts(rows, "stillbirth_rate", level="icb", code="QNEW", period_start="2026-04-01") == (0, 1)


def test_rows_are_in_section_4_order():
    rows = run(
        units=[unit("U1"), unit("U2", trust_code=OTHER_TRUST, site_code="R1B01")],
        births=[birth("B1"), birth("B2", trust_code="R2C")],
        date_from="2025-12-04",
        date_to="2025-12-31",
    )
    keys = [
        (
            METRIC_IDS.index(r.metric_id),
            ["national", "region", "icb", "trust"].index(r.org_level),
            r.org_code,
            r.period_start,
        )
        for r in rows
    ]
    assert keys == sorted(keys)
    assert rows[0].metric_id == "obstetric_unit_suspensions" and rows[0].org_level == "national"
    assert rows[-1].metric_id == "considered_complaint" and rows[-1].org_code == "R2C"
    assert {r.metric_id for r in rows} == set(METRIC_IDS)
    levels = [(r.org_level, r.org_code) for r in rows if r.metric_id == "stillbirth_rate"]
    assert levels == [
        ("national", "E92000001"),
        ("region", "Y56"),
        ("region", "Y58"),
        ("icb", "QA1"),
        ("icb", "QB2"),
        ("trust", "R0A"),
        ("trust", "R1B"),
        ("trust", "R2C"),
    ]


def test_zero_denominator_gives_an_empty_value():
    rows = run(trust_codes=["R0A"], **YEAR)
    for metric_id in ("stillbirth_rate", "pph_1500_rate", "optimal_perinatal_care", "considered_complaint"):
        row = pick(rows, metric_id)
        assert (row.numerator, row.denominator, row.value, row.lower_95, row.upper_95) == (0, 0, None, None, None)
        assert row_cells(row)["value"] == ""


def test_row_columns_and_cells():
    assert [f.name for f in fields(MetricRow)][:12] == list(OUTPUT_COLUMNS)
    # 1 stillbirth in 2 births; Garwood limits for 1 event are 0.0253 and 5.5716
    row = pick(run(births=[birth("B1"), birth("B2", outcome="stillbirth")], **YEAR), "stillbirth_rate")
    assert row_cells(row) == {
        "metric_id": "stillbirth_rate",
        "org_level": "trust",
        "org_code": "R0A",
        "org_name": "",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "numerator": "1",
        "denominator": "2",
        "value": "500.00",
        "lower_95": "12.66",
        "upper_95": "2785.82",
        "suppressed": "0",
    }


def test_org_names_come_from_the_callback():
    rows = run(births=[birth("B1")], org_name=lambda level, code: f"{level}:{code}", **YEAR)
    assert pick(rows, "stillbirth_rate").org_name == "trust:R0A"
    assert pick(rows, "stillbirth_rate", level="icb", code="QA1").org_name == "icb:QA1"
    assert pick(rows, "stillbirth_rate", **ENGLAND).org_name == "England"


def test_provisional_marks():
    rows = run(
        units=[unit("U1")],
        births=[birth("B1", born_on=date(2025, 12, 20))],
        date_from="2025-12-18",
        date_to="2025-12-31",
        now=at("2026-01-20T12:00"),
    )
    assert pick(rows, "obstetric_unit_suspensions").provisional is False  # 20 days old
    assert pick(rows, "neonatal_mortality_rate").provisional is True  # under 28 days old
    assert pick(rows, "stillbirth_rate").provisional is False
    rows = run(units=[unit("U1")], date_from="2025-12-18", date_to="2025-12-31", now=at("2026-01-13T12:00"))
    assert pick(rows, "obstetric_unit_suspensions").provisional is True  # 13 days old


def test_public_output_suppresses_small_counts_of_people_only():
    rows = run(
        units=[unit("U1")],
        unit_status=[episode("U1", "2025-12-20T10:00", "2025-12-20T12:00")],
        births=[birth(f"B{i}", born_on=date(2025, 12, 20)) for i in range(5)],
        date_from="2025-12-18",
        date_to="2025-12-31",
        public=True,
    )
    still = pick(rows, "stillbirth_rate")
    assert (still.numerator, still.denominator, still.value, still.suppressed) == (0, "*", None, 1)
    units = pick(rows, "obstetric_unit_suspensions")
    assert (units.numerator, units.denominator, units.value, units.suppressed) == (1, 1, Decimal("100.00"), 0)


def test_records_may_be_mappings():
    december = date(2025, 12, 20)
    rows = run(
        births=[asdict(birth("B1", outcome="stillbirth", born_on=december)), asdict(birth("B2", born_on=december))],
        units=[asdict(unit("U1"))],
        unit_status=[asdict(episode("U1", "2025-12-20T10:00", "2025-12-20T12:00"))],
        date_from="2025-12-18",
        date_to="2025-12-31",
    )
    assert counts(rows, "stillbirth_rate") == (1, 2)
    assert counts(rows, "obstetric_unit_suspensions") == (1, 1)


def test_no_whole_fortnight_gives_no_operational_rows():
    rows = run(
        units=[unit("U1")],
        births=[birth("B1", born_on=date(2025, 12, 25))],
        date_from="2025-12-20",
        date_to="2025-12-31",
    )
    assert not [r for r in rows if r.metric_id.startswith("obstetric_unit_suspensions")]
    assert counts(rows, "stillbirth_rate") == (0, 1)
