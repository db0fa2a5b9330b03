"""`perinatal setup` as a newcomer runs it: on a fresh database, twice, changing nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PERINATAL = Path(sys.executable).parent / "perinatal"


def _run(env, *args):
    return subprocess.run([str(PERINATAL), *args], env=env, capture_output=True, text=True, timeout=600, check=True)


def _counts(env) -> str:
    code = (
        "from perinatal.organisations.models import *; from perinatal.accounts.models import *;"
        "print(Organisation.objects.count(), TrustParent.objects.count(), Site.objects.count(),"
        " SiteOwnership.objects.count(), User.objects.count(), Membership.objects.count(),"
        " OnboardingPhase.objects.count(), AccessRequest.objects.count())"
    )
    return _run(env, "shell", "-c", code).stdout.strip()


def _check_idempotent(env):
    first = _run(env, "setup", "--demo", "--small", "--print-sign-ins")
    assert "otpauth://totp/" in first.stdout and "backup code:" in first.stdout
    before = _counts(env)
    second = _run(env, "setup", "--demo", "--small")
    assert "0 organisations created, 0 updated, 0 ICB periods added" in second.stdout
    assert _counts(env) == before


def test_setup_on_a_fresh_sqlite_file_is_idempotent(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    _check_idempotent(env)


@pytest.mark.postgres
def test_setup_on_a_fresh_postgresql_database_is_idempotent():
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = "perinatal_setup_check"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        _check_idempotent({**os.environ, "DATABASE_URL": url.rsplit("/", 1)[0] + f"/{name}"})
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
