"""The network address a request came from, as the throttles, the sign-in lockout and the audit
trail need it.

Behind the load balancer that ends TLS (README "Running it for real"), every request's
`REMOTE_ADDR` is the load balancer's: a limit per address would then be one limit for the whole
country. So when `REMOTE_ADDR` is a proxy the service trusts (`FORWARDED_ALLOW_IPS`, the
setting gunicorn already reads for `X-Forwarded-Proto`: addresses or networks, comma-separated,
or `*`), the address is taken from `X-Forwarded-For`: the right-most entry that is not itself a
trusted proxy. Entries further left were written by the client and could be anything, so they
are never believed; from anyone else the header is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _trusted(spec: str) -> tuple[bool, tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]:
    """(everyone trusted, the trusted networks) from FORWARDED_ALLOW_IPS."""
    entries = [entry.strip() for entry in spec.split(",") if entry.strip()]
    networks = []
    for entry in entries:
        if entry == "*":
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # gunicorn refuses to start on a malformed entry; nothing to trust here
    return "*" in entries, tuple(networks)


def _is_trusted(address: str, spec: str) -> bool:
    everyone, networks = _trusted(spec)
    if everyone:
        return True
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(request) -> str | None:
    """The client's address: `REMOTE_ADDR`, or through trusted proxies the nearest address in
    `X-Forwarded-For` that is not one of them (None when there is none)."""
    remote = request.META.get("REMOTE_ADDR") or None
    spec = settings.FORWARDED_ALLOW_IPS
    if remote is None or not _is_trusted(remote, spec):
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    for entry in reversed(forwarded):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            return remote  # a proxy we trust wrote something that is not an address: do not guess
        if not _is_trusted(entry, spec):
            return entry
    return forwarded[0] if forwarded else remote
