"""The throttle of the forms anyone may send: "Forgot your password?" (docs/rules/accounts.md §3) and
"Request access" (docs/rules/accounts.md §6).

Each request allowed is kept for a day (`ThrottledRequest`: its purpose, a keyed hash of the
address asked about, the network address it came from) and counted over the last hour.
Counted in real time like the sign-in lockout (django-axes) and the authenticator's
throttle: a lockout is a guard against guessing, not a rule about dates.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from perinatal.accounts.models import ThrottledRequest

THROTTLE_WINDOW = timedelta(hours=1)
KEPT_FOR = timedelta(days=1)


def email_digest(email: str, *, purpose: str) -> str:
    """A keyed hash of the address: the throttle counts requests without keeping addresses."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:".encode() + email.strip().lower().encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Throttle:
    """At most `per_address` requests an hour about one address (None: not counted), and
    `per_network_address` from one network address."""

    purpose: str
    per_address: int | None
    per_network_address: int

    def allow(self, *, ip_address: str | None, email: str = "") -> bool:
        """Keep this request and say True; over either limit, keep nothing and say False."""
        now = timezone.now()  # real time: a throttle, like the sign-in lockout
        ThrottledRequest.objects.filter(requested_at__lt=now - KEPT_FOR).delete()
        recent = ThrottledRequest.objects.filter(purpose=self.purpose, requested_at__gte=now - THROTTLE_WINDOW)
        digest = email_digest(email, purpose=self.purpose) if self.per_address is not None else ""
        if self.per_address is not None and recent.filter(email_digest=digest).count() >= self.per_address:
            return False
        if ip_address and recent.filter(ip_address=ip_address).count() >= self.per_network_address:
            return False
        ThrottledRequest.objects.create(
            purpose=self.purpose, requested_at=now, email_digest=digest, ip_address=ip_address
        )
        return True
