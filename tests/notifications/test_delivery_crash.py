"""Nothing is lost, nothing arrives twice (issue 3, "Done when"), on PostgreSQL.

The real service runs as processes: `perinatal runserver` (the API and each body's receiving
inbox) and `perinatal db_worker`. 240 notifications are submitted through the API while MNSI's
endpoint is down; the worker is killed with SIGKILL in the middle of delivering; more
notifications arrive while no worker runs; a new worker starts, MNSI's endpoint comes back,
and then every delivery must have reached its body exactly once, counted on the receiving side.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests import processes
from tests.notifications.factories import (
    another_family,
    brain_injury_event,
    intrapartum_stillbirth,
    maternal_event,
    neonatal_death,
)

pytestmark = pytest.mark.postgres

NOTIFICATIONS = 240
KILL_AFTER_RECEIVED = 60
DOCUMENTS = [intrapartum_stillbirth, neonatal_death, brain_injury_event, maternal_event]
FAST_RETRIES = {
    "NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
    "NOTIFICATION_RETRY_MAX_SECONDS": "2",
    "NOTIFICATION_MAX_ATTEMPTS": "1000",
    "NOTIFICATION_DELIVERY_LEASE_SECONDS": "3",
    "NOTIFICATION_SWEEP_SECONDS": "1",
}


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


class Api:
    def __init__(self, base_url: str, token: str):
        self.base_url, self.token = base_url, token

    def submit(self, document: dict, key: str | None) -> int:
        request = urllib.request.Request(
            self.base_url + "/api/v1/notifications",
            data=json.dumps(document).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                **({"Idempotency-Key": key} if key else {}),
            },
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def test_every_notification_reaches_each_body_exactly_once_despite_a_killed_worker_and_an_outage(tmp_path):
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    database_url = processes.fresh_database_url(tmp_path, f"perinatal_crash_{worker_id}")
    port = processes.free_port()
    env = processes.service_env(database_url=database_url, port=port, **FAST_RETRIES)
    log_path = tmp_path / "service.log"
    log = open(log_path, "w")
    running = []
    try:
        processes.manage(env, "setup", "--demo", "--small")
        token = processes.manage(env, "issue_api_token", "R0A", "crash test").stdout.strip()
        processes.manage(env, "receiving_outage", "MNSI", "on")
        server = processes.start_server(env, port, log)
        running.append(server)
        processes.wait_until_healthy(f"http://127.0.0.1:{port}", log_path=log_path, processes=[server])
        first_worker = processes.start_worker(env, log, interval="0.1")
        running.append(first_worker)
        api = Api(f"http://127.0.0.1:{port}", token)
        db = psycopg.connect(database_url, autocommit=True)

        def count(sql: str) -> int:
            return db.execute(sql).fetchone()[0]

        statuses: list[int] = []

        def submit_all():
            with ThreadPoolExecutor(max_workers=4) as pool:
                statuses.extend(
                    pool.map(
                        # Each about another family: none is held as a possible duplicate.
                        lambda i: api.submit(another_family(DOCUMENTS[i % len(DOCUMENTS)](), i), key=f"crash-{i}"),
                        range(NOTIFICATIONS),
                    )
                )

        submitting = threading.Thread(target=submit_all)
        submitting.start()
        # Kill the worker in the middle of delivering: some bodies have received, most have not.
        wait_for(
            lambda: count("SELECT count(*) FROM notifications_receivednotification") >= KILL_AFTER_RECEIVED,
            timeout=120,
            what="the first deliveries",
        )
        first_worker.send_signal(signal.SIGKILL)
        first_worker.wait(timeout=10)
        submitting.join(timeout=300)
        assert statuses.count(201) == NOTIFICATIONS, sorted(set(statuses))

        # The same Idempotency-Key sent four times at once makes one notification.
        with ThreadPoolExecutor(max_workers=4) as pool:
            race = list(pool.map(lambda _: api.submit(intrapartum_stillbirth(), key="race"), range(4)))
        assert sorted(race) == [200, 200, 200, 201]
        assert count("SELECT count(*) FROM notifications_notification") == NOTIFICATIONS + 1
        # The same event sent three times at once without keys: the trust's row lock lets one
        # through and holds the others as possible duplicates (docs/rules/routing.md §7.2).
        twice_more = another_family(neonatal_death(), NOTIFICATIONS)
        with ThreadPoolExecutor(max_workers=3) as pool:
            copies = list(pool.map(lambda _: api.submit(twice_more, key=None), range(3)))
        assert sorted(copies) == [201, 202, 202]
        assert count("SELECT count(*) FROM notifications_notification WHERE state = 'held'") == 2

        queued = count("SELECT count(*) FROM notifications_delivery WHERE status = 'queued'")
        received_before = count("SELECT count(*) FROM notifications_receivednotification")
        assert 0 < received_before and queued > 0, (received_before, queued)
        # MNSI's endpoint was down: its deliveries were tried and refused with 503.
        assert count("SELECT count(*) FROM notifications_delivery WHERE body = 'MNSI' AND last_error LIKE '%503%'") > 0
        assert count("SELECT count(*) FROM notifications_receivednotification WHERE body = 'MNSI'") == 0

        second_worker = processes.start_worker(env, log, interval="0.1")
        running.append(second_worker)
        time.sleep(3)  # MNSI stays down for a while after the restart
        processes.manage(env, "receiving_outage", "MNSI", "off")
        wait_for(
            lambda: count("SELECT count(*) FROM notifications_delivery WHERE status <> 'sent'") == 0,
            timeout=240,
            what="every delivery to be sent",
            interval=0.5,
        )

        deliveries = count("SELECT count(*) FROM notifications_delivery")
        # Every delivery arrived, once, at the body it was meant for: counted on the receiving side.
        assert count("SELECT count(*) FROM notifications_receivednotification") == deliveries
        assert (
            count("""SELECT count(*) FROM notifications_delivery d JOIN notifications_receivednotification r
                        ON r.body = d.body AND r.idempotency_key = d.idempotency_key""")
            == deliveries
        )
        per_body = dict(db.execute("SELECT body, count(*) FROM notifications_receivednotification GROUP BY body"))
        # 60 of each document: stillbirth (MBRRACE-UK, MNSI), neonatal death (MBRRACE-UK), brain injury
        # (MNSI, NHS Resolution), maternal death at 19 days (MBRRACE-UK, MNSI); plus the race's stillbirth
        # and the one neonatal death of the three copies sent at once (the two held are sent nowhere).
        assert per_body == {"MBRRACE_UK": 182, "MNSI": 181, "NHSR_EN": 60}
        # Each notification reached each of its destinations.
        assert (
            count("""SELECT count(*) FROM notifications_bodycase c WHERE NOT EXISTS (
                          SELECT 1 FROM notifications_receivednotification r
                          WHERE r.body = c.body AND r.idempotency_key LIKE
                            (SELECT reference FROM notifications_notification n
                             WHERE n.id = c.notification_id) || '-v1-%')
                     """)
            == 0
        )
        db.close()
    finally:
        processes.stop(*running)
        log.close()
        processes.drop_database(database_url)
