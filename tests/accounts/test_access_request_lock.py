"""Requests for access to one trust made at the same moment send its authorisers one email
between them (issue 13): the "already told" check and its mark are one step, on PostgreSQL
with the threads of a production server. docs/rules/accounts.md §6."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from perinatal.accounts.models import AccessRequest
from perinatal.accounts.roles import Role
from perinatal.accounts.services.access_requests import request_access
from perinatal.organisations.models import Organisation

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_register"),
]

WAIT = 30  # seconds: a bound on waiting for a thread, not a measure of speed
OTHERS = 5
AUTHORISER = "hom.r0a@perinatal.example"


def _ask(n: int) -> None:
    request_access(
        full_name=f"Person {n}",
        email=f"person{n}@nhs.example",
        job_title="Midwife",
        trust=Organisation.objects.get(code="R0A"),
        role=Role.REPORTER,
        reason="",
        ip_address=f"10.0.0.{n}",
    )


def _thread(target) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_requests_at_the_same_moment_send_the_authorisers_one_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    release, marked = threading.Event(), threading.Event()

    def first() -> None:
        with transaction.atomic():
            _ask(0)
            marked.set()  # the first has marked itself "told", and not yet committed
            release.wait(WAIT)

    holder = _thread(first)
    assert marked.wait(WAIT)
    others = [_thread(lambda n=n: _ask(n)) for n in range(1, OTHERS + 1)]
    for thread in others:
        thread.join(1)
    assert AccessRequest.objects.filter(email__startswith="person").count() == 0  # they wait for the first
    release.set()
    for thread in (holder, *others):
        thread.join(WAIT)
        assert not thread.is_alive()
    assert AccessRequest.objects.filter(email__startswith="person").count() == OTHERS + 1
    assert AccessRequest.objects.filter(authorisers_told_at__isnull=False).count() == 1
    assert len([m for m in mail.outbox if AUTHORISER in m.to]) == 1
