"""Getting back in: "Forgot your password?" by email (docs/rules/accounts.md §3).

The page says the same whether or not the address has an account; the email goes only to an
active account that has been set up. Requests are throttled per address and per network
address (services/throttle.py).
"""

from __future__ import annotations

from axes.utils import reset as reset_sign_in_lockout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from perinatal.accounts import emails
from perinatal.accounts.models import AccountLink, ThrottledRequest, User
from perinatal.accounts.services.links import cancel_links, email_after_commit, issue_link
from perinatal.accounts.services.sessions import end_sessions
from perinatal.accounts.services.throttle import Throttle
from perinatal.core import audit, clock
from perinatal.kernel.refusals import WHOLE_FORM, Refused

#: docs/rules/accounts.md §3: at most this many requests an hour for one address, and from one
#: network address (a hospital's staff may share one, hence the higher figure).
REQUESTS_PER_ADDRESS = 3
REQUESTS_PER_NETWORK_ADDRESS = 30
THROTTLE = Throttle(
    purpose=ThrottledRequest.PASSWORD_RESET,
    per_address=REQUESTS_PER_ADDRESS,
    per_network_address=REQUESTS_PER_NETWORK_ADDRESS,
)


class PasswordResetRefused(Refused):
    """A password reset that cannot be made, naming the field it concerns."""


class TooManyResetRequests(PasswordResetRefused):
    """Asked too often: wait an hour."""


@transaction.atomic
def request_password_reset(*, email: str, ip_address: str | None, request=None) -> None:
    """Email a reset link if the address belongs to an active, set-up account; otherwise do
    nothing. Raises :class:`TooManyResetRequests` (for any address alike) when throttled."""
    email = email.strip().lower()
    if not THROTTLE.allow(ip_address=ip_address, email=email):
        raise TooManyResetRequests(
            "email", "You have asked for too many password reset links. Wait 1 hour, then try again"
        )
    user = User.objects.filter(email=email, is_active=True, set_up_at__isnull=False).first()
    if user is None:
        return
    link, url = issue_link(user=user, purpose=AccountLink.Purpose.PASSWORD_RESET, created_by=None)
    subject, body = emails.password_reset(url=url, expires_at=link.expires_at)
    email_after_commit(link=link, subject=subject, body=body)
    audit.record(
        action=audit.Action.CREATE,
        obj=link,
        summary=f"Password reset link emailed to user {user.pk} at their request",
        request=request,
        actor=None,
    )


@transaction.atomic
def reset_password(*, link: AccountLink, password: str, request=None) -> User:
    """Set the new password from a reset link: the link is used up, every session of the person
    ends, and a sign-in lockout on their address is lifted (they have just proved who they are)."""
    link = AccountLink.objects.select_for_update().select_related("user").get(pk=link.pk)
    if link.purpose != AccountLink.Purpose.PASSWORD_RESET or not link.is_open_at(clock.now()):
        raise PasswordResetRefused(WHOLE_FORM, "This link has stopped working: ask for a new one")
    user = link.user
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise PasswordResetRefused("password", " ".join(error.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    link.used_at = clock.now()
    link.save(update_fields=["used_at"])
    cancel_links(user=user, purposes=(AccountLink.Purpose.PASSWORD_RESET,))
    end_sessions(user=user)
    reset_sign_in_lockout(username=user.email)
    audit.record(
        action=audit.Action.UPDATE,
        obj=user,
        summary=f"Password of user {user.pk} reset from an emailed link; their sessions were ended",
        request=request,
        actor=user,
    )
    return user
