"""The metric definitions as data (docs/rules/dashboard.md §3, §4)."""

import dataclasses

import pytest

from perinatal.dashboard.metrics.definitions import (
    HEADLINE_METRICS,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    METRIC_IDS,
    METRICS,
    OPC_COMPONENTS,
    STILLBIRTH_DENOMINATOR_LIVE_BIRTHS,
    STILLBIRTH_RATE,
    metric_by_id,
    metric_definitions,
)
from perinatal.dashboard.metrics.intervals import (
    INTERVAL_GARWOOD,
    INTERVAL_NONE,
    INTERVAL_WILSON,
    UNIT_PER_1000,
    UNIT_PERCENT,
)
from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT, PERIOD_OUTCOME, PERIOD_SURVEY

SECTION_4_ORDER = [
    "obstetric_unit_suspensions",
    "obstetric_unit_suspensions.episodes",
    "obstetric_unit_suspensions.hours",
    "neonatal_unit_suspensions",
    "neonatal_unit_suspensions.external",
    "neonatal_unit_suspensions.internal",
    "induction_delays",
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
]


def test_metric_ids_in_section_4_order():
    assert list(METRIC_IDS) == SECTION_4_ORDER


def test_the_8_headline_metrics():
    assert [m.id for m in HEADLINE_METRICS] == [
        "obstetric_unit_suspensions",
        "neonatal_unit_suspensions",
        "induction_delays",
        "stillbirth_rate",
        "neonatal_mortality_rate",
        "pph_1500_rate",
        "optimal_perinatal_care",
        "considered_complaint",
    ]


@pytest.mark.parametrize(
    ("metric_id", "unit", "period_kind", "direction", "interval"),
    [
        ("obstetric_unit_suspensions", UNIT_PERCENT, PERIOD_FORTNIGHT, LOWER_IS_BETTER, INTERVAL_WILSON),
        ("neonatal_unit_suspensions", UNIT_PERCENT, PERIOD_FORTNIGHT, LOWER_IS_BETTER, INTERVAL_WILSON),
        ("induction_delays", UNIT_PERCENT, PERIOD_FORTNIGHT, LOWER_IS_BETTER, INTERVAL_WILSON),
        ("stillbirth_rate", UNIT_PER_1000, PERIOD_OUTCOME, LOWER_IS_BETTER, INTERVAL_GARWOOD),
        ("neonatal_mortality_rate", UNIT_PER_1000, PERIOD_OUTCOME, LOWER_IS_BETTER, INTERVAL_GARWOOD),
        ("pph_1500_rate", UNIT_PER_1000, PERIOD_OUTCOME, LOWER_IS_BETTER, INTERVAL_GARWOOD),
        ("optimal_perinatal_care", UNIT_PERCENT, PERIOD_OUTCOME, HIGHER_IS_BETTER, INTERVAL_WILSON),
        ("considered_complaint", UNIT_PERCENT, PERIOD_SURVEY, LOWER_IS_BETTER, INTERVAL_WILSON),
    ],
)
def test_headline_metric_properties(metric_id, unit, period_kind, direction, interval):
    metric = metric_by_id(metric_id)
    assert (metric.unit, metric.period_kind, metric.direction, metric.interval_method) == (
        unit,
        period_kind,
        direction,
        interval,
    )


def test_interval_method_follows_the_unit():
    for metric in METRICS:
        expected = {UNIT_PERCENT: INTERVAL_WILSON, UNIT_PER_1000: INTERVAL_GARWOOD}.get(metric.unit, INTERVAL_NONE)
        assert metric.interval_method == expected, metric.id


def test_sub_measures_follow_their_metric_and_share_its_period():
    parent = None
    for metric in METRICS:
        if metric.is_sub_measure:
            assert metric.parent_id == parent.id and metric.id.startswith(parent.id + ".")
            assert metric.period_kind == parent.period_kind
        else:
            parent = metric


def test_every_definition_is_renderable_text():
    for metric in METRICS:
        for name in ("title", "description", "numerator", "denominator", "attribution", "source"):
            assert getattr(metric, name).strip(), (metric.id, name)
        assert metric.inclusion_rules and all(rule.strip() for rule in metric.inclusion_rules)
        assert dataclasses.asdict(metric)["id"] == metric.id


def test_definitions_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        METRICS[0].title = "changed"


def test_opc_components_match_section_3():
    assert [(c.key, c.gestation_from, c.gestation_below) for c in OPC_COMPONENTS] == [
        ("steroids", 161, 238),
        ("magnesium", 0, 210),
        ("nicu_birth", 0, 189),
        ("cord_clamping", 0, 238),
        ("temperature", 0, 238),
        ("breastmilk", 0, 238),
    ]
    steroids = metric_by_id("optimal_perinatal_care.steroids")
    assert "23+0" in steroids.denominator and "33+6" in steroids.denominator


def test_provisional_windows():
    assert {m.id: m.provisional_days for m in HEADLINE_METRICS} == {
        "obstetric_unit_suspensions": 14,
        "neonatal_unit_suspensions": 14,
        "induction_delays": 14,
        "stillbirth_rate": None,
        "neonatal_mortality_rate": 28,
        "pph_1500_rate": None,
        "optimal_perinatal_care": None,
        "considered_complaint": None,
    }


def test_stillbirth_denominator_is_a_named_setting():
    assert metric_definitions() == METRICS
    live = {m.id: m for m in metric_definitions(stillbirth_denominator=STILLBIRTH_DENOMINATOR_LIVE_BIRTHS)}
    assert live["stillbirth_rate"].denominator.startswith("Live births")
    assert STILLBIRTH_RATE.denominator.startswith("All births")
    with pytest.raises(ValueError):
        metric_definitions(stillbirth_denominator="maternities")


def test_metric_by_id_unknown():
    with pytest.raises(KeyError):
        metric_by_id("caesarean_rate")
