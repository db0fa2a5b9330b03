"""The demo's board reports: two approved months and a draft of last month, loaded once."""

from __future__ import annotations

import pytest

from perinatal.demo import board_reports
from perinatal.reports.models import FrozenFile, Status
from perinatal.reports.selectors.state import current_version, reports_of_trust, status_of
from tests.reports.conftest import TRUST

pytestmark = pytest.mark.django_db


def test_approved_months_and_a_draft_loaded_once(trust, monkeypatch):
    monkeypatch.setattr(board_reports, "DEMO_TRUSTS", board_reports.DEMO_TRUSTS[:1])
    assert board_reports.DEMO_TRUSTS[0][0] == TRUST
    assert board_reports.load_demo_board_reports() == 3
    reports = list(reports_of_trust(trust))
    assert [report.month.isoformat() for report in reports] == ["2026-10-01", "2026-09-01", "2026-08-01"]
    assert [status_of(current_version(report)) for report in reports] == [
        Status.DRAFT,
        Status.APPROVED,
        Status.APPROVED,
    ]
    assert FrozenFile.objects.filter(version__report__in=reports[1:], file_format="pdf").count() == 4
    assert board_reports.load_demo_board_reports() == 0
