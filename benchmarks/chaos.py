"""`make chaos`: kill the web server and the background worker in the middle of work, restart
them, and check that nothing was lost or duplicated (issue 13).

The service runs as production runs it (benchmarks/_service.py: PostgreSQL database
`perinatal_chaos`, gunicorn, one background worker, the scheduler). Every kill is SIGKILL:

1. mid-submission: clients submit notifications through the API, each with its own
   Idempotency-Key, retrying with the same key until answered (as the API asks of a client);
   the gunicorn master and all its workers are killed mid-burst and started again;
2. mid-delivery: the background worker is killed while the notifications are being delivered
   to the national bodies' receiving endpoints, and started again;
3. mid-import: a births file is uploaded through the dashboard's upload page and the worker is
   killed while it checks the file (the scheduler must end the upload as failed); a second file
   is uploaded and loaded;
4. mid-upload: the web server is killed while a file is being sent to the upload page.

Then it waits for the work to settle and prints each check PASS or FAIL; it exits 1 on any
FAIL. `python -m benchmarks.chaos [--submissions N] [--rows N]`.
"""

from __future__ import annotations

import argparse
import http.client
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HEADER = (
    "baby_id,mother_id,trust_code,site_code,born_on,gestation_days,birth_weight_g,outcome,termination,"
    "neonatal_death_on,blood_loss_ml,multiple_birth,mother_age,ethnic_group,imd_quintile,onset_of_labour\n"
)
#: Quick retries and leases, so that a killed delivery is tried again within seconds.
FAST = {
    "NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
    "NOTIFICATION_RETRY_MAX_SECONDS": "2",
    "NOTIFICATION_MAX_ATTEMPTS": "1000",
    "NOTIFICATION_DELIVERY_LEASE_SECONDS": "3",
    "NOTIFICATION_SWEEP_SECONDS": "1",
    "TASK_HEARTBEAT_SECONDS": "1",
    "DASHBOARD_UPLOAD_ABANDONED_SECONDS": "5",
}
ACCEPTED = {200, 201, 202}
SETTLED_UPLOADS = {"loaded", "refused", "failed"}


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {self.detail}"


# --- the checks (pure: the figures read from the database go in) ----------------------------


def check_accepted_stored_once(*, answers: dict[str, list[int]], stored: Counter) -> Check:
    """Every submission answered 200/201/202 (at any try) is stored exactly once."""
    accepted = {key for key, statuses in answers.items() if ACCEPTED & set(statuses)}
    wrong = sorted(key for key in accepted if stored.get(key, 0) != 1)
    return Check(
        "every accepted submission stored exactly once",
        not wrong,
        f"{len(accepted)} accepted, {len(wrong)} not stored once" + (f" (e.g. {wrong[:3]})" if wrong else ""),
    )


def check_no_duplicate_notifications(*, answers: dict[str, list[int]], stored: Counter) -> Check:
    """No key made two notifications, and nothing was stored that no client sent."""
    doubled = sorted(key for key, count in stored.items() if count > 1)
    strangers = sorted(key for key in stored if key not in answers)
    return Check(
        "no notification duplicated",
        not doubled and not strangers,
        f"{sum(stored.values())} stored for {len(answers)} keys sent, {len(doubled)} keys stored twice, "
        f"{len(strangers)} stored that were never sent",
    )


def check_deliveries(*, deliveries: int, unsent: int, received: int, matched: int) -> Check:
    """Each delivery sent, and received by its body exactly once (counted on the receiving side)."""
    return Check(
        "every delivery sent exactly once per body",
        deliveries > 0 and unsent == 0 and received == deliveries and matched == deliveries,
        f"{deliveries} deliveries, {unsent} not sent, {received} received, {matched} matched one to one",
    )


def check_uploads(*, uploads: list[tuple[str, str, int]], expected_rows: dict[str, int], births_added: int) -> Check:
    """Each upload (filename, status, rows) ended: loaded whole or ended as failed or refused;
    the births stored grew by exactly the loaded uploads' rows (no half-stored file)."""
    problems = []
    loaded_rows = 0
    for filename, status, rows in uploads:
        if status not in SETTLED_UPLOADS:
            problems.append(f"{filename} still {status}")
        elif status == "loaded":
            loaded_rows += rows
            if rows != expected_rows.get(filename):
                problems.append(f"{filename} loaded {rows} of {expected_rows.get(filename)} rows")
    if births_added != loaded_rows:
        problems.append(f"{births_added} births stored for {loaded_rows} rows loaded")
    statuses = Counter(status for _, status, _ in uploads)
    return Check(
        "imports loaded whole or failed cleanly",
        not problems and bool(uploads),
        ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        + (f"; {'; '.join(problems)}" if problems else f"; {births_added} births added"),
    )


def check_no_stuck_tasks(*, running: int, waiting: int) -> Check:
    return Check(
        "no task left running or queued", running == 0 and waiting == 0, f"{running} running, {waiting} queued"
    )


def check_no_leftover_files(names: list[str]) -> Check:
    return Check(
        "no leftover files in the upload folder",
        not names,
        "none" if not names else f"{len(names)} left: {', '.join(sorted(names)[:5])}",
    )


