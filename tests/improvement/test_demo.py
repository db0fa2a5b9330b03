"""The demo's improvement cases (docs/rules/improvement.md §1–§2): one at each stage, one with an
overdue diagnostic, one with a missed month, one escalated to the region, one exited."""

from __future__ import annotations

import pytest

from perinatal.core import clock
from perinatal.demo.improvement import load_demo_improvement
from perinatal.improvement.selectors.listing import export_all

pytestmark = pytest.mark.django_db


def test_the_demo_cases_show_every_stage_and_clock():
    assert load_demo_improvement() == 5
    rows = {row.trust_code: row for row in export_all(as_of=clock.today())}
    assert {code: row.stage for code, row in rows.items()} == {
        "R0A": "improvement",
        "RBL": "planning",
        "RBN": "diagnostic",
        "RRK": "diagnostic",
        "RYR": "exited",
    }
    assert (rows["RBN"].diagnostic_status, rows["RRK"].diagnostic_status) == ("overdue", "on_track")
    assert (rows["R0A"].executive_meetings_missed, rows["R0A"].quarterly_reviews_missed) == (1, 0)
    assert rows["R0A"].escalation_level == "region"
    assert (rows["RYR"].executive_meetings_missed, rows["RYR"].quarterly_reviews_missed) == (0, 0)
    assert load_demo_improvement() == 0  # set-up run again adds nothing
