"""Account set-up links sent to newly approved or nominated users.

A link carries Django's password-reset token, so it stops working once the password is
set or after PASSWORD_RESET_TIMEOUT (3 days by default).
"""

from __future__ import annotations

import os

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from perinatal.accounts.models import User

BASE_URL = os.environ.get("SERVICE_BASE_URL", "http://127.0.0.1:8000")


def setup_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:setup", kwargs={"uid": uid, "token": default_token_generator.make_token(user)})


def setup_link(user: User) -> str:
    return BASE_URL + setup_path(user)


def user_for_link(uid: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uid).decode()))
    except (ValueError, TypeError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None
