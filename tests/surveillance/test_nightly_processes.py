"""MOSS runs nightly with nothing but the service's own processes (docs/rules/surveillance.md §1.4,
ADR 0016): two `perinatal scheduler` processes and a `perinatal db_worker`, as a deployment
with two hosts would run them. The night's run happens once: one claim, one nightly MOSS run.
Runs on SQLite, and on PostgreSQL where DATABASE_URL names it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from urllib.parse import urlparse

import psycopg

from tests import processes


def _count(database_url: str, sql: str) -> int:
    if processes.is_postgres(database_url):
        with psycopg.connect(database_url, autocommit=True) as db:
            return db.execute(sql).fetchone()[0]
    with sqlite3.connect(urlparse(database_url).path) as db:
        return db.execute(sql).fetchone()[0]


def _wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def test_two_schedulers_and_a_worker_run_the_nightly_moss_once(tmp_path):
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    database_url = processes.fresh_database_url(tmp_path, f"perinatal_nightly_{worker_id}")
    # 03:00 London: tonight's 02:15 occurrence is due and has not run.
    env = processes.service_env(database_url=database_url, port=processes.free_port(), PERINATAL_NOW="2026-11-27T03:00")
    log_path = tmp_path / "processes.log"
    log = open(log_path, "w")
    running: list[subprocess.Popen] = []
    try:
        processes.manage(env, "setup")
        running += [processes.start_scheduler(env, log) for _ in range(2)]
        running.append(processes.start_worker(env, log))
        nightly = "SELECT count(*) FROM surveillance_mossrun WHERE trigger = 'nightly'"
        _wait_for(lambda: _count(database_url, nightly) >= 1, timeout=90, what="the nightly MOSS run")
        time.sleep(3)  # both schedulers check several more times
        assert _count(database_url, nightly) == 1
        assert _count(database_url, "SELECT count(*) FROM core_scheduledjobrun WHERE job = 'moss-nightly'") == 1
        assert _count(database_url, "SELECT count(*) FROM core_scheduledjobrun WHERE occurrence = '2026-11-27'") == 1
    except BaseException:
        log.flush()
        print(log_path.read_text())
        raise
    finally:
        processes.stop(*running)
        log.close()
        processes.drop_database(database_url)
