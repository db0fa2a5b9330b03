"""System checks: configuration that must stop a deploy (``perinatal check``, and every
management command and the server at start), not fail at 02:15 on the first night."""

from __future__ import annotations

from contextlib import contextmanager

from django.core import checks
from django.core.checks.registry import registry

from perinatal.core.scheduler import check_daily_jobs


@contextmanager
def _url_checks_set_aside():
    """Django runs either every check or those with one of some tags, which would skip every
    check registered without a tag (this module's own, django-tasks' settings): so the URL
    configuration's checks are taken out of the registry for the moment of checking instead."""
    set_aside = {check for check in registry.registered_checks if checks.Tags.urls in getattr(check, "tags", ())}
    registry.registered_checks -= set_aside
    try:
        yield
    finally:
        registry.registered_checks |= set_aside


class AllButUrlChecks:
    """A management command that serves no page runs every system check but the URL
    configuration's, which imports every view, the API and its schema (about 1 s of each start,
    issue 13). Put it before BaseCommand in the command's bases."""

    def check(self, *args, **kwargs):
        with _url_checks_set_aside():
            return super().check(*args, **kwargs)


@checks.register()
def daily_jobs_are_valid(app_configs, **kwargs):
    return [
        checks.Error(
            problem, hint="Fix PERINATAL_DAILY_JOBS (MOSS_NIGHTLY_AT is a time like 02:15).", id="perinatal.E001"
        )
        for problem in check_daily_jobs()
    ]


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}


@checks.register(checks.Tags.security)
def service_base_url_is_public(app_configs, **kwargs):
    """Links in emails (invitations, signal notices, set-up links) are built on SERVICE_BASE_URL:
    left at its demo default in production, every link in every email points at the reader's
    own computer."""
    from urllib.parse import urlsplit

    from django.conf import settings

    from perinatal.core.notify import service_base_url

    if not getattr(settings, "PRODUCTION", False):
        return []
    url = service_base_url()
    host = (urlsplit(url).hostname or "").lower()
    if host in LOOPBACK_HOSTS or host.startswith("127."):
        return [
            checks.Error(
                f"SERVICE_BASE_URL is {url!r} in production: links in emails would point at the reader's own computer.",
                hint="Set SERVICE_BASE_URL to the service's public https:// address.",
                id="perinatal.E002",
            )
        ]
    return []
