"""perinatal board-report (docs/rules/board_report.md §3): the draft from live data, or the
approved version's frozen file byte for byte; JSON metrics and safety checks as the spec says."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from perinatal.reports.models import FrozenFile
from perinatal.reports.rendering import document_html
from perinatal.reports.services.drafts import open_report
from perinatal.reports.services.entries import save_mds_item
from perinatal.reports.services.workflow import approve, submit
from tests.reports.conftest import MONTH, TRUST

pytestmark = pytest.mark.django_db


def run(tmp_path, *args) -> bytes:
    out = tmp_path / "report"
    call_command("board_report", "--trust", TRUST, "--month", str(MONTH), *args, "--out", str(out))
    return out.read_bytes()


def test_the_json_draft(tmp_path):
    doc = json.loads(run(tmp_path, "--format", "json"))
    assert set(doc["metrics"]) >= {"month", "twelve_months"}
    for check in doc["safety_checks"]:
        assert set(check) >= {"site_code", "signalled_on", "due_on", "completed_on", "status"}
        assert check["status"] in ("completed_on_time", "completed_late", "open", "overdue")


def test_the_pdf_shows_the_html_figures(tmp_path):
    """The PDF, read back as text, holds every figure of the dashboard table and the data set."""
    doc = json.loads(run(tmp_path, "--format", "json"))
    pdf = run(tmp_path, "--format", "pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    html = document_html(doc)
    for metric in doc["dashboard"]["metrics"]:
        for figure in (metric["value"], metric["england_value"], metric["twelve_months_value"]):
            if figure:
                assert figure in html
                assert figure in flat, (metric["metric_id"], figure)
    assert "Not provided" in flat and doc["month_label"] in flat
    # A4, tagged for screen readers (PDF/UA-1): one H1 and the nine parts as H2.
    reader = PdfReader(io.BytesIO(pdf))
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [595, 842]
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en-GB"
    tags = list(_structure_tags(root["/StructTreeRoot"]))
    assert tags.count("/H1") == 1 and tags.count("/H2") >= 9 and "/Table" in tags and "/Figure" in tags


def _structure_tags(node):
    node = node.get_object()
    if "/S" in node:
        yield node["/S"]
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
            yield from _structure_tags(kid)


def test_an_approved_month_is_its_frozen_file(tmp_path, trust, author, executive):
    report, _ = open_report(trust=trust, month=MONTH, by=author)
    save_mds_item(report=report, item="walkabouts", raw={"walkabouts": "2"}, by=author)
    submit(report=report, by=author)
    approve(report=report, by=executive)
    for edition, flag in (("private", ()), ("public", ("--public",))):
        for fmt in ("html", "json", "pdf"):
            frozen = FrozenFile.objects.get(version__report=report, edition=edition, file_format=fmt)
            assert run(tmp_path, *flag, "--format", fmt) == bytes(frozen.content)


def test_bad_arguments_are_refused():
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("board_report", "--trust", TRUST, "--month", "October")
    with pytest.raises(CommandError, match="ZZZ"):
        call_command("board_report", "--trust", "ZZZ", "--month", "2026-10")
