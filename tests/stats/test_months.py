"""YearMonth, the month of birth MOSS counts by (docs/rules/surveillance.md §1.1)."""

from datetime import date

import pytest

from perinatal.stats.months import YearMonth


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
