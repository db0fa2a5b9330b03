"""MOSS CUSUM, levels and restart, the run over sites, summaries, excess events
(docs/rules/surveillance.md §1.1–1.4)."""

from datetime import date

import pytest

from perinatal.stats import moss as moss_module
from perinatal.stats.months import YearMonth
from perinatal.stats.moss import (
    LEVEL_1,
    LEVEL_2,
    LEVEL_NONE,
    SKIP_DESIGN_FAILED,
    SKIP_NO_DENOMINATOR,
    SKIP_NO_REFERENCE_RATE,
    SKIP_TOO_FEW_BIRTHS,
    MonthlyCounts,
    MonthRate,
    MossMonthInput,
    MossRow,
    ReferenceRates,
    denominators,
    evaluated_months,
    excess_events,
    moss_cusum,
    reference_rate,
    run_moss,
    signal_level,
    summarise_signals,
)
from perinatal.stats.moss_design import METHOD, DesignFailedError, moss_thresholds
from tests.surveillance.vectors import load_vectors

EXAMPLE = load_vectors("moss")["worked_example"]
MONTHS = [YearMonth(2025, month) for month in range(1, 13)]


def _inputs(counts, *, k=0.6, h1=1.6, h2=3.4, months=MONTHS):
    return [MossMonthInput(month, count, k, h1, h2) for month, count in zip(months, counts)]


# --- the CUSUM (docs/rules/surveillance.md §1.3) ------------------------------------------------


def test_worked_example_cusum():
    result = moss_cusum(_inputs(EXAMPLE["counts"], k=EXAMPLE["k"], h1=EXAMPLE["h1"], h2=EXAMPLE["h2"]))
    assert [point.cusum for point in result] == EXAMPLE["cusum"]
    assert [point.level for point in result] == EXAMPLE["level"]
    assert [point.reset for point in result] == EXAMPLE["reset"]
    assert [point.events for point in result] == EXAMPLE["counts"]


def test_the_statistic_never_goes_below_zero():
    result = moss_cusum(_inputs([0, 0, 1, 0]))
    assert [point.cusum for point in result] == [0.0, 0.0, 0.4, 0.0]


def test_no_level_1_in_a_month_without_events():
    # 1.4 → 1.8 (level 1) → 1.2 (< h1) … and a month whose statistic stays ≥ h1 without events.
    result = moss_cusum(_inputs([2, 1, 0], h1=0.5))
    assert [point.cusum for point in result] == [1.4, 1.8, 1.2]
    assert [point.level for point in result] == [LEVEL_1, LEVEL_1, LEVEL_NONE]


@pytest.mark.parametrize(
    ("cusum", "events", "expected"),
    [
        (3.4, 0, LEVEL_2),  # level 2 does not look at the events
        (3.4, 2, LEVEL_2),
        (3.399999, 1, LEVEL_1),
        (1.6, 1, LEVEL_1),  # boundaries are inclusive
        (1.6, 0, LEVEL_NONE),  # never a level 1 without events
        (1.599999, 1, LEVEL_NONE),
        (0.0, 0, LEVEL_NONE),
    ],
)
def test_signal_level(cusum, events, expected):
    assert signal_level(cusum=cusum, events=events, h1=1.6, h2=3.4) == expected


def test_level_boundaries_are_inclusive():
    # cusum exactly h1 → level 1; exactly h2 → level 2.
    result = moss_cusum(_inputs([2, 1], h1=1.4, h2=1.8))
    assert [point.level for point in result] == [LEVEL_1, LEVEL_2]


def test_restart_compares_the_previous_statistic_with_this_months_h2():
    # December: 2.6 < h2 = 3.4 (level 1). January's h2 is 2.5: the restart branch is taken
    # although December was not level 2 (as NHS England's code does).
    december = YearMonth(2024, 12)
    january = YearMonth(2025, 1)
    result = moss_cusum(
        [
            MossMonthInput(december, 3, 0.4, 1.6, 3.4),
            MossMonthInput(january, 1, 0.6, 1.6, 2.5),
        ]
    )
    assert result[0].cusum == 2.6 and result[0].level == LEVEL_1
    assert result[1].reset == 1
    assert result[1].cusum == 0.4  # 1 − 0.6, not 2.6 + 1 − 0.6


