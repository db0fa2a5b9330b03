"""Work lost with a background worker: noticed, ended as failed, and handed back to its owner.

django-tasks' database worker (`perinatal db_worker`) marks a task RUNNING when it claims it
and SUCCESSFUL or FAILED when it ends. A worker killed in between (SIGKILL, out of memory, a
host restart) leaves the task RUNNING for ever, and whatever the task was doing with it: an
upload "checking the file" with its file left behind, a MOSS run after a reference-rate change
that never happens (docs/adr/0023-production-serving.md).

- Each worker process beats once it runs a task: a daemon thread updates its
  `WorkerHeartbeat` row every `TASK_HEARTBEAT_SECONDS` (10).
- `reap_lost_tasks()` marks FAILED every RUNNING task whose worker is gone (on this host: its
  process no longer exists; on another host: no beat for `TASK_WORKER_LOST_SECONDS`, 120),
  then calls what the task's module registered with `on_lost(task, handler)`, with the task's
  arguments: the dashboard marks the upload failed and removes its file; surveillance queues
  the MOSS run again.
- `register_sweep(fn)`: further checks for lost work (e.g. reference rates changed and no MOSS
  run queued to use them).

`recover_lost_work()` runs both; the scheduler (`perinatal scheduler`) calls it every pass.
Liveness uses the real clock, not the service clock: a worker's heartbeat is not a date of the
service (the demo and the tests fix the service clock).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

HOST = socket.gethostname()[:255]
#: Written to the task's exception class path when its worker was lost.
LOST_EXCEPTION = "perinatal.core.task_recovery.WorkerLost"
LOST_TRACEBACK = (
    "The background worker running this task stopped before it finished (killed, out of memory "
    "or its host restarted): the task was ended as failed when the scheduler noticed."
)

_on_lost: dict[str, Callable[..., None]] = {}
_sweeps: list[Callable[[], None]] = []
_beating: set[str] = set()
_beating_lock = threading.Lock()


class WorkerLost(RuntimeError):
    """Named by a task whose worker stopped while running it (never raised)."""


def heartbeat_seconds() -> float:
    return float(getattr(settings, "TASK_HEARTBEAT_SECONDS", None) or os.environ.get("TASK_HEARTBEAT_SECONDS") or 10)


def lost_after() -> timedelta:
    seconds = getattr(settings, "TASK_WORKER_LOST_SECONDS", None) or os.environ.get("TASK_WORKER_LOST_SECONDS")
    return timedelta(seconds=float(seconds or 120))


def on_lost(task, handler: Callable[..., None]) -> None:
    """Call `handler(*args, **kwargs)` (the lost task's own arguments) when `task` is lost with
    its worker. Registered once, from an app's ready()."""
    _on_lost[task.module_path] = handler


def register_sweep(sweep: Callable[[], None]) -> None:
    if sweep not in _sweeps:
        _sweeps.append(sweep)


# --- the worker's side: heartbeats --------------------------------------------------------


def beat(worker_id: str) -> None:
    from perinatal.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"host": HOST, "pid": os.getpid(), "beat_at": timezone.now()}
    )


def _beat_forever(worker_id: str) -> None:
    while True:
        time.sleep(heartbeat_seconds())
        try:
            beat(worker_id)
        except Exception:  # noqa: BLE001 - a busy or restarting database: beat again next time
            logger.warning("Worker heartbeat could not be saved; trying again", exc_info=True)
        finally:
            connection.close()  # this thread's own connection: never held across the sleep


def start_heartbeat(worker_id: str) -> None:
    """Beat now, then every few seconds from a daemon thread, for as long as the process lives."""
    with _beating_lock:
        if worker_id in _beating:
            return
        _beating.add(worker_id)
    beat(worker_id)
    threading.Thread(target=_beat_forever, args=(worker_id,), name="perinatal-heartbeat", daemon=True).start()


def heartbeat_on_task_started(sender, task_result, **kwargs) -> None:
    """django-tasks' task_started signal, in the database worker only (not the immediate
    backend of tests and commands, which runs in the caller's process)."""
    from django_tasks_db.backend import DatabaseBackend

    # django-tasks sends the backend itself as the sender (its class in some versions).
    backend = sender if isinstance(sender, type) else type(sender)
    if not issubclass(backend, DatabaseBackend) or not task_result.worker_ids:
        return
    start_heartbeat(task_result.worker_ids[-1])


# --- the scheduler's side: noticing lost work ----------------------------------------------


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed process nobody has waited for yet is a zombie: gone all the same
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def worker_is_lost(*, heartbeat, started_at, now) -> bool:
    if heartbeat is None:
        # Never beat: a worker that died before its first beat (or predates heartbeats).
        return started_at is not None and now - started_at > lost_after()
    if heartbeat.host == HOST:
        return _process_gone(heartbeat.pid)
    return now - heartbeat.beat_at > lost_after()


@dataclass(frozen=True)
class LostTask:
    id: str
    task_path: str
    worker_id: str


def reap_lost_tasks() -> list[LostTask]:
    """End as failed each RUNNING task whose worker is gone, and hand it to its module's handler."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from perinatal.core.models import WorkerHeartbeat

    now = timezone.now()
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING))
    if not running:
        return []
    worker_ids = {task.worker_ids[-1] for task in running if task.worker_ids}
    heartbeats = {beat.worker_id: beat for beat in WorkerHeartbeat.objects.filter(worker_id__in=worker_ids)}
    lost = []
    for task in running:
        worker_id = task.worker_ids[-1] if task.worker_ids else ""
        if not worker_is_lost(heartbeat=heartbeats.get(worker_id), started_at=task.started_at, now=now):
            continue
        with transaction.atomic():
            ended = DBTaskResult.objects.filter(id=task.id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=LOST_EXCEPTION,
                traceback=LOST_TRACEBACK,
            )
        if not ended:
            continue  # it finished, or another scheduler reaped it, in the meantime
        logger.warning("Task id=%s path=%s lost with worker %s: ended as failed", task.id, task.task_path, worker_id)
        lost.append(LostTask(str(task.id), task.task_path, worker_id))
        handler = _on_lost.get(task.task_path)
        if handler is not None:
            arguments = task.args_kwargs or {}
            try:
                handler(*arguments.get("args", []), **arguments.get("kwargs", {}))
            except Exception:  # noqa: BLE001 - one handler's failure must not stop the others
                logger.exception("Recovering lost task id=%s path=%s failed", task.id, task.task_path)
    return lost


def recover_lost_work() -> list[LostTask]:
    lost = reap_lost_tasks()
    for sweep in list(_sweeps):
        try:
            sweep()
        except Exception:  # noqa: BLE001 - logged; the next pass tries again
            logger.exception("Sweep %s failed", getattr(sweep, "__qualname__", sweep))
    return lost
