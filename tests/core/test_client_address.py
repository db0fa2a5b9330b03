"""The client's address behind the load balancer (perinatal.core.client_address)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from perinatal.accounts.models import AccessRequest
from perinatal.accounts.services.access_requests import REQUESTS_PER_NETWORK_ADDRESS
from perinatal.core.client_address import client_address
from tests.accounts.test_access_requests import REQUEST

PROXY = "10.0.0.5"


def _address(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    "trusted, remote, forwarded, expected",
    [
        # No proxy trusted: the header is anyone's to write, and ignored.
        ("127.0.0.1", "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ("127.0.0.1", "203.0.113.7", None, "203.0.113.7"),
        # Through the trusted load balancer: the address it saw.
        ("10.0.0.0/8", PROXY, "203.0.113.7", "203.0.113.7"),
        # What the client wrote to the left of it is never believed.
        ("10.0.0.0/8", PROXY, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # Two trusted proxies in a row: the nearest address that is not one of them.
        ("10.0.0.0/8", PROXY, "203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # A trusted proxy that wrote no header, or something that is not an address.
        ("10.0.0.0/8", PROXY, None, PROXY),
        ("10.0.0.0/8", PROXY, "unknown", PROXY),
        ("10.0.0.0/8, 2001:db8::/32", "2001:db8::1", "2001:db8::2, 2a00:1450::1", "2a00:1450::1"),
    ],
)
def test_the_address_is_the_nearest_one_no_trusted_proxy_wrote(settings, trusted, remote, forwarded, expected):
    settings.FORWARDED_ALLOW_IPS = trusted
    assert _address(remote, forwarded) == expected


@pytest.mark.django_db
def test_behind_the_load_balancer_each_person_has_their_own_limit(client, settings):
    settings.FORWARDED_ALLOW_IPS = PROXY
    url = reverse("accounts:request_access")
    behind = {"REMOTE_ADDR": PROXY}
    for n in range(REQUESTS_PER_NETWORK_ADDRESS + 1):  # one over the limit, each from another person
        person = {**REQUEST, "email": f"person{n}@nhs.example"}
        assert client.post(url, person, **behind, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 200
    for n in range(REQUESTS_PER_NETWORK_ADDRESS):  # one person, up to the limit
        client.post(url, {**REQUEST, "email": f"same{n}@nhs.example"}, **behind, HTTP_X_FORWARDED_FOR="198.51.100.9")
    refused = client.post(
        url, {**REQUEST, "email": "one.more@nhs.example"}, **behind, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert refused.status_code == 429
    assert not AccessRequest.objects.filter(email="one.more@nhs.example").exists()


def test_the_lockout_counts_by_the_same_address(settings):
    from axes.helpers import get_client_ip_address

    settings.FORWARDED_ALLOW_IPS = PROXY
    request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert get_client_ip_address(request) == "203.0.113.7"
    # From anyone else the header is theirs to write: a lockout cannot be escaped by forging it.
    forged = RequestFactory().post("/", REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert get_client_ip_address(forged) == "198.51.100.20"
