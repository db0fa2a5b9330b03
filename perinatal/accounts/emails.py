"""The words of the emails the account lifecycle sends (docs/rules/accounts.md §1–§5).

Each function returns a subject and a body for the platform's notifier
(:mod:`perinatal.core.notify`, GOV.UK Notify-ready: one template whose subject and body are
these). An email names the service, the trust and what to do, with the link and when it stops
working; it never carries anything about a patient.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from perinatal.core.formatting import date_and_time

__all__ = [
    "access_already_held",
    "access_granted",
    "invitation",
    "new_authenticator",
    "password_reset",
]

_ASK_AUTHORISER = "ask your Head or Director of Midwifery (your trust's local authoriser) to send you a new one"


def invitation(*, trust_name: str, role_labels: list[str], url: str, expires_at: datetime) -> tuple[str, str]:
    """The set-up link of someone nominated, or whose access request was approved."""
    roles = " and ".join(role_labels)
    subject = f"Set up your account for the {settings.SERVICE_NAME}"
    body = (
        f"You have been given access to the {settings.SERVICE_NAME} at {trust_name} ({roles}).\n\n"
        f"Set up your account (a password and an authenticator app on your phone):\n{url}\n\n"
        f"The link works until {date_and_time(expires_at)}. If it has stopped working, {_ASK_AUTHORISER}.\n\n"
        "If you were not expecting this email, you can ignore it."
    )
    return subject, body


def access_granted(*, trust_name: str, role_labels: list[str]) -> tuple[str, str]:
    """Someone who already has an account is given a role at a trust: no link is needed."""
    roles = " and ".join(role_labels)
    subject = f"Access to {trust_name} on the {settings.SERVICE_NAME}"
    body = (
        f"You have been given access to the {settings.SERVICE_NAME} at {trust_name} ({roles}).\n\n"
        "Sign in with your email address, password and authenticator app as usual."
    )
    return subject, body


def nomination_to_agree(*, trust_name: str) -> tuple[str, str]:
    """Someone who works for another organisation on the service is nominated by a trust."""
    subject = f"{trust_name} has nominated you on the {settings.SERVICE_NAME}"
    body = (
        f"{trust_name} has nominated you for a role on the {settings.SERVICE_NAME}.\n\n"
        "You will have the role only if you agree. Sign in as usual: your home page asks you to agree "
        "or decline.\n\nIf you do not work with this trust, decline it."
    )
    return subject, body


def password_reset(*, url: str, expires_at: datetime) -> tuple[str, str]:
    subject = f"Reset your password for the {settings.SERVICE_NAME}"
    body = (
        f"Someone asked to reset the password of your account on the {settings.SERVICE_NAME}.\n\n"
        f"Choose a new password:\n{url}\n\n"
        f"The link works once, until {date_and_time(expires_at)}. "
        "If you did not ask, you can ignore this email: your password has not changed."
    )
    return subject, body


def new_authenticator(*, url: str, expires_at: datetime) -> tuple[str, str]:
    subject = f"Set up a new authenticator app for the {settings.SERVICE_NAME}"
    body = (
        f"Your trust's local authoriser has reset the authenticator app of your account on the "
        f"{settings.SERVICE_NAME}, so your old app and backup codes no longer work.\n\n"
        f"Set up a new authenticator app (you will need your password):\n{url}\n\n"
        f"The link works until {date_and_time(expires_at)}. If it has stopped working, {_ASK_AUTHORISER}."
    )
    return subject, body


def access_already_held(*, trust_name: str) -> tuple[str, str]:
    """Someone asked for access they already hold: told by email, not on the page (which anyone can fill in)."""
    subject = f"You already have access to {trust_name}"
    body = (
        f"Someone asked for access to the {settings.SERVICE_NAME} at {trust_name} with this email address. "
        "You already have that access, so nothing has changed.\n\n"
        'Sign in as usual. If you have forgotten your password, use "Forgot your password?" on the sign-in page.'
    )
    return subject, body
