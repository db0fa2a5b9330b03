"""The header menu by role: at most seven items, so none hides under "More" at desktop width;
the parts that do not fit are on the home page instead."""

import re

import pytest
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.web.navigation import MENU_ITEMS_SHOWN
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db


def _menu(client) -> list[str]:
    html = client.get(reverse("web:home")).content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(r"nhsuk-header__navigation-link[^>]*>(.*?)</a>", header, re.S)
    ]


def _cards(client) -> list[str]:
    html = client.get(reverse("web:home")).content.decode()
    return [
        re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"nhsuk-card__heading[^>]*>(.*?)</h3>", html, re.S)
    ]


def test_a_head_of_midwifery_keeps_the_audit_trail_in_the_menu_and_reaches_the_rest_from_home(client):
    sign_in(client, make_user(Role.LOCAL_AUTHORISER, "R0A"))
    menu = _menu(client)
    assert len(menu) <= MENU_ITEMS_SHOWN, menu
    assert "Audit trail" in menu
    cards = " ".join(_cards(client))
    assert "Improvement support" in cards and "Equity programme" in cards


def test_a_regional_team_has_improvement_support_and_the_equity_programme_in_the_menu(client):
    sign_in(client, make_user(Role.REGIONAL_VIEWER, "Y62"))
    menu = _menu(client)
    assert len(menu) <= MENU_ITEMS_SHOWN, menu
    assert menu.index("Outcome signals") < menu.index("Equity programme") < menu.index("Improvement support")


def test_a_reporter_sees_neither(client):
    sign_in(client, make_user(Role.REPORTER, "R0A"))
    menu = _menu(client)
    assert "Improvement support" not in menu and "Equity programme" not in menu