def test_the_unrounded_statistic_is_carried_forward():
    # k = 1/3: carrying the unrounded S gives 0.666667, 1.333333, 2.0 (level 2); carrying
    # the rounded value would give 0.666667, 1.333334, 2.000001.
    third = 1 / 3
    result = moss_cusum(_inputs([1, 1, 1], k=third, h1=1.0, h2=2.0))
    assert [point.cusum for point in result] == [0.666667, 1.333333, 2.0]
    assert result[-1].level == LEVEL_2


def test_restart_uses_the_rounded_statistic():
    # S = 4 − 0.6000004 = 3.3999996 < h2 = 3.4, but rounds to 3.4: level 2, and a restart
    # next month (without rounding neither would happen).
    result = moss_cusum(
        [
            MossMonthInput(MONTHS[0], 4, 0.6000004, 1.6, 3.4),
            MossMonthInput(MONTHS[1], 1, 0.6000004, 1.6, 3.4),
        ]
    )
    assert result[0].cusum == 3.4 and result[0].level == LEVEL_2
    assert result[1].reset == 1


def test_months_must_ascend():
    with pytest.raises(ValueError, match="ascending"):
        moss_cusum(_inputs([1, 1], months=[MONTHS[1], MONTHS[0]]))
    with pytest.raises(ValueError, match="ascending"):
        moss_cusum(_inputs([1, 1], months=[MONTHS[0], MONTHS[0]]))


# --- denominators and reference rates (docs/rules/surveillance.md §1.1) --------------------------


def test_denominator_is_the_mean_of_the_monthly_rows_of_the_year_before():
    counts = [MonthlyCounts("A", 2024, births) for births in (200, 210, 220)] + [
        MonthlyCounts("A", 2025, 1000),
        MonthlyCounts("B", 2024, 100),
    ]
    assert denominators(counts) == {("A", 2025): 210.0, ("A", 2026): 1000.0, ("B", 2025): 100.0}


def test_reference_rate_pools_the_three_previous_years():
    counts = [
        MonthlyCounts("A", 2021, 1000, 50),  # too early for 2025
        MonthlyCounts("A", 2022, 1000, 2),
        MonthlyCounts("A", 2023, 1000, 1),
        MonthlyCounts("B", 2024, 2000, 3),
        MonthlyCounts("B", 2025, 1000, 50),  # the year itself is not used
    ]
    assert reference_rate(counts=counts, year=2025) == 6 / 4000
    assert reference_rate(counts=counts, year=2025, site_code="A") == 3 / 2000
    assert reference_rate(counts=counts, year=2025, site_code="C") is None
    assert reference_rate(counts=counts, year=2020) is None


def test_per_site_rate_wins_over_national():
    rates = ReferenceRates(national={2025: 0.002}, per_site={("A", 2025): 0.003})
    assert rates.for_site(site_code="A", year=2025) == 0.003
    assert rates.for_site(site_code="B", year=2025) == 0.002
    assert rates.for_site(site_code="A", year=2026) is None


# --- the run over sites (docs/rules/surveillance.md §1.1–1.3) -------------------------------------


def _example_run(**overrides):
    events = {("A", month): count for month, count in zip(MONTHS, EXAMPLE["counts"])}
    events[("B", MONTHS[5])] = 1
    arguments = {
        "events": events,
        "denominators": {("A", 2025): EXAMPLE["denominator"], ("B", 2025): EXAMPLE["denominator"]},
        "reference_rates": ReferenceRates(national={2025: EXAMPLE["reference_rate"]}),
    }
    arguments.update(overrides)
    return run_moss(**arguments)


