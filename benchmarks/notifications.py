"""Notification API benchmark (issues 3 and 13): submissions per second and p50/p95 latency of
`POST /api/v1/notifications` with 20 concurrent clients on loopback, beside the same
figures for a trivial view (`GET /healthz`, one `SELECT 1`) on the same server in the
same run.

The service runs as production runs it (`perinatal setup --demo --small` on a fresh
PostgreSQL database named `perinatal_bench_notifications` on DATABASE_URL's server, then
`perinatal serve`: gunicorn sized to the machine), so the figures include the production
server; the trivial view is the baseline that shows what the server itself costs, and the
submission's throughput is also given as a share of it. The clients run in this process on
the same 2 cores, which the figures also include.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CLIENTS = 20
REQUESTS = 400
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def _document(index: int) -> dict:
    minute = index % 60
    hour = 1 + (index // 60) % 20
    return {
        "trust": "R0A",
        "event": "baby",
        "place_of_birth": {"type": "hospital", "site": "R0A01"},
        "place_of_death": {"type": "hospital", "site": "R0A01"},
        "mother": {"nhs_number": None, "date_of_birth": "1991-04-02", "postcode": None},
        "baby": {
            "born_at": f"2025-10-01T{hour:02d}:{minute:02d}",
            "gestation": {"weeks": 38, "days": 2, "reliable": True},
            "birth_weight_g": 3100,
            "born_alive": False,
            "died_at": None,
            "multiple_birth": False,
            "termination_of_pregnancy": False,
            "congenital_anomaly_caused_outcome": False,
            "alive_at_onset_of_labour": True,
        },
        "labour": {"status": "labour"},
        "brain_injury": None,
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def _load(port: int, make_request, count: int) -> tuple[float, list[float], int]:
    """Run `count` requests over CLIENTS keep-alive connections; (elapsed, latencies, failures)."""
    local = threading.local()
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

    def one(index: int) -> None:
        nonlocal failures
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        method, path, body, headers, expected = make_request(index)
        started = time.perf_counter()
        try:
            local.conn.request(method, path, body=body, headers=headers)
            response = local.conn.getresponse()
            response.read()
            ok = response.status == expected
        except (OSError, http.client.HTTPException):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ok = False
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            failures += 0 if ok else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - started, latencies, failures


def run(*, report) -> None:
    from tests import processes

    base = os.environ.get("DATABASE_URL", "")
    if not processes.is_postgres(base):
        os.environ["DATABASE_URL"] = DEFAULT_PG
    tmp = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    url = processes.fresh_database_url(tmp, "perinatal_bench_notifications")
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
                post_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

                def submit(i: int):
                    headers = {**post_headers, "Idempotency-Key": f"bench-{i}"}
                    return "POST", "/api/v1/notifications", json.dumps(_document(i)), headers, 201

                _load(port, trivial, 200)  # warm-up: every worker's connections and imports
                rates: dict[str, float] = {}
                for name, maker in (("trivial view GET /healthz", trivial), ("POST /api/v1/notifications", submit)):
                    elapsed, latencies, failures = _load(port, maker, REQUESTS)
                    rate = rates[name] = len(latencies) / elapsed
                    baseline = rates["trivial view GET /healthz"]
                    share = "" if rate == baseline else f", {rate / baseline:.0%} of the trivial view's throughput"
                    detail = (
                        f"{rate:.1f} requests/s{share}, p50 {statistics.median(latencies) * 1000:.1f} ms, "
                        f"p95 {_percentile(latencies, 0.95) * 1000:.1f} ms, {CLIENTS} clients, "
                        f"{REQUESTS} requests, {failures} failed"
                    )
                    report(f"{name}: p50 latency", statistics.median(latencies), detail)
                    report(f"{name}: p95 latency", _percentile(latencies, 0.95), "")
            finally:
                processes.stop(server)
    finally:
        processes.drop_database(url)
