"""The table of all trusts: sorting, and the funnel plot of every trust (docs/rules/surveillance.md §3)."""

from datetime import date

import pytest

from perinatal.dashboard.metrics.definitions import (
    OBSTETRIC_UNIT_SUSPENSIONS,
    OBSTETRIC_UNIT_SUSPENSIONS_EPISODES,
    PPH_1500_RATE,
    STILLBIRTH_RATE,
)
from perinatal.dashboard.metrics.rows import LEVEL_TRUST
from perinatal.dashboard.pages.builders.trusts import (
    FUNNEL_NOT_FOR_COUNTS,
    FUNNEL_NOT_FOR_OPERATIONAL,
    ORDER_ASCENDING,
    ORDER_DESCENDING,
    SORT_DENOMINATOR,
    SORT_NAME,
    SORT_VALUE,
    TrustLine,
    sort_lines,
    trust_funnel,
)

from .rows import metric_row


def _line(code, name, value, denominator):
    row = metric_row(
        "stillbirth_rate",
        date(2026, 1, 1),
        date(2026, 10, 31),
        value,
        numerator=1,
        denominator=denominator,
        level=LEVEL_TRUST,
        code=code,
        name=name,
    )
    return TrustLine(row=row, icb=None, region=None, position=None, highlighted=False)


LINES = [
    _line("R1", "Beta", "4.00", 250),
    _line("R2", "alpha", "2.00", 500),
    _line("R3", "Gamma", None, 0),
    _line("R4", "Delta", "4.00", 250),
]


@pytest.mark.parametrize(
    ("sort", "order", "codes"),
    [
        (SORT_NAME, ORDER_ASCENDING, ["R2", "R1", "R4", "R3"]),  # case-insensitive
        (SORT_NAME, ORDER_DESCENDING, ["R3", "R4", "R1", "R2"]),
        (SORT_VALUE, ORDER_ASCENDING, ["R2", "R1", "R4", "R3"]),  # ties by name; no value last
        (SORT_VALUE, ORDER_DESCENDING, ["R1", "R4", "R2", "R3"]),  # no value last in either order
        (SORT_DENOMINATOR, ORDER_DESCENDING, ["R2", "R1", "R4", "R3"]),
    ],
)
def test_sort_lines(sort, order, codes):
    assert [line.row.org_code for line in sort_lines(LINES, sort=sort, order=order)] == codes


def _trust_rows(metric_id, counts):
    return [
        metric_row(
            metric_id,
            date(2025, 11, 1),
            date(2026, 10, 31),
            "1",
            numerator=n,
            denominator=d,
            level=LEVEL_TRUST,
            code=f"R{i}",
            name=f"Trust {i}",
        )
        for i, (n, d) in enumerate(counts)
    ]


def _funnel(definition, rows, shown=None, highlight=None):
    return trust_funnel(
        rows=rows,
        definition=definition,
        names={r.org_code: r.org_name for r in rows},
        shown=shown or {r.org_code for r in rows},
        highlight=highlight,
        title="t",
        value_label="v",
        numerator_label="n",
        denominator_label="d",
    )


def test_funnel_of_a_rate_per_1000_is_drawn_as_proportions_scaled_to_the_unit():
    rows = _trust_rows("stillbirth_rate", [(10, 3000), (12, 3100), (30, 2900), (9, 3050), (11, 2950)])
    chart, positions, missing = _funnel(STILLBIRTH_RATE, rows, highlight="R0")
    assert missing is None and chart is not None
    assert positions["R2"].startswith("above")  # 10.3 per 1,000 against about 3.9
    assert positions["R0"] == "within"
    assert "Trust 0" in chart.svg  # the viewer's trust is picked out


def test_funnel_limits_come_from_every_trust_when_the_table_is_filtered():
    rows = _trust_rows("stillbirth_rate", [(10, 3000), (12, 3100), (30, 2900), (9, 3050), (11, 2950)])
    _, all_positions, _ = _funnel(STILLBIRTH_RATE, rows)
    chart, positions, _ = _funnel(STILLBIRTH_RATE, rows, shown={"R2"})
    assert positions == all_positions
    assert "Trust 2" in chart.svg and "Trust 1" not in chart.svg


def test_funnel_allows_for_overdispersion_in_pph():
    rows = _trust_rows(
        "pph_1500_rate",
        [
            (60, 2000),
            (100, 2000),
            (40, 2000),
            (90, 2100),
            (30, 1900),
            (70, 2050),
            (120, 2000),
            (50, 1950),
            (80, 2000),
            (45, 2100),
            (110, 2000),
            (35, 1900),
        ],
    )
    chart, _, _ = _funnel(PPH_1500_RATE, rows)
    assert "overdispersion" in " ".join(chart.notes)


@pytest.mark.parametrize(
    ("definition", "reason"),
    [
        (OBSTETRIC_UNIT_SUSPENSIONS, FUNNEL_NOT_FOR_OPERATIONAL),
        (OBSTETRIC_UNIT_SUSPENSIONS_EPISODES, FUNNEL_NOT_FOR_OPERATIONAL),
    ],
)
def test_no_funnel_for_operational_measures(definition, reason):
    rows = _trust_rows(definition.id, [(1, 3), (0, 2)])
    assert _funnel(definition, rows)[2] == reason


def test_no_funnel_for_counts():
    from dataclasses import replace

    count_metric = replace(STILLBIRTH_RATE, unit="count")
    assert _funnel(count_metric, _trust_rows("stillbirth_rate", [(1, 3)]))[2] == FUNNEL_NOT_FOR_COUNTS


def test_funnel_leaves_out_trusts_without_a_denominator():
    rows = _trust_rows("stillbirth_rate", [(10, 3000), (0, 0), (12, 3100)])
    _, positions, _ = _funnel(STILLBIRTH_RATE, rows)
    assert set(positions) == {"R0", "R2"}
