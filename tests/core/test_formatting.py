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


def test_measured_numbers_are_rounded_half_up_to_two_places_with_separators():
    from decimal import Decimal

    from perinatal.core.formatting import decimal

    assert decimal(1.2222222222222223) == "1.22"
    assert decimal(1.4444444444444444) == "1.44"
    assert decimal(0.125) == "0.13"  # half up, not to even
    assert decimal(4) == "4.00" and decimal(1234.5) == "1,234.50"
    assert decimal(-0.001) == "0.00"  # never "-0.00"
    assert decimal(Decimal("2.675")) == "2.68"
    assert decimal(3.1, trim=True) == "3.1" and decimal(4.0, trim=True) == "4" and decimal(0.004, trim=True) == "0"
    assert decimal(1.23456, places=3) == "1.235"
    assert decimal(None) == ""
