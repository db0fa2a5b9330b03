"""The lock that serialises MOSS runs and reference-rate loads, taken by both.

:mod:`.runs` takes it to store a run (an import and the nightly job at once), and
:mod:`.reference_rates` to store a load (row locks cannot cover a site and period nobody has
loaded yet); one lock for both, so a load never lands in the middle of a run.
"""

from __future__ import annotations

from django.db import connection

_POSTGRES_LOCK_KEY = 0x4D4F5353  # "MOSS": one run at a time


def lock_runs() -> None:
    """Serialise MOSS runs (an import and the nightly job at once): PostgreSQL advisory lock.

    SQLite's IMMEDIATE transactions (settings) already let one writer in at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_POSTGRES_LOCK_KEY])
