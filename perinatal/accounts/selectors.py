"""Reads of people and their access: who is active, and a trust's users for its users page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from perinatal.accounts.models import AccountLink, Membership, NominatedUser, User
from perinatal.accounts.roles import Role
from perinatal.core import clock
from perinatal.organisations.models import Organisation


def active_users() -> QuerySet[User]:
    """People who can sign in now: their account is open and they have finished setting it up.

    Anyone offered as the person to do something (a safety check's owner) is one of these:
    someone invited but not set up could not open the work (docs/rules/accounts.md §1)."""
    return User.objects.filter(is_active=True, set_up_at__isnull=False)


class Status:
    INVITED = "Invited"
    ACTIVE = "Active"
    SUSPENDED = "Suspended"


@dataclass(frozen=True)
class TrustUser:
    """One person on a trust's users page."""

    user: User
    roles: tuple[Role, ...]
    status: str
    invitation: AccountLink | None  # their newest set-up link while invited
    new_authenticator: AccountLink | None  # an open link to set up a new authenticator app

    @property
    def role_labels(self) -> list[str]:
        return [role.label for role in self.roles]

    @property
    def invitation_expired(self) -> bool:
        return self.invitation is not None and self.invitation.expires_at <= clock.now()

    @property
    def invitation_expires_at(self) -> datetime | None:
        return self.invitation.expires_at if self.invitation is not None else None


def _status(user: User, memberships: list[Membership]) -> str:
    if all(m.suspended_at is not None for m in memberships):
        return Status.SUSPENDED
    return Status.ACTIVE if user.is_set_up else Status.INVITED


def trust_users(trust: Organisation, *, user_id: int | None = None) -> list[TrustUser]:
    """The people who hold a role at the trust (suspended ones too), by name."""
    memberships = (
        Membership.objects.current()
        .filter(organisation=trust)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    if user_id is not None:
        memberships = memberships.filter(user_id=user_id)
    by_user: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership)
    links: dict[tuple[int, str], AccountLink] = {}
    for link in AccountLink.objects.filter(
        user_id__in=by_user,
        purpose__in=[AccountLink.Purpose.SET_UP, AccountLink.Purpose.NEW_AUTHENTICATOR],
        used_at__isnull=True,
        cancelled_at__isnull=True,
    ).order_by("created_at", "id"):
        links[(link.user_id, link.purpose)] = link  # the newest wins
    now = clock.now()
    result = []
    for held in by_user.values():
        user = held[0].user
        new_authenticator = links.get((user.pk, AccountLink.Purpose.NEW_AUTHENTICATOR))
        result.append(
            TrustUser(
                user=user,
                roles=tuple(sorted((Role(m.role) for m in held), key=lambda role: role.label)),
                status=_status(user, held),
                invitation=None if user.is_set_up else links.get((user.pk, AccountLink.Purpose.SET_UP)),
                new_authenticator=new_authenticator
                if new_authenticator and new_authenticator.is_open_at(now)
                else None,
            )
        )
    return result


def trust_user(trust: Organisation, user_id: int) -> TrustUser | None:
    found = trust_users(trust, user_id=user_id)
    return found[0] if found else None


def nominations_awaiting(*, user: User):
    """The nominations the person has still to agree to or decline, oldest first."""
    return (
        NominatedUser.objects.filter(user=user, status=NominatedUser.Status.AWAITING_CONSENT)
        .select_related("upload__trust")
        .order_by("upload__uploaded_at", "pk")
    )
