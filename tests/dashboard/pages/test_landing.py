"""issue 12: a regional or ICB team that opens "Dashboard" lands on their own area's page, not
on England's; national roles land on England's tiles. Every page stays open to all."""

import re

import pytest
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.organisations.models import ENGLAND_CODE
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

#: (role, where it is held, the page "Dashboard" opens, the page's heading)
LANDINGS = [
    (Role.REGIONAL_VIEWER, "Y62", "/dashboard/regions/Y62/", "North West"),
    (Role.ICB_VIEWER, "QOP", "/dashboard/icbs/QOP/", "NHS Greater Manchester Integrated Care Board"),
    (Role.LOCAL_AUTHORISER, "R0A", "/dashboard/trusts/R0A/", "Manchester University NHS Foundation Trust"),
    (Role.TRUST_VIEWER, "RRK", "/dashboard/trusts/RRK/", "University Hospitals Birmingham NHS Foundation Trust"),
    (Role.NATIONAL_REVIEWER, "MNSI", "/dashboard/", "England"),
    (Role.IMPROVEMENT_SUPPORT, ENGLAND_CODE, "/dashboard/", "England"),
    (Role.PROGRAMME_ADMIN, ENGLAND_CODE, "/dashboard/", "England"),
]


def _dashboard_link(html: str) -> tuple[str, bool]:
    """The header's "Dashboard" link: its address, and whether it is marked as the current item."""
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    for item in re.findall(r"<li[^>]*nhsuk-header__navigation-item[^>]*>.*?</li>", header, re.S):
        if re.search(r">\s*Dashboard\s*<", item):
            return re.search(r'href="([^"]+)"', item).group(1), "aria-current" in item
    raise AssertionError("no Dashboard link in the header")


@pytest.mark.parametrize(("role", "org", "landing", "heading"), LANDINGS)
def test_dashboard_opens_the_page_of_each_persons_own_area(client, role, org, landing, heading):
    sign_in(client, make_user(role, org))
    href, _current = _dashboard_link(client.get(reverse("web:home")).content.decode())
    assert href == landing
    page = client.get(href)
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.content.decode()


def test_the_widest_area_wins(client):
    user = make_user(Role.LOCAL_AUTHORISER, "R0A", email="both@test.example")
    make_user(Role.REGIONAL_VIEWER, "Y62", email="both@test.example")
    sign_in(client, user)
    assert _dashboard_link(client.get(reverse("web:home")).content.decode())[0] == "/dashboard/regions/Y62/"


def test_england_and_every_other_page_stay_open_and_under_dashboard(client):
    sign_in(client, make_user(Role.REGIONAL_VIEWER, "Y62"))
    for path in ("/dashboard/", "/dashboard/england/", "/dashboard/trusts/RRK/", "/dashboard/trusts/"):
        response = client.get(path)
        assert response.status_code == 200, path
        href, current = _dashboard_link(response.content.decode())
        assert href == "/dashboard/regions/Y62/" and current, path
