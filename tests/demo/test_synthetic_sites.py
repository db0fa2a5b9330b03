"""Synthetic sites and units (perinatal.demo.synthetic_sites; docs/rules/data-sources.md "What is not here")."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

import perinatal.organisations
from perinatal.demo.synthetic_sites import (
    TRUST_MERGERS,
    SyntheticSite,
    site_count,
    site_trust_on,
    synthetic_sites,
    synthetic_sites_between,
    synthetic_units,
    trust_references,
)

REFERENCE_CSV = (
    Path(perinatal.organisations.__file__).resolve().parent / "reference_data" / "trusts-maternity-reference.csv"
)


def trust_row(
    code: str,
    *,
    name: str = "EXAMPLE HOSPITALS NHS TRUST",
    deliveries: str = "3000",
    births: str = "True",
    opened: str = "19910401",
    closed: str = "",
    group: str = "2,000-3,999 births",
) -> dict[str, str]:
    return {
        "org_code": code,
        "org_name_ods": name,
        "open_date": opened,
        "close_date_ods_2026_07": closed,
        "provides_births_evidence": births,
        "msds_2022_23_total_deliveries_rounded": deliveries,
        "mbrrace_comparator_group": group,
    }


@pytest.fixture(scope="module")
def reference_rows() -> list[dict[str, str]]:
    with open(REFERENCE_CSV, encoding="utf-8-sig", newline="") as source:
        return list(csv.DictReader(source))


@pytest.mark.parametrize(
    ("deliveries", "expected"),
    [(None, 1), (0, 1), (25, 1), (5_999, 1), (6_000, 2), (6_001, 2), (9_999, 2), (10_000, 3), (14_120, 3)],
)
def test_site_count_by_deliveries(deliveries, expected):
    assert site_count(deliveries) == expected


@pytest.mark.parametrize(
    ("deliveries", "codes", "shares"),
    [
        ("5995", ["RAA01"], [1.0]),
        ("6000", ["RAA01", "RAA02"], [0.6, 0.4]),
        ("9995", ["RAA01", "RAA02"], [0.6, 0.4]),
        ("10000", ["RAA01", "RAA02", "RAA03"], [0.5, 0.3, 0.2]),
        ("", ["RAA01"], [1.0]),
    ],
)
def test_sites_are_numbered_after_the_trust_with_shares_summing_to_one(deliveries, codes, shares):
    sites = synthetic_sites(trusts=[trust_row("RAA", deliveries=deliveries)], on=dt.date(2026, 1, 1))
    assert [s.site_code for s in sites] == codes
    assert [s.deliveries_share for s in sites] == shares
    assert sum(s.deliveries_share for s in sites) == pytest.approx(1.0)
    assert {s.trust_code for s in sites} == {"RAA"}


def test_site_names_say_trust_site_number_and_synthetic():
    rows = [trust_row("R0A", name="MANCHESTER UNIVERSITY NHS FOUNDATION TRUST", deliveries="14120")]
    names = [s.name for s in synthetic_sites(trusts=rows, on=dt.date(2026, 10, 31))]
    assert names == [
        "Manchester University NHS Foundation Trust site 1 (synthetic)",
        "Manchester University NHS Foundation Trust site 2 (synthetic)",
        "Manchester University NHS Foundation Trust site 3 (synthetic)",
    ]


@pytest.mark.parametrize(
    ("opened", "closed", "on", "has_sites"),
    [
        ("20200101", "", dt.date(2019, 12, 31), False),  # not yet open
        ("20200101", "", dt.date(2020, 1, 1), True),  # opening day
        ("19910401", "20230331", dt.date(2023, 3, 31), True),  # ODS close date: last day open
        ("19910401", "20230331", dt.date(2023, 4, 1), False),
    ],
)
def test_only_trusts_open_on_the_day_get_sites(opened, closed, on, has_sites):
    rows = [trust_row("RAA", opened=opened, closed=closed)]
    assert bool(synthetic_sites(trusts=rows, on=on)) is has_sites


@pytest.mark.parametrize("births", ["False", "", "true"])
def test_trusts_not_providing_births_get_no_sites(births):
    assert synthetic_sites(trusts=[trust_row("RAA", births=births)], on=dt.date(2026, 1, 1)) == []


def test_sites_between_include_trusts_open_on_any_day_of_the_range():
    rows = [
        trust_row("RAA", closed="20220331"),  # closes inside the range
        trust_row("RBB", opened="20260601"),  # opens inside the range
        trust_row("RCC", closed="20211231"),  # closed before
        trust_row("RDD", opened="20270101"),  # opens after
    ]
    sites = synthetic_sites_between(trusts=rows, start=dt.date(2022, 1, 1), end=dt.date(2026, 10, 31))
    assert [s.site_code for s in sites] == ["RAA01", "RBB01"]
    assert sites[0].closed_on == dt.date(2022, 4, 1)  # first day closed
    assert sites[1].opened_on == dt.date(2026, 6, 1)


def test_merged_trust_sites_stay_open_under_the_receiving_trust():
    merger = TRUST_MERGERS[0]
    assert (merger.closing, merger.receiving, merger.first_day) == ("RVJ", "RA7", dt.date(2026, 7, 1))
    rows = [trust_row("RVJ", closed="20260630", deliveries="5300")]
    (site,) = synthetic_sites(trusts=rows, on=dt.date(2026, 6, 30))
    assert site.closed_on is None
    assert site_trust_on(site, dt.date(2026, 6, 30)) == "RVJ"
    assert site_trust_on(site, dt.date(2026, 7, 1)) == "RA7"
    assert synthetic_sites(trusts=rows, on=dt.date(2026, 7, 1)) == []


def test_site_trust_on_is_the_own_trust_without_a_merger():
    site = SyntheticSite("RAA01", "RAA", "x", 1.0, dt.date(1991, 4, 1), None)
    assert site_trust_on(site, dt.date(2030, 1, 1)) == "RAA"


@pytest.mark.parametrize(
    ("group", "deliveries", "levels"),
    [
        ("Level 3 NICU & neonatal surgery", "14120", {"RAA01": "NICU", "RAA02": "LNU", "RAA03": "LNU"}),
        ("Level 3 NICU", "3460", {"RAA01": "NICU"}),
        ("4,000 or more births", "7000", {"RAA01": "LNU", "RAA02": "SCU"}),
        ("2,000-3,999 births", "3000", {"RAA01": "SCU"}),
        ("Under 2,000 births", "1500", {"RAA01": "SCU"}),
        ("", "", {"RAA01": "SCU"}),
    ],
)
def test_neonatal_levels_follow_the_comparator_group(group, deliveries, levels):
    rows = [trust_row("RAA", deliveries=deliveries, group=group)]
    sites = synthetic_sites(trusts=rows, on=dt.date(2026, 1, 1))
    units = synthetic_units(sites=sites, comparator_groups={"RAA": group})
    neonatal = {u.site_code: u.neonatal_level for u in units if u.unit_type == "neonatal"}
    assert neonatal == levels


@pytest.mark.parametrize(
    ("deliveries", "expected"),
    [
        ("3000", ["RAA01-NNU", "RAA01-OBS"]),
        ("7000", ["RAA01-NNU", "RAA01-OBS", "RAA02-MLU", "RAA02-NNU", "RAA02-OBS"]),
        (
            "12000",
            ["RAA01-NNU", "RAA01-OBS", "RAA02-MLU", "RAA02-NNU", "RAA02-OBS", "RAA03-MLU", "RAA03-NNU", "RAA03-OBS"],
        ),
    ],
)
def test_units_of_each_site(deliveries, expected):
    sites = synthetic_sites(trusts=[trust_row("RAA", deliveries=deliveries)], on=dt.date(2026, 1, 1))
    units = synthetic_units(sites=sites, comparator_groups={})
    assert [u.unit_code for u in units] == expected
    for unit in units:
        assert unit.unit_code.startswith(unit.site_code + "-")
        assert unit.trust_code == "RAA"
        expected_type = {"OBS": "obstetric", "MLU": "midwifery_led", "NNU": "neonatal"}[unit.unit_code[-3:]]
        assert unit.unit_type == expected_type
        assert (unit.neonatal_level != "") is (unit.unit_type == "neonatal")


def test_units_carry_the_site_dates():
    rows = [trust_row("RAA", opened="20171001", closed="20230630")]
    sites = synthetic_sites(trusts=rows, on=dt.date(2023, 1, 1))
    for unit in synthetic_units(sites=sites, comparator_groups={}):
        assert (unit.opened_on, unit.closed_on) == (dt.date(2017, 10, 1), dt.date(2023, 7, 1))


def test_reference_file_gives_the_expected_national_site_list(reference_rows):
    sites = synthetic_sites(trusts=reference_rows, on=dt.date(2026, 10, 31))
    trusts = {s.trust_code for s in sites}
    assert len(trusts) == 118  # 126 births trusts less 8 closed by then
    assert len(sites) == 140
    assert [s.site_code for s in sites if s.trust_code == "R0A"] == ["R0A01", "R0A02", "R0A03"]
    assert "RVJ" not in trusts  # merged into RA7 on 1 July 2026
    assert all(s.name.endswith(" (synthetic)") for s in sites)
    groups = {r["org_code"]: r["mbrrace_comparator_group"] for r in reference_rows}
    units = synthetic_units(sites=sites, comparator_groups=groups)
    assert sum(u.neonatal_level == "NICU" for u in units) == 41
    assert len({u.unit_code for u in units}) == len(units)


def test_sites_and_units_are_deterministic_and_ordered(reference_rows):
    first = synthetic_sites(trusts=reference_rows, on=dt.date(2025, 6, 1))
    again = synthetic_sites(trusts=list(reversed(reference_rows)), on=dt.date(2025, 6, 1))
    assert first == again
    assert [s.site_code for s in first] == sorted(s.site_code for s in first)
    groups = {r["org_code"]: r["mbrrace_comparator_group"] for r in reference_rows}
    assert synthetic_units(sites=first, comparator_groups=groups) == synthetic_units(
        sites=again, comparator_groups=groups
    )


def test_trust_references_parse_the_reference_columns(reference_rows):
    by_code = {t.org_code: t for t in trust_references(reference_rows)}
    r0a = by_code["R0A"]
    assert (r0a.opened_on, r0a.last_open_on, r0a.provides_births, r0a.deliveries) == (
        dt.date(2017, 10, 1),
        None,
        True,
        14_120,
    )
    assert r0a.region_code == "Y62"
    assert by_code["RVJ"].last_open_on == dt.date(2026, 6, 30)
    assert by_code["RBZ"].deliveries is None
