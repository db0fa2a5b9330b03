"""Running the real service as processes, for tests that need it whole: a fresh database,
`perinatal` commands, the web server (`perinatal serve`: gunicorn), the background worker
and the scheduler on a free port.

Used by the browser tests (tests/browser/conftest.py) and the delivery crash test
(tests/notifications/test_delivery_crash.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

PERINATAL = Path(sys.executable).parent / "perinatal"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def fresh_database_url(tmp_dir: Path, name: str) -> str:
    """A new, empty database: PostgreSQL `name` on DATABASE_URL's server, else a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if is_postgres(url):
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return urlparse(url)._replace(path=f"/{name}").geturl()
    return f"sqlite:///{tmp_dir / f'{name}.sqlite3'}"


def drop_database(url: str) -> None:
    if is_postgres(url):
        import psycopg

        name = urlparse(url).path.lstrip("/")
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def service_env(*, database_url: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of a service on `port`: its worker delivers to its own receiving inbox."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "PERINATAL_ENV": "demo",
            "SERVICE_BASE_URL": f"http://127.0.0.1:{port}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def manage(
    env: dict[str, str], *args: str, input: str | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run a `perinatal` command; fail with its output if it fails."""
    result = subprocess.run(
        [str(PERINATAL), *args], env=env, input=input, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"perinatal {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def start_server(env: dict[str, str], port: int, log, *, workers: int | None = 2) -> subprocess.Popen:
    """`perinatal serve` (gunicorn, as production runs it); `workers=None` sizes it to the machine."""
    sizing = [] if workers is None else ["--workers", str(workers)]
    return subprocess.Popen(
        [str(PERINATAL), "serve", "--host", "127.0.0.1", "--port", str(port), *sizing],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def start_worker(env: dict[str, str], log, *, interval: str = "0.2") -> subprocess.Popen:
    return subprocess.Popen(
        [str(PERINATAL), "db_worker", "--queue-name", "*", "--interval", interval, "--no-startup-delay"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def start_scheduler(env: dict[str, str], log, *, interval: str = "0.5") -> subprocess.Popen:
    return subprocess.Popen(
        [str(PERINATAL), "scheduler", "--interval", interval], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def wait_until_healthy(base_url: str, *, log_path: Path, processes: list[subprocess.Popen], tries: int = 150) -> None:
    for _ in range(tries):
        try:
            urllib.request.urlopen(base_url + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    stop(*processes)
    raise RuntimeError(log_path.read_text())


def wait_for_log(log_path: Path, text: str, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in log_path.read_text():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{text!r} not in the log after {seconds} s:\n{log_path.read_text()}")
        time.sleep(0.2)


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
