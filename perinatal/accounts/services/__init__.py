"""Writes for users and their access, one module per part of an account's life.

- ``memberships``: find or create a person; grant a role at an organisation.
- ``access_requests``: a person asks a trust for access; its local authoriser decides.
- ``nominations``: a Head of Midwifery's list of nominated users, checked whole; each invited.
- ``invitations``: the set-up link emailed to someone given access, and its resend.
- ``links``: the links emailed to one person (set up, reset a password, a new authenticator).
- ``setup``: setting up an account (or a new authenticator) from a link.
- ``recovery``: "Forgot your password?" by email, throttled.
- ``users``: the local authoriser's users page: roles, suspend, reinstate, remove, reset a second factor.
- ``sessions``: the sessions a person is signed in with, ended at once.
- ``second_factors``: authenticator apps and backup codes.
- ``access_ended``: the other apps' hooks run when someone's access ends (their API tokens).

Every write is keyword-only, transactional and audited; audit summaries name people by user id
(docs/rules/accounts.md). The names below were this module's before it became a package, and are
kept so that callers need not change; new code imports from the module that holds a service.
"""

from perinatal.accounts.services.access_requests import (
    AccessRequestRefused,
    AlreadyRequested,
    decide_access_request,
    request_access,
)
from perinatal.accounts.services.memberships import get_or_create_user, grant_membership
from perinatal.accounts.services.nominations import (
    NOMINATION_COLUMNS,
    NominationFileInvalid,
    NominationRefused,
    decide_nomination,
    parse_nominations,
    upload_nominations,
)
from perinatal.accounts.services.second_factors import (
    TOTP_DIGITS,
    create_backup_codes,
    create_totp_device,
    match_second_factor,
    second_factor_wait_seconds,
)

__all__ = [
    "NOMINATION_COLUMNS",
    "TOTP_DIGITS",
    "AccessRequestRefused",
    "AlreadyRequested",
    "NominationFileInvalid",
    "NominationRefused",
    "create_backup_codes",
    "create_totp_device",
    "decide_access_request",
    "decide_nomination",
    "get_or_create_user",
    "grant_membership",
    "match_second_factor",
    "parse_nominations",
    "request_access",
    "second_factor_wait_seconds",
    "upload_nominations",
]
