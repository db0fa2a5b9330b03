"""Dates and times as people read them (GOV.UK style), written once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from perinatal.core.formatting import date_and_time, long_date, month_and_year, time_of_day


def test_dates_and_months():
    assert long_date(date(2025, 10, 1)) == "1 October 2025"
    assert long_date(None) == ""
    assert month_and_year(date(2026, 2, 14)) == "February 2026"


def test_an_instant_is_read_on_englands_clock_and_calendar():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    instant = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert long_date(instant) == "1 July 2026"
    assert date_and_time(instant) == "1 July 2026 at 12:30am"
    assert date_and_time(datetime(2026, 1, 5, 15, 45, tzinfo=UTC)) == "5 January 2026 at 3:45pm"


def test_one_clock_style_with_midnight_and_midday_in_words():
    assert time_of_day(time(3, 20)) == "3:20am"
    assert time_of_day(time(12, 5)) == "12:05pm"
    assert time_of_day(time(0, 0)) == "midnight"
    assert time_of_day(time(12, 0)) == "midday"
    assert date_and_time(None) == ""
