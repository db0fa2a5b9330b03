"""Who is told about something at a trust: its service contact and its local authorisers.

One rule for every notice the platform sends a trust (a new MOSS signal,
docs/rules/surveillance.md §1.4; when its sites are due to join the equity programme,
docs/rules/equity.md §3): the email in the trust's account details and the emails of its
active local authorisers (the Head or Director of Midwifery), deduplicated, in a stable order.
"""

from __future__ import annotations

from perinatal.accounts.models import Membership
from perinatal.accounts.roles import Role
from perinatal.organisations.models import AccountDetails, Organisation


def contact_emails(trust: Organisation) -> list[str]:
    """The trust's account details email and its local authorisers' emails (deduplicated)."""
    emails = []
    details = AccountDetails.objects.filter(trust=trust).first()
    if details is not None and details.email:
        emails.append(details.email.lower())
    authorisers = (
        Membership.objects.active()
        .filter(organisation=trust, role=Role.LOCAL_AUTHORISER.value, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    emails += [membership.user.email.lower() for membership in authorisers]
    return list(dict.fromkeys(email for email in emails if email))
