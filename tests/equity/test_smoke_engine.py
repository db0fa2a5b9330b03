from datetime import date, datetime

import pytest

from perinatal.dashboard.engine import MetricRequest, compute_rows
from perinatal.equity.selectors import equity_rows

pytestmark = pytest.mark.django_db


def test_totals_equal_metric_rows_on_demo():
    now = datetime.fromisoformat("2026-11-27T09:00+00:00")
    for by in (("ethnic_group",), ("imd_quintile",), ("ethnic_group", "imd_quintile")):
        rows = equity_rows(date_from=date(2026, 1, 1), date_to=date(2026, 10, 31), by=by, now=now)
        metrics = compute_rows(
            MetricRequest(
                date_from=date(2026, 1, 1),
                date_to=date(2026, 10, 31),
                now=now,
                metric_ids=("stillbirth_rate", "neonatal_mortality_rate", "pph_1500_rate"),
            )
        )
        totals = [r for r in rows if r.is_total]
        assert len(totals) == len(metrics)
        for t, m in zip(totals, metrics):
            assert (t.metric_id, t.org_level, t.org_code, t.numerator, t.denominator, t.value, t.lower_95) == (
                m.metric_id,
                m.org_level,
                m.org_code,
                m.numerator,
                m.denominator,
                m.value,
                m.lower_95,
            )
        print(len(rows), rows[:8])
