"""The delivery worker: sends queued deliveries (the outbox) to each body's endpoint.

Guarantees (docs/notifications.md):
- Nothing is lost. A delivery is stored with its notification in one transaction. The worker
  is asked to send it after commit (`deliver_notification`); if that request is lost, or the
  worker dies mid-send, the periodic `sweep_deliveries` finds every queued delivery that is
  due and sends it.
- A body never sees a duplicate. Every message carries `Idempotency-Key:
  <reference>-v<version>-<body>`; a resend after a crash has the same key and the receiver
  stores it once. The worker claims deliveries with `SELECT ... FOR UPDATE SKIP LOCKED` and a
  lease (`next_attempt_at` moves forward while an attempt is in progress), so two workers
  never send the same delivery at the same time; only a crash can cause a resend.
- Order per body: a delivery waits until every earlier delivery of the same notification to
  the same body has left the queue, so a body sees the notification before its amendment.
- Retries with exponential backoff (`conf.retry_base_seconds() * 2^(attempt-1)`, capped);
  after `conf.max_attempts()` attempts the delivery is `failed`, with the reason, for a
  person to look at. Every change of status is a `DeliveryStatusRecord`.

Time: scheduling (`next_attempt_at`, leases, `run_after`) uses the real clock, not the service
clock (`perinatal.core.clock`): a clock fixed by PERINATAL_NOW would otherwise freeze every
retry. What people see (sent at, status history) uses the service clock.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django_tasks import TaskResultStatus, task

from perinatal.core import clock
from perinatal.notifications import conf
from perinatal.notifications.models import Delivery, DeliveryStatusRecord, body_name

logger = logging.getLogger(__name__)

WORKER_LABEL = "delivery worker"
CLAIM_BATCH = 20
SWEEP_MAX_ROUNDS = 50
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def wall_now() -> datetime:
    """The real time, for scheduling only (see the module docstring)."""
    return datetime.now(UTC)


def backoff_seconds(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: base * 2^(attempts-1), capped."""
    return min(conf.retry_base_seconds() * (2 ** max(attempts - 1, 0)), conf.retry_max_seconds())


