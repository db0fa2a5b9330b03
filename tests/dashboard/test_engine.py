"""The SQL metric engine agrees with the reference implementation (metrics.reference) on
generated national-style data, for every metric, level and kind of period, and on every
inclusion rule and edge of issue 4, item 2; roll-up, the tally cache and requests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from perinatal.dashboard.engine import MetricRequest, UnknownMetric, compute_rows, queries
from perinatal.dashboard.engine.queries import Bounds
from perinatal.dashboard.metrics.definitions import METRIC_IDS
from perinatal.dashboard.metrics.periods import fortnight_series
from perinatal.dashboard.metrics.reference import compute_reference
from perinatal.dashboard.metrics.rows import LEVEL_ICB, LEVEL_NATIONAL, LEVEL_REGION, LEVEL_TRUST
from perinatal.dashboard.models import TallyCache
from perinatal.dashboard.services import import_dataset
from perinatal.demo import generator
from perinatal.organisations.models import Organisation
from perinatal.organisations.sites import trust_reference_rows
from tests.dashboard.factories import admission, at, birth, episode, induction, neonatal_unit, survey_row, unit
from tests.dashboard.import_helpers import (
    DATASET_ORDER,
    clear_dashboard_data,
    import_records,
    org_names,
    read_records,
    register_org_of,
)

pytestmark = pytest.mark.django_db

GENERATED_TRUSTS = ("R0A", "RJ1", "RVJ", "RA7")
GENERATED_END = date(2026, 8, 31)
AFTER_EVERYTHING = at("2026-11-27T09:00")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Eight months of demo data for four trusts, across the ICB mergers (1 April 2026) and
    North Bristol's merger into Bristol (30 June 2026)."""
    folder = tmp_path_factory.mktemp("generated")
    generator.generate(
        years=1,
        end=GENERATED_END,
        seed=7,
        out_dir=folder,
        trusts_rows=trust_reference_rows(),
        trust_codes=GENERATED_TRUSTS,
    )
    return folder


def _load_generated(folder: Path) -> dict:
    clear_dashboard_data()
    for dataset in DATASET_ORDER:
        upload = import_dataset(dataset=dataset, path=folder / f"{dataset}.csv")
        assert upload.status == "loaded", upload.errors[:3]
    units = read_records(folder, "units")
    known_units = {u.unit_code: u for u in units}
    return {
        name: (units if name == "units" else read_records(folder, name, known_units=known_units))
        for name in DATASET_ORDER
    }


def _compare(records: dict, **request) -> list:
    """Engine rows for the request, asserted equal to the reference's."""
    now = request.pop("now", AFTER_EVERYTHING)
    engine = compute_rows(MetricRequest(now=now, **request))
    reference = compute_reference(
        now=now,
        org_of=register_org_of(),
        org_name=org_names(),
        date_from=request["date_from"],
        date_to=request["date_to"],
        by=request.get("by"),
        public=request.get("public", False),
        stillbirth_denominator=request.get("stillbirth_denominator") or "total_births",
        **records,
    )
    assert len(engine) == len(reference)
    for mine, theirs in zip(engine, reference):
        assert mine == theirs
        # the same types too (PostgreSQL returns SUM() as a Decimal)
        assert (type(mine.numerator), type(mine.denominator)) == (type(theirs.numerator), type(theirs.denominator))
    return engine


def _check_generated(folder: Path) -> None:
    records = _load_generated(folder)
    whole = dict(date_from=date(2026, 1, 1), date_to=GENERATED_END)
    rows = _compare(records, **whole)
    assert {row.org_level for row in rows} == {LEVEL_NATIONAL, LEVEL_REGION, LEVEL_ICB, LEVEL_TRUST}
    assert {row.metric_id for row in rows} == set(METRIC_IDS)
    assert any(row.numerator for row in rows if row.metric_id == "neonatal_unit_suspensions")
    _compare(records, by="month", **whole)
    _compare(records, by="quarter", stillbirth_denominator="live_births", **whole)
    _compare(records, public=True, date_from=date(2026, 3, 1), date_to=date(2026, 5, 31), by="month")
    # "now" inside the data: ongoing episodes measured to now, inductions not yet due, provisional periods
    _compare(records, now=at("2026-05-10T13:45") + timedelta(seconds=30, microseconds=500), **whole)
    _compare(records, now=at("2026-06-20T00:00"), date_from=date(2026, 4, 1), date_to=date(2026, 6, 30), by="month")
    # the cache holds the counts of past periods: a second run gives the same rows
    assert TallyCache.objects.exists()
    _compare(records, by="month", **whole)


