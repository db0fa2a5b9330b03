"""Privacy of signed-in pages: never kept by a browser or a proxy, and no session for ever;
no address that holds a character no page can take.

- `HostileAddressMiddleware`: a request whose decoded path, or a name or value of whose query
  string, holds a NUL, an unpaired surrogate or another control character but white space
  (`kernel.hostile_text.refused_address_part`) is answered 400 (the `handler400` page)
  before any view runs: a view would otherwise look the value up, and PostgreSQL refuses NUL
  in text with an error (a 500). The API refuses the same, as JSON, before this is reached
  (perinatal.api.edge).

- `NoStoreForSignedInMiddleware`: every response to a signed-in user (or to an API request
  with credentials) is sent `Cache-Control: no-store` (with Django's other never-cache headers):
  ward computers are shared, and the Back button or the disk cache must not show the next
  person a page of notifications. Static files never reach it (WhiteNoise answers them first),
  so they stay cacheable.
- `AbsoluteSessionLifetimeMiddleware`: a session ends `SESSION_ABSOLUTE_SECONDS` (default 12
  hours, a shift) after sign-in however active it is, besides the inactivity timeout
  (SESSION_INACTIVITY_SECONDS): a session cookie taken from a computer stops working the same
  day. Real time, like the inactivity timeout (sessions are not service dates).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from perinatal.kernel.hostile_text import refused_address_part

#: Session key: when (epoch seconds) this session signed in.
SIGNED_IN_AT = "perinatal_signed_in_at"
DEFAULT_ABSOLUTE_SECONDS = 12 * 60 * 60


def absolute_seconds() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", DEFAULT_ABSOLUTE_SECONDS))


def record_sign_in(sender, request, user, **kwargs) -> None:
    """django.contrib.auth's user_logged_in signal: the absolute lifetime starts now."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


class NoStoreForSignedInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response


class AbsoluteSessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                request.session[SIGNED_IN_AT] = time.time()  # a session from before this rule
            elif time.time() - float(signed_in_at) > absolute_seconds():
                logout(request)
                return redirect("accounts:timed_out")
        return self.get_response(request)


class HostileAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if refused_address_part(request.path, request.GET.lists) is not None:
            # Django answers it with `handler400` (too many query fields, SuspiciousOperation,
            # is answered the same way when `request.GET` is read here).
            raise BadRequest("The address holds a control or invalid character")
        return self.get_response(request)
