"""Notification API benchmark (issues 3 and 13): submissions per second and p50/p95 latency of
`POST /api/v1/notifications` with 20 concurrent clients on loopback for a few seconds, beside
the same figures for a trivial view (`GET /healthz`, one `SELECT 1`) on the same server in the
same run, and the submission's throughput as a share of the trivial view's.

The service runs as production runs it (`perinatal setup --demo --small` on a fresh
PostgreSQL database of its own on DATABASE_URL's server, dropped afterwards, then
`perinatal serve`: gunicorn sized to the machine), so the figures include the production
server; the trivial view is the baseline that shows what the server itself costs. Each
submission is another mother and baby (NHS numbers in the range reserved for testing, each
used once), so the duplicate search runs as it does for real and every answer is 201. The
clients run in this process on the same cores, which the figures also include.

Issue 13's target: submission p95 under 150 ms and at least 40% of the trivial view's
throughput; each run says whether it is met. Both are then measured again with one client: the
latency a trust's system or a midwife sees when nobody else is submitting at that moment, which
is nearly always (docs/adr/0025-submissions-answered-at-once.md). `BENCH_SECONDS` sets each
measurement's length.
"""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import json
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks._figures import percentile
from benchmarks._service import nhs_numbers, notification_document

CLIENTS = 20
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_P95_SECONDS = 0.150
TARGET_SHARE = 0.40
# Births 17 minutes apart from here stay clear of the clocks changing for MOST_SUBMISSIONS.
FIRST_BIRTH = dt.datetime(2025, 11, 1, 1, 0)
MOST_SUBMISSIONS = 6000


def _document(numbers: list[str], index: int) -> dict:
    """Another mother and baby for each index below MOST_SUBMISSIONS (a possible duplicate of
    no other): `numbers` holds two NHS numbers for each."""
    born_at = FIRST_BIRTH + dt.timedelta(minutes=17 * index)
    return notification_document(numbers[2 * index], numbers[2 * index + 1], born_at=born_at.strftime("%Y-%m-%dT%H:%M"))


def _load(
    port: int,
    make_request,
    seconds: float,
    *,
    first: int = 0,
    most: int = MOST_SUBMISSIONS,
    clients: int = CLIENTS,
) -> tuple[float, list[float], int]:
    """`clients` keep-alive connections sending requests one after another for `seconds`,
    numbered from `first` and below `most`; (elapsed, latencies, failures)."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    indexes = itertools.count(first)
    deadline = time.perf_counter() + seconds

    def client() -> None:
        nonlocal failures
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < deadline:
            index = next(indexes)
            if index >= most:
                break
            method, path, body, headers, expected = make_request(index)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == expected
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                failures += 0 if ok else 1
        conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    return time.perf_counter() - started, latencies, failures


def run(*, report) -> None:
    from tests import processes

    base = os.environ.get("DATABASE_URL", "")
    if not processes.is_postgres(base):
        os.environ["DATABASE_URL"] = DEFAULT_PG
    tmp = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    # A database of this run's own: two runs at once (two engineers on one machine) never meet.
    url = processes.fresh_database_url(tmp, f"perinatal_bench_notifications_{os.getpid()}")
    port = processes.free_port()
    env = processes.service_env(database_url=url, port=port, AXES_FAILURE_LIMIT="1000")
    try:
        processes.manage(env, "setup", "--demo", "--small")
        token = processes.manage(env, "issue_api_token", "R0A", "benchmark").stdout.strip()
        log_path = tmp / "server.log"
        with open(log_path, "w") as log:
            server = processes.start_server(env, port, log, workers=None)
            try:
                processes.wait_until_healthy(f"http://127.0.0.1:{port}", log_path=log_path, processes=[server])
                trivial = lambda i: ("GET", "/healthz", None, {}, 200)  # noqa: E731
                numbers = list(itertools.islice(nhs_numbers(), 2 * MOST_SUBMISSIONS))
                post_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

                def submit(i: int):
                    headers = {**post_headers, "Idempotency-Key": f"bench-{i}"}
                    return "POST", "/api/v1/notifications", json.dumps(_document(numbers, i)), headers, 201

                # Warm-up: every worker's connections and imports, for both paths.
                _load(port, trivial, 1.0)
                _, warm, _ = _load(port, submit, 1.0, most=MOST_SUBMISSIONS // 2)
                figures = {}
                used = len(warm) + 1
                for clients in (CLIENTS, 1):
                    for path, maker in (("trivial view GET /healthz", trivial), ("POST /api/v1/notifications", submit)):
                        name = f"{path} ({clients} client{'s' if clients > 1 else ''})"
                        first = used if maker is submit else 0
                        elapsed, latencies, failures = _load(port, maker, SECONDS, first=first, clients=clients)
                        used += len(latencies) if maker is submit else 0
                        figures[path, clients] = (len(latencies) / elapsed, percentile(latencies, 0.95), failures)
                        rate, p95, _ = figures[path, clients]
                        baseline = figures["trivial view GET /healthz", clients][0]
                        share = "" if maker is trivial else f", {rate / baseline:.0%} of the trivial view's throughput"
                        detail = (
                            f"{rate:.1f} requests/s{share}, p50 {statistics.median(latencies) * 1000:.1f} ms, "
                            f"p95 {p95 * 1000:.1f} ms, {len(latencies)} requests in {elapsed:.1f} s, {failures} failed"
                        )
                        report(f"{name}: p50 latency", statistics.median(latencies), detail)
                        report(f"{name}: p95 latency", p95, "")
                rate, p95, failures = figures["POST /api/v1/notifications", CLIENTS]
                share = rate / figures["trivial view GET /healthz", CLIENTS][0]
                met = p95 < TARGET_P95_SECONDS and share >= TARGET_SHARE and not failures
                report(
                    "submission against issue 13's target",
                    p95,
                    f"p95 {p95 * 1000:.0f} ms (target under {TARGET_P95_SECONDS * 1000:.0f} ms), "
                    f"{share:.0%} of the trivial view's throughput (target at least {TARGET_SHARE:.0%}): "
                    + ("met" if met else "NOT met"),
                )
            finally:
                processes.stop(server)
    finally:
        processes.drop_database(url)
