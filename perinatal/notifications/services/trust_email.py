"""Telling a trust's reporters by email that a body acknowledged a notification or asked about it.

The trust's local authorisers and the notification's reporter hear after the transaction
commits. No identifiable data: the reference and a link only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from perinatal.accounts.models import Membership
from perinatal.accounts.roles import Role
from perinatal.notifications.models import Notification


def _reporters_to_tell(notification: Notification) -> list[str]:
    emails = set(
        Membership.objects.active()
        .filter(organisation=notification.trust, role=Role.LOCAL_AUTHORISER.value)
        .values_list("user__email", flat=True)
    )
    if notification.created_by is not None and notification.created_by.is_active:
        emails.add(notification.created_by.email)
    return sorted(emails)


def tell_trust(notification: Notification, *, subject: str, message: str) -> None:
    recipients = _reporters_to_tell(notification)
    if not recipients:
        return
    # No identifiable data: the reference and a link only.
    text = f"{message}\n\nSign in to the {settings.SERVICE_NAME} and open notification {notification.reference}."
    transaction.on_commit(
        lambda: send_mail(
            subject=subject,
            message=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
            fail_silently=True,
        )
    )
