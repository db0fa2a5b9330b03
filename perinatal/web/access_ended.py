"""What ends with a person's access in the apps above accounts (docs/rules/accounts.md §4).

Accounts cannot import the notifications app (it sits below it), so settings'
``PERINATAL_ACCESS_ENDED_HOOKS`` names these functions for
:func:`perinatal.accounts.services.access_ended.run_access_ended_hooks`. The web shell is the
floor that sees both.
"""

from __future__ import annotations

from perinatal.notifications.selectors import api_tokens
from perinatal.notifications.services.api_tokens import revoke_api_token


def revoke_api_tokens_issued_by(*, user, trust, everywhere: bool, by, request=None) -> int:
    """Revoke the active API tokens the person issued for the trust they are suspended or removed
    at (every token they issued, when they have no access left anywhere): they saw each token
    once, in full. Each revocation is audited by the notifications service."""
    tokens = api_tokens().filter(created_by=user, revoked_at__isnull=True)
    if not everywhere:
        tokens = tokens.filter(trust=trust)
    tokens = list(tokens)
    for token in tokens:
        revoke_api_token(token=token, user=by, request=request)
    return len(tokens)
