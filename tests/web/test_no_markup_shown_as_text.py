"""No page shows HTML as text (issue 12: the ICB row on /trusts/R0A/ and the status on
/dashboard/uploads/<id>/ read "<a href=…>" and "<strong class=…>").

A tag escaped into the page (`&lt;a`, `&lt;/strong`) is HTML the template meant as markup
but Jinja escaped, usually because a string joined with `~` met an escaped part. The test
walks the site as people in different roles would, following every link from their home
page and a few starting points, and looks for such tags on every page it reaches.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.urls import Resolver404, resolve

from perinatal.accounts.roles import Role
from perinatal.dashboard.models import Upload
from tests.helpers import make_user, sign_in
from tests.notifications.factories import intrapartum_stillbirth, submit

pytestmark = pytest.mark.django_db

# An escaped opening or closing tag of an element a template writes.
ESCAPED_TAG = re.compile(r"&lt;/?(a|p|strong|span|br|ul|ol|li|div|em|b|abbr|svg|table|td|th)\b", re.IGNORECASE)
# Links whose GET changes something (signing out) or is not a page (files, the API).
SKIP = re.compile(r"^/(sign-out|timed-out|session/|api/|static/|receiving/)|\.(csv|json|xlsx|svg|txt)$|/download")
PAGES_PER_PERSON = 120


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(page: str) -> list[str]:
    parser = _Links()
    parser.feed(page)
    found = []
    for href in parser.hrefs:
        url = urldefrag(href)[0]
        parsed = urlparse(url)
        if parsed.scheme or parsed.netloc or not url.startswith("/") or SKIP.search(parsed.path):
            continue
        found.append(parsed.path)  # one page of each kind: filters and later pages of a list add nothing
    return found


def _kind(url: str) -> str:
    """The page's URL name: one page of each kind is enough (further trusts, records or pages
    of a list add time, not coverage)."""
    try:
        return resolve(urlparse(url).path).view_name
    except Resolver404:
        return url


def crawl(client, seeds: list[str]) -> dict[str, str]:
    """Pages reached from the seeds, breadth first, one of each kind (besides the seeds
    themselves), up to PAGES_PER_PERSON: url → HTML."""
    queue, kinds, pages = list(seeds), {_kind(url) for url in seeds}, {}
    while queue and len(pages) < PAGES_PER_PERSON:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        pages[url] = page
        for link in _links(page):
            if _kind(link) not in kinds:
                kinds.add(_kind(link))
                queue.append(link)
    return pages


def escaped_tags(pages: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for url, page in pages.items():
        hits = [page[max(0, m.start() - 40) : m.end() + 40] for m in ESCAPED_TAG.finditer(page)]
        if hits:
            found[url] = hits
    return found


PEOPLE = [
    (Role.SYSTEM_ADMIN, "E92000001"),
    (Role.LOCAL_AUTHORISER, "R0A"),
    (Role.REPORTER, "R0A"),
    (Role.NATIONAL_REVIEWER, "MNSI"),
]


@pytest.mark.parametrize("role, org", PEOPLE, ids=[r.value for r, _ in PEOPLE])
def test_no_page_shows_html_as_text(client, role, org):
    notification = submit(intrapartum_stillbirth())
    notification.deliveries.update(status="sent")
    upload = Upload.objects.order_by("pk").first()
    sign_in(client, make_user(role, org))
    seeds = [
        "/",
        "/trusts/R0A/",
        "/organisations/",
        "/onboarding/",
        "/dashboard/",
        "/dashboard/trusts/R0A/",
        f"/dashboard/uploads/{upload.pk}/",
        "/notifications/",
        f"/notifications/{notification.reference}/",
        "/inbox/",
        f"/inbox/MNSI/{notification.reference}/",
    ]
    pages = crawl(client, seeds)
    assert "/trusts/R0A/" in pages, "the trust page was not reached"
    if role is Role.SYSTEM_ADMIN:
        assert f"/dashboard/uploads/{upload.pk}/" in pages, "the upload page was not reached"
    assert len(pages) > 10, sorted(pages)
    assert escaped_tags(pages) == {}


def test_the_check_finds_an_escaped_tag():
    """The test above can fail: the two pages of the issue, as they were."""
    before = {
        "/trusts/R0A/": '<dd class="nhsuk-summary-list__value">&lt;a href="/organisations/QOP/"&gt;NHS Greater',
        "/dashboard/uploads/1/": '<dd>&lt;strong class="nhsuk-tag nhsuk-tag--green"&gt;Loaded&lt;/strong&gt;</dd>',
        "/fine/": "<p>Mother &amp; baby, 3 &lt; 4</p>",
    }
    assert set(escaped_tags(before)) == {"/trusts/R0A/", "/dashboard/uploads/1/"}