def test_the_engine_agrees_with_the_reference_on_generated_data(generated):
    _check_generated(generated)


@pytest.mark.postgres
def test_the_engine_agrees_with_the_reference_on_postgresql(generated):
    assert connection.vendor == "postgresql"
    _check_generated(generated)


def test_the_engine_agrees_without_the_cache(generated, settings):
    settings.DASHBOARD_TALLY_CACHE = False
    records = _load_generated(generated)
    _compare(records, date_from=date(2026, 2, 1), date_to=date(2026, 7, 31), by="quarter")
    assert not TallyCache.objects.exists()


# --- Every inclusion rule and edge, through the database ------------------------------------
def _engine(tmp_path, *, date_from: str, date_to: str, now: datetime = AFTER_EVERYTHING, by=None, **datasets):
    """Import the records, compute with the engine, check against the reference, and return
    the R0A trust rows by metric_id (fortnight rows by period start)."""
    clear_dashboard_data()
    for dataset in DATASET_ORDER:
        if datasets.get(dataset):
            upload = import_records(tmp_path, dataset, datasets[dataset])
            assert upload.status == "loaded", upload.errors
    records = {name: datasets.get(name, []) for name in DATASET_ORDER}
    rows = _compare(
        records, date_from=date.fromisoformat(date_from), date_to=date.fromisoformat(date_to), now=now, by=by
    )
    found = {}
    for row in rows:
        if row.org_level == LEVEL_TRUST and row.org_code == "R0A":
            found.setdefault(row.metric_id, {})[row.period_start.isoformat()] = row
    return found


def _counts(found, metric_id, start=None):
    periods = found[metric_id]
    row = periods[start] if start else next(iter(periods.values()))
    return row.numerator, row.denominator


def test_twins_count_once_for_pph_and_every_birth_counts_towards_it(tmp_path):
    found = _engine(
        tmp_path,
        date_from="2025-06-01",
        date_to="2025-06-30",
        births=[
            birth("T1", mother_id="M1", blood_loss_ml=1600, multiple_birth=True),
            birth("T2", mother_id="M1", blood_loss_ml=1500, multiple_birth=True),
            birth("X1", mother_id="M2", blood_loss_ml=None, gestation_days=150, outcome="stillbirth"),
            birth("X2", mother_id="M3", blood_loss_ml=1499, termination=True),
            birth("X3", mother_id="M4", blood_loss_ml=300),
            birth("X4", mother_id="M4", blood_loss_ml=1500, born_on=date(2025, 6, 16)),  # the largest is used
        ],
    )
    assert _counts(found, "pph_1500_rate") == (2, 4)
    assert found["pph_1500_rate"]["2025-06-01"].value == Decimal("500.00")


def test_terminations_unknown_gestation_the_400g_rule_and_22_to_23_weeks(tmp_path):
    found = _engine(
        tmp_path,
        date_from="2025-06-01",
        date_to="2025-06-30",
        births=[
            birth("S1", outcome="stillbirth", gestation_days=168),  # 24+0: counted
            birth("S2", outcome="stillbirth", gestation_days=167),  # 23+6: not in the rates
            birth("S3", outcome="stillbirth", gestation_days=200, termination=True),  # termination
            birth("S4", outcome="stillbirth", gestation_days=None, birth_weight_g=400),  # unknown GA, 400 g
            birth("S5", outcome="stillbirth", gestation_days=None, birth_weight_g=399),  # unknown GA, < 400 g
            birth("S6", outcome="stillbirth", gestation_days=None, birth_weight_g=None),
            birth("L1"),
            birth("L2", gestation_days=154),
            birth("L3", gestation_days=None, birth_weight_g=2500),
        ],
    )
    assert _counts(found, "stillbirth_rate") == (2, 4)
    assert _counts(found, "neonatal_mortality_rate") == (0, 2)