def report(checks: list[Check]) -> tuple[str, int]:
    """The printed lines and the exit status (1 if any check failed)."""
    return "\n".join(check.line() for check in checks), 0 if all(check.passed for check in checks) else 1


# --- the run (needs PostgreSQL and the processes) ------------------------------------------


def _wait(condition, *, seconds: float, what: str) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    print(f"  (gave up waiting for {what} after {seconds:.0f} s)", flush=True)
    return False


def _births_file(folder: Path, name: str, rows: int) -> Path:
    path = folder / name
    tag = uuid.uuid4().hex[:8].upper()
    line = "C{tag}{i},M{tag}{i},R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,N,1,spontaneous\n"
    with open(path, "w") as out:
        out.write(HEADER)
        out.writelines(line.format(tag=tag, i=i) for i in range(rows))
    return path


class UploadPage:
    """The dashboard's upload page, as a signed-in programme admin's browser uses it."""

    def __init__(self, service):
        self.service = service

    def _csrf(self) -> str:
        conn = self.service.connection()
        conn.request("GET", "/dashboard/uploads/new/", headers=self.service.session_headers())
        response = conn.getresponse()
        response.read()
        conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                return value.split(";", 1)[0].split("=", 1)[1]
        raise RuntimeError(f"the upload page set no CSRF cookie (HTTP {response.status})")

    def send(self, path: Path, *, pause_every: int = 0, pause: float = 0.0) -> int | None:
        """POST the file (in 64 KB pieces, pausing after every `pause_every` pieces); the status
        answered, or None when the server went away."""
        token = self._csrf()
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\nbirths\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="quintile_order"\r\n\r\nmost_deprived_first\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        conn = self.service.connection()
        try:
            conn.putrequest("POST", "/dashboard/uploads/new/")
            conn.putheader("Cookie", f"sessionid={self.service.session}; csrftoken={token}")
            conn.putheader("X-CSRFToken", token)
            conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            conn.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
            conn.endheaders()
            conn.send(head)
            with open(path, "rb") as handle:
                for piece, chunk in enumerate(iter(lambda: handle.read(65536), b"")):
                    conn.send(chunk)
                    if pause_every and piece % pause_every == pause_every - 1:
                        time.sleep(pause)
            conn.send(tail)
            response = conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            return None
        finally:
            conn.close()


def _submit_until_answered(service, key: str, document: dict, answers: list[int], deadline: float) -> None:
    from benchmarks._service import post_json

    while time.monotonic() < deadline:
        conn = service.connection()
        try:
            status = post_json(conn, "/api/v1/notifications", document, service.api_headers(key))
        except (OSError, http.client.HTTPException):
            status = None
        finally:
            conn.close()
        answers.append(status)  # None: no answer (the server went away)
        if status is not None and status < 500:
            return
        time.sleep(0.3)  # the server is down or restarting: the same request again, same key


