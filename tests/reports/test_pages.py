"""The board report's pages (docs/rules/board_report.md §2): the author fills the minimum data
set (a bad value refused with an error summary), submits; the executive lead returns and
approves; downloads are the frozen bytes; the ICB sees the approved report; other trusts 404;
roles without the right get 403."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from perinatal.accounts.models import User
from perinatal.accounts.roles import Role
from perinatal.reports.models import FrozenFile
from perinatal.reports.selectors.state import report_for
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
    assert "Add the red flags" in client.get(PAGE).content.decode()
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
