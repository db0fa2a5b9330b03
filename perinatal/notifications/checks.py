"""System checks for delivery: in production every endpoint is HTTPS and has a secret."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from perinatal.notifications import conf


@checks.register(checks.Tags.security)
def delivery_endpoints_are_secure(app_configs=None, **kwargs):
    if not getattr(settings, "PRODUCTION", False):
        return []
    problems = []
    for body, url in conf.endpoints().items():
        if not url.startswith("https://"):
            problems.append(
                checks.Error(
                    f"The delivery endpoint of {body} must be an HTTPS URL in production (it is {url})",
                    hint=f"Set NOTIFICATION_ENDPOINT_{body} to the body's https:// URL.",
                    id="notifications.E001",
                )
            )
        if not conf.secret_for(body):
            problems.append(
                checks.Error(
                    f"The delivery endpoint of {body} has no shared secret",
                    hint=f"Set NOTIFICATION_SECRET_{body}.",
                    id="notifications.E002",
                )
            )
    return problems
