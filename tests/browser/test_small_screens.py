"""Every main page at 375 px (WCAG 2.2 1.4.10 Reflow), for the roles that use it: the page
itself never scrolls sideways (wide tables scroll in their own regions) and passes axe.

The journeys check the pages they visit at the width they use; this sweep takes the pages
each role reaches from its menu and home page to a phone's width in one go.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, sign_in

PAGES_BY_ROLE = {
    "hom.r0a@perinatal.example": [
        "/",
        "/notifications/",
        "/access-requests/",
        "/trusts/R0A/nominated-users/",
        "/audit/",
        "/signals/",
        "/signals/checks/",
        "/signals/sites/R0A01/",
        "/equity/programme/",
        "/equity/programme/sites/R0A01/",
    ],
    "board.r0a@perinatal.example": [
        "/",
        "/dashboard/",
        "/dashboard/trusts/R0A/",
        "/dashboard/trusts/R0A/equity/",
        "/dashboard/trusts/R0A/equity/?by=ethnic_group,imd_quintile&metric=stillbirth_rate",
        "/trusts/R0A/",
    ],
    "region.y62@perinatal.example": [
        "/",
        "/dashboard/regions/Y62/",
        "/improvement/",
        "/improvement/concerns/",
        "/equity/programme/",
    ],
    "programme.admin@perinatal.example": ["/", "/equity/programme/", "/equity/programme/intakes/1/"],
    "reviewer.mnsi@perinatal.example": ["/", "/inbox/"],
    "ist@perinatal.example": ["/", "/improvement/"],
}


@pytest.mark.parametrize("email", sorted(PAGES_BY_ROLE))
def test_main_pages_reflow_at_375_pixels(browser, service, email):
    context = browser.new_context(bypass_csp=True, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, service, email)
        for path in PAGES_BY_ROLE[email]:
            response = page.goto(service.url(path))
            assert response is not None and response.ok, f"{path} answered {response and response.status}"
            assert_accessible(page, context=f"at 375px as {email}")
    finally:
        context.close()