def test_neonatal_deaths_on_day_27_count_and_on_day_28_do_not(tmp_path):
    born = date(2025, 6, 10)
    found = _engine(
        tmp_path,
        date_from="2025-06-01",
        date_to="2025-06-30",
        births=[
            birth("D0", born_on=born, neonatal_death_on=born),
            birth("D27", born_on=born, neonatal_death_on=born + timedelta(days=27)),
            birth("D28", born_on=born, neonatal_death_on=born + timedelta(days=28)),
            birth("ALIVE", born_on=born),
        ],
    )
    assert _counts(found, "neonatal_mortality_rate") == (2, 4)


def test_episodes_straddling_the_fortnight_and_ongoing_ones(tmp_path):
    # the fortnight ending 2025-06-28 runs from 2025-06-15 00:00 to 2025-06-29 00:00
    found = _engine(
        tmp_path,
        date_from="2025-06-01",
        date_to="2025-06-28",
        now=at("2025-06-28T12:00"),
        units=[unit("U1"), unit("U2"), unit("U3"), unit("U4", closed_on=date(2025, 6, 15))],
        unit_status=[
            episode("U1", "2025-06-14T22:00", "2025-06-15T02:00"),  # straddles the start: 2 hours inside
            episode("U2", "2025-06-28T20:00", None),  # ongoing, overlaps; after now, so 0 hours yet
            episode("U3", "2025-06-29T00:00", "2025-06-29T05:00"),  # starts as the fortnight ends
            episode("U4", "2025-06-16T00:00", "2025-06-16T05:00"),  # unit closed before the fortnight
        ],
    )
    assert _counts(found, "obstetric_unit_suspensions", "2025-06-15") == (2, 3)
    assert found["obstetric_unit_suspensions"]["2025-06-15"].provisional is True
    assert _counts(found, "obstetric_unit_suspensions.episodes", "2025-06-15") == (2, 3)
    assert found["obstetric_unit_suspensions.hours"]["2025-06-15"].numerator == Decimal("2.00")
    assert found["obstetric_unit_suspensions"]["2025-06-01"].denominator == 4  # the earlier fortnight


@pytest.mark.parametrize(
    "ended, counted",
    [
        ("2025-06-17T09:00", 0),  # 23 hours
        ("2025-06-17T11:00", 1),  # 25 hours
        (None, 1),  # still closed at the fortnight's end
    ],
)
def test_a_neonatal_closure_counts_when_one_episode_lasts_24_hours(tmp_path, ended, counted):
    found = _engine(
        tmp_path,
        date_from="2025-06-15",
        date_to="2025-06-28",
        units=[neonatal_unit("N1"), neonatal_unit("N2")],
        unit_status=[episode("N1", "2025-06-16T10:00", ended, status="closed_external")],
    )
    assert _counts(found, "neonatal_unit_suspensions") == (counted, 2)
    assert _counts(found, "neonatal_unit_suspensions.external") == (counted, 2)
    assert _counts(found, "neonatal_unit_suspensions.internal") == (0, 2)


def test_24_hours_on_the_clock_across_the_october_change_are_25_real_hours(tmp_path):
    found = _engine(
        tmp_path,
        date_from="2025-10-19",
        date_to="2025-11-01",
        units=[neonatal_unit("N1")],
        unit_status=[episode("N1", "2025-10-25T12:00", "2025-10-26T11:30", status="closed_internal")],
    )
    assert _counts(found, "neonatal_unit_suspensions.internal") == (1, 1)


def test_induction_waits_still_running_and_the_delayed_fortnight(tmp_path):
    found = _engine(
        tmp_path,
        date_from="2025-06-15",
        date_to="2025-06-28",
        now=at("2025-06-28T10:00"),
        units=[unit("U1")],
        inductions=[
            induction("I1", "2025-06-20T08:00", "2025-06-21T09:00"),  # delayed
            induction("I2", "2025-06-20T08:00", "2025-06-21T08:00"),  # started at the 24-hour point: not delayed
            induction("I3", "2025-06-27T09:00", None),  # 24 hours passed at 09:00 today: delayed
            induction("I4", "2025-06-27T11:00", None),  # still within 24 hours: not yet counted
            induction("I5", "2025-06-14T08:00", None),  # delayed in this fortnight (point on 15 June)
        ],
    )
    assert _counts(found, "induction_delays") == (1, 1)
    assert _counts(found, "induction_delays.women") == (3, 4)


