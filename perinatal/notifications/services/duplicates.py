"""Notifications that may be the same event as a document (docs/rules/routing.md §7.1).

The web journey shows them to the reporter before submitting; a submission through the API
that matches one is held for the trust to decide (:mod:`.submission`, :mod:`.held`). Works
on a draft's unvalidated document as well as a submitted one (a field that cannot be read is
not used); twins are not duplicates; a notification discarded as a duplicate or withdrawn in
error is no longer one to match.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q

from perinatal.kernel.london_time import InvalidTimestamp, local_midnight, london_date
from perinatal.kernel.nhs_numbers import InvalidNhsNumber, normalise_nhs_number
from perinatal.notifications.models import Notification
from perinatal.notifications.routing import EventType, parse_timestamp
from perinatal.organisations.models import Organisation

DUPLICATE_BIRTH_WINDOW = timedelta(hours=24)
_POSTGRES_LOCK_CLASS = 0x44555053  # "DUPS": pg_advisory_xact_lock(class, key) of one NHS number


def _nhs_number_or_none(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return normalise_nhs_number(value)
    except InvalidNhsNumber:
        return None


def _instant_or_none(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_timestamp(value.strip())
    except InvalidTimestamp:
        return None


def find_possible_duplicates(
    *, document: dict, trust: Organisation, exclude: Notification | None = None
) -> list[Notification]:
    """Notifications of `trust` that may be the same event as `document` (docs/rules/routing.md §7.1).

    - The same baby: the same baby NHS number, or the mother's NHS number and a birth within
      24 hours. Twins are not duplicates: a different baby NHS number, or a different birth
      time when either notification says multiple birth, is another baby.
    - The same maternal death: the mother's NHS number and the same date of death.
    Works on an unvalidated (draft) document: a field that cannot be read is not used.
    Only `trust`'s notifications are returned (the reporter may only open and amend those).
    """
    if not isinstance(document, dict):
        return []
    mother = document.get("mother") if isinstance(document.get("mother"), dict) else {}
    mother_nhs = _nhs_number_or_none(mother.get("nhs_number"))
    # A discarded duplicate or a notification withdrawn in error stands for no event.
    candidates = Notification.objects.filter(trust=trust).exclude(
        state__in=[Notification.State.DISCARDED, Notification.State.WITHDRAWN]
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found: list[Notification] = []
    if document.get("event") == str(EventType.MATERNAL):
        death = mother.get("death") if isinstance(mother.get("death"), dict) else {}
        died_at = _instant_or_none(death.get("died_at"))
        if mother_nhs and died_at:
            start = local_midnight(london_date(died_at))
            found = list(
                candidates.filter(
                    event=Notification.Event.MATERNAL,
                    mother_nhs_number=mother_nhs,
                    mother_died_at__gte=start,
                    mother_died_at__lt=start + timedelta(days=1),
                ).order_by("created_at", "id")
            )
        return found
    baby = document.get("baby") if isinstance(document.get("baby"), dict) else {}
    baby_nhs = _nhs_number_or_none(baby.get("nhs_number"))
    born_at = _instant_or_none(baby.get("born_at"))
    multiple = baby.get("multiple_birth") is True
    query = Q(pk__in=[])
    if baby_nhs:
        query |= Q(baby_nhs_number=baby_nhs)
    if mother_nhs and born_at:
        query |= Q(
            mother_nhs_number=mother_nhs,
            born_at__gte=born_at - DUPLICATE_BIRTH_WINDOW,
            born_at__lte=born_at + DUPLICATE_BIRTH_WINDOW,
        )
    for candidate in candidates.filter(query, event=Notification.Event.BABY).order_by("created_at", "id"):
        same_baby_number = bool(baby_nhs) and candidate.baby_nhs_number == baby_nhs
        if not same_baby_number:
            if baby_nhs and candidate.baby_nhs_number and candidate.baby_nhs_number != baby_nhs:
                continue  # another baby of the same mother: a twin
            if (multiple or candidate.multiple_birth) and candidate.born_at != born_at:
                continue  # a multiple birth at another time: the other twin
        found.append(candidate)
    return found


def lock_possible_duplicates(*, document: dict, trust: Organisation) -> None:
    """Hold off, until this transaction ends, every other submission that could be the same
    event as `document`, so that two copies sent at the same moment cannot both miss each other
    (docs/rules/routing.md §7.2).

    Two notifications can only match (docs/rules/routing.md §7.1) when they share the baby's
    or the mother's NHS number, so a PostgreSQL transaction lock is taken per NHS number of the
    document in the trust: submissions about other mothers and babies go on at once (issue 13:
    a lock on the whole trust let one of its submissions through at a time), and a document
    with no NHS number can match nothing. Locks are taken in one order, so two submissions
    never wait on each other. SQLite's IMMEDIATE transactions (settings) already let one
    writer in at a time.
    """
    if connection.vendor != "postgresql" or not isinstance(document, dict):
        return
    mother = document.get("mother") if isinstance(document.get("mother"), dict) else {}
    baby = document.get("baby") if isinstance(document.get("baby"), dict) else {}
    numbers = {_nhs_number_or_none(mother.get("nhs_number")), _nhs_number_or_none(baby.get("nhs_number"))} - {None}
    # crc32 into PostgreSQL's int4: two numbers sharing a key only wait on each other, harmlessly.
    keys = sorted({zlib.crc32(f"{trust.pk}:{number}".encode()) - 2**31 for number in numbers})
    if not keys:
        return
    with connection.cursor() as cursor:
        # One round trip: the locks are taken row by row in the array's (sorted) order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, key) FROM unnest(%s::int[]) WITH ORDINALITY AS k(key, n) ORDER BY n",
            [_POSTGRES_LOCK_CLASS, keys],
        )
