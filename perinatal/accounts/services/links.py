"""Links emailed to one person: set up an account, reset a password, set up a new authenticator.

docs/rules/accounts.md §2: a link carries a random token of which only the hash is stored; it
works until it is used, until its purpose's lifetime runs out, or until a newer link of the same
purpose replaces it (a resend) or the person's access ends. A set-up link stays usable through a
wrong authenticator code and is used up only when set-up completes.

The email goes out after the transaction commits: never for writes that were rolled back, and a
slow mail service never holds the database. A failure is kept on the link (without addresses)
for the users page to show, and the authoriser can send a new link.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse

from perinatal.accounts.models import AccountLink, User
from perinatal.core import clock
from perinatal.core.notify import Message, NotifierError, get_notifier, service_base_url

logger = logging.getLogger(__name__)

Purpose = AccountLink.Purpose

#: How long each kind of link works (docs/rules/accounts.md §2, docs/adr/0022-account-lifecycle.md).
LIFETIMES = {
    Purpose.SET_UP: timedelta(days=7),
    Purpose.NEW_AUTHENTICATOR: timedelta(days=3),
    Purpose.PASSWORD_RESET: timedelta(hours=1),
}

URL_NAMES = {
    Purpose.SET_UP: "accounts:setup",
    Purpose.NEW_AUTHENTICATOR: "accounts:new_authenticator",
    Purpose.PASSWORD_RESET: "accounts:reset_password",
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_links(user: User, *purposes: str):
    """The person's links of these purposes that have not been used or replaced (expired ones included)."""
    links = AccountLink.objects.filter(user=user, used_at__isnull=True, cancelled_at__isnull=True)
    return links.filter(purpose__in=purposes) if purposes else links


def cancel_links(*, user: User, purposes: tuple[str, ...] = ()) -> int:
    """Kill the person's unused links (of these purposes; all when none are named)."""
    return open_links(user, *purposes).update(cancelled_at=clock.now())


def issue_link(*, user: User, purpose: str, created_by: User | None) -> tuple[AccountLink, str]:
    """A new link for the person, replacing any unused one of the same purpose. Returns the link
    and its address, which exists only here and in the email."""
    now = clock.now()
    cancel_links(user=user, purposes=(purpose,))
    token = secrets.token_urlsafe(32)
    link = AccountLink.objects.create(
        user=user,
        purpose=purpose,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + LIFETIMES[Purpose(purpose)],
        created_by=created_by,
    )
    return link, service_base_url() + reverse(URL_NAMES[Purpose(purpose)], kwargs={"token": token})


def link_for_token(token: str, purpose: str) -> AccountLink | None:
    """The open link with this token and purpose, or None (unknown, used, replaced, expired, or
    the person's account closed): every case looks the same to whoever holds the token."""
    link = (
        AccountLink.objects.select_related("user").filter(token_hash=hash_token(token or ""), purpose=purpose).first()
    )
    if link is None or not link.is_open_at(clock.now()) or not link.user.is_active:
        return None
    return link


def still_open(link_id: int | None, purposes: tuple[str, ...]) -> AccountLink | None:
    """A link remembered in the session, if it is still open."""
    if link_id is None:
        return None
    link = AccountLink.objects.select_related("user").filter(pk=link_id, purpose__in=purposes).first()
    if link is None or not link.is_open_at(clock.now()) or not link.user.is_active:
        return None
    return link


def email_after_commit(*, link: AccountLink, subject: str, body: str) -> None:
    """Send the link's email once the transaction commits; record whether it went."""
    message = Message(recipients=(link.user.email,), subject=subject, body=body, reference=f"account-link-{link.pk}")
    transaction.on_commit(lambda: _send(link.pk, message))


def email_person_after_commit(*, user: User, subject: str, body: str, reference: str) -> None:
    """An email without a link (e.g. "you have been given access"); a failure is logged only."""
    message = Message(recipients=(user.email,), subject=subject, body=body, reference=reference)
    transaction.on_commit(lambda: _send(None, message))


def _send(link_id: int | None, message: Message) -> None:
    try:
        get_notifier().send(message)
    except NotifierError as error:
        # The error names the failure, never an address (perinatal.core.notify).
        logger.warning("Account email %s not sent: %s", message.reference, error)
        if link_id is not None:
            AccountLink.objects.filter(pk=link_id).update(send_problem=str(error)[:200])
    else:
        if link_id is not None:
            AccountLink.objects.filter(pk=link_id).update(sent_at=clock.now(), send_problem="")