def test_each_24_hour_point_counts_in_the_fortnight_holding_it_of_those_asked_for(tmp_path):
    """The induction query places each point in the fortnight [start, end) that holds it, of
    whichever fortnights it is asked for (the tally cache asks only for those it lacks, in any
    order): the first second of a fortnight is in it, the second before is not."""
    clear_dashboard_data()
    import_records(
        tmp_path,
        "inductions",
        [
            induction("I1", "2025-03-05T00:00", "2025-03-05T01:00"),  # point 6 March 00:00: first second, on time
            induction("I2", "2025-03-04T23:59:59", None),  # point the second before the first fortnight
            induction("I3", "2025-04-01T23:59:59", None),  # point 2 April 23:59:59: last second of the second
            induction("I4", "2025-04-02T00:00", None),  # point 3 April 00:00: in the fortnight not asked for
            induction("I5", "2025-04-16T00:00", "2025-04-17T01:00"),  # point 17 April 00:00, started late
            induction("I6", "2025-04-30T00:00", None),  # point 1 May 00:00: after the last fortnight
            induction("I7", "2025-03-29T12:00", None),  # 24 real hours across the clock change
        ],
    )
    trust = Organisation.objects.get(code="R0A").pk
    fortnights = fortnight_series(date_from=date(2025, 3, 1), date_to=date(2025, 4, 30))
    assert [f.start for f in fortnights] == [date(2025, 3, 6), date(2025, 3, 20), date(2025, 4, 3), date(2025, 4, 17)]
    bounds = [Bounds.of(index, period, AFTER_EVERYTHING) for index, period in enumerate(fortnights)]
    asked = [bounds[3], bounds[0], bounds[1]]
    tallies = queries.tally_inductions(
        fortnights=asked, now=AFTER_EVERYTHING, obstetric_trusts={b.index: {trust} for b in asked}, trust_ids=None
    )
    women = {index: cells[trust] for index, cells in tallies["induction_delays.women"].items()}
    assert women == {0: [0, 1], 1: [2, 2], 3: [1, 1]}


def test_optimal_perinatal_care_components_and_unknown_values(tmp_path):
    found = _engine(
        tmp_path,
        date_from="2025-06-01",
        date_to="2025-06-30",
        neonatal_care=[
            admission("A1"),
            admission("A2", gestation_days=230, antenatal_magnesium=False, born_in_nicu_site=False),  # not eligible
            admission("A3", antenatal_steroids=None),  # unknown on an eligible component: not met
            admission("A4", admission_temperature_c=Decimal("37.55")),
            admission("A5", gestation_days=238),  # 34+0: not in the population
            admission("A6", gestation_days=None),
        ],
    )
    assert _counts(found, "optimal_perinatal_care") == (2, 4)
    assert _counts(found, "optimal_perinatal_care.magnesium") == (3, 3)
    assert _counts(found, "optimal_perinatal_care.steroids") == (3, 4)
    assert _counts(found, "optimal_perinatal_care.temperature") == (3, 4)


def test_survey_years_count_in_every_period_they_overlap(tmp_path):
    found = _engine(
        tmp_path,
        date_from="2024-07-01",
        date_to="2025-06-30",
        by="quarter",
        survey=[survey_row(2024, 300, 30), survey_row(2025, 200, 50), survey_row(2025, 10, 10, question="other")],
    )
    assert _counts(found, "considered_complaint", "2024-07-01") == (30, 300)
    assert _counts(found, "considered_complaint", "2025-04-01") == (50, 200)


def test_zero_denominators_give_an_empty_value_never_0(tmp_path):
    found = _engine(tmp_path, date_from="2025-06-01", date_to="2025-06-30", units=[unit("U1")])
    for metric_id in ("stillbirth_rate", "pph_1500_rate", "optimal_perinatal_care", "considered_complaint"):
        row = next(iter(found[metric_id].values()))
        assert (row.numerator, row.denominator, row.value, row.lower_95) == (0, 0, None, None)


