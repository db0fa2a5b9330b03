"""The SQL equity engine agrees with the reference implementation (breakdowns.reference) on
seeded random births — mothers whose rows disagree, empty groups, every inclusion rule, trusts
across the ICB mergers and a trust merger — for every breakdown, level and option; its total
rows are the dashboard engine's own rows; hand-worked fixtures through the database
(docs/rules/equity.md §1–§2)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from perinatal.dashboard.engine import MetricRequest, UnknownMetric, compute_rows
from perinatal.dashboard.models import TallyCache
from perinatal.equity.breakdowns.reference import compute_equity_reference
from perinatal.equity.breakdowns.rows import METRIC_IDS
from perinatal.equity.selectors import equity_rows
from tests.dashboard.factories import at, birth
from tests.dashboard.import_helpers import (
    clear_dashboard_data,
    import_records,
    org_names,
    register_org_of,
    site_codes_of,
)

pytestmark = pytest.mark.django_db

TRUSTS = ("R0A", "RJ1", "RVJ", "RA7")  # RVJ merges into RA7 on 1 July 2026; ICBs merge on 1 April 2026
NOW = at("2026-11-27T09:00")
ETHNIC = ("ethnic_group",)
QUINTILE = ("imd_quintile",)
BOTH = ("ethnic_group", "imd_quintile")
BREAKDOWNS = (ETHNIC, QUINTILE, BOTH)
GROUPS = ("White", "Black", "Asian", "Mixed", "Other", None)


def random_births(seed: int, *, mothers: int = 700) -> list:
    """Births of 2026 at four trusts: one to three babies per mother, her rows mostly agreeing
    on her group, sometimes not (another group, or an empty cell), every inclusion edge."""
    rng = random.Random(seed)
    sites = {trust: (site_codes_of(trust) or [None])[0] for trust in TRUSTS}
    records = []
    for m in range(mothers):
        trust = rng.choice(TRUSTS if rng.random() < 0.5 else ("R0A", "RJ1"))
        born_on = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 300))
        if trust == "RVJ" and born_on >= date(2026, 7, 1):
            trust = "RA7"
        ethnic, quintile = rng.choice(GROUPS), rng.choice((1, 2, 3, 4, 5, None))
        loss = rng.choice((None, 300, 800, 1499, 1500, 2400))
        for b in range(rng.choice((1, 1, 1, 2, 3))):
            row_ethnic, row_quintile = ethnic, quintile
            if rng.random() < 0.15:  # this row disagrees with her others
                row_ethnic = rng.choice(GROUPS)
            if rng.random() < 0.15:
                row_quintile = rng.choice((1, 2, 3, 4, 5, None))
            outcome = "stillbirth" if rng.random() < 0.08 else "live"
            gestation = rng.choice((None, 154, 167, 168, 200, 280, 280, 280))
            weight = rng.choice((None, 399, 400, 3300)) if gestation is None else 3000
            died = None
            if outcome == "live" and rng.random() < 0.06:
                died = born_on + timedelta(days=rng.choice((0, 5, 27, 28)))
            records.append(
                birth(
                    f"S{seed}-{m}-{b}",
                    mother_id=f"M{seed}-{m}",
                    trust_code=trust,
                    site_code=sites[trust],
                    born_on=born_on,
                    outcome=outcome,
                    gestation_days=gestation,
                    birth_weight_g=weight,
                    termination=rng.random() < 0.03,
                    neonatal_death_on=died,
                    blood_loss_ml=loss if b == 0 or rng.random() < 0.5 else rng.choice((None, 500, 1600)),
                    multiple_birth=None,
                    ethnic_group=row_ethnic,
                    imd_quintile=row_quintile,
                )
            )
    return records


def load(tmp_path, births) -> None:
    clear_dashboard_data()
    upload = import_records(tmp_path, "births", births)
    assert upload.status == "loaded", upload.errors[:3]


def compare(births, **request) -> list:
    """The engine's rows for the request, asserted equal to the reference's."""
    engine = equity_rows(now=NOW, **request)
    reference = compute_equity_reference(
        date_from=request["date_from"],
        date_to=request["date_to"],
        now=NOW,
        org_of=register_org_of(),
        org_name=org_names(),
        births=births,
        by=request.get("by", ETHNIC),
        public=request.get("public", False),
        stillbirth_denominator=request.get("stillbirth_denominator") or "total_births",
    )
    assert len(engine) == len(reference)
    for mine, theirs in zip(engine, reference):
        assert mine == theirs
        assert (type(mine.numerator), type(mine.denominator)) == (type(theirs.numerator), type(theirs.denominator))
    return engine


def check_random(tmp_path) -> None:
    births = random_births(11)
    load(tmp_path, births)
    disagreeing = {}
    for record in births:
        disagreeing.setdefault((record.trust_code, record.mother_id), set()).add(record.ethnic_group)
    assert sum(len(groups) > 1 for groups in disagreeing.values()) > 20  # the policy is exercised
    whole = dict(date_from=date(2026, 1, 1), date_to=date(2026, 10, 31))
    for by in BREAKDOWNS:
        rows = compare(births, by=by, **whole)
        assert {r.org_level for r in rows} == {"national", "region", "icb", "trust"}
        assert {r.metric_id for r in rows} == set(METRIC_IDS)
        assert any(r.rate_ratio is not None for r in rows)
    compare(births, by=BOTH, public=True, **whole)
    compare(births, public=True, date_from=date(2026, 3, 1), date_to=date(2026, 5, 31))
    # before the trust merger, across the ICB mergers; the other stillbirth denominator
    compare(
        births, by=QUINTILE, stillbirth_denominator="live_births", date_from=date(2026, 2, 1), date_to=date(2026, 6, 30)
    )
    # the counts of past periods are kept: a second run reads them and gives the same rows
    assert TallyCache.objects.filter(key__contains="|equity_births|").exists()
    compare(births, by=BOTH, **whole)


def test_the_engine_agrees_with_the_reference_on_random_births(tmp_path):
    check_random(tmp_path)


@pytest.mark.postgres
def test_the_engine_agrees_with_the_reference_on_postgresql(tmp_path):
    assert connection.vendor == "postgresql"
    check_random(tmp_path)


def test_the_engine_agrees_without_the_cache(tmp_path, settings):
    settings.DASHBOARD_TALLY_CACHE = False
    births = random_births(5, mothers=300)
    load(tmp_path, births)
    compare(births, by=BOTH, date_from=date(2026, 4, 1), date_to=date(2026, 9, 30))
    assert not TallyCache.objects.exists()


def test_the_total_rows_are_the_metrics_own_rows(tmp_path):
    births = random_births(3, mothers=300)
    load(tmp_path, births)
    request = dict(date_from=date(2026, 1, 1), date_to=date(2026, 10, 31))
    metrics = compute_rows(MetricRequest(metric_ids=METRIC_IDS, now=NOW, **request))
    for by in BREAKDOWNS:
        totals = [r for r in equity_rows(by=by, now=NOW, **request) if r.is_total]
        assert len(totals) == len(metrics)
        for total, row in zip(totals, metrics):
            assert (total.metric_id, total.org_level, total.org_code, total.org_name) == (
                row.metric_id,
                row.org_level,
                row.org_code,
                row.org_name,
            )
            assert (total.period_start, total.period_end, total.provisional) == (
                row.period_start,
                row.period_end,
                row.provisional,
            )
            assert (total.numerator, total.denominator) == (row.numerator, row.denominator)
            assert (total.value, total.lower_95, total.upper_95) == (row.value, row.lower_95, row.upper_95)


def test_one_organisation_one_level_and_one_metric_are_slices_of_the_whole(tmp_path):
    births = random_births(4, mothers=250)
    load(tmp_path, births)
    request = dict(date_from=date(2026, 1, 1), date_to=date(2026, 10, 31), now=NOW, by=BOTH)
    everything = equity_rows(**request)
    icb = next(r.org_code for r in everything if r.org_level == "icb")
    only = equity_rows(organisation=("icb", icb), levels=("icb",), **request)
    assert only == [r for r in everything if (r.org_level, r.org_code) == ("icb", icb)]
    trusts = equity_rows(levels=("trust",), metric_ids=("pph_1500_rate",), **request)
    assert trusts == [r for r in everything if r.org_level == "trust" and r.metric_id == "pph_1500_rate"]
    england = equity_rows(organisation=("national", "E92000001"), levels=("national",), **request)
    assert england == [r for r in everything if r.org_level == "national"]


def test_bad_requests_are_refused():
    with pytest.raises(UnknownMetric, match="optimal_perinatal_care"):
        equity_rows(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31), metric_ids=("optimal_perinatal_care",))
    with pytest.raises(ValueError, match="by must be"):
        equity_rows(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31), by=("mother_age",))
    with pytest.raises(ValueError, match="level"):
        equity_rows(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31), levels=("ward",))
    with pytest.raises(ValueError, match="before it starts"):
        equity_rows(date_from=date(2026, 2, 1), date_to=date(2026, 1, 31))


# --- Hand-worked, through the database -------------------------------------------------------
def trust_block(rows, metric_id, code="R0A"):
    return {
        (r.ethnic_group, r.imd_quintile): (r.numerator, r.denominator)
        for r in rows
        if r.metric_id == metric_id and r.org_level == "trust" and r.org_code == code
    }


def test_the_spec_example_through_the_database(tmp_path):
    births = [
        birth(f"B{i}", ethnic_group="Black", imd_quintile=1, outcome="stillbirth" if i < 12 else "live")
        for i in range(2000)
    ] + [
        birth(f"W{i}", ethnic_group="White", imd_quintile=5, outcome="stillbirth" if i < 30 else "live")
        for i in range(10000)
    ]
    load(tmp_path, births)
    for by, group in ((ETHNIC, ("Black", "All")), (QUINTILE, ("All", "1")), (BOTH, ("Black", "1"))):
        rows = equity_rows(date_from=date(2025, 6, 1), date_to=date(2025, 6, 30), by=by, now=NOW, levels=("trust",))
        row = next(r for r in rows if r.metric_id == "stillbirth_rate" and (r.ethnic_group, r.imd_quintile) == group)
        assert (row.numerator, row.denominator, row.value) == (12, 2000, Decimal("6.00"))
        assert (row.rate_ratio, row.rate_ratio_lower_95, row.rate_ratio_upper_95) == (
            Decimal("2.00"),
            Decimal("1.03"),
            Decimal("3.90"),
        )
        assert (row.rate_difference, row.rate_difference_lower_95, row.rate_difference_upper_95) == (
            Decimal("3.00"),
            Decimal("-0.55"),
            Decimal("6.55"),
        )


def test_a_mother_whose_rows_disagree_through_the_database(tmp_path):
    births = [
        birth("T1", mother_id="M1", ethnic_group="Black", imd_quintile=1, blood_loss_ml=1600),
        birth("T2", mother_id="M1", ethnic_group="Mixed", imd_quintile=1, outcome="stillbirth"),
        birth("A1", mother_id="M2", ethnic_group="Asian", imd_quintile=None, blood_loss_ml=1500),
        birth("W1", mother_id="M3", ethnic_group="White", imd_quintile=5),
        birth("W2", mother_id="M3", ethnic_group=None, imd_quintile=5),
    ]
    load(tmp_path, births)
    request = dict(date_from=date(2025, 6, 1), date_to=date(2025, 6, 30), now=NOW, levels=("trust",))
    rows = equity_rows(**request)
    assert trust_block(rows, "pph_1500_rate") == {
        ("White", "All"): (0, 0),
        ("Black", "All"): (0, 0),
        ("Asian", "All"): (1, 1),
        ("Mixed", "All"): (0, 0),
        ("Other", "All"): (0, 0),
        ("Not stated", "All"): (1, 2),  # M1 (Black and Mixed) and M3 (White and empty)
        ("All", "All"): (2, 3),
    }
    # babies take their own row's group
    assert trust_block(rows, "stillbirth_rate")[("Mixed", "All")] == (1, 1)
    assert trust_block(rows, "stillbirth_rate")[("Not stated", "All")] == (0, 1)
    by_quintile = trust_block(equity_rows(by=QUINTILE, **request), "pph_1500_rate")
    assert (by_quintile[("All", "1")], by_quintile[("All", "5")], by_quintile[("All", "Not stated")]) == (
        (1, 1),
        (0, 1),
        (1, 1),
    )


def test_public_rows_through_the_database_cannot_give_a_star_away(tmp_path):
    births = [birth(f"W{i}", ethnic_group="White") for i in range(58)] + [
        birth(f"B{i}", ethnic_group="Black") for i in range(3)
    ]
    load(tmp_path, births)
    rows = equity_rows(date_from=date(2025, 6, 1), date_to=date(2025, 6, 30), now=NOW, levels=("trust",), public=True)
    block = trust_block(rows, "stillbirth_rate")
    assert block[("Black", "All")] == (0, "*")
    assert block[("White", "All")] == (0, 60) and block[("All", "All")] == (0, 60)  # 61 → 60: 60 − 60 ≠ 3
