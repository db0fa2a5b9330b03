"""Receivers of Django's sign-in and sign-out signals (connected in ``apps.AccountsConfig.ready``)."""

from __future__ import annotations

from perinatal.accounts.services.sessions import forget_session, record_sign_in
from perinatal.accounts.services.setup import mark_set_up_by_identity_provider
from perinatal.accounts.signed_in import OIDC_SESSION_FLAG


def signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    record_sign_in(user=user, session=request.session)
    if request.session.get(OIDC_SESSION_FLAG):
        mark_set_up_by_identity_provider(user=user, request=request)


def signed_out(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        forget_session(session_key=request.session.session_key)
