"""Helpers shared by tests: signing in as a demo user with a verified second factor."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from perinatal.accounts.models import User
from perinatal.accounts.roles import Role
from perinatal.accounts.services import get_or_create_user, grant_membership
from perinatal.organisations.models import Organisation


def make_user(role: Role, org_code: str, email: str | None = None) -> User:
    email = email or f"{role.value}.{org_code.lower()}@test.example"
    user, _ = get_or_create_user(email=email, full_name=f"Test {role.label}")
    grant_membership(user=user, organisation=Organisation.objects.get(code=org_code), role=role, granted_by=None)
    return user


def sign_in(client, user: User) -> None:
    """Sign in through Django and mark the session as having passed the second factor."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
