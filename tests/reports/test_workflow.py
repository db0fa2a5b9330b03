"""Drafting, submitting, returning, approving and correcting a report
(docs/rules/board_report.md §2): append-only history with who and when, frozen files served byte for byte after the data
change, a correction as version 2 with the list of the figures that changed."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from perinatal.core.models import AppendOnlyError, AuditEvent
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Site
from perinatal.reports.mds import MdsRefused
from perinatal.reports.models import FrozenFile, MdsEntry, Status
from perinatal.reports.selectors.state import current_version, history_of, mds_in_force, status_of
from perinatal.reports.services.drafts import open_report
from perinatal.reports.services.entries import save_mds_item, save_part
from perinatal.reports.services.workflow import approve, open_correction, return_to_author, submit
from perinatal.surveillance.models import CriticalSafetyCheck
from tests.reports.conftest import MONTH

pytestmark = pytest.mark.django_db


def test_a_report_is_made_once_per_trust_and_month(trust, author):
    report, created = open_report(trust=trust, month=MONTH, by=author)
    again, created_again = open_report(trust=trust, month=MONTH, by=None)
    assert created and not created_again and again.pk == report.pk
    assert status_of(current_version(report)) == Status.DRAFT
    with pytest.raises(Refused, match="once the month has ended"):
        open_report(trust=trust, month=MONTH.shifted(1), by=author)


def test_a_bad_value_is_refused_whole_and_entries_are_append_only(trust, author):
    report, _ = open_report(trust=trust, month=MONTH, by=author)
    with pytest.raises(MdsRefused) as refused:
        raw = {"midwives_planned_wte": "250", "one_to_one_care": "120"}
        save_mds_item(report=report, item="staffing", raw=raw, by=author)
    assert set(refused.value.errors) == {"one_to_one_care"}
    assert not MdsEntry.objects.filter(report=report).exists()  # nothing of the item is saved
    first = save_mds_item(report=report, item="red_flags", raw={"red_flags": "4"}, by=author)
    save_mds_item(report=report, item="red_flags", raw={"red_flags": "5"}, by=author)
    assert mds_in_force(report)["red_flags"].values["red_flags"] == 5
    assert MdsEntry.objects.filter(report=report).count() == 2
    first.values = {"red_flags": 0}
    with pytest.raises(AppendOnlyError):
        first.save()


def test_return_then_approve_freezes_files_that_never_change(trust, author, executive):
    report, _ = open_report(trust=trust, month=MONTH, by=author)
    save_mds_item(report=report, item="pmrt", raw={"reviews_completed": "3", "grade_a": "3"}, by=author)
    save_part(report=report, part="summary", raw={"board_asked": "Note the report for assurance"}, by=author)
    submit(report=report, by=author)
    with pytest.raises(Refused, match="waiting for approval"):
        save_mds_item(report=report, item="red_flags", raw={"red_flags": "1"}, by=author)
    with pytest.raises(Refused) as refused:
        return_to_author(report=report, reason=" ", by=executive)
    assert refused.value.field == "reason"
    return_to_author(report=report, reason="Add the training figures", by=executive)
    save_mds_item(report=report, item="training", raw={"midwives": "91.5"}, by=author)
    submit(report=report, by=author)
    files = approve(report=report, by=executive)
    assert {(f.edition, f.file_format) for f in files} == {
        (edition, fmt) for edition in ("private", "public") for fmt in ("html", "pdf", "json")
    }
    assert all(f.intact for f in files)
    stored = {(f.edition, f.file_format): bytes(f.content) for f in files}
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(stored[("private", "pdf")])).pages)
    assert "91.5%" in pdf_text and "Note the report for assurance" in pdf_text

    # The data change: a new safety check at one of the trust's sites.
    CriticalSafetyCheck.objects.create(
        site=Site.objects.get(code="R0A03"),
        trust=trust,
        opened_at=datetime(2026, 11, 26, 9, tzinfo=UTC),
        opened_on=date(2026, 11, 26),
        due_on=date(2026, 12, 8),
    )
    for f in FrozenFile.objects.filter(version=current_version(report)):
        assert bytes(f.content) == stored[(f.edition, f.file_format)]
        assert f.intact
    words = [line.what for line in history_of(report)]
    assert "Version 1: returned to the author (Add the training figures)" in words
    assert "Version 1: approved" in words  # (the suite's clock stands still: every row has one time)
    assert AuditEvent.objects.filter(object_id=str(report.pk), summary__contains="approved and frozen").exists()


def test_a_correction_is_version_2_with_its_changes(trust, author, executive):
    report, _ = open_report(trust=trust, month=MONTH, by=author)
    save_mds_item(report=report, item="pmrt", raw={"reviews_completed": "3"}, by=author)
    submit(report=report, by=author)
    approve(report=report, by=executive)
    with pytest.raises(Refused, match="approved: open a correction"):
        save_mds_item(report=report, item="pmrt", raw={"reviews_completed": "4"}, by=author)
    correction = open_correction(report=report, reason="A fourth review was completed in October", by=author)
    assert correction.number == 2
    save_mds_item(report=report, item="pmrt", raw={"reviews_completed": "4"}, by=author)
    snapshot = submit(report=report, by=author)
    assert {
        "part": "Minimum data set",
        "figure": "Perinatal mortality reviews (PMRT): Reviews completed",
        "before": "3",
        "after": "4",
    } in snapshot.changes
    approve(report=report, by=executive)
    private_json = FrozenFile.objects.get(version=correction, edition="private", file_format="json")
    assert b"A fourth review was completed in October" in bytes(private_json.content)
    # Version 2's files carry the list of what changed, with the version's number and reason.
    private_html = bytes(FrozenFile.objects.get(version=correction, edition="private", file_format="html").content)
    text = private_html.decode()
    assert "What this correction changed" in text and "Perinatal mortality reviews (PMRT): Reviews completed" in text
    assert "Version 2, approved" in text and "Correction: A fourth review was completed in October" in text
    assert json.loads(bytes(private_json.content))["changes"] == snapshot.changes
    # Version 1's files stay as they were.
    first = report.versions.get(number=1)
    assert FrozenFile.objects.filter(version=first).count() == 6
