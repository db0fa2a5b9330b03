"""The selectors the dashboard pages read: definitions, tiles (latest and previous period),
series with break markers, the trust table and its download, and scoped uploads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import scope_for
from perinatal.dashboard import selectors
from perinatal.dashboard.engine import MetricRequest, compute_rows
from perinatal.dashboard.metrics.definitions import HEADLINE_METRICS, METRIC_IDS
from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.metrics.rows import build_row
from perinatal.dashboard.models import Upload
from perinatal.organisations.models import Organisation
from tests.dashboard.factories import birth
from tests.dashboard.import_helpers import clear_dashboard_data, import_records
from tests.helpers import make_user

pytestmark = pytest.mark.django_db


def test_definitions_follow_the_stillbirth_setting(settings):
    assert [d.id for d in selectors.definitions()] == list(METRIC_IDS)
    assert [d.id for d in selectors.headline_definitions()] == [d.id for d in HEADLINE_METRICS]
    settings.DASHBOARD_STILLBIRTH_DENOMINATOR = "live_births"
    assert selectors.stillbirth_denominator() == "live_births"
    assert selectors.definition("stillbirth_rate").denominator == "Live births with the same inclusion"
    with pytest.raises(KeyError):
        selectors.definition("nope")


@pytest.mark.parametrize("code, level", [("E92000001", "national"), ("Y62", "region"), ("QOP", "icb"),
                                         ("R0A", "trust"), ("MNSI", None), ("XYZ99", None)])
def test_organisations_by_code(code, level):
    found = selectors.organisation(code)
    assert (found.level if found else None) == level


@pytest.mark.parametrize("kind, as_of, current, previous", [
    ("fortnight", date(2026, 10, 31), Period(date(2026, 10, 18), date(2026, 10, 31)),
     Period(date(2026, 10, 4), date(2026, 10, 17))),
    ("outcome", date(2026, 10, 31), Period(date(2025, 11, 1), date(2026, 10, 31)),
     Period(date(2024, 11, 1), date(2025, 10, 31))),
    ("outcome", date(2026, 2, 28), Period(date(2025, 3, 1), date(2026, 2, 28)),
     Period(date(2024, 3, 1), date(2025, 2, 28))),
    ("survey", date(2026, 10, 31), Period(date(2025, 1, 1), date(2025, 12, 31)),
     Period(date(2024, 1, 1), date(2025, 12, 31).replace(year=2024))),
])
def test_tile_periods_compare_like_with_like(kind, as_of, current, previous):
    definition = {"fortnight": "obstetric_unit_suspensions", "outcome": "stillbirth_rate",
                  "survey": "considered_complaint"}[kind]
    assert selectors.tile_periods(definition=selectors.definition(definition), as_of=as_of,
                                  latest_survey_year=2025) == (current, previous)


def test_latest_values_are_the_engine_s_rows_for_the_tile_periods():
    as_of = selectors.data_end()
    tiles = selectors.latest_values(level="national", code="E92000001")
    assert [t.definition.id for t in tiles] == [d.id for d in HEADLINE_METRICS]
    stillbirths = next(t for t in tiles if t.definition.id == "stillbirth_rate")
    current, _ = selectors.tile_periods(definition=stillbirths.definition, as_of=as_of)
    [expected] = compute_rows(MetricRequest(date_from=current.start, date_to=current.end,
                                            metric_ids=("stillbirth_rate",), levels=("national",)))
    assert stillbirths.current == expected
    _, previous = selectors.tile_periods(definition=stillbirths.definition, as_of=as_of)
    assert (stillbirths.previous.period_start, stillbirths.previous.period_end) == (previous.start, previous.end)
    if stillbirths.previous.value is not None:
        assert stillbirths.change == stillbirths.current.value - stillbirths.previous.value
        assert stillbirths.improved is (None if not stillbirths.change else stillbirths.change < 0)
    fortnight = next(t for t in tiles if t.definition.id == "obstetric_unit_suspensions")
    assert fortnight.current.period_end == as_of and fortnight.previous.period_end == date.fromordinal(
        as_of.toordinal() - 14)


def test_a_series_marks_the_break_when_an_icb_s_trusts_change():
    # RXK left ICB QHL in the July 2026 extract, in force from 1 April 2026
    series = selectors.metric_series(level="icb", code="QHL", metric_id="stillbirth_rate",
                                     date_from=date(2026, 1, 1), date_to=date(2026, 6, 30))
    assert [(p.row.period_start.month, p.break_before) for p in series.points] == [
        (1, False), (2, False), (3, False), (4, True), (5, False), (6, False)]
    assert series.org.name and series.points[0].row.org_code == "QHL"
    fortnights = selectors.metric_series(level="trust", code="RRK", metric_id="induction_delays",
                                         date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    assert [p.row.period_end for p in fortnights.points][-1] == date(2026, 3, 31)
    assert not any(p.break_before for p in fortnights.points)
    assert selectors.metric_series(level="trust", code="QHL", metric_id="stillbirth_rate") is None


def test_the_trust_table_filters_by_region_and_icb_and_downloads(tmp_path):
    table = selectors.trust_table(metric_id="stillbirth_rate", date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    assert {line.row.org_code for line in table.rows} >= {"R0A", "RRK", "RYR", "RA7", "RJ1"}
    assert table.england.denominator == sum(line.row.denominator for line in table.rows)
    north_west = selectors.trust_table(metric_id="stillbirth_rate", date_from=date(2026, 1, 1),
                                       date_to=date(2026, 3, 31), region="Y62")
    assert [line.row.org_code for line in north_west.rows] == ["R0A"]
    assert [line.row.org_code for line in selectors.trust_table(
        metric_id="stillbirth_rate", date_from=date(2026, 1, 1), date_to=date(2026, 3, 31), icb="QKK").rows] == ["RJ1"]
    exported = north_west.export_table()
    assert [c.name for c in exported.columns][-2:] == ["icb_code", "region_code"]
    assert exported.rows[0][2] == "R0A" and exported.rows[0][-2:] == ["QOP", "Y62"]
    fortnightly = selectors.trust_table(metric_id="obstetric_unit_suspensions", date_to=date(2026, 3, 31))
    assert fortnightly.period == Period(date(2026, 3, 18), date(2026, 3, 31))


def test_uploads_are_visible_to_their_trust_and_national_admins_only(tmp_path):
    clear_dashboard_data()
    r0a, rj1 = Organisation.objects.get(code="R0A"), Organisation.objects.get(code="RJ1")
    mine = import_records(tmp_path, "births", [birth("V1")], organisation=r0a)
    theirs = import_records(tmp_path, "births", [birth("V2", trust_code="RJ1", site_code=None)], organisation=rj1)

    def visible(role, code):
        return set(selectors.uploads_visible_to(scope_for(make_user(role, code))).filter(
            pk__in=[mine.pk, theirs.pk]).values_list("pk", flat=True))

    assert visible(Role.REPORTER, "R0A") == {mine.pk}
    assert visible(Role.TRUST_VIEWER, "RJ1") == {theirs.pk}
    assert visible(Role.ICB_VIEWER, "QOP") == set()
    assert visible(Role.REGIONAL_VIEWER, "Y62") == set()
    assert visible(Role.IMPROVEMENT_SUPPORT, "E92000001") == set()
    assert visible(Role.PROGRAMME_ADMIN, "E92000001") == {mine.pk, theirs.pk}
    assert Upload.objects.filter(pk__in=[mine.pk, theirs.pk], status="loaded").count() == 2


@pytest.mark.parametrize("metric_id, current, previous, improved", [
    ("stillbirth_rate", "3.10", "4.00", True), ("stillbirth_rate", "4.10", "4.00", False),
    ("optimal_perinatal_care", "80.00", "70.00", True), ("optimal_perinatal_care", "60.00", "70.00", False),
    ("stillbirth_rate", "4.00", "4.00", None), ("stillbirth_rate", None, "4.00", None),
])
def test_a_tile_says_whether_the_value_moved_the_better_way(metric_id, current, previous, improved):
    definition = selectors.definition(metric_id)
    row = build_row(definition=definition, org_level="national", org_code="E92000001", org_name="England",
                    period=Period(date(2025, 1, 1), date(2025, 12, 31)), numerator=1, denominator=10,
                    provisional=False)
    tile = selectors.MetricComparison(definition, replace(row, value=Decimal(current) if current else None),
                                      replace(row, value=Decimal(previous)))
    assert tile.improved is improved
