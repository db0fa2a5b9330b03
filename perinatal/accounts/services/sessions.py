"""The sessions a person is signed in with, and ending them all at once (docs/rules/accounts.md §4).

Two locks, either of which ends a session: the stored session is deleted from the session store,
and the person's session generation is raised, which the sign-in middleware compares with the
generation the session was signed in under (a session the store missed, or one signed in
before sessions were recorded, ends on its next request).
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db.models import F

from perinatal.accounts.models import SignedInSession, User
from perinatal.core import clock

#: The session key holding the generation a session was signed in under.
SESSION_GENERATION_KEY = "account_session_generation"


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def record_sign_in(*, user: User, session) -> None:
    """Remember the session a person has just signed in with (called on every sign-in)."""
    session[SESSION_GENERATION_KEY] = user.session_generation
    if session.session_key is None:
        session.save()
    store = _store()
    # Forget sessions of this person that have ended on their own (expired or signed out).
    for old in SignedInSession.objects.filter(user=user).exclude(session_key=session.session_key):
        if not store().exists(old.session_key):
            old.delete()
    SignedInSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user": user, "signed_in_at": clock.now()}
    )


def forget_session(*, session_key: str | None) -> None:
    """A session signed out: nothing left to end."""
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).delete()


def end_sessions(*, user: User) -> int:
    """End every session of the person at once. Returns how many stored sessions were deleted."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    store = _store()
    keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    SignedInSession.objects.filter(user=user).delete()
    return len(keys)


def session_is_current(*, user: User, session) -> bool:
    """Whether the session was signed in under the person's current generation."""
    return session.get(SESSION_GENERATION_KEY, 0) == user.session_generation
