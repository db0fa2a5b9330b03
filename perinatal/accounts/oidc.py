"""OpenID Connect sign-in suitable for NHS CIS2 (off unless OIDC_RP_CLIENT_ID is set).

Only people who already hold an account (approved by their trust's local authoriser, or
nominated) can sign in this way: the identity provider proves who they are, the trust
decides what they may see. Settings are documented in docs/oidc.md.
"""

from __future__ import annotations

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from perinatal.accounts.signed_in import OIDC_SESSION_FLAG


class CIS2Backend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip().lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(
            email=email,
            is_active=True,
            memberships__revoked_at__isnull=True,
            memberships__suspended_at__isnull=True,
        ).distinct()

    def authenticate(self, request, **kwargs):
        user = super().authenticate(request, **kwargs)
        if user is not None and request is not None:
            request.session[OIDC_SESSION_FLAG] = True
        return user