# --- Requests, roll-up and cache -----------------------------------------------------------
def test_an_organisation_request_gives_that_organisation_s_row_only(generated):
    _load_generated(generated)
    request = dict(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31), now=AFTER_EVERYTHING)
    everything = compute_rows(MetricRequest(**request))
    icb = next(row for row in everything if row.org_level == LEVEL_ICB)
    only = compute_rows(MetricRequest(organisation=(LEVEL_ICB, icb.org_code), levels=(LEVEL_ICB,), **request))
    assert only == [row for row in everything if (row.org_level, row.org_code) == (LEVEL_ICB, icb.org_code)]
    trust = compute_rows(MetricRequest(organisation=(LEVEL_TRUST, "RJ1"), levels=(LEVEL_TRUST,), **request))
    assert trust == [row for row in everything if (row.org_level, row.org_code) == (LEVEL_TRUST, "RJ1")]


def test_trusts_are_placed_by_the_icb_of_the_period_s_end(generated):
    _load_generated(generated)
    rows = compute_rows(
        MetricRequest(
            date_from=date(2026, 1, 1),
            date_to=date(2026, 6, 30),
            by="quarter",
            metric_ids=("stillbirth_rate",),
            levels=(LEVEL_ICB,),
            now=AFTER_EVERYTHING,
        )
    )
    first_quarter = {row.org_code for row in rows if row.period_start == date(2026, 1, 1)}
    second_quarter = {row.org_code for row in rows if row.period_start == date(2026, 4, 1)}
    org_of = register_org_of()
    assert first_quarter == {org_of(t, date(2026, 3, 31))[0] for t in GENERATED_TRUSTS}
    assert second_quarter == {org_of(t, date(2026, 6, 30))[0] for t in GENERATED_TRUSTS}


def test_the_trusts_with_records_are_those_in_any_dataset(tmp_path):
    """Each table's trusts are read by skipping along its index (issue 13): every trust of a
    table is found, not only its first, and a trust in no table is not."""
    clear_dashboard_data()
    in_rj1 = dict(trust_code="RJ1", site_code="RJ101")
    import_records(tmp_path, "births", [birth("B1"), birth("B2", **in_rj1), birth("B3", **in_rj1)])
    import_records(tmp_path, "survey", [survey_row(2025, 10, 1, trust="RVJ")])
    ids = dict(Organisation.objects.filter(code__in=["R0A", "RJ1", "RVJ", "RA7"]).values_list("code", "pk"))
    assert queries.trusts_with_records(None) == {ids["R0A"], ids["RJ1"], ids["RVJ"]}
    assert queries.trusts_with_records({ids["RJ1"], ids["RA7"]}) == {ids["RJ1"]}
    assert queries.trusts_with_records(set()) == set()
    assert queries.trusts_with_births() == {ids["R0A"], ids["RJ1"]}


def test_a_new_load_changes_the_cached_counts(tmp_path):
    births = [birth("C1", outcome="stillbirth"), birth("C2")]
    _engine(tmp_path, date_from="2025-06-01", date_to="2025-06-30", births=births)
    request = MetricRequest(
        date_from=date(2025, 6, 1),
        date_to=date(2025, 6, 30),
        metric_ids=("stillbirth_rate",),
        levels=(LEVEL_TRUST,),
        now=AFTER_EVERYTHING,
    )
    assert [(r.numerator, r.denominator) for r in compute_rows(request)] == [(1, 2)]
    versions = set(TallyCache.objects.values_list("data_version", flat=True))
    import_records(tmp_path, "births", [replace(births[0], outcome="live")], name="fix.csv")
    assert [(r.numerator, r.denominator) for r in compute_rows(request)] == [(0, 2)]
    assert not TallyCache.objects.filter(data_version__in=versions).exists()


def test_an_unknown_metric_or_level_is_refused():
    with pytest.raises(UnknownMetric, match="unknown metric nope"):
        compute_rows(MetricRequest(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31), metric_ids=("nope",)))
    with pytest.raises(ValueError, match="unknown level"):
        compute_rows(MetricRequest(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31), levels=("ward",)))
