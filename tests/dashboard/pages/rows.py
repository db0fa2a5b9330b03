"""Builders of metric rows (docs/rules/dashboard.md §4) for the page tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from perinatal.dashboard.metrics.rows import LEVEL_NATIONAL, NATIONAL_CODE, MetricRow


def metric_row(
    metric_id: str,
    start: date,
    end: date,
    value: str | None,
    *,
    numerator: int = 1,
    denominator: int = 10,
    provisional: bool = False,
    level: str = LEVEL_NATIONAL,
    code: str = NATIONAL_CODE,
    name: str = "England",
) -> MetricRow:
    return MetricRow(
        metric_id=metric_id,
        org_level=level,
        org_code=code,
        org_name=name,
        period_start=start,
        period_end=end,
        numerator=numerator,
        denominator=denominator,
        value=None if value is None else Decimal(value),
        lower_95=None,
        upper_95=None,
        provisional=provisional,
    )


def monthly_rows(
    metric_id: str, values: list[str | None], *, first: date = date(2025, 1, 1), **changes
) -> list[MetricRow]:
    """One row per calendar month from `first`, with these values."""
    rows = []
    start = first
    for value in values:
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        rows.append(metric_row(metric_id, start, following - timedelta(days=1), value, **changes))
        start = following
    return rows


def fortnightly_rows(
    metric_id: str, values: list[str | None], *, last_end: date = date(2026, 10, 31), **changes
) -> list[MetricRow]:
    """Fortnights ending on `last_end`, `last_end` − 14, …, oldest first."""
    rows = []
    for index, value in enumerate(reversed(values)):
        end = last_end - timedelta(days=14 * index)
        rows.append(metric_row(metric_id, end - timedelta(days=13), end, value, **changes))
    return list(reversed(rows))
