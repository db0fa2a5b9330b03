"""`make load`: loopback load on the production server (issue 13), at 10, 50 and 100 concurrent
clients.

The service runs as production runs it (benchmarks/_service.py: PostgreSQL database
`perinatal_load`, `perinatal setup --demo --small`, gunicorn with 2 workers of 4 threads, one
background worker). At each level, each endpoint in turn gets that many clients for
`--seconds` (default 10), each client on its own keep-alive connection sending its next request
as soon as the last is answered:

- `GET /healthz` (one `SELECT 1`): the baseline, what the server itself costs;
- `POST /api/v1/notifications`: a new notification each time (its own family and
  Idempotency-Key), answered 201;
- `GET /dashboard/` and `GET /dashboard/trusts/R0A/`, alternately, signed in.

It prints p50/p95/p99 latency, throughput and errors per endpoint and level, each beside
`/healthz` from the same run, and exits 1 if any request failed (an answer other than the
expected one, or none within 60 s). Not a `make bench` module: it has no `run`.
`python -m benchmarks.load --seconds 5 --levels 10,50,100`.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from benchmarks._figures import percentile

DEFAULT_LEVELS = (10, 50, 100)
BASELINE = "GET /healthz"
DASHBOARD_PAGES = ("/dashboard/", "/dashboard/trusts/R0A/")


@dataclass(frozen=True)
class Figures:
    endpoint: str
    clients: int
    requests: int
    errors: int
    seconds: float
    p50: float
    p95: float
    p99: float
    #: what the failed requests got: "HTTP 503", "ConnectionResetError", …
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def summarise(
    *, endpoint: str, clients: int, latencies: list[float], errors: int, seconds: float, failures: dict | None = None
) -> Figures:
    return Figures(
        failures=dict(failures or {}),
        endpoint=endpoint,
        clients=clients,
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        p50=percentile(latencies, 0.50),
        p95=percentile(latencies, 0.95),
        p99=percentile(latencies, 0.99),
    )


def format_report(figures: list[Figures]) -> str:
    """One line per endpoint and level, the level's /healthz first and the others' throughput
    also as a share of it."""
    lines = [
        f"{'clients':>7}  {'endpoint':<42} {'requests':>8} {'req/s':>8} {'of healthz':>10} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
    ]
    for clients in sorted({f.clients for f in figures}):
        level = [f for f in figures if f.clients == clients]
        level.sort(key=lambda f: f.endpoint != BASELINE)
        baseline = next((f for f in level if f.endpoint == BASELINE), None)
        for f in level:
            share = (
                f"{f.throughput / baseline.throughput:.0%}"
                if baseline is not None and f is not baseline and baseline.throughput
                else ""
            )
            lines.append(
                f"{f.clients:>7}  {f.endpoint:<42} {f.requests:>8} {f.throughput:>8.1f} {share:>10} "
                f"{f.p50 * 1000:>8.1f} {f.p95 * 1000:>8.1f} {f.p99 * 1000:>8.1f} {f.errors:>6}"
            )
    for f in figures:
        if f.failures:
            kinds = ", ".join(f"{kind} × {count}" for kind, count in sorted(f.failures.items()))
            lines.append(f"  {f.clients} clients {f.endpoint} failed with: {kinds}")
    return "\n".join(lines)


def total_errors(figures: list[Figures]) -> int:
    return sum(f.errors for f in figures)


# --- driving the load (needs the running service) -------------------------------------------


def _drive(service, *, clients: int, seconds: float, make_request) -> tuple[list[float], Counter, float]:
    """`clients` threads, each on its own keep-alive connection, for `seconds`: the latencies,
    the failures by kind and the time taken."""
    latencies: list[float] = []
    failures: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(number: int) -> None:
        conn = service.connection()
        mine: list[float] = []
        failed: Counter = Counter()
        start.wait()
        for index in itertools.count():
            if time.perf_counter() >= stop_at[0]:
                break
            method, path, body, headers, expected = make_request(number, index)
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != expected:
                    failed[f"HTTP {response.status}"] += 1
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = service.connection()
                failed[type(error).__name__] += 1
            mine.append(time.perf_counter() - began)
        conn.close()
        with lock:
            latencies.extend(mine)
            failures.update(failed)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return latencies, failures, time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    from benchmarks._service import Service, nhs_numbers, notification_document

    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per endpoint and level (default 10)")
    parser.add_argument("--levels", default=",".join(map(str, DEFAULT_LEVELS)), help="concurrent clients")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (default 2)")
    options = parser.parse_args(argv)
    levels = [int(level) for level in options.levels.split(",")]

    service = Service("perinatal_load", web_workers=options.web_workers)
    families = nhs_numbers()
    serials = itertools.count()
    families_lock = threading.Lock()
    run_id = f"{time.time_ns():x}"

    def healthz(number: int, index: int):
        return "GET", "/healthz", None, {}, 200

    def submit(number: int, index: int):
        with families_lock:  # a new family and key for every request, warm-up included
            mother, baby, serial = next(families), next(families), next(serials)
        document = json.dumps(notification_document(mother, baby))
        headers = service.api_headers(f"load-{run_id}-{serial}")
        return "POST", "/api/v1/notifications", document, headers, 201

    def dashboard(number: int, index: int):
        path = DASHBOARD_PAGES[(number + index) % len(DASHBOARD_PAGES)]
        return "GET", path, None, service.session_headers(), 200

    endpoints = [
        (BASELINE, healthz),
        ("POST /api/v1/notifications", submit),
        ("GET " + " | ".join(DASHBOARD_PAGES), dashboard),
    ]
    figures: list[Figures] = []
    try:
        service.set_up()
        service.start_server()
        service.start_worker()
        print(f"  (gunicorn: {options.web_workers} workers × 4 threads on {service.base_url})", flush=True)
        for _, make in endpoints:  # warm-up: every gunicorn worker's imports, connections and caches
            _drive(service, clients=8, seconds=2, make_request=make)
        for clients in levels:
            for name, make in endpoints:
                latencies, failures, elapsed = _drive(
                    service, clients=clients, seconds=options.seconds, make_request=make
                )
                errors = sum(failures.values())
                figure = summarise(
                    endpoint=name,
                    clients=clients,
                    latencies=latencies,
                    errors=errors,
                    seconds=elapsed,
                    failures=failures,
                )
                figures.append(figure)
                print(
                    f"  {clients:>3} clients {name}: {figure.throughput:.1f} req/s, "
                    f"p95 {figure.p95 * 1000:.0f} ms, {errors} errors",
                    flush=True,
                )
    finally:
        service.stop(show_log=total_errors(figures) > 0)
    print()
    print(format_report(figures))
    errors = total_errors(figures)
    print(f"\n{errors} errors" if errors else "\nNo errors.")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
