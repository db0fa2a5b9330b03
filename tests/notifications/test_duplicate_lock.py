"""Two copies of one event sent at the same moment cannot both miss each other, while
submissions about other mothers and babies of the same trust go on (issue 13: a lock on the
whole trust let one of its submissions through at a time). docs/rules/routing.md §7.2."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from perinatal.notifications.models import Notification
from tests.notifications.factories import another_family, intrapartum_stillbirth, submit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_register"),
]

WAIT = 30  # seconds: a bound on waiting for a thread, not a measure of speed


def _in_thread(document: dict, done: list) -> threading.Thread:
    def run() -> None:
        try:
            done.append(submit(document, idempotency_key=None).state)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_copy_waits_for_the_first_while_other_families_go_on():
    first_document = another_family(intrapartum_stillbirth(), 1)
    release, stored = threading.Event(), threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                submit(first_document)
                stored.set()
                release.wait(WAIT)
        finally:
            connection.close()

    holder = threading.Thread(target=first)
    holder.start()
    assert stored.wait(WAIT)
    other: list = []
    _in_thread(another_family(intrapartum_stillbirth(), 2), other).join(WAIT)
    assert other == [Notification.State.SUBMITTED]  # not held up by the first's open transaction
    copy: list = []
    copy_thread = _in_thread(first_document, copy)
    copy_thread.join(1)
    assert copy == []  # waits for the first to commit
    release.set()
    holder.join(WAIT)
    copy_thread.join(WAIT)
    assert copy == [Notification.State.HELD]  # then sees it: a possible duplicate
