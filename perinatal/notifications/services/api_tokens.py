"""API tokens for a trust's systems: issued (the plaintext shown once), revoked, authenticated.

Only the token's SHA-256 hash is stored; its first characters identify it on the page.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from perinatal.core import audit, clock
from perinatal.notifications.models import ApiToken
from perinatal.notifications.services.refusals import InvalidInput
from perinatal.organisations.models import Organisation

API_TOKEN_PREFIX = "pst_"


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def issue_api_token(*, trust: Organisation, name: str, user, request=None) -> tuple[str, ApiToken]:
    """A new token for `trust`. The plaintext is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name", "Enter a name for the token, like 'Maternity system (BadgerNet)'")
    if trust.kind != Organisation.Kind.TRUST:
        raise InvalidInput("trust_code", f"{trust.code} is not an NHS trust")
    plaintext = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        trust=trust,
        name=name[:100],
        token_hash=hash_token(plaintext),
        prefix=plaintext[:12],
        created_by=user,
        created_at=clock.now(),
    )
    audit.record(
        action=audit.Action.CREATE,
        obj=token,
        organisation=trust,
        request=request,
        actor=user,
        summary=f"API token {token.prefix}… issued for {trust.code}",
    )
    return plaintext, token


@transaction.atomic
def revoke_api_token(*, token: ApiToken, user, request=None) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = clock.now(), user
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            action=audit.Action.UPDATE,
            obj=token,
            organisation=token.trust,
            request=request,
            actor=user,
            summary=f"API token {token.prefix}… revoked",
        )
    return token


def authenticate_api_token(plaintext: str) -> ApiToken | None:
    """The active token with this plaintext, or None. Records its use at most once a minute."""
    if not plaintext or not plaintext.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("trust")
        .filter(token_hash=hash_token(plaintext), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        now = clock.now()
        if token.last_used_at is None or abs((now - token.last_used_at).total_seconds()) > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
