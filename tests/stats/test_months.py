"""YearMonth, the month of birth MOSS counts by (docs/rules/surveillance.md §1.1)."""

from datetime import date

import pytest

from perinatal.stats.months import YearMonth, YearQuarter


@pytest.mark.parametrize(("text", "expected"), [("2025-01", YearMonth(2025, 1)), (" 2024-12 ", YearMonth(2024, 12))])
def test_parse(text, expected):
    assert YearMonth.parse(text) == expected


@pytest.mark.parametrize("text", ["2025-1", "2025-13", "2025-00", "25-01", "2025/01", "2025-01-01", ""])
def test_parse_refuses(text):
    with pytest.raises(ValueError):
        YearMonth.parse(text)


def test_str_and_order():
    months = [YearMonth(2025, 2), YearMonth(2024, 12), YearMonth(2025, 1)]
    assert [str(month) for month in sorted(months)] == ["2024-12", "2025-01", "2025-02"]


@pytest.mark.parametrize(
    ("start", "shift", "expected"),
    [
        (YearMonth(2025, 6), -5, YearMonth(2025, 1)),
        (YearMonth(2025, 6), -6, YearMonth(2024, 12)),
        (YearMonth(2025, 6), -11, YearMonth(2024, 7)),
        (YearMonth(2024, 12), 1, YearMonth(2025, 1)),
        (YearMonth(2025, 1), 0, YearMonth(2025, 1)),
    ],
)
def test_shifted(start, shift, expected):
    assert start.shifted(shift) == expected


@pytest.mark.parametrize(
    ("month", "days"),
    [(YearMonth(2024, 2), 29), (YearMonth(2025, 2), 28), (YearMonth(2025, 4), 30), (YearMonth(2025, 12), 31)],
)
def test_days(month, days):
    assert month.days == days
    assert len(month.dates()) == days
    assert month.dates()[0] == month.first_day
    assert month.dates()[-1] == date(month.year, month.month, days)


def test_of_date():
    assert YearMonth.of(date(2025, 3, 31)) == YearMonth(2025, 3)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), YearQuarter(2026, 1)),
        (date(2026, 3, 31), YearQuarter(2026, 1)),
        (date(2026, 4, 1), YearQuarter(2026, 2)),
        (date(2026, 9, 30), YearQuarter(2026, 3)),
        (date(2026, 12, 31), YearQuarter(2026, 4)),
    ],
)
def test_quarter_of_a_day(day, expected):
    assert YearQuarter.of(day) == expected


def test_quarter_months_days_and_label():
    quarter = YearQuarter(2026, 2)
    assert quarter.months == (YearMonth(2026, 4), YearMonth(2026, 5), YearMonth(2026, 6))
    assert (quarter.first_day, quarter.last_day) == (date(2026, 4, 1), date(2026, 6, 30))
    assert str(quarter) == "2026-Q2"
    assert YearQuarter(2024, 1).last_day == date(2024, 3, 31)


@pytest.mark.parametrize(
    ("start", "shift", "expected"),
    [
        (YearQuarter(2026, 1), -1, YearQuarter(2025, 4)),
        (YearQuarter(2026, 4), 1, YearQuarter(2027, 1)),
        (YearQuarter(2026, 2), 0, YearQuarter(2026, 2)),
        (YearQuarter(2026, 2), 9, YearQuarter(2028, 3)),
    ],
)
def test_quarter_shifted(start, shift, expected):
    assert start.shifted(shift) == expected


@pytest.mark.parametrize(("year", "quarter"), [(2026, 0), (2026, 5), (0, 1)])
def test_quarter_refuses(year, quarter):
    with pytest.raises(ValueError):
        YearQuarter(year, quarter)
