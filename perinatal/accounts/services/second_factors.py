"""Second factors: authenticator apps (TOTP) and one-time backup codes."""

from __future__ import annotations

import math
import secrets

from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from perinatal.accounts.models import User

#: An authenticator app shows 6 digits; backup codes have 8 (create_backup_codes).
TOTP_DIGITS = 6


def create_totp_device(*, user: User, confirmed: bool, name: str = "Authenticator app") -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=name, confirmed=confirmed)


def create_backup_codes(*, user: User, count: int = 5) -> list[str]:
    """Replace the user's static backup codes; each works once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(count)]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return codes


def has_second_factor(user: User) -> bool:
    """Whether the person has a confirmed authenticator app or a backup code left to sign in with."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def remove_second_factors(*, user: User) -> None:
    """Every authenticator app and backup code of the person stops working."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def enrolment_device(*, user: User) -> TOTPDevice:
    """The authenticator the person is setting up: the same one on every visit, so that an app
    that has already scanned its QR code keeps working when they come back to the page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or create_totp_device(user=user, confirmed=False)


def match_second_factor(*, user: User, code: str):
    """The device the code belongs to, or None.

    A code is tried only on the kind of device its length says it is for: django-otp's
    ``match_token`` tries every device, so a backup code would first count as a wrong
    authenticator code and start the authenticator's throttle.
    """
    if len(code) == TOTP_DIGITS:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    return next((device for device in devices if device.verify_token(code)), None)


def second_factor_wait_seconds(*, user: User) -> int:
    """Seconds before the user's authenticator may be tried again (0: now).

    django-otp doubles the wait after each wrong code to stop guessing; while it waits,
    even the right code is refused, so the page must say "wait", not "wrong code".
    """
    waits = []
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            # django-otp times its throttle by the real clock, not the service clock.
            waits.append((details["locked_until"] - timezone.now()).total_seconds())
    return max(0, math.ceil(max(waits, default=0)))


def verify_enrolment_code(*, device: TOTPDevice, code: str) -> bool:
    """Whether the code is the one the app being set up shows now.

    Set-up is not throttled: the page shows the app's key, so slowing guesses would protect
    nothing, and the throttle would refuse the right code typed just after a wrong one
    (docs/rules/accounts.md §2). Replays are still refused (django-otp keeps the last step).
    """
    device.throttle_reset(commit=False)
    return device.verify_token(code)
