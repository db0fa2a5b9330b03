"""Every page needs a signed-in user who has passed the second factor, except public ones; a
session whose person had their sessions ended is ended on its next request (docs/rules/accounts.md §4)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.shortcuts import redirect

from perinatal.accounts.services.sessions import session_is_current
from perinatal.accounts.signed_in import is_signed_in

PUBLIC_PREFIXES = (
    "/sign-in/",
    "/sign-out/",
    "/timed-out/",
    "/request-access/",
    "/account/setup/",
    "/account/new-authenticator/",
    "/account/reset-password/",
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
        user = request.user
        if user.is_authenticated and not session_is_current(user=user, session=request.session):
            # The person's sessions were ended (suspended, removed, a new password or second
            # factor): this one ends now, whatever the session store still holds.
            logout(request)
            if not request.path.startswith(PUBLIC_PREFIXES):
                return redirect(f"/sign-in/?{urlencode({'next': request.get_full_path()})}")
        if request.path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        if user.is_authenticated and not is_signed_in(request):
            # Signed in without the second factor: not enough for any page.
            logout(request)
            return redirect("accounts:sign_in")
        if not user.is_authenticated:
            return redirect(f"/sign-in/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
