"""The board report's pages (docs/rules/board_report.md §2): the author fills the minimum data
set (a bad value refused with an error summary), submits; the executive lead returns and
approves; downloads are the frozen bytes; the ICB sees the approved report; other trusts 404;
roles without the right get 403."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from perinatal.accounts.models import User
from perinatal.accounts.roles import Role
from perinatal.organisations.models import Site
from perinatal.reports.models import FrozenFile, NarrativeEntry
from perinatal.reports.selectors.changes import changed_figures
from perinatal.reports.selectors.document import build_document, generated_changes, text_of
from perinatal.reports.selectors.state import report_for
from perinatal.reports.services.drafts import open_report
from perinatal.reports.services.entries import save_mds_item
from perinatal.reports.services.workflow import approve, open_correction, submit
from perinatal.surveillance.models import CriticalSafetyCheck
from tests.helpers import make_user, sign_in
from tests.reports.conftest import MONTH, TRUST

pytestmark = pytest.mark.django_db
PAGE = reverse("reports:report", kwargs={"code": TRUST, "month": str(MONTH)})


def url(name, **kwargs):
    return reverse(f"reports:{name}", kwargs={"code": TRUST, "month": str(MONTH), **kwargs})


def test_the_whole_workflow_through_the_pages(client, author, executive, trust):
    sign_in(client, author)
    assert "There is no report for this month yet" in client.get(PAGE).content.decode()
    assert client.post(url("open")).status_code == 302
    page = client.get(PAGE).content.decode()
    assert "Complete the report" in page and "Not provided" in page

    bad = client.post(url("mds_item", item="training"), {"midwives": "120"})
    text = bad.content.decode()
    assert bad.status_code == 200 and "<title>Error:" in text
    assert 'href="#id_midwives"' in text and "Midwives must be a percentage from 0 to 100" in text
    assert client.post(url("mds_item", item="training"), {"midwives": "93.5"}).status_code == 302
    assert client.post(url("part", part="summary"), {"board_asked": "Note for assurance"}).status_code == 302
    page = client.get(PAGE).content.decode()
    assert "93.5%" in page and "Note for assurance" in page
    client.post(url("submit"))
    # The author cannot decide; the executive lead can.
    assert client.get(url("decide")).status_code == 403

    sign_in(client, executive)
    refused = client.post(url("decide"), {"decision": "return", "reason": ""})
    assert "Enter why you are returning the report" in refused.content.decode()
    client.post(url("decide"), {"decision": "return", "reason": "Add the red flags"})
    sign_in(client, author)
    returned = client.get(PAGE).content.decode()
    assert "Add the red flags" in returned and "&lt;h2" not in returned  # the reason as words, not markup
    client.post(url("mds_item", item="red_flags"), {"red_flags": "9"})
    client.post(url("submit"))
    sign_in(client, executive)
    assert client.post(url("decide"), {"decision": "approve"}).status_code == 302

    download = client.get(url("download", number=1, edition="private", file_format="pdf"))
    frozen = FrozenFile.objects.get(version__report=report_for(trust, MONTH), edition="private", file_format="pdf")
    assert download["Content-Type"] == "application/pdf" and download.content == bytes(frozen.content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
    assert "93.5%" in text and "Version 1, approved" in text

    icb = User.objects.get(email="icb.qop@perinatal.example")
    sign_in(client, icb)
    listing = client.get(reverse("reports:list")).content.decode()
    assert "Approved reports of the trusts in your area" in listing and PAGE in listing
    assert "93.5%" in client.get(PAGE).content.decode()
    assert client.get(url("draft_download", edition="private", file_format="json")).status_code == 404


def test_other_trusts_and_other_roles(client, author, trust):
    client.force_login(author)
    sign_in(client, author)
    client.post(url("open"))
    other = User.objects.get(email="hom.rrk@perinatal.example")
    sign_in(client, other)
    assert client.get(PAGE).status_code == 404
    reporter = make_user(Role.REPORTER, TRUST)
    sign_in(client, reporter)
    assert client.get(PAGE).status_code == 200  # the trust's users read the draft
    assert client.post(url("mds_item", item="red_flags"), {"red_flags": "1"}).status_code == 403


def test_the_board_meeting_date_is_a_date_input_whose_messages_name_it(client, author, trust):
    sign_in(client, author)
    client.post(url("open"))
    form = client.get(url("part", part="cover")).content.decode()
    for name in ("meeting_on_day", "meeting_on_month", "meeting_on_year"):
        assert f'name="{name}"' in form
    assert "For example, 5 12 2026" in form  # five weeks after the month the report covers
    report = report_for(trust, MONTH)
    refusals = {
        ("31", "2", "2027"): "The date of the board meeting must be a real date",
        ("3", "12", ""): "The date of the board meeting must include a year",
        ("3", "12", "26"): "The year of the date of the board meeting must include 4 numbers, like 2025",
        ("20", "10", "2026"): "The date of the board meeting must be after 31 October 2026, the end of the month "
        "the report covers",
    }
    for (day, month, year), message in refusals.items():
        answer = {"meeting_on_day": day, "meeting_on_month": month, "meeting_on_year": year, "meeting": "public"}
        page = client.post(url("part", part="cover"), answer)
        text = page.content.decode()
        assert page.status_code == 200 and message in text, message
        assert 'href="#id_meeting_on"' in text and 'id="id_meeting_on"' in text
        assert not NarrativeEntry.objects.filter(report=report).exists()  # nothing of the cover saved
    answer = {"meeting_on_day": "3", "meeting_on_month": "12", "meeting_on_year": "2026", "meeting": "public"}
    assert client.post(url("part", part="cover"), answer).status_code == 302
    assert "3 December 2026" in client.get(PAGE).content.decode()
    again = client.get(url("part", part="cover")).content.decode()
    again = " ".join(again.split())
    for name, value in (("day", "3"), ("month", "12"), ("year", "2026")):
        assert re.search(rf'name="meeting_on_{name}"[^>]*value="{value}"', again), name


def test_the_summary_starts_from_the_data_and_the_approved_version_shows_the_authors_words(
    client, author, executive, trust
):
    sign_in(client, author)
    client.post(url("open"))
    generated = generated_changes(trust=trust, month=MONTH, generated_on=date(2026, 11, 27))
    form = client.get(url("part", part="summary")).content.decode()
    assert html.escape(text_of(generated), quote=False) in form  # the box starts with the list from the data
    assert "written from the data today" not in form
    edited = "Suspensions fell after the new escalation rota.\nNo new outcome signal."
    assert client.post(url("part", part="summary"), {"changed": edited}).status_code == 302
    form = client.get(url("part", part="summary")).content.decode()
    assert "What changed, written from the data today" in form  # the data's list shown beside the author's
    page = client.get(PAGE).content.decode()
    assert "Suspensions fell after the new escalation rota." in page and "then edited by the author" in page
    client.post(url("submit"))
    sign_in(client, executive)
    client.post(url("decide"), {"decision": "approve"})
    private_html = client.get(url("download", number=1, edition="private", file_format="html")).content.decode()
    private_pdf = client.get(url("download", number=1, edition="private", file_format="pdf")).content
    pdf_text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(private_pdf)).pages).split())
    for shown in (private_html, pdf_text):
        assert "Suspensions fell after the new escalation rota." in shown and "No new outcome signal." in shown
    assert all(point not in private_html for point in generated if point not in edited)
    public_html = client.get(url("download", number=1, edition="public", file_format="html")).content.decode()
    assert "Suspensions fell" not in public_html and "Written from the data." in public_html


def test_an_approved_report_downloads_byte_for_byte_after_the_data_change(client, author, executive, trust):
    report, _ = open_report(trust=trust, month=MONTH, by=author)
    save_mds_item(report=report, item="red_flags", raw={"red_flags": "9"}, by=author)
    submit(report=report, by=author)
    approve(report=report, by=executive)
    sign_in(client, author)
    files = [(edition, fmt) for edition in ("private", "public") for fmt in ("html", "pdf", "json")]
    before = {f: client.get(url("download", number=1, edition=f[0], file_format=f[1])).content for f in files}
    frozen_doc = json.loads(before[("private", "json")])

    # The data change: a safety check signalled at one of the trust's sites, and a correction in
    # progress with another figure for the red flags.
    CriticalSafetyCheck.objects.create(
        site=Site.objects.get(code="R0A03"),
        trust=trust,
        opened_at=datetime(2026, 11, 26, 9, tzinfo=UTC),
        opened_on=date(2026, 11, 26),
        due_on=date(2026, 12, 8),
    )
    open_correction(report=report, reason="The red flags were 11", by=author)
    save_mds_item(report=report, item="red_flags", raw={"red_flags": "11"}, by=author)
    live = build_document(trust=trust, month=MONTH, generated_on=date(2026, 11, 27), public=False, report=report)
    assert len(live["safety_checks"]) == len(frozen_doc["safety_checks"]) + 1  # the data did change
    assert changed_figures(frozen_doc, live)
    for edition, fmt in files:
        again = client.get(url("download", number=1, edition=edition, file_format=fmt))
        assert again.status_code == 200 and again.content == before[(edition, fmt)], (edition, fmt)


def test_while_waiting_for_approval_the_pdf_is_the_submitted_document(client, author, trust):
    report, _ = open_report(trust=trust, month=MONTH, by=author)
    snapshot = submit(report=report, by=author)
    CriticalSafetyCheck.objects.create(
        site=Site.objects.get(code="R0A03"),
        trust=trust,
        opened_at=datetime(2026, 11, 26, 9, tzinfo=UTC),
        opened_on=date(2026, 11, 26),
        due_on=date(2026, 12, 8),
    )
    sign_in(client, author)
    assert "As submitted:" in client.get(PAGE).content.decode()
    shown = json.loads(client.get(url("draft_download", edition="private", file_format="json")).content)
    assert shown == snapshot.private_document
    public = json.loads(client.get(url("draft_download", edition="public", file_format="json")).content)
    assert public == snapshot.public_document


def test_a_correction_shows_what_it_changed_before_it_is_approved(client, author, executive, trust):
    report, _ = open_report(trust=trust, month=MONTH, by=author)
    save_mds_item(report=report, item="pmrt", raw={"reviews_completed": "3"}, by=author)
    submit(report=report, by=author)
    approve(report=report, by=executive)
    open_correction(report=report, reason="A fourth review was completed in October", by=author)
    save_mds_item(report=report, item="pmrt", raw={"reviews_completed": "4"}, by=author)
    row = "Perinatal mortality reviews (PMRT): Reviews completed"
    sign_in(client, author)
    draft = client.get(PAGE).content.decode()
    assert "What this correction changed" in draft and row in draft  # as it stands, for the author
    snapshot = submit(report=report, by=author)
    sign_in(client, executive)
    waiting = client.get(PAGE).content.decode()
    assert "What this correction changed" in waiting and row in waiting  # as submitted, for the approver
    shown = json.loads(client.get(url("draft_download", edition="private", file_format="json")).content)
    assert shown["changes"] == snapshot.changes and any(change["figure"] == row for change in shown["changes"])
