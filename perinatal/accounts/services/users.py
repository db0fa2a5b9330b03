"""A trust's local authoriser manages the trust's users (docs/rules/accounts.md §4, §5): change
their roles, suspend and reinstate them, remove a leaver, and reset a lost second factor.

Who may do what (docs/adr/0022-account-lifecycle.md):

- Only a local authoriser of the trust (or a system admin) manages its users, and never their
  own access: another authoriser of the trust or a system admin does that, so that nobody can
  lock a trust out of its own users page by accident.
- Suspending and removing act on the person's roles at this trust only; a person with no access
  left anywhere can no longer sign in, and their set-up and recovery links stop working.
- Every session of a suspended or removed person ends at once, and the API tokens they issued
  for the trust are revoked — every token they issued, once they have no access left anywhere
  (``PERINATAL_ACCESS_ENDED_HOOKS``).
- A second factor belongs to the person, not the trust: a local authoriser resets it only for
  someone whose every role is at a trust that authoriser authorises. Anyone else (someone who
  also holds a national, regional or other trust's role) is reset by a system admin.

Audit summaries name people by their user id ("user 42"), never by name or email; the event's
actor is the authoriser, so the trail says who did what to whom.
"""

from __future__ import annotations

from django.db import transaction

from perinatal.accounts import emails
from perinatal.accounts.models import AccountLink, Membership, User
from perinatal.accounts.roles import REQUESTABLE_ROLES, Role
from perinatal.accounts.scoping import AUTHORISE_USERS, Scope
from perinatal.accounts.services.access_ended import run_access_ended_hooks
from perinatal.accounts.services.links import cancel_links, email_after_commit, issue_link
from perinatal.accounts.services.memberships import grant_membership
from perinatal.accounts.services.second_factors import remove_second_factors
from perinatal.accounts.services.sessions import end_sessions
from perinatal.core import audit, clock
from perinatal.kernel.refusals import WHOLE_FORM, Refused
from perinatal.organisations.models import Organisation

SET_UP_PURPOSES = (AccountLink.Purpose.SET_UP, AccountLink.Purpose.NEW_AUTHENTICATOR)


class UserChangeRefused(Refused):
    """A change to a person's access that cannot be made, naming the form field it concerns."""


def _require_authoriser(*, trust: Organisation, by: User) -> None:
    if not Scope(by).can_read_trust(trust, AUTHORISE_USERS):
        raise UserChangeRefused(WHOLE_FORM, "Only the trust's local authoriser can change its users")


