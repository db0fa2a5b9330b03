"""Which database the page and platform benchmarks time: not a benchmark itself (no `run`).

DATABASE_URL's database when it holds births (after `make run`); otherwise the national
data the dashboard benchmark imported and kept on the same PostgreSQL server, brought up
to the code's schema first, so that `make bench` alone times every figure on 1.6 million
births without any set-up of its own.
"""

from __future__ import annotations


def has_births() -> bool:
    from django.db import connection

    from perinatal.dashboard.models import BirthRecord

    return BirthRecord._meta.db_table in connection.introspection.table_names() and BirthRecord.objects.exists()


def use_national_database() -> bool:
    """True when the default connection now points at a database holding births."""
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.dashboard import BENCH_DATABASE

    if has_births():
        return True
    if connection.vendor != "postgresql" or connection.settings_dict["NAME"] == BENCH_DATABASE:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
        if cursor.fetchone() is None:
            return False
    connection.close()
    connection.settings_dict["NAME"] = BENCH_DATABASE
    # The kept database may predate this checkout's migrations.
    call_command("migrate", verbosity=0)
    print(f"  (DATABASE_URL holds no births: using the dashboard benchmark's database {BENCH_DATABASE})", flush=True)
    return has_births()