def test_run_reproduces_the_worked_example():
    run = _example_run()
    rows_a = [row for row in run.rows if row.site_code == "A"]
    assert [row.cusum for row in rows_a] == EXAMPLE["cusum"]
    assert [row.level for row in rows_a] == EXAMPLE["level"]
    assert [row.reset for row in rows_a] == EXAMPLE["reset"]
    assert {(row.expected, row.k, row.h1, row.h2, row.method) for row in run.rows} == {(0.42, 0.6, 1.6, 3.4, METHOD)}
    assert run.skipped == ()
    assert run.months == tuple(MONTHS[:6])
    # Site B has a row for each evaluated month, with 0 events where none.
    rows_b = [row for row in run.rows if row.site_code == "B"]
    assert [row.events for row in rows_b] == [0, 0, 0, 0, 0, 1]
    assert [row.site_code for row in run.rows] == ["A"] * 6 + ["B"] * 6


def test_only_months_with_an_event_somewhere_are_evaluated():
    events = {("A", MONTHS[0]): 1, ("A", MONTHS[1]): 0, ("B", MONTHS[3]): 2}
    assert evaluated_months(events) == [MONTHS[0], MONTHS[3]]


def test_sites_without_a_denominator_are_skipped_and_reported():
    run = _example_run(denominators={("A", 2025): EXAMPLE["denominator"]})
    assert {row.site_code for row in run.rows} == {"A"}
    assert [(item.site_code, item.year, item.reason) for item in run.skipped] == [("B", 2025, SKIP_NO_DENOMINATOR)]
    assert "2024" in run.skipped[0].message


def test_a_site_with_births_but_no_events_gets_zero_rows():
    run = _example_run(
        denominators={
            ("A", 2025): EXAMPLE["denominator"],
            ("B", 2025): EXAMPLE["denominator"],
            ("C", 2025): 300.0,
        }
    )
    rows_c = [row for row in run.rows if row.site_code == "C"]
    assert [row.events for row in rows_c] == [0] * 6
    assert rows_c[0].expected == 0.6


def test_ic_rounding_to_zero_is_too_few_births():
    # 0.002 × 2.4 = 0.0048 → 0.00.
    run = _example_run(denominators={("A", 2025): EXAMPLE["denominator"], ("B", 2025): 2.4})
    assert [(item.site_code, item.reason) for item in run.skipped] == [("B", SKIP_TOO_FEW_BIRTHS)]
    assert "too few births to monitor" in run.skipped[0].message


def test_missing_reference_rate_is_reported():
    run = _example_run(reference_rates=ReferenceRates(per_site={("A", 2025): 0.002}))
    assert [(item.site_code, item.reason) for item in run.skipped] == [("B", SKIP_NO_REFERENCE_RATE)]


def test_failed_design_is_reported(monkeypatch):
    def fail(ic):
        raise DesignFailedError(f"every candidate failed for IC {ic}")

    monkeypatch.setattr(moss_module, "moss_thresholds", fail)
    run = _example_run()
    assert run.rows == ()
    assert [(item.site_code, item.reason) for item in run.skipped] == [
        ("A", SKIP_DESIGN_FAILED),
        ("B", SKIP_DESIGN_FAILED),
    ]


def test_per_site_reference_rate_and_yearly_parameters():
    # Two years: the 2026 months use the 2026 thresholds (denominator of 2025).
    events = {("A", YearMonth(2025, 12)): 2, ("A", YearMonth(2026, 1)): 1}
    run = run_moss(
        events=events,
        denominators={("A", 2025): 208.33333333333334, ("A", 2026): 500.0},
        reference_rates=ReferenceRates(national={2025: 0.002, 2026: 0.002}, per_site={("A", 2026): 0.001}),
    )
    assert [(str(row.month), row.expected) for row in run.rows] == [("2025-12", 0.42), ("2026-01", 0.5)]
    january = moss_thresholds(0.5)
    assert run.rows[1].k == january.k
    assert run.rows[1].cusum == pytest.approx(round(1.4 + 1 - january.k, 6))
    assert run.thresholds[("A", 2026)] == january


