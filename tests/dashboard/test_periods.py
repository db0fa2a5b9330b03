"""Fortnights, ranges, and the time rules of docs/rules/dashboard.md §2."""

from datetime import date, datetime, timedelta

import pytest

from perinatal.dashboard.metrics.periods import (
    BY_MONTH,
    BY_QUARTER,
    Period,
    episode_duration,
    episode_overlaps,
    episode_time_within,
    fortnight_ending,
    fortnight_series,
    induction_delay_instant,
    induction_delayed_in,
    is_provisional,
    outcome_periods,
    survey_year_overlaps,
    unit_open_during,
)
from perinatal.kernel.london_time import to_utc

from .factories import at

D = date.fromisoformat
LATER = at("2030-01-01T00:00")  # a "now" after every fortnight in these tests
F_DEC = fortnight_ending(D("2025-12-31"))  # 2025-12-18 … 2025-12-31


def test_the_fortnight_ending_31_december_2025():
    assert F_DEC == Period(D("2025-12-18"), D("2025-12-31"))
    assert F_DEC.start_instant.replace(tzinfo=None) == datetime(2025, 12, 18, 0, 0)
    assert F_DEC.end_instant.replace(tzinfo=None) == datetime(2026, 1, 1, 0, 0)


@pytest.mark.parametrize(
    ("to", "real_hours"),
    [(D("2025-12-31"), 336), (D("2025-11-01"), 337), (D("2026-04-05"), 335)],
)
def test_a_fortnight_is_half_open_local_midnights(to, real_hours):
    fortnight = fortnight_ending(to)
    assert to_utc(fortnight.end_instant) - to_utc(fortnight.start_instant) == timedelta(hours=real_hours)
    assert fortnight.contains_instant(fortnight.start_instant)
    assert not fortnight.contains_instant(fortnight.end_instant)
    assert fortnight.contains_instant(fortnight.end_instant - timedelta(minutes=1))


def test_fortnight_series_ends_on_to_and_keeps_only_whole_fortnights():
    series = fortnight_series(date_from=D("2025-11-20"), date_to=D("2025-12-31"))
    assert series == (
        Period(D("2025-11-20"), D("2025-12-03")),
        Period(D("2025-12-04"), D("2025-12-17")),
        Period(D("2025-12-18"), D("2025-12-31")),
    )


@pytest.mark.parametrize(
    ("date_from", "count"),
    [(D("2025-12-18"), 1), (D("2025-12-19"), 0), (D("2025-12-04"), 2), (D("2025-12-05"), 1), (D("2025-12-31"), 0)],
)
def test_fortnight_series_boundary(date_from, count):
    assert len(fortnight_series(date_from=date_from, date_to=D("2025-12-31"))) == count


def test_a_range_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        fortnight_series(date_from=D("2025-02-01"), date_to=D("2025-01-01"))
    with pytest.raises(ValueError):
        outcome_periods(date_from=D("2025-02-01"), date_to=D("2025-01-01"))


def test_outcome_periods_whole_range():
    assert outcome_periods(date_from=D("2025-01-01"), date_to=D("2025-12-31")) == (
        Period(D("2025-01-01"), D("2025-12-31")),
    )


def test_outcome_periods_by_month_cut_to_the_range():
    periods = outcome_periods(date_from=D("2024-12-15"), date_to=D("2025-03-10"), by=BY_MONTH)
    assert periods == (
        Period(D("2024-12-15"), D("2024-12-31")),
        Period(D("2025-01-01"), D("2025-01-31")),
        Period(D("2025-02-01"), D("2025-02-28")),
        Period(D("2025-03-01"), D("2025-03-10")),
    )


def test_outcome_periods_by_quarter():
    periods = outcome_periods(date_from=D("2025-02-01"), date_to=D("2026-01-31"), by=BY_QUARTER)
    assert periods == (
        Period(D("2025-02-01"), D("2025-03-31")),
        Period(D("2025-04-01"), D("2025-06-30")),
        Period(D("2025-07-01"), D("2025-09-30")),
        Period(D("2025-10-01"), D("2025-12-31")),
        Period(D("2026-01-01"), D("2026-01-31")),
    )


def test_outcome_periods_refuses_an_unknown_split():
    with pytest.raises(ValueError):
        outcome_periods(date_from=D("2025-01-01"), date_to=D("2025-12-31"), by="week")


@pytest.mark.parametrize(
    ("opened_on", "closed_on", "open_"),
    [
        ("2020-01-01", None, True),
        ("2025-12-31", None, True),  # opened on the last day
        ("2026-01-01", None, False),  # opens after the fortnight
        ("2020-01-01", "2025-12-18", False),  # closed_on = to − 13: closed the whole fortnight
        ("2020-01-01", "2025-12-17", False),  # closed before the fortnight
        ("2020-01-01", "2025-12-19", True),  # open on the first day
        ("2020-01-01", "2026-01-01", True),
    ],
)
def test_unit_open_during_the_fortnight(opened_on, closed_on, open_):
    assert unit_open_during(opened_on=D(opened_on), closed_on=closed_on and D(closed_on), period=F_DEC) is open_


