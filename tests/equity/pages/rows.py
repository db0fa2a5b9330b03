"""EquityRows built by hand for the presenter tests: docs/rules/equity.md §1's worked example
(12 of 2,000 against 30 of 10,000 → rate ratio 2.00 (1.03–3.90), difference 3.00 (−0.55
to 6.55)) and groups around it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from perinatal.equity.breakdowns.rows import ALL, EquityRow

START, END = date(2025, 1, 1), date(2025, 12, 31)


def d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def row(
    ethnic_group: str = ALL,
    imd_quintile: str = ALL,
    numerator=0,
    denominator=0,
    value=None,
    interval=(None, None),
    ratio=(None, None, None),
    difference=(None, None, None),
    *,
    metric_id: str = "stillbirth_rate",
    suppressed: int = 0,
) -> EquityRow:
    return EquityRow(
        metric_id=metric_id,
        org_level="trust",
        org_code="R0A",
        org_name="Manchester University NHS Foundation Trust",
        period_start=START,
        period_end=END,
        ethnic_group=ethnic_group,
        imd_quintile=imd_quintile,
        numerator=numerator,
        denominator=denominator,
        value=d(value),
        lower_95=d(interval[0]),
        upper_95=d(interval[1]),
        rate_ratio=d(ratio[0]),
        rate_ratio_lower_95=d(ratio[1]),
        rate_ratio_upper_95=d(ratio[2]),
        rate_difference=d(difference[0]),
        rate_difference_lower_95=d(difference[1]),
        rate_difference_upper_95=d(difference[2]),
        suppressed=suppressed,
    )


MIXED_DIFFERENCE = ("-3.00", "-4.07", "-1.93")


def ethnic_rows(metric_id: str = "stillbirth_rate") -> list[EquityRow]:
    """White 30 of 10,000 (reference); Black 12 of 2,000 (the worked example); Asian with an
    interval that includes 1; Mixed with no deaths; Other with no births; Not stated; total."""
    return [
        row("White", ALL, 30, 10_000, "3.00", ("2.02", "4.28"), metric_id=metric_id),
        row(
            "Black",
            ALL,
            12,
            2_000,
            "6.00",
            ("3.10", "10.48"),
            ("2.00", "1.03", "3.90"),
            ("3.00", "-0.55", "6.55"),
            metric_id=metric_id,
        ),
        row(
            "Asian",
            ALL,
            5,
            1_500,
            "3.33",
            ("1.08", "7.78"),
            ("1.11", "0.43", "2.86"),
            ("0.33", "-2.72", "3.39"),
            metric_id=metric_id,
        ),
        row(
            "Mixed", ALL, 0, 400, "0.00", ("0.00", "9.22"), difference=("-3.00", "-4.07", "-1.93"), metric_id=metric_id
        ),
        row("Other", ALL, 0, 0, metric_id=metric_id),
        row("Not stated", ALL, 3, 600, "5.00", ("1.03", "14.61"), metric_id=metric_id),
        row(ALL, ALL, 50, 14_500, "3.45", ("2.56", "4.55"), metric_id=metric_id),
    ]


def quintile_rows() -> list[EquityRow]:
    """Quintile 1 clearly above quintile 5 (the reference), quintile 3 lower but unclear."""
    return [
        row(ALL, "1", 40, 5_000, "8.00", ("5.72", "10.89"), ("2.67", "1.67", "4.26"), ("5.00", "2.26", "7.74")),
        row(ALL, "2", 20, 4_000, "5.00", ("3.05", "7.72"), ("1.67", "0.94", "2.95"), ("2.00", "-0.34", "4.34")),
        row(ALL, "3", 6, 3_000, "2.00", ("0.73", "4.35"), ("0.67", "0.27", "1.62"), ("-1.00", "-2.88", "0.88")),
        row(ALL, "4", 9, 3_000, "3.00", ("1.37", "5.69"), ("1.00", "0.45", "2.22"), ("0.00", "-2.16", "2.16")),
        row(ALL, "5", 15, 5_000, "3.00", ("1.68", "4.95")),
        row(ALL, "Not stated", 2, 500, "4.00", ("0.48", "14.45")),
        row(ALL, ALL, 92, 20_500, "4.49", ("3.62", "5.50")),
    ]
