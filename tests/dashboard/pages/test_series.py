"""A metric's series: whole months only, breaks where an organisation's trusts change, and
the SPC chart rebased there (docs/rules/dashboard.md §4, docs/rules/surveillance.md §2.9)."""

from datetime import date

import pytest

from perinatal.dashboard.metrics.definitions import INDUCTION_DELAYS, OBSTETRIC_UNIT_SUSPENSIONS, STILLBIRTH_RATE
from perinatal.dashboard.pages.series import MetricSeries, series_breaks, series_rows, spc_of

from .rows import fortnightly_rows, metric_row, monthly_rows


def test_series_rows_keep_whole_months_of_outcome_metrics_only():
    rows = monthly_rows("stillbirth_rate", ["3.0", "3.2"], first=date(2026, 9, 1))
    partial = metric_row("stillbirth_rate", date(2026, 11, 1), date(2026, 11, 15), "9.9")
    other = metric_row("pph_1500_rate", date(2026, 9, 1), date(2026, 9, 30), "20")
    assert series_rows([partial, *reversed(rows), other], definition=STILLBIRTH_RATE) == tuple(rows)


def test_series_rows_keep_every_fortnight():
    rows = fortnightly_rows("induction_delays", ["10", "20", "30"])
    assert series_rows(list(reversed(rows)), definition=INDUCTION_DELAYS) == tuple(rows)


def test_breaks_where_the_trusts_of_an_organisation_change():
    rows = monthly_rows("stillbirth_rate", ["1"] * 6, first=date(2026, 1, 1))
    before, after = frozenset({"RJ1", "RJ2"}), frozenset({"RJ1", "RJ2", "RJZ"})

    def members_on(day):
        return before if day < date(2026, 4, 1) else after

    assert series_breaks(rows, members_on=members_on) == {date(2026, 4, 1)}
    assert series_breaks(rows, members_on=lambda day: before) == frozenset()
    assert series_breaks(rows, members_on=None) == frozenset()


def test_no_break_where_an_organisation_begins_or_ends():
    """A merged ICB that did not exist before April has no trusts then: its series starts, it does not break."""
    rows = monthly_rows("stillbirth_rate", ["1"] * 6, first=date(2026, 1, 1))
    assert (
        series_breaks(rows, members_on=lambda day: frozenset() if day < date(2026, 4, 1) else frozenset({"RYR"}))
        == frozenset()
    )
    assert (
        series_breaks(rows, members_on=lambda day: frozenset({"RYR"}) if day < date(2026, 4, 1) else frozenset())
        == frozenset()
    )


def test_spc_is_rebased_at_a_break():
    rows = monthly_rows(
        "stillbirth_rate", ["3.0", "3.1", "2.9", "3.2", "6.0", "6.1", "5.9", "6.2"], first=date(2025, 12, 1)
    )
    chart = spc_of(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset({date(2026, 4, 1)})))
    assert [segment.start for segment in chart.segments] == [date(2025, 12, 1), date(2026, 4, 1)]
    assert chart.trial_limits


@pytest.mark.parametrize("break_start", [date(2026, 1, 1), date(2026, 4, 1)])
def test_spc_is_not_rebased_where_a_segment_would_hold_one_point(break_start):
    rows = monthly_rows("stillbirth_rate", ["3.0", "3.1", "2.9", "3.2"], first=date(2025, 12, 1)) + monthly_rows(
        "stillbirth_rate", ["3.3"], first=date(2026, 4, 1)
    )
    chart = spc_of(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset({break_start})))
    assert len(chart.segments) == 1


def test_spc_skips_periods_without_a_value_and_needs_two_points():
    rows = monthly_rows("stillbirth_rate", ["3.0", None, "3.2"])
    chart = spc_of(MetricSeries(STILLBIRTH_RATE, tuple(rows), frozenset()))
    assert [point.value for point in chart.points] == [3.0, 3.2]
    assert (
        spc_of(MetricSeries(STILLBIRTH_RATE, tuple(monthly_rows("stillbirth_rate", ["3.0", None])), frozenset()))
        is None
    )


def test_spc_dates_months_by_their_first_day_and_fortnights_by_their_last():
    months = monthly_rows("stillbirth_rate", ["1", "2"], first=date(2026, 9, 1))
    assert [p.date for p in spc_of(MetricSeries(STILLBIRTH_RATE, tuple(months), frozenset())).points] == [
        date(2026, 9, 1),
        date(2026, 10, 1),
    ]
    fortnights = fortnightly_rows("obstetric_unit_suspensions", ["1", "2"])
    assert [
        p.date for p in spc_of(MetricSeries(OBSTETRIC_UNIT_SUSPENSIONS, tuple(fortnights), frozenset())).points
    ] == [date(2026, 10, 17), date(2026, 10, 31)]