def main(argv: list[str] | None = None) -> int:
    from benchmarks._service import Service, nhs_numbers, notification_document

    parser = argparse.ArgumentParser(prog="python -m benchmarks.chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=150, help="notifications in the burst (default 150)")
    parser.add_argument("--rows", type=int, default=150_000, help="rows of the births file killed mid-check")
    options = parser.parse_args(argv)

    service = Service("perinatal_chaos", env_extra=FAST)
    answers: dict[str, list[int]] = {}
    expected_rows: dict[str, int] = {}
    checks: list[Check] = []
    try:
        service.set_up()
        service.start_server()
        service.start_worker()
        service.start_scheduler()

        def count(sql: str) -> int:
            return service.query(sql)[0][0]

        def running_or_due() -> tuple[int, int] | tuple[()]:
            # The delivery sweep always has its successor queued for later: only due tasks count.
            running = count("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")
            due = count(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE status = 'READY' AND (run_after IS NULL OR run_after <= now())"
            )
            return (running, due) if running or due else ()

        notifications_before = count("SELECT count(*) FROM notifications_notification")
        births_before = count("SELECT count(*) FROM dashboard_birthrecord")

        # 1 and 2: a burst of submissions; the web server killed mid-burst, the worker mid-delivery.
        families = nhs_numbers()
        run = uuid.uuid4().hex[:8]
        jobs = []
        for index in range(options.submissions):
            key = f"chaos-{run}-{index}"
            answers[key] = []
            jobs.append((key, notification_document(next(families), next(families))))
        deadline = time.monotonic() + 240
        pending = list(jobs)
        lock = threading.Lock()

        def client() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    key, document = pending.pop(0)
                _submit_until_answered(service, key, document, answers[key], deadline)

        clients = [threading.Thread(target=client, daemon=True) for _ in range(6)]
        for thread in clients:
            thread.start()
        third = notifications_before + options.submissions // 3
        _wait(lambda: count("SELECT count(*) FROM notifications_notification") >= third, seconds=120, what="a third")
        service.kill_server()
        print(
            f"  killed the web server after {count('SELECT count(*) FROM notifications_notification')} "
            "notifications were stored",
            flush=True,
        )
        time.sleep(1)
        service.start_server()
        _wait(
            lambda: count("SELECT count(*) FROM notifications_receivednotification") >= 10,
            seconds=120,
            what="the first deliveries",
        )
        service.kill_worker()
        print(
            f"  killed the worker after {count('SELECT count(*) FROM notifications_receivednotification')} "
            "deliveries were received",
            flush=True,
        )
        time.sleep(1)
        service.start_worker()
        for thread in clients:
            thread.join(timeout=max(1.0, deadline - time.monotonic()))

        # 3: the worker killed while it checks an uploaded file; then a file loaded whole.
        page = UploadPage(service)
        big = _births_file(service.tmp, f"births-big-{run}.csv", options.rows)
        expected_rows[big.name] = options.rows
        status = page.send(big)
        print(f"  uploaded {big.name}: HTTP {status}", flush=True)
        checking = _wait(
            lambda: count(
                f"SELECT count(*) FROM dashboard_upload WHERE filename = '{big.name}' AND bytes_read > 0"
                " AND status = 'validating'"
            ),
            seconds=120,
            what="the check to start",
        )
        if checking:
            service.kill_worker()
            print("  killed the worker mid-check", flush=True)
            time.sleep(1)
            service.start_worker()
        small = _births_file(service.tmp, f"births-small-{run}.csv", 5_000)
        expected_rows[small.name] = 5_000
        print(f"  uploaded {small.name}: HTTP {page.send(small)}", flush=True)

        # 4: the web server killed while a file is being sent to the upload page.
        sent = _births_file(service.tmp, f"births-sent-{run}.csv", 20_000)
        expected_rows[sent.name] = 20_000
        answer: list[int | None] = []
        sending = threading.Thread(target=lambda: answer.append(page.send(sent, pause_every=2, pause=0.2)))
        sending.start()
        time.sleep(1.0)
        service.kill_server()
        sending.join(timeout=60)
        print(f"  killed the web server mid-upload (the upload got {answer[0] if answer else 'nothing'})", flush=True)
        service.start_server()

        # Let the work settle: deliveries sent, uploads ended, the sweep passed.
        _wait(
            lambda: count("SELECT count(*) FROM notifications_delivery WHERE status <> 'sent'") == 0,
            seconds=240,
            what="every delivery to be sent",
        )
        _wait(
            lambda: count("SELECT count(*) FROM dashboard_upload WHERE status = 'validating'") == 0,
            seconds=240,
            what="every upload to end",
        )
        _wait(lambda: not running_or_due(), seconds=240, what="the task queue to empty")
        _wait(lambda: not any(service.uploads.iterdir()), seconds=30, what="the upload folder to empty")

        stored = Counter(
            {
                key.removeprefix("api:"): n
                for key, n in service.query(
                    "SELECT idempotency_key, count(*) FROM notifications_notification "
                    "WHERE idempotency_key LIKE %s GROUP BY idempotency_key",
                    (f"api:chaos-{run}-%",),
                )
            }
        )
        strangers = (
            count("SELECT count(*) FROM notifications_notification") - notifications_before - sum(stored.values())
        )
        if strangers:
            stored["(stored without a chaos key)"] = strangers
        checks.append(check_accepted_stored_once(answers=answers, stored=stored))
        checks.append(check_no_duplicate_notifications(answers=answers, stored=stored))
        checks.append(
            check_deliveries(
                deliveries=count("SELECT count(*) FROM notifications_delivery"),
                unsent=count("SELECT count(*) FROM notifications_delivery WHERE status <> 'sent'"),
                received=count("SELECT count(*) FROM notifications_receivednotification"),
                matched=count(
                    "SELECT count(*) FROM notifications_delivery d JOIN notifications_receivednotification r "
                    "ON r.body = d.body AND r.idempotency_key = d.idempotency_key"
                ),
            )
        )
        uploads = [
            (filename, status, rows)
            for filename, status, rows in service.query(
                "SELECT filename, status, rows FROM dashboard_upload WHERE filename LIKE %s ORDER BY id",
                (f"births-%-{run}.csv",),
            )
        ]
        checks.append(
            check_uploads(
                uploads=uploads,
                expected_rows=expected_rows,
                births_added=count("SELECT count(*) FROM dashboard_birthrecord") - births_before,
            )
        )
        running, due = running_or_due() or (0, 0)
        checks.append(check_no_stuck_tasks(running=running, waiting=due))
        checks.append(check_no_leftover_files([entry.name for entry in service.uploads.iterdir()]))
        answered = Counter(statuses[-1] if statuses else "no answer" for statuses in answers.values())
        retried = sum(1 for statuses in answers.values() if len(statuses) > 1)
        print(
            f"  submissions' last answers: {dict(sorted(answered.items(), key=str))}; "
            f"{retried} sent again after no answer or a 5xx",
            flush=True,
        )
    finally:
        service.stop(show_log=not checks or not all(check.passed for check in checks))
    text, status = report(checks)
    print()
    print(text)
    return status if checks else 1


if __name__ == "__main__":
    raise SystemExit(main())
