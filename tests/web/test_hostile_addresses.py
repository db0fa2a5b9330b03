"""No page answers 500 for an address holding NUL (issue 13), on PostgreSQL, which cannot store
NUL in text: every URL pattern that takes a text value is asked for one holding `%00`, and
every page without one is asked with `?q=%00`, by people who may see the pages. Each is refused
(400, the service's page) or not found (404), never a 500
(perinatal.core.middleware.HostileAddressMiddleware)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

from perinatal.accounts.roles import Role
from tests.helpers import make_user, sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PEOPLE = [
    (Role.SYSTEM_ADMIN, "E92000001"),
    (Role.PROGRAMME_ADMIN, "E92000001"),
    (Role.IMPROVEMENT_SUPPORT, "E92000001"),
    (Role.LOCAL_AUTHORISER, "R0A"),
    (Role.PERINATAL_LEADERSHIP, "R0A"),
    (Role.EXECUTIVE_LEAD, "R0A"),
    (Role.NATIONAL_REVIEWER, "MNSI"),
]
HOSTILE = "R0A%00"
PLAIN = {IntConverter: "1", UUIDConverter: "00000000-0000-0000-0000-000000000001"}
TEXT_CONVERTERS = (StringConverter, SlugConverter, PathConverter)
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            continue  # ^api/ (the API's JSON 404), tested in tests/api/test_hostile_input.py
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, {**getattr(pattern.pattern, "converters", {})}


def _address(route: str, converters: dict) -> str:
    def value(match: re.Match) -> str:
        converter = converters[match["name"]]
        return HOSTILE if isinstance(converter, TEXT_CONVERTERS) else PLAIN.get(type(converter), HOSTILE)

    return "/" + PARAMETER.sub(value, route)


def hostile_addresses() -> list[str]:
    """Every address of the service with a text value holding NUL, and every address without
    one with NUL in its query string."""
    addresses = []
    for route, converters in _routes(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue  # the API's own edge: tests/api/test_hostile_input.py
        if any(isinstance(c, TEXT_CONVERTERS) for c in converters.values()) or any(
            type(c) not in PLAIN for c in converters.values()
        ):
            addresses.append(_address(route, converters))
        if not converters:
            addresses.append("/" + route + "?q=%00")
    return addresses


def test_the_walk_covers_the_pages_the_review_named():
    addresses = hostile_addresses()
    for expected in (
        "/signals/sites/R0A%00/",
        "/signals/sites/R0A%00/moss.csv",
        "/organisations/R0A%00/",
        "/trusts/R0A%00/",
        "/equity/programme/sites/R0A%00/",
        "/board-reports/R0A%00/R0A%00/",
        "/organisations/?q=%00",
    ):
        assert expected in addresses
    assert len(addresses) > 60


@pytest.mark.parametrize("role, org", PEOPLE, ids=[role.value for role, _ in PEOPLE])
def test_no_address_holding_nul_answers_500(client, role, org):
    sign_in(client, make_user(role, org))
    answers = {address: client.get(address).status_code for address in hostile_addresses()}
    failures = {address: status for address, status in answers.items() if status not in (400, 404)}
    assert not failures, failures


@pytest.mark.parametrize(
    "address",
    ["/board-reports/R0A%00/2026-10/", "/organisations/R0A/?q=%00", "/trusts/R0A/?%00=1", "/organisations/?q=%1B"],
)
def test_nul_beside_a_real_value_is_refused_with_the_service_page(client, address):
    sign_in(client, make_user(Role.SYSTEM_ADMIN, "E92000001"))
    response = client.get(address)
    assert response.status_code == 400, address
    assert "There is a problem with the web address" in response.content.decode()
