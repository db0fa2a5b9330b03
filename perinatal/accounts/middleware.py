"""Every page needs a signed-in user who has passed the second factor, except public ones."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.shortcuts import redirect

from perinatal.accounts.signed_in import is_signed_in

PUBLIC_PREFIXES = (
    "/sign-in/",
    "/sign-out/",
    "/timed-out/",
    "/request-access/",
    "/account/setup/",
    "/static/",
    "/healthz",
    "/accessibility/",
    "/privacy/",
    "/api/",
    "/oidc/",
    "/receiving/",
)


class RequireVerifiedSignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and not is_signed_in(request):
            # Signed in without the second factor: not enough for any page.
            logout(request)
            return redirect("accounts:sign_in")
        if not user.is_authenticated:
            return redirect(f"/sign-in/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
