"""Reading the links the account lifecycle emails, from Django's test outbox."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.core import mail

LINK = re.compile(r"https?://\S+?/account/(?:setup|reset-password|new-authenticator)/[\w-]+/")


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def last_link_to(address: str, kind: str) -> str:
    """The path of the newest emailed link of this kind ("setup", "reset-password", "new-authenticator")."""
    for message in reversed(emails_to(address)):
        for url in LINK.findall(message.body):
            if f"/account/{kind}/" in url:
                return urlparse(url).path
    raise AssertionError(f"no {kind} link emailed to {address}")
