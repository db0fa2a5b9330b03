"""Setting up an account from an emailed link (docs/rules/accounts.md §2): a password, then an
authenticator app, then backup codes. The same steps set up a new authenticator after a reset.

The link works until set-up completes: a wrong authenticator code is an error on the code, the
right code afterwards works, and coming back to the link later starts again where it makes sense.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from perinatal.accounts.models import AccountLink, User
from perinatal.accounts.services.links import cancel_links
from perinatal.accounts.services.second_factors import create_backup_codes, enrolment_device, verify_enrolment_code
from perinatal.core import audit, clock
from perinatal.kernel.refusals import WHOLE_FORM, Refused

SET_UP_PURPOSES = (AccountLink.Purpose.SET_UP, AccountLink.Purpose.NEW_AUTHENTICATOR)
LINK_STOPPED = "This link has stopped working. Ask your trust's local authoriser to send you a new one"


class SetUpRefused(Refused):
    """A set-up step that cannot be completed, naming the form field it concerns."""


def _lock_open(link: AccountLink, purposes: tuple[str, ...]) -> AccountLink:
    link = AccountLink.objects.select_for_update().select_related("user").get(pk=link.pk)
    if link.purpose not in purposes or not link.is_open_at(clock.now()) or not link.user.is_active:
        raise SetUpRefused(WHOLE_FORM, LINK_STOPPED)
    return link


@transaction.atomic
def choose_password(*, link: AccountLink, password: str, request=None) -> User:
    """Step 1 of set-up: the person's password. The link keeps working (it is used up only when
    set-up completes), so a person who stops here can come back to it."""
    link = _lock_open(link, (AccountLink.Purpose.SET_UP,))
    user = link.user
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise SetUpRefused("password", " ".join(error.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        action=audit.Action.UPDATE,
        obj=user,
        summary=f"User {user.pk} chose a password while setting up their account",
        request=request,
        actor=user,
    )
    return user


def device_being_set_up(link: AccountLink) -> TOTPDevice:
    return enrolment_device(user=link.user)


@transaction.atomic
def confirm_authenticator(*, link: AccountLink, code: str, request=None) -> tuple[TOTPDevice, list[str]]:
    """Step 2: the code the new app shows. A wrong code changes nothing (the link and the app
    being set up stay as they were); the right one confirms the app, replaces any older app and
    backup codes, uses up the link and marks the account set up. Returns the app and new backup codes."""
    link = _lock_open(link, SET_UP_PURPOSES)
    user = link.user
    if link.purpose == AccountLink.Purpose.SET_UP and not user.has_usable_password():
        raise SetUpRefused(WHOLE_FORM, "Create a password first: open the link in your email again")
    device = enrolment_device(user=user)
    if not verify_enrolment_code(device=device, code=code):
        raise SetUpRefused(
            "code", "The code is not the one your authenticator app shows now. Enter the 6-digit code it shows"
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = create_backup_codes(user=user)
    now = clock.now()
    link.used_at = now
    link.save(update_fields=["used_at"])
    cancel_links(user=user, purposes=SET_UP_PURPOSES)
    first_time = user.set_up_at is None
    if first_time:
        user.set_up_at = now
        user.save(update_fields=["set_up_at"])
    audit.record(
        action=audit.Action.UPDATE,
        obj=user,
        summary=(
            f"User {user.pk} finished setting up their account"
            if first_time
            else f"User {user.pk} set up a new authenticator app"
        ),
        request=request,
        actor=user,
    )
    return device, codes


def open_set_up_link(user: User) -> AccountLink | None:
    """The person's newest set-up or new-authenticator link that still works (for sign-in with a
    password before the authenticator was confirmed: back to set-up, never a code prompt)."""
    now = clock.now()
    for link in AccountLink.objects.filter(
        user=user, purpose__in=SET_UP_PURPOSES, used_at__isnull=True, cancelled_at__isnull=True
    ).order_by("-created_at", "-id"):
        if link.is_open_at(now):
            return link
    return None


@transaction.atomic
def mark_set_up_by_identity_provider(*, user: User, request=None) -> None:
    """Someone who signs in through NHS CIS2 (docs/oidc.md) needs no password or app of ours: their
    first sign-in completes their set-up, and their set-up link is no longer needed."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.set_up_at is not None:
        return
    user.set_up_at = clock.now()
    user.save(update_fields=["set_up_at"])
    cancel_links(user=user, purposes=(AccountLink.Purpose.SET_UP,))
    audit.record(
        action=audit.Action.UPDATE,
        obj=user,
        summary=f"User {user.pk} finished setting up their account by signing in with their NHS Care Identity",
        request=request,
        actor=user,
    )
