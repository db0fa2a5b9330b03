"""Whether a request comes from a fully signed-in user.

Local accounts need the second factor (django-otp marks the session verified). An
OpenID Connect sign-in (NHS CIS2) is already strong authentication (smartcard or
equivalent), so it counts as verified; the backend marks the session.
"""

from __future__ import annotations

OIDC_SESSION_FLAG = "signed_in_with_oidc"


def is_signed_in(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if hasattr(user, "is_verified") and user.is_verified():
        return True
    return bool(request.session.get(OIDC_SESSION_FLAG))
