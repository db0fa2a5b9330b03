"""Numbers on the outcome signals pages and emails are rounded for people, all by one formatter
(perinatal.core.formatting.decimal): issue 12 saw k 1.4444444444444444 beside thresholds
1.777778 on a site's page. The walk is over the demo's MOSS run (the test database's small demo),
whose k values are thirds, sevenths and ninths.
"""

import re

import pytest
from django.urls import reverse

from perinatal.accounts.models import User
from perinatal.core.formatting import decimal
from perinatal.surveillance.models import ContactNotice, CriticalSafetyCheck, SiteMonthResult
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

TAG = re.compile(r"<[^>]*>")
UNROUNDED = re.compile(r"\d\.\d{3,}")  # more than 2 decimal places: a float's repr, or 6-place rounding


def _text(html: str) -> str:
    """What a person reads: the page without its tags (and so without chart coordinates)."""
    return TAG.sub(" ", html)


def test_no_signal_page_or_notice_shows_an_unrounded_number(client):
    sign_in(client, User.objects.get(email="ist@perinatal.example"))  # reads every trust's checks
    codes = sorted(set(SiteMonthResult.objects.values_list("site__code", flat=True)))
    checks = list(CriticalSafetyCheck.objects.values_list("pk", flat=True))
    assert codes and checks
    urls = [reverse("surveillance:overview"), reverse("surveillance:checks"), reverse("surveillance:reference_rates")]
    urls += [reverse("surveillance:site", args=[code]) for code in codes]
    urls += [reverse("surveillance:check", args=[pk]) for pk in checks]
    seen_unrounded_data = False
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response.content.decode())
        assert not UNROUNDED.findall(text), (url, UNROUNDED.findall(text)[:5])
    for code in codes:
        # The download is the analyst command's output, unrounded by rule (docs/rules/surveillance.md §1).
        csv_text = client.get(reverse("surveillance:site_csv", args=[code])).content.decode()
        seen_unrounded_data |= bool(UNROUNDED.search(csv_text))
    assert seen_unrounded_data, "the demo data no longer has unrounded values: the walk proves nothing"
    for notice in ContactNotice.objects.all():
        assert not UNROUNDED.findall(notice.subject + notice.body)


def test_the_site_page_rounds_the_summary_and_the_table_alike(client):
    sign_in(client, User.objects.get(email="ist@perinatal.example"))
    run = SiteMonthResult.objects.latest("run_id").run
    latest_by_site = {}
    for result in SiteMonthResult.objects.filter(run=run).select_related("site").order_by("month"):
        latest_by_site[result.site.code] = result
    latest = next(r for r in latest_by_site.values() if UNROUNDED.search(repr(r.k)))  # k 1.4444444444444444
    page = client.get(reverse("surveillance:site", args=[latest.site.code])).content.decode()
    assert repr(latest.k) not in page
    assert f"(k {decimal(latest.k)})" in page
    assert f"level 1: {decimal(latest.h1)}; level 2: {decimal(latest.h2)}" in page
    assert f'<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{decimal(latest.k)}</td>' in page