def test_a_skipped_year_is_left_out_and_the_cusum_runs_on():
    events = {("A", YearMonth(2024, 12)): 2, ("A", YearMonth(2025, 1)): 1, ("A", YearMonth(2026, 1)): 1}
    run = run_moss(
        events=events,
        denominators={("A", 2024): 208.33333333333334, ("A", 2026): 208.33333333333334},
        reference_rates=ReferenceRates(national={2024: 0.002, 2025: 0.002, 2026: 0.002}),
    )
    assert [str(row.month) for row in run.rows] == ["2024-12", "2026-01"]
    assert [row.cusum for row in run.rows] == [1.4, 1.8]
    assert [(item.year, item.reason) for item in run.skipped] == [(2025, SKIP_NO_DENOMINATOR)]


# --- signal summaries (docs/rules/surveillance.md §1.3) -------------------------------------------


def _row(site, month, level):
    return MossRow(site, month, 1, 0.42, 0.6, 1.6, 3.4, 0.0, level, 0)


def test_summary_windows_are_the_latest_month_and_the_5_or_11_before():
    latest = YearMonth(2025, 12)
    rows = [
        _row("A", latest, LEVEL_1),
        _row("A", latest.shifted(-5), LEVEL_2),  # inside 6
        _row("A", latest.shifted(-6), LEVEL_1),  # outside 6, inside 12
        _row("A", latest.shifted(-11), LEVEL_2),  # inside 12
        _row("A", latest.shifted(-12), LEVEL_2),  # outside both
        _row("B", latest, LEVEL_NONE),
    ]
    a, b = summarise_signals(rows=rows)
    assert (a.site_code, a.latest_month) == ("A", latest)
    assert (a.level1_months_6, a.level2_months_6, a.highest_level_6) == (1, 1, LEVEL_2)
    assert (a.level1_months_12, a.level2_months_12, a.highest_level_12) == (2, 2, LEVEL_2)
    assert (b.level1_months_6, b.level2_months_6, b.highest_level_6) == (0, 0, LEVEL_NONE)


def test_summary_uses_the_runs_latest_month_not_a_sites_own():
    rows = [_row("A", YearMonth(2025, 1), LEVEL_2), _row("B", YearMonth(2025, 12), LEVEL_NONE)]
    a, _ = summarise_signals(rows=rows)
    assert a.latest_month == YearMonth(2025, 12)
    assert (a.level2_months_6, a.level2_months_12) == (0, 1)
    (only_a,) = summarise_signals(rows=rows[:1], latest_month=YearMonth(2025, 6))
    assert only_a.level2_months_6 == 1


def test_summary_of_nothing():
    assert summarise_signals(rows=[]) == []


# --- excess events (docs/rules/surveillance.md §1.4) ------------------------------------------------


def test_excess_events_daily_running_sum():
    june = YearMonth(2025, 6)
    rates = [MonthRate(june, 300.0, 0.002)]
    days = excess_events(months=rates, daily_events={date(2025, 6, 2): 1, date(2025, 6, 30): 2})
    assert len(days) == 30
    expected = 300.0 / 30 * 0.002
    assert all(day.expected == expected for day in days)
    assert days[0].excess == -expected
    assert days[1].events == 1 and days[1].excess == 1 - expected
    assert days[-1].cumulative_excess == pytest.approx(3 - 30 * expected)
    # The chart is never reset.
    running = 0.0
    for day in days:
        running += day.excess
        assert day.cumulative_excess == running


def test_excess_events_cover_only_the_given_months_in_order():
    rates = [MonthRate(YearMonth(2025, 3), 310.0, 0.002), MonthRate(YearMonth(2025, 1), 310.0, 0.002)]
    days = excess_events(months=rates, daily_events={date(2025, 2, 10): 5})
    assert days[0].day == date(2025, 1, 1)
    assert days[-1].day == date(2025, 3, 31)
    assert len(days) == 62
    assert sum(day.events for day in days) == 0  # February was not evaluated
