"""Who is calling: the Bearer per-trust API token, read in this one place.

A system admin issues each trust its tokens (`/api-tokens/`); only a hash is stored and
`authenticate_api_token` finds the active token. A token acts only for its own
trust. A missing or malformed header and an unknown or revoked token are both 401 with a
`WWW-Authenticate` challenge, each with its own message; the metrics endpoint also admits
a signed-in user's session, so its message says so.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from perinatal.accounts.signed_in import is_signed_in
from perinatal.api.errors import BEARER_CHALLENGE, INVALID_TOKEN_CHALLENGE, ApiError
from perinatal.notifications.models import ApiToken
from perinatal.notifications.services.api_tokens import authenticate_api_token

SEND_TOKEN = "Send your trust's API token as 'Authorization: Bearer <token>'"
TOKEN_NOT_VALID = "The API token is not valid or has been revoked"
SIGN_IN_OR_SEND_TOKEN = "Sign in, or send an API token as 'Authorization: Bearer <token>'"


def bearer_credential(request: HttpRequest) -> str | None:
    """The credential of `Authorization: Bearer <credential>` (any case of Bearer), or None."""
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return None
    return credential.strip()


class BearerToken(HttpBearer):
    """The per-trust API token (`request.auth` is the `ApiToken`); refuses with 401 itself,
    with the messages and challenges given, so that nothing else answers for it."""

    openapi_description = "A per-trust API token issued by the system admin"

    def __init__(
        self,
        *,
        missing: str = SEND_TOKEN,
        invalid: str = TOKEN_NOT_VALID,
        invalid_challenge: str = INVALID_TOKEN_CHALLENGE,
    ):
        super().__init__()
        self.missing = missing
        self.invalid = invalid
        self.invalid_challenge = invalid_challenge

    def __call__(self, request: HttpRequest) -> ApiToken:
        credential = bearer_credential(request)
        if credential is None:
            raise ApiError(401, ("Authorization", self.missing), headers={"WWW-Authenticate": BEARER_CHALLENGE})
        token = self.authenticate(request, credential)
        if token is None:
            raise ApiError(401, ("Authorization", self.invalid), headers={"WWW-Authenticate": self.invalid_challenge})
        return token

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return authenticate_api_token(token)


def signed_in_user(request: HttpRequest) -> Any:
    """A fully signed-in user (second factor or NHS CIS2), or None to try the next method.
    No CSRF check: the endpoints that admit it only read (GET)."""
    return request.user if is_signed_in(request) else None


#: The notification endpoints: a token only.
trust_token = BearerToken()
#: The metrics (published statistics): a signed-in user, else a token; one message for both.
signed_in_or_token = [
    signed_in_user,
    BearerToken(missing=SIGN_IN_OR_SEND_TOKEN, invalid=SIGN_IN_OR_SEND_TOKEN, invalid_challenge=BEARER_CHALLENGE),
]
