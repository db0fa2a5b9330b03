"""The whole service on loopback for `make load` and `make chaos` (not a benchmark: no `run`).

A fresh PostgreSQL database on DATABASE_URL's server, `perinatal setup --demo --small`, an API
token for trust R0A, a signed-in session (Improvement Support and programme admin for England,
second factor done) and the processes as production runs them: `perinatal serve` (gunicorn),
`perinatal db_worker` and, for chaos, `perinatal scheduler`. The processes are started by
tests/processes.py, as the browser and crash tests start them.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests import processes

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
TRUST = "R0A"
SITE = "R0A01"

SIGN_IN = """
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from perinatal.accounts.roles import Role
from perinatal.accounts.services import get_or_create_user, grant_membership
from perinatal.organisations.models import ENGLAND_CODE, Organisation
england = Organisation.objects.get(code=ENGLAND_CODE)
user, _ = get_or_create_user(email="load.test@perinatal.example", full_name="Load test")
for role in (Role.IMPROVEMENT_SUPPORT, Role.PROGRAMME_ADMIN):
    grant_membership(user=user, organisation=england, role=role, granted_by=None)
device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
client = Client()
client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
session = client.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
print(session.session_key)
"""


def nhs_numbers(start: int = 999_100_000):
    """Valid NHS numbers from the range the NHS reserves for testing (modulus 11 check digit),
    past the ones the demo and the tests use: each submission is another family."""
    for stem in range(start, 1_000_000_000):
        digits = f"{stem:09d}"
        remainder = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 11 - remainder
        if check == 10:
            continue
        yield digits + str(0 if check == 11 else check)


def notification_document(mother: str, baby: str, *, born_at: str = "2025-10-01T03:10") -> dict:
    """An intrapartum stillbirth (MBRRACE-UK and MNSI) of its own family, born at `born_at`
    (local time, minutes)."""
    return {
        "trust": TRUST,
        "event": "baby",
        "place_of_birth": {"type": "hospital", "site": SITE},
        "place_of_death": {"type": "hospital", "site": SITE},
        "mother": {"nhs_number": mother, "date_of_birth": "1991-04-02", "postcode": None},
        "baby": {
            "nhs_number": baby,
            "born_at": born_at,
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


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (gunicorn's workers), read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Service:
    name: str
    env_extra: dict[str, str] = field(default_factory=dict)
    web_workers: int = 2
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="perinatal-load-")))

    def __post_init__(self):
        if not processes.is_postgres(os.environ.get("DATABASE_URL", "")):
            os.environ["DATABASE_URL"] = DEFAULT_PG
        self.port = processes.free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.uploads = self.tmp / "uploads"
        self.uploads.mkdir()
        self.log_path = self.tmp / "service.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - open for the service's life
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.scheduler: subprocess.Popen | None = None
        self.database_url = ""

    def set_up(self) -> None:
        self.database_url = processes.fresh_database_url(self.tmp, self.name)
        self.env = processes.service_env(
            database_url=self.database_url,
            port=self.port,
            AXES_FAILURE_LIMIT="100000",
            DASHBOARD_UPLOAD_DIR=str(self.uploads),
            DB_CONN_MAX_AGE="600",
            **self.env_extra,
        )
        started = time.perf_counter()
        processes.manage(self.env, "setup", "--demo", "--small")
        self.token = processes.manage(self.env, "issue_api_token", TRUST, "load test").stdout.strip()
        self.session = processes.manage(self.env, "shell", "--no-imports", "-c", SIGN_IN).stdout.split()[-1]
        print(f"  (database {self.name} set up in {time.perf_counter() - started:.0f} s)", flush=True)

    def start_server(self) -> None:
        self.server = processes.start_server(self.env, self.port, self.log, workers=self.web_workers)
        # Patient: on the shared 2-core machine a restart under load can take a minute to answer.
        processes.wait_until_healthy(self.base_url, log_path=self.log_path, processes=[self.server], tries=900)

    def start_worker(self) -> None:
        self.worker = processes.start_worker(self.env, self.log, interval="0.2")

    def start_scheduler(self) -> None:
        self.scheduler = processes.start_scheduler(self.env, self.log, interval="0.5")

    def kill_server(self) -> None:
        """SIGKILL the gunicorn master and every worker of it at once (a host losing the process)."""
        pids = [self.server.pid, *descendants(self.server.pid)]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.server.wait(timeout=10)

    def kill_worker(self) -> None:
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait(timeout=10)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def api_headers(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", "Idempotency-Key": key}

    def session_headers(self) -> dict[str, str]:
        return {"Cookie": f"sessionid={self.session}"}

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def stop(self, *, show_log: bool = False) -> None:
        """Stop the processes, drop the database and remove the folder (`show_log`: print the end
        of the processes' log first)."""
        processes.stop(*[p for p in (self.server, self.worker, self.scheduler) if p is not None])
        self.log.close()
        if show_log:
            print("  … the end of the service's log:\n" + "\n".join(self.log_path.read_text().splitlines()[-60:]))
        if self.database_url:
            processes.drop_database(self.database_url)
        shutil.rmtree(self.tmp, ignore_errors=True)


def post_json(conn: http.client.HTTPConnection, path: str, document: dict, headers: dict) -> int:
    conn.request("POST", path, body=json.dumps(document), headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status