@pytest.mark.parametrize(
    ("started", "ended", "overlaps"),
    [
        ("2025-12-10T09:00", "2025-12-18T00:00", False),  # ends exactly at the start
        ("2025-12-10T09:00", "2025-12-18T00:01", True),  # straddles the start
        ("2025-12-31T23:59", "2026-01-02T00:00", True),  # straddles the end
        ("2026-01-01T00:00", "2026-01-02T00:00", False),  # starts exactly at the end
        ("2025-12-01T00:00", "2026-01-05T00:00", True),  # covers the whole fortnight
        ("2025-12-01T00:00", None, True),  # ongoing, started before
        ("2026-01-01T00:00", None, False),  # ongoing, started after
        ("2025-12-20T10:00", "2025-12-20T11:00", True),
    ],
)
def test_episode_overlaps(started, ended, overlaps):
    assert episode_overlaps(started_at=at(started), ended_at=ended and at(ended), period=F_DEC) is overlaps


def test_episode_duration_is_whole_even_outside_the_fortnight():
    assert episode_duration(
        started_at=at("2025-12-01T00:00"), ended_at=at("2025-12-19T00:00"), period=F_DEC, now=LATER
    ) == timedelta(days=18)


def test_ongoing_episode_is_measured_to_the_fortnight_end_or_now():
    started = at("2025-12-30T00:00")
    assert episode_duration(started_at=started, ended_at=None, period=F_DEC, now=LATER) == timedelta(hours=48)
    now = at("2025-12-30T23:00")
    assert episode_duration(started_at=started, ended_at=None, period=F_DEC, now=now) == timedelta(hours=23)


@pytest.mark.parametrize(
    ("started", "ended", "now", "hours"),
    [
        ("2025-12-10T00:00", "2025-12-19T00:00", "2030-01-01T00:00", 24),  # clipped at the start
        ("2025-12-31T12:00", "2026-01-03T00:00", "2030-01-01T00:00", 12),  # clipped at the end
        ("2025-12-20T10:00", "2025-12-20T13:30", "2030-01-01T00:00", 3.5),
        ("2025-12-31T00:00", None, "2030-01-01T00:00", 24),  # ongoing: to the fortnight's end
        ("2025-12-31T00:00", None, "2025-12-31T06:00", 6),  # ongoing: to now
        ("2025-12-01T00:00", None, "2025-12-10T00:00", 0),  # now before the fortnight
    ],
)
def test_episode_time_within_the_fortnight(started, ended, now, hours):
    assert episode_time_within(
        started_at=at(started), ended_at=ended and at(ended), period=F_DEC, now=at(now)
    ) == timedelta(hours=hours)


def test_induction_delay_instant_is_24_real_hours():
    assert induction_delay_instant(at("2025-06-01T10:00")) == at("2025-06-02T10:00")
    # across the October change 24 real hours end an hour earlier on the clock
    assert to_utc(induction_delay_instant(at("2025-10-25T10:00"))) == to_utc(at("2025-10-26T09:00"))
    assert to_utc(induction_delay_instant(at("2026-03-28T10:00"))) == to_utc(at("2026-03-29T11:00"))


@pytest.mark.parametrize(
    ("admitted", "started", "now", "delayed"),
    [
        ("2025-12-20T10:00", None, "2030-01-01T00:00", True),  # never started
        ("2025-12-20T10:00", "2025-12-21T10:00", "2030-01-01T00:00", False),  # started at exactly 24 h
        ("2025-12-20T10:00", "2025-12-21T10:01", "2030-01-01T00:00", True),
        ("2025-12-20T10:00", "2025-12-21T09:59", "2030-01-01T00:00", False),
        ("2025-12-17T00:00", None, "2030-01-01T00:00", True),  # 24 h point opens the fortnight
        ("2025-12-31T00:00", None, "2030-01-01T00:00", False),  # 24 h point is in the next fortnight
        ("2025-12-30T10:00", None, "2025-12-31T09:00", False),  # still waiting, 24 h not yet passed
        ("2025-12-30T10:00", None, "2025-12-31T10:00", True),  # 24 h just passed
    ],
)
def test_induction_delayed_in(admitted, started, now, delayed):
    result = induction_delayed_in(
        admitted_at=at(admitted), started_at=started and at(started), period=F_DEC, now=at(now)
    )
    assert result is delayed


def test_induction_whose_24_hours_end_just_before_the_fortnight():
    assert not induction_delayed_in(admitted_at=at("2025-12-16T23:59"), started_at=None, period=F_DEC, now=LATER)


@pytest.mark.parametrize(
    ("year", "start", "end", "included"),
    [
        (2024, "2025-01-01", "2025-12-31", False),
        (2025, "2025-01-01", "2025-12-31", True),
        (2025, "2025-12-31", "2026-01-01", True),
        (2026, "2025-12-31", "2026-01-01", True),
        (2024, "2024-12-31", "2024-12-31", True),
        (2025, "2024-04-01", "2025-03-31", True),
        (2026, "2024-04-01", "2025-03-31", False),
    ],
)
def test_survey_year_overlap(year, start, end, included):
    assert survey_year_overlaps(survey_year=year, period=Period(D(start), D(end))) is included


@pytest.mark.parametrize(
    ("period_end", "today", "days", "provisional"),
    [
        ("2025-12-31", "2026-01-13", 14, True),
        ("2025-12-31", "2026-01-14", 14, False),  # 14 days old
        ("2025-12-31", "2026-01-27", 28, True),
        ("2025-12-31", "2026-01-28", 28, False),
        ("2025-12-31", "2025-12-20", 14, True),  # not over yet
        ("2025-12-31", "2025-12-31", None, False),  # metrics without a provisional window
    ],
)
def test_is_provisional(period_end, today, days, provisional):
    assert is_provisional(period_end=D(period_end), today=D(today), provisional_days=days) is provisional


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(D("2025-01-02"), D("2025-01-01"))
