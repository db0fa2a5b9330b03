"""Privacy of signed-in pages (issue 13): never stored by the browser or a proxy (shared ward
computers), a session that ends 12 hours after sign-in however active, and a timed-out page
that a GET cannot use to sign anyone out."""

import time

import pytest

from perinatal.accounts.roles import Role
from perinatal.core.middleware import SIGNED_IN_AT
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    return client


def _signed_in_for(client, seconds: float) -> None:
    session = client.session
    session[SIGNED_IN_AT] = time.time() - seconds
    session.save()


def test_signed_in_pages_are_never_stored_but_static_files_are_cacheable(signed_in):
    page = signed_in.get("/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    static = signed_in.get("/static/perinatal/perinatal.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


def test_api_responses_to_credentials_are_never_stored(client):
    response = client.get("/api/v1/metrics", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert "no-store" in response["Cache-Control"]


def test_sign_in_records_when_the_session_started(signed_in):
    assert time.time() - signed_in.session[SIGNED_IN_AT] < 60


def test_a_session_ends_twelve_hours_after_sign_in_however_active(signed_in, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    _signed_in_for(signed_in, 11 * 60 * 60)
    assert signed_in.get("/").status_code == 200
    _signed_in_for(signed_in, 12 * 60 * 60 + 1)
    response = signed_in.get("/")
    assert response.status_code == 302 and response["Location"] == "/timed-out/"
    assert signed_in.get("/").url.startswith("/sign-in/")  # signed out


def test_a_get_of_the_timed_out_page_never_signs_anyone_out(signed_in):
    response = signed_in.get("/timed-out/")
    assert response.status_code == 302 and response["Location"] == "/"  # still signed in: home
    assert signed_in.get("/").status_code == 200
    # The timeout warning's own POST (with the CSRF token) signs out.
    page = signed_in.post("/timed-out/")
    assert page.status_code == 200 and "You have been signed out" in page.content.decode()
    assert signed_in.get("/").status_code == 302
    # And after it, a GET shows the page.
    assert "You have been signed out" in signed_in.get("/timed-out/").content.decode()