# Transport --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpOutcome:
    status: int | None  # None when no HTTP response came back
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def http_post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> HttpOutcome:
    """POST `body` to `url`. Never raises: every failure is an outcome with a reason."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    # Loopback endpoints (demo, tests) never go through a proxy from the environment.
    handlers = [urllib.request.ProxyHandler({})] if urlparse(url).hostname in LOOPBACK_HOSTS else []
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(65536)
            return HttpOutcome(response.status)
    except urllib.error.HTTPError as error:
        return HttpOutcome(error.code, f"the endpoint answered HTTP {error.code}")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return HttpOutcome(None, f"could not reach the endpoint ({reason})"[:200])


# Replaced in tests by a transport that calls the receiving endpoint in-process.
transport = http_post


# Claiming and sending ----------------------------------------------------------------------------


def _due(now: datetime):
    earlier_in_queue = Delivery.objects.filter(
        notification=OuterRef("notification"),
        body=OuterRef("body"),
        id__lt=OuterRef("id"),
        status=Delivery.Status.QUEUED,
    )
    return Delivery.objects.filter(status=Delivery.Status.QUEUED, next_attempt_at__lte=now).filter(
        ~Exists(earlier_in_queue)
    )


def claim_due(*, notification_id: int | None = None, limit: int = CLAIM_BATCH) -> list[Delivery]:
    """Lock and lease up to `limit` due deliveries; rows another worker holds are skipped."""
    now = wall_now()
    with transaction.atomic():
        queryset = _due(now)
        if notification_id is not None:
            queryset = queryset.filter(notification_id=notification_id)
        claimed = list(
            queryset.select_for_update(skip_locked=True, of=("self",)).order_by("next_attempt_at", "id")[:limit]
        )
        lease_until = now + timedelta(seconds=conf.lease_seconds())
        for delivery in claimed:
            delivery.attempts += 1
            delivery.next_attempt_at = lease_until
        Delivery.objects.bulk_update(claimed, ["attempts", "next_attempt_at"])
    return claimed


def send(delivery: Delivery) -> str:
    """One attempt at one claimed delivery; returns "sent", "retry" or "failed"."""
    secret = conf.secret_for(delivery.body)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": delivery.idempotency_key,
        "User-Agent": "perinatal-safety-platform",
    }
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    try:
        outcome = transport(
            conf.endpoint_for(delivery.body), body=body, headers=headers, timeout=conf.http_timeout_seconds()
        )
    except Exception as error:  # a transport bug must not leave the delivery leased forever
        outcome = HttpOutcome(None, f"sending failed ({type(error).__name__})")
    return record_outcome(delivery, outcome)


@transaction.atomic
def record_outcome(delivery: Delivery, outcome: HttpOutcome) -> str:
    now = clock.now()
    still_queued = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.QUEUED)
    name = body_name(delivery.body)
    if outcome.ok:
        if still_queued.update(status=Delivery.Status.SENT, sent_at=now, last_error=""):
            _record(
                delivery,
                Delivery.Status.SENT,
                f"Delivered to {name} on attempt {delivery.attempts} (HTTP {outcome.status})",
                now,
            )
        return "sent"
    reason = outcome.error or f"the endpoint answered HTTP {outcome.status}"
    if delivery.attempts >= conf.max_attempts():
        if still_queued.update(status=Delivery.Status.FAILED, last_error=reason[:300]):
            _record(
                delivery,
                Delivery.Status.FAILED,
                f"Not delivered to {name} after {delivery.attempts} attempts: {reason}",
                now,
            )
        logger.warning("Delivery %s failed after %s attempts", delivery.pk, delivery.attempts)
        return "failed"
    wait = backoff_seconds(delivery.attempts)
    if still_queued.update(next_attempt_at=wall_now() + timedelta(seconds=wait), last_error=reason[:300]):
        _record(
            delivery,
            Delivery.Status.QUEUED,
            f"Attempt {delivery.attempts} to {name} failed: {reason}. Trying again in {_duration(wait)}",
            now,
        )
    return "retry"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.0f} hours"


def _record(delivery: Delivery, status: str, detail: str, now) -> None:
    DeliveryStatusRecord.objects.create(
        delivery_id=delivery.pk, status=status, detail=detail[:300], at=now, actor_label=WORKER_LABEL
    )


def deliver_due(*, notification_id: int | None = None, max_rounds: int | None = None) -> Counter:
    """Send every due delivery (of one notification, or all), batch by batch."""
    totals: Counter = Counter()
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        claimed = claim_due(notification_id=notification_id)
        if not claimed:
            break
        for delivery in claimed:
            totals[send(delivery)] += 1
    return totals


# Tasks --------------------------------------------------------------------------------------------


def uses_database_queue() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(sweep_deliveries.get_backend(), DatabaseBackend)


@task()
def deliver_notification(notification_id: int) -> dict:
    """Send a notification's due deliveries; schedule the next retry if some are waiting."""
    ensure_sweep_scheduled()
    totals = deliver_due(notification_id=notification_id)
    _schedule_retry(notification_id)
    return dict(totals)


def _schedule_retry(notification_id: int) -> None:
    next_at = Delivery.objects.filter(notification_id=notification_id, status=Delivery.Status.QUEUED).aggregate(
        at=Min("next_attempt_at")
    )["at"]
    if next_at is not None and uses_database_queue():
        deliver_notification.using(run_after=max(next_at, wall_now())).enqueue(notification_id)


@task()
def sweep_deliveries() -> dict:
    """Send every due delivery, whoever queued it: catches tasks lost to a crash.

    It schedules its successor first, so a crash during this run cannot end the chain.
    """
    ensure_sweep_scheduled()
    return dict(deliver_due(max_rounds=SWEEP_MAX_ROUNDS))


def ensure_sweep_scheduled() -> None:
    """Make sure a sweep is waiting in the task queue (database backend only)."""
    if not uses_database_queue():
        return
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=sweep_deliveries.module_path, status=TaskResultStatus.READY)
    if not waiting.exists():
        sweep_deliveries.using(run_after=wall_now() + timedelta(seconds=conf.sweep_seconds())).enqueue()


def enqueue_delivery(notification_id: int) -> None:
    """Ask the worker to send a notification's deliveries now (in the transaction that queued
    them, with the database task queue; after commit with another backend)."""
    deliver_notification.enqueue(notification_id)
    ensure_sweep_scheduled()