def _lock_member(*, user: User, trust: Organisation, by: User) -> User:
    _require_authoriser(trust=trust, by=by)
    if user.pk == by.pk:
        raise UserChangeRefused(
            WHOLE_FORM, "You cannot change your own access: ask another local authoriser of the trust or a system admin"
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if not Membership.objects.current().filter(user=user, organisation=trust).exists():
        raise UserChangeRefused(WHOLE_FORM, "This person has no role at the trust")
    return user


def _end_access(*, user: User, trust: Organisation, by: User, request) -> None:
    """Sessions end whatever is left, and the trust's API tokens the person issued are revoked;
    a person with no access anywhere can no longer sign in, and every token they issued is revoked."""
    end_sessions(user=user)
    everywhere = not Membership.objects.active().filter(user=user).exists()
    run_access_ended_hooks(user=user, trust=trust, everywhere=everywhere, by=by, request=request)
    if everywhere:
        user.is_active = False
        user.save(update_fields=["is_active"])
        cancel_links(user=user)


@transaction.atomic
def change_roles(*, user: User, trust: Organisation, roles: set[Role], by: User, request=None) -> None:
    """The person's roles at the trust become exactly `roles` (at least one: removing is separate)."""
    user = _lock_member(user=user, trust=trust, by=by)
    if not roles:
        raise UserChangeRefused("roles", "Select at least one role. To take away all their access, remove them")
    if not set(roles) <= set(REQUESTABLE_ROLES):
        raise UserChangeRefused("roles", "Select roles a trust can give")
    now = clock.now()
    held = {Role(m.role): m for m in Membership.objects.current().filter(user=user, organisation=trust)}
    suspended = any(m.suspended_at is not None for m in held.values())
    for role, membership in held.items():
        if role not in roles:
            membership.revoked_at, membership.revoked_by = now, by
            membership.save(update_fields=["revoked_at", "revoked_by"])
    for role in roles:
        if role not in held:
            membership = grant_membership(user=user, organisation=trust, role=role, granted_by=by)
            if suspended:  # a new role of a suspended person is suspended with the others
                membership.suspended_at, membership.suspended_by = now, by
                membership.save(update_fields=["suspended_at", "suspended_by"])
    before = ", ".join(sorted(r.value for r in held))
    after = ", ".join(sorted(r.value for r in roles))
    audit.record(
        action=audit.Action.UPDATE,
        obj=user,
        organisation=trust,
        summary=f"Roles of user {user.pk} at {trust.code} changed by user {by.pk}: {before} -> {after}",
        request=request,
        actor=by,
    )


@transaction.atomic
def suspend_user(*, user: User, trust: Organisation, by: User, request=None) -> None:
    """No access at this trust until reinstated; their sessions end at once."""
    user = _lock_member(user=user, trust=trust, by=by)
    Membership.objects.active().filter(user=user, organisation=trust).update(suspended_at=clock.now(), suspended_by=by)
    _end_access(user=user, trust=trust, by=by, request=request)
    audit.record(
        action=audit.Action.UPDATE,
        obj=user,
        organisation=trust,
        summary=f"User {user.pk} suspended at {trust.code} by user {by.pk}; their sessions were ended",
        request=request,
        actor=by,
    )


@transaction.atomic
def reinstate_user(*, user: User, trust: Organisation, by: User, request=None) -> None:
    user = _lock_member(user=user, trust=trust, by=by)
    suspended = Membership.objects.current().filter(user=user, organisation=trust, suspended_at__isnull=False)
    if not suspended.exists():
        raise UserChangeRefused(WHOLE_FORM, "This person is not suspended")
    suspended.update(suspended_at=None, suspended_by=None)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    audit.record(
        action=audit.Action.UPDATE,
        obj=user,
        organisation=trust,
        summary=f"User {user.pk} reinstated at {trust.code} by user {by.pk}",
        request=request,
        actor=by,
    )


@transaction.atomic
def remove_user(*, user: User, trust: Organisation, by: User, request=None) -> None:
    """A leaver: every role at the trust ends (kept in the history); their sessions end at once."""
    user = _lock_member(user=user, trust=trust, by=by)
    Membership.objects.current().filter(user=user, organisation=trust).update(revoked_at=clock.now(), revoked_by=by)
    _end_access(user=user, trust=trust, by=by, request=request)
    audit.record(
        action=audit.Action.DELETE,
        obj=user,
        organisation=trust,
        summary=f"User {user.pk} removed from {trust.code} by user {by.pk}; their sessions were ended",
        request=request,
        actor=by,
    )


def may_reset_second_factor(*, user: User, by: User) -> bool:
    """Whether `by` may reset the person's second factor: not their own; a system admin anyone's;
    a local authoriser only someone whose every role is at a trust they authorise."""
    if user.pk == by.pk:
        return False
    allowed = Scope(by).trust_ids(AUTHORISE_USERS)
    if allowed is None:
        return True
    memberships = list(Membership.objects.current().filter(user=user).select_related("organisation"))
    return bool(memberships) and all(
        m.organisation.kind == Organisation.Kind.TRUST and m.organisation_id in allowed for m in memberships
    )


@transaction.atomic
def reset_second_factor(*, user: User, trust: Organisation, by: User, request=None) -> AccountLink:
    """A person who lost their authenticator: their apps and backup codes stop working, their
    sessions end, and they are emailed a link to set up a new app (docs/rules/accounts.md §5)."""
    user = _lock_member(user=user, trust=trust, by=by)
    if not may_reset_second_factor(user=user, by=by):
        raise UserChangeRefused(
            WHOLE_FORM, "This person also has roles outside your trust: ask a system admin to reset their authenticator"
        )
    if not user.is_set_up:
        raise UserChangeRefused(
            WHOLE_FORM, "This person has not set up their account yet: send them a new invitation instead"
        )
    remove_second_factors(user=user)
    end_sessions(user=user)
    link, url = issue_link(user=user, purpose=AccountLink.Purpose.NEW_AUTHENTICATOR, created_by=by)
    subject, body = emails.new_authenticator(url=url, expires_at=link.expires_at)
    email_after_commit(link=link, subject=subject, body=body)
    audit.record(
        action=audit.Action.UPDATE,
        obj=user,
        organisation=trust,
        summary=(
            f"Second factor of user {user.pk} reset by user {by.pk}; "
            "a link to set up a new authenticator app was emailed"
        ),
        request=request,
        actor=by,
    )
    return link
