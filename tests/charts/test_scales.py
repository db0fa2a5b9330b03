"""Scales, nice ticks, and the words for numbers, dates and periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from perinatal.charts.scales import (
    LinearScale,
    TimeScale,
    date_ticks,
    day_label,
    format_count,
    format_number,
    is_whole_month,
    month_label,
    nice_step,
    nice_ticks,
    period_label,
    span_label,
    value_ticks,
)

# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0, 1, "0.0"),
        (-0.04, 1, "0.0"),
        (-0.05, 1, "-0.1"),
        (0.05, 1, "0.1"),
        (2.675, 2, "2.68"),  # half-up on the decimal written, not the binary float
        (1.005, 2, "1.01"),
        (1234.5, 1, "1,234.5"),
        (1234567, 0, "1,234,567"),
        (Decimal("3.145"), 2, "3.15"),
        (3, 2, "3.00"),
        (-1500.25, 1, "-1,500.3"),
    ],
)
def test_format_number(value, decimals, text):
    assert format_number(value, decimals=decimals) == text


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_format_number_refuses_non_finite(value):
    with pytest.raises(ValueError):
        format_number(value, decimals=1)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (None, ""),
        ("*", "*"),
        (0, "0"),
        (4000, "4,000"),
        (4000.0, "4,000"),
        (Decimal("12.50"), "12.50"),
        (Decimal("1234.5"), "1,234.5"),
        (2.5, "2.50"),
    ],
)
def test_format_count(count, text):
    assert format_count(count) == text


# --- value axes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "step"),
    [
        (0.07, 0.1),
        (0.1, 0.1),
        (0.11, 0.2),
        (0.2, 0.2),
        (0.21, 0.5),
        (0.5, 0.5),
        (0.51, 1),
        (1, 1),
        (3, 5),
        (7, 10),
        (12, 20),
        (4500, 5000),
    ],
)
def test_nice_step(raw, step):
    assert nice_step(raw) == pytest.approx(step)


@pytest.mark.parametrize("raw", [0, -1, float("nan"), float("inf")])
def test_nice_step_refuses_non_positive(raw):
    with pytest.raises(ValueError):
        nice_step(raw)


@pytest.mark.parametrize(
    ("low", "high", "floor", "ceiling", "values"),
    [
        (0, 10, None, None, (0, 2, 4, 6, 8, 10)),
        (2.3, 7.9, 0, None, (2, 4, 6, 8)),
        (0, 0, 0, None, (0, 0.2, 0.4, 0.6, 0.8, 1.0)),  # all-zero series
        (0, 0, None, None, (-1, -0.5, 0, 0.5, 1)),
        (5, 5, None, None, (2, 3, 4, 5, 6, 7, 8)),  # single value
        (-3.2, 4.1, None, None, (-4, -2, 0, 2, 4, 6)),
        (-3.2, 4.1, 0, None, (0, 1, 2, 3, 4, 5)),  # negative part clipped at the floor
        (0, 100, 0, 100, (0, 20, 40, 60, 80, 100)),
        (40, 130, 0, 100, (40, 60, 80, 100)),  # beyond the ceiling clipped
        (0.002, 0.0031, None, None, (0.002, 0.0025, 0.003, 0.0035)),
    ],
)
def test_nice_ticks(low, high, floor, ceiling, values):
    ticks = nice_ticks(low=low, high=high, floor=floor, ceiling=ceiling)
    assert ticks.values == pytest.approx(values)
    assert ticks.low <= min(max(low, floor if floor is not None else low), high)
    assert ticks.high >= min(high, ceiling if ceiling is not None else high)
    if floor is not None:
        assert ticks.low >= floor and min(ticks.values) >= floor
    if ceiling is not None:
        assert ticks.high <= ceiling and max(ticks.values) <= ceiling
    assert all(isinstance(value, float) for value in ticks.values)


def test_nice_ticks_decimals_follow_the_step():
    assert nice_ticks(low=0, high=1).decimals == 1
    assert nice_ticks(low=0, high=10).decimals == 0
    assert nice_ticks(low=0, high=0.01).decimals == 3
    assert nice_ticks(low=0, high=10).label(4.0) == "4"
    assert nice_ticks(low=0, high=5000).label(2000.0) == "2,000"


def test_nice_ticks_floor_and_ceiling_closer_than_a_step_still_give_ticks():
    ticks = nice_ticks(low=0.31, high=0.37, count=1, floor=0.31, ceiling=0.37)
    assert ticks.values and ticks.low == pytest.approx(0.31) and ticks.high == pytest.approx(0.37)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"low": 0, "high": 1, "count": 0},
        {"low": float("nan"), "high": 1},
        {"low": 0, "high": 1, "floor": 1, "ceiling": 1},
        {"low": 0, "high": 1, "floor": 2, "ceiling": 1},
    ],
)
def test_nice_ticks_refuses_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        nice_ticks(**kwargs)


def test_nice_ticks_swaps_reversed_bounds():
    assert nice_ticks(low=10, high=0).values == nice_ticks(low=0, high=10).values


def test_value_ticks_includes_the_floor_and_ignores_gaps():
    ticks = value_ticks(values=[3.0, None, 4.0], floor=0.0)
    assert ticks.low == 0 and ticks.high >= 4
    assert value_ticks(values=[3.0, 4.0], floor=0.0, include_floor=False).low > 0


def test_value_ticks_with_no_values():
    assert value_ticks(values=[], floor=0.0).values == pytest.approx((0, 0.2, 0.4, 0.6, 0.8, 1.0))
    assert value_ticks(values=[]).low == -1


def test_linear_scale():
    scale = LinearScale(domain=(0, 10), range=(300, 40))
    assert scale(0) == 300 and scale(10) == 40 and scale(5) == 170
    assert LinearScale(domain=(2, 2), range=(300, 40))(2) == 170


# --- dates --------------------------------------------------------------------------------------


def test_time_scale():
    scale = TimeScale(start=date(2025, 1, 1), end=date(2025, 1, 11), range=(100, 200))
    assert scale(date(2025, 1, 1)) == 100
    assert scale(date(2025, 1, 6)) == 150
    assert scale(date(2025, 1, 11)) == 200
    assert TimeScale(start=date(2025, 1, 1), end=date(2025, 1, 1), range=(100, 200))(date(2025, 1, 1)) == 150


@pytest.mark.parametrize(
    ("day", "month", "full"),
    [(date(2026, 1, 5), "Jan 2026", "5 Jan 2026"), (date(2025, 12, 31), "Dec 2025", "31 Dec 2025")],
)
def test_month_and_day_labels(day, month, full):
    assert month_label(day) == month
    assert day_label(day) == full


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (date(2025, 1, 1), date(2025, 1, 31), "Jan 2025"),
        (date(2024, 2, 1), date(2024, 2, 29), "Feb 2024"),
        (date(2025, 1, 1), date(2025, 3, 31), "Jan to Mar 2025"),
        (date(2025, 1, 1), date(2025, 12, 31), "2025"),
        (date(2024, 4, 1), date(2025, 3, 31), "Apr 2024 to Mar 2025"),
        (date(2025, 12, 18), date(2025, 12, 31), "18 Dec 2025 to 31 Dec 2025"),
        (date(2025, 1, 1), date(2025, 1, 30), "1 Jan 2025 to 30 Jan 2025"),
        (date(2025, 1, 2), date(2025, 1, 31), "2 Jan 2025 to 31 Jan 2025"),
        (date(2025, 3, 5), None, "5 Mar 2025"),
        (date(2025, 3, 5), date(2025, 3, 5), "5 Mar 2025"),
    ],
)
def test_period_label(start, end, label):
    assert period_label(start=start, end=end) == label


def test_period_label_refuses_a_backwards_period():
    with pytest.raises(ValueError):
        period_label(start=date(2025, 2, 1), end=date(2025, 1, 1))


@pytest.mark.parametrize(
    ("start", "end", "whole"),
    [
        (date(2025, 2, 1), date(2025, 2, 28), True),
        (date(2024, 2, 1), date(2024, 2, 28), False),
        (date(2025, 2, 2), date(2025, 2, 28), False),
        (date(2025, 2, 1), date(2025, 3, 31), False),
    ],
)
def test_is_whole_month(start, end, whole):
    assert is_whole_month(start=start, end=end) is whole


def test_span_label():
    assert (
        span_label(first_start=date(2022, 1, 1), last_start=date(2026, 10, 1), monthly=True) == "Jan 2022 to Oct 2026"
    )
    assert span_label(first_start=date(2022, 1, 1), last_start=date(2022, 1, 1), monthly=True) == "Jan 2022"
    assert (
        span_label(
            first_start=date(2025, 12, 4),
            last_start=date(2025, 12, 18),
            last_end=date(2025, 12, 31),
            monthly=False,
        )
        == "4 Dec 2025 to 31 Dec 2025"
    )


def _ticks(start, end, max_ticks=8):
    return [(tick.day, tick.lines) for tick in date_ticks(start=start, end=end, max_ticks=max_ticks)]


def test_month_ticks_show_the_year_where_it_changes():
    assert _ticks(date(2024, 11, 1), date(2025, 4, 1)) == [
        (date(2024, 11, 1), ("Nov", "2024")),
        (date(2024, 12, 1), ("Dec",)),
        (date(2025, 1, 1), ("Jan", "2025")),
        (date(2025, 2, 1), ("Feb",)),
        (date(2025, 3, 1), ("Mar",)),
        (date(2025, 4, 1), ("Apr",)),
    ]


@pytest.mark.parametrize(
    ("start", "end", "max_ticks", "months"),
    [
        (date(2025, 1, 1), date(2025, 12, 1), 12, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
        (date(2025, 1, 1), date(2025, 12, 1), 11, [1, 3, 5, 7, 9, 11]),
        (date(2025, 1, 1), date(2025, 12, 1), 4, [1, 4, 7, 10]),
        (date(2025, 1, 1), date(2025, 12, 1), 2, [1, 7]),
        (date(2025, 2, 15), date(2025, 6, 1), 8, [3, 4, 5, 6]),  # first tick on the next whole month
    ],
)
def test_month_ticks_pick_the_smallest_step_that_fits(start, end, max_ticks, months):
    assert [day.month for day, _ in _ticks(start, end, max_ticks)] == months


def test_long_spans_tick_on_years_labelled_by_year_only():
    ticks = _ticks(date(2022, 1, 1), date(2026, 10, 1), max_ticks=7)
    assert ticks == [(date(year, 1, 1), (str(year),)) for year in range(2022, 2027)]


def test_short_spans_tick_on_days():
    ticks = _ticks(date(2025, 12, 18), date(2026, 1, 31), max_ticks=7)
    assert [day for day, _ in ticks] == [
        date(2025, 12, 18),
        date(2025, 12, 25),
        date(2026, 1, 1),
        date(2026, 1, 8),
        date(2026, 1, 15),
        date(2026, 1, 22),
        date(2026, 1, 29),
    ]
    assert ticks[0][1] == ("18 Dec", "2025") and ticks[1][1] == ("25 Dec",) and ticks[2][1] == ("1 Jan", "2026")


@pytest.mark.parametrize(
    ("days", "month_mode"),
    [(61, False), (62, True)],
)
def test_month_mode_boundary(days, month_mode):
    from datetime import timedelta

    start = date(2025, 1, 1)
    ticks = date_ticks(start=start, end=start + timedelta(days=days), max_ticks=8)
    assert all(tick.day.day == 1 for tick in ticks) is month_mode


@pytest.mark.parametrize(
    ("day", "lines"),
    [(date(2025, 3, 1), ("Mar", "2025")), (date(2025, 3, 5), ("5 Mar", "2025"))],
)
def test_a_single_date_gets_one_tick(day, lines):
    assert _ticks(day, day) == [(day, lines)]


def test_date_ticks_refuses_bad_arguments():
    with pytest.raises(ValueError):
        date_ticks(start=date(2025, 2, 1), end=date(2025, 1, 1))
    with pytest.raises(ValueError):
        date_ticks(start=date(2025, 1, 1), end=date(2025, 2, 1), max_ticks=0)
