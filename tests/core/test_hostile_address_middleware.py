"""An address holding NUL, an unpaired surrogate or another control character (but white
space) is refused 400 before any view runs, on every page (issue 13); the API answers the same
as JSON (tests/api/test_hostile_input.py; on PostgreSQL, every page: tests/web/test_hostile_addresses.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.test import RequestFactory

from perinatal.core.middleware import HostileAddressMiddleware
from perinatal.kernel.hostile_text import RefusedPart, refused_address_part, refused_in_address, unstorable


@pytest.mark.parametrize("text", ["R0A\x00", "\ud800", "a\x1bb", "x\x01", "\x1f"])
def test_control_characters_and_surrogates_are_refused_in_an_address(text):
    assert refused_in_address(text)


@pytest.mark.parametrize(
    "text",
    [
        "R0A",
        "two words",
        "tab\there",
        "line\nbreak\r\n",
        "Ysbyty Gwynedd £ é",
        "\x7f",
        "Royal\x0bOldham",  # a line break copied from Word is a vertical tab
        "page\x0cbreak",
    ],
)
def test_ordinary_text_and_white_space_are_not(text):
    assert not refused_in_address(text)


@pytest.mark.parametrize(
    "path, query, refused",
    [
        ("/organisations/R0A\x00/", [("q", ["R0A"])], RefusedPart("path")),
        ("/organisations/", [("q\x01", ["R0A"])], RefusedPart("name")),
        ("/organisations/", [("page", ["2"]), ("q", ["ok", "a\x1bb"])], RefusedPart("value", "q")),
        ("/organisations/", [("path", ["\x01"])], RefusedPart("value", "path")),  # a field called path
        ("/organisations/", [("q", ["Royal\x0bOldham"]), ("page", ["2"])], None),
        ("/organisations/", [], None),
    ],
)
def test_the_refused_part_of_an_address_is_named(path, query, refused):
    assert refused_address_part(path, lambda: query) == refused


def test_the_path_is_looked_at_before_the_query_is_read():
    def unreadable():
        raise AssertionError("the query was read")

    assert refused_address_part("/trusts/\x00/", unreadable) == RefusedPart("path")


def test_a_caller_may_refuse_more_values_but_never_fewer():
    def replacement(value):
        return "\ufffd" in value

    def nothing(value):
        return False

    assert refused_address_part("/api/", lambda: [("period", ["2025\ufffd"])], also_refuse=replacement) == (
        RefusedPart("value", "period")
    )
    assert refused_address_part("/api/", lambda: [("period", ["2025\ufffd"])]) is None
    assert refused_address_part("/api/", lambda: [("q", ["\x01"])], also_refuse=nothing) == RefusedPart("value", "q")


def test_unstorable_is_nul_or_a_surrogate_only():
    assert unstorable("a\x00") and unstorable("\udc80")
    assert not unstorable("a\x1bb")


def _view(request):
    return HttpResponse("the view ran")


@pytest.mark.parametrize(
    "path, query",
    [
        ("/organisations/R0A\x00/", {}),
        ("/organisations/", {"q": "\x00"}),
        ("/organisations/", {"\x00": "1"}),
        ("/trusts/R0A/", {"q": "a\x1bb"}),
        ("/trusts/\ud800/", {}),
    ],
)
def test_the_middleware_refuses_before_the_view(path, query):
    request = RequestFactory().get("/", query)
    request.path = path  # as decoded: a surrogate cannot be encoded into a test request
    with pytest.raises(BadRequest):
        HostileAddressMiddleware(_view)(request)


@pytest.mark.parametrize("query", [{}, {"q": "Queen's\tHospital"}, {"q": "Royal\x0bOldham"}, {"q": "R0A", "page": "2"}])
def test_the_middleware_lets_an_ordinary_address_through(query):
    response = HostileAddressMiddleware(_view)(RequestFactory().get("/organisations/", query))
    assert response.content == b"the view ran"


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/organisations/R0A%00/", "/organisations/?q=%00", "/sign-in/?next=%00"])
def test_the_answer_is_the_service_page_with_400(client, address):
    response = client.get(address)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem with the web address" in page and "nhsuk-header" in page


@pytest.mark.django_db
def test_too_many_query_fields_on_a_page_is_the_same_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.get("/organisations/?" + "&".join(f"f{n}=1" for n in range(11)))
    assert response.status_code == 400
    assert "There is a problem with the web address" in response.content.decode()
