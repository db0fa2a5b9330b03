"""People and their memberships: find or create a person, grant them a role at an organisation."""

from __future__ import annotations

from perinatal.accounts.models import Membership, User
from perinatal.accounts.roles import Role
from perinatal.core import clock
from perinatal.organisations.models import Organisation


def grant_membership(*, user: User, organisation: Organisation, role: Role, granted_by: User | None) -> Membership:
    """The person's membership with this role at the organisation, granted if they do not hold it.

    A membership held but suspended stays suspended: reinstating is the authoriser's decision
    (:func:`perinatal.accounts.services.users.reinstate_user`), not a side effect of a new list.
    """
    if organisation.kind != role.organisation_kind:
        raise ValueError(f"{role.label} is held at a {role.organisation_kind}, not a {organisation.kind}")
    existing = Membership.objects.current().filter(user=user, organisation=organisation, role=role.value).first()
    if existing:
        return existing
    if not user.is_active:
        # Someone removed earlier (a leaver) who is given access again: their account opens again.
        user.is_active = True
        user.save(update_fields=["is_active"])
    return Membership.objects.create(
        user=user, organisation=organisation, role=role.value, granted_by=granted_by, granted_at=clock.now()
    )


def get_or_create_user(*, email: str, full_name: str) -> tuple[User, bool]:
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user:
        return user, False
    user = User.objects.create_user(email=email, full_name=full_name.strip())
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user, True
