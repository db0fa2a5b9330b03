"""Inviting people: the set-up link emailed to someone nominated or approved, and its resend.

docs/rules/accounts.md §1: everyone given a role at a trust who has not yet set up their account
gets a set-up link by email (through the platform's notifier); someone who already has an
account is told they have been given access. The trust's local authoriser can send a new
set-up link at any time before set-up completes; the old one stops working.
"""

from __future__ import annotations

from django.db import transaction

from perinatal.accounts import emails
from perinatal.accounts.models import AccountLink, Membership, User
from perinatal.accounts.roles import Role
from perinatal.accounts.services.links import email_after_commit, email_person_after_commit, issue_link
from perinatal.core import audit
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Organisation


class InvitationRefused(Refused):
    """An invitation that cannot be sent, naming the field it concerns."""


def _role_labels(user: User, trust: Organisation) -> list[str]:
    roles = Membership.objects.current().filter(user=user, organisation=trust).values_list("role", flat=True)
    return [Role(role).label for role in sorted(roles)]


def invite(*, user: User, trust: Organisation, invited_by: User | None) -> AccountLink | None:
    """Tell the person they have access to the trust: with a new set-up link while they have not
    set up their account (returned), otherwise without one. Call inside the granting transaction."""
    labels = _role_labels(user, trust)
    if user.is_set_up:
        subject, body = emails.access_granted(trust_name=trust.display_name, role_labels=labels)
        email_person_after_commit(user=user, subject=subject, body=body, reference=f"access-granted-{user.pk}")
        return None
    link, url = issue_link(user=user, purpose=AccountLink.Purpose.SET_UP, created_by=invited_by)
    subject, body = emails.invitation(
        trust_name=trust.display_name, role_labels=labels, url=url, expires_at=link.expires_at
    )
    email_after_commit(link=link, subject=subject, body=body)
    return link


@transaction.atomic
def resend_invitation(*, user: User, trust: Organisation, by: User, request=None) -> AccountLink:
    """A new set-up link for someone who has not finished setting up; the old link stops working."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_set_up:
        raise InvitationRefused("__all__", "This person has already set up their account: there is nothing to resend")
    if not Membership.objects.active().filter(user=user, organisation=trust).exists():
        raise InvitationRefused("__all__", "This person has no access to the trust to be invited to")
    link = invite(user=user, trust=trust, invited_by=by)
    audit.record(
        action=audit.Action.UPDATE,
        obj=user,
        organisation=trust,
        summary=f"Set-up link sent again to user {user.pk} by user {by.pk}; the previous link no longer works",
        request=request,
        actor=by,
    )
    return link
