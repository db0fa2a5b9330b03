"""The delivery worker and the receiving endpoint: sending, retries with backoff, giving up,
order per body, leases after a crash, the sweep, and exactly-once storage by key."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from perinatal.notifications import conf, delivery
from perinatal.notifications.models import Delivery, ReceivedNotification, ReceivingOutage
from perinatal.notifications.services.amendment import amend_notification
from tests.notifications.factories import another_family, brain_injury_event, intrapartum_stillbirth, reporter, submit

pytestmark = pytest.mark.django_db


def make_due(notification=None):
    queryset = Delivery.objects.filter(status="queued")
    if notification is not None:
        queryset = queryset.filter(notification=notification)
    queryset.update(next_attempt_at=delivery.wall_now() - timedelta(seconds=1))


def received(body=None):
    queryset = ReceivedNotification.objects.all()
    return queryset.filter(body=body) if body else queryset


def test_queued_deliveries_reach_each_body_once_with_their_key(transport):
    notification = submit(intrapartum_stillbirth())
    totals = delivery.deliver_due()
    assert totals["sent"] == 2
    for sent in notification.deliveries.all():
        assert sent.status == "sent" and sent.attempts == 1 and sent.sent_at is not None
        assert sent.status_records.last().status == "sent"
        row = received(sent.body).get(idempotency_key=sent.idempotency_key)
        assert row.payload == sent.payload and row.duplicate_attempts == 0
    assert delivery.deliver_due() == {}


def test_the_request_carries_the_key_the_secret_and_json(monkeypatch):
    captured = {}

    def capture(url, *, body, headers, timeout):
        captured.update(url=url, body=body, headers=headers)
        return delivery.HttpOutcome(201)

    monkeypatch.setattr(delivery, "transport", capture)
    notification = submit(brain_injury_event())
    delivery.deliver_due(notification_id=notification.pk)
    assert captured["url"] == "http://testserver/receiving/NHSR_EN/"
    assert captured["headers"]["Idempotency-Key"] == f"{notification.reference}-v1-NHSR_EN"
    assert captured["headers"]["Authorization"] == f"Bearer {conf.secret_for('NHSR_EN')}"
    assert json.loads(captured["body"])["body"] == "NHSR_EN"


def test_failures_back_off_exponentially_then_fail_with_the_reason(transport):
    transport.down.add("MNSI")
    notification = submit(intrapartum_stillbirth())
    mnsi = notification.deliveries.get(body="MNSI")
    for attempt, wait in zip(range(1, 5), [30, 60, 120, None]):
        before = delivery.wall_now()
        delivery.deliver_due()
        after = delivery.wall_now()
        mnsi.refresh_from_db()
        assert mnsi.attempts == attempt
        if wait is not None:
            assert mnsi.status == "queued" and "Connection refused" in mnsi.last_error
            assert before + timedelta(seconds=wait) <= mnsi.next_attempt_at <= after + timedelta(seconds=wait)
            make_due(notification)
    assert mnsi.status == "failed" and "Connection refused" in mnsi.last_error
    details = list(mnsi.status_records.values_list("detail", flat=True))
    assert "Trying again in 30 seconds" in details[1] and details[-1].startswith(
        "Not delivered to MNSI after 4 attempts"
    )
    assert notification.deliveries.get(body="MBRRACE_UK").status == "sent"


@pytest.mark.parametrize("attempts, seconds", [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (20, 3600)])
def test_backoff_doubles_and_is_capped(attempts, seconds):
    assert delivery.backoff_seconds(attempts) == seconds


def test_a_body_receives_the_notification_before_its_amendment(transport):
    transport.down.add("MNSI")
    notification = submit(intrapartum_stillbirth())
    amend_notification(
        notification=notification,
        document=intrapartum_stillbirth(gestation=(36, 5)),
        reason="Gestation corrected",
        user=reporter(),
    )
    delivery.deliver_due()
    # MNSI's withdrawal waits behind its first notification, which is still being retried.
    assert notification.deliveries.get(body="MNSI", kind="withdraw").attempts == 0
    transport.down.clear()
    make_due(notification)
    delivery.deliver_due()
    keys = [key for body, key in transport.calls if body == "MNSI"]
    assert keys == [
        f"{notification.reference}-v1-MNSI",
        f"{notification.reference}-v1-MNSI",
        f"{notification.reference}-v2-MNSI",
    ]
    assert received("MNSI").count() == 2


def test_a_crash_after_sending_is_resent_after_the_lease_and_stored_once(transport):
    notification = submit(intrapartum_stillbirth())
    claimed = delivery.claim_due()
    assert len(claimed) == 2 and delivery.claim_due() == []  # leased: no second worker takes them
    for each in claimed:  # the worker sends, then dies before recording the outcome
        transport(
            conf.endpoint_for(each.body),
            body=json.dumps(each.payload).encode(),
            timeout=1,
            headers={"Idempotency-Key": each.idempotency_key, "Authorization": f"Bearer {conf.secret_for(each.body)}"},
        )
    make_due(notification)  # the lease runs out
    assert delivery.deliver_due()["sent"] == 2
    assert received().filter(idempotency_key__startswith=notification.reference).count() == 2
    assert set(received().values_list("duplicate_attempts", flat=True)) == {1}


def test_the_sweep_is_scheduled_with_a_submission_and_reschedules_itself(django_capture_on_commit_callbacks, transport):
    sweep_path = delivery.sweep_deliveries.module_path
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        notification = submit(intrapartum_stillbirth())
    tasks = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert tasks.filter(
        task_path=delivery.deliver_notification.module_path, args_kwargs__args=[notification.pk]
    ).exists()
    assert tasks.filter(task_path=sweep_path).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        submit(another_family(brain_injury_event(), 1))
    assert tasks.filter(task_path=sweep_path).count() == 1  # one sweep waiting, not one per submission
    DBTaskResult.objects.filter(task_path=sweep_path).update(status=TaskResultStatus.RUNNING)  # it started
    make_due()
    assert delivery.sweep_deliveries.call()["sent"] == 4
    assert tasks.filter(task_path=sweep_path).count() == 1  # its successor


def test_a_retry_is_scheduled_for_the_next_attempt(transport):
    transport.down.add("MNSI")
    notification = submit(intrapartum_stillbirth())
    DBTaskResult.objects.all().delete()
    delivery.deliver_notification.call(notification.pk)
    retry = DBTaskResult.objects.get(task_path=delivery.deliver_notification.module_path)
    mnsi = notification.deliveries.get(body="MNSI")
    assert abs((retry.run_after - mnsi.next_attempt_at).total_seconds()) < 1


def test_a_transport_that_raises_is_an_attempt_that_failed(monkeypatch):
    def broken(url, **kwargs):
        raise ValueError("bug")

    monkeypatch.setattr(delivery, "transport", broken)
    notification = submit(intrapartum_stillbirth())
    delivery.deliver_due()
    assert set(notification.deliveries.values_list("last_error", flat=True)) == {"sending failed (ValueError)"}


def test_the_real_http_transport_reports_a_closed_port():
    outcome = delivery.http_post("http://127.0.0.1:9/receiving/MNSI/", body=b"{}", headers={}, timeout=2)
    assert outcome.status is None and not outcome.ok and "could not reach" in outcome.error


# The receiving endpoint -------------------------------------------------------------------------------


def _post(client, body="MNSI", key="PEN-2026-000001-v1-MNSI", secret=None, payload=b'{"a": 1}'):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret or conf.secret_for(body)}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/receiving/{body}/", data=payload, content_type="application/json", **headers)


def test_the_receiving_endpoint_stores_once_per_key(client):
    assert _post(client).status_code == 201
    replay = _post(client)
    assert replay.status_code == 200 and replay.json()["status"] == "already received"
    row = received("MNSI").get()
    assert row.duplicate_attempts == 1 and row.payload == {"a": 1}
    assert _post(client, body="NHSR_EN", key="PEN-2026-000001-v1-MNSI").status_code == 201  # per body


@pytest.mark.parametrize(
    "kwargs, status",
    [
        ({"secret": "wrong"}, 401),
        ({"key": None}, 400),
        ({"payload": b"not json"}, 400),
        ({"body": "CDOP"}, 404),
    ],
)
def test_the_receiving_endpoint_refuses_bad_requests(client, kwargs, status):
    assert _post(client, **kwargs).status_code == status
    assert not received().exists()


def test_the_receiving_endpoint_does_not_exist_in_production(client, settings):
    settings.PRODUCTION = True
    settings.NOTIFICATION_ENDPOINT_SECRETS = {"MNSI": "secret"}
    assert _post(client, secret="secret").status_code == 404


def test_an_outage_answers_503(client):
    ReceivingOutage.objects.create(body="MNSI", active=True, changed_at="2026-01-01T00:00Z")
    assert _post(client).status_code == 503
    assert _post(client, body="MBRRACE_UK", key="k").status_code == 201


def test_production_endpoints_must_be_https_with_a_secret(settings):
    from perinatal.notifications.checks import delivery_endpoints_are_secure

    settings.PRODUCTION = True
    settings.NOTIFICATION_ENDPOINTS = {
        "MBRRACE_UK": "https://mbrrace.example/in",
        "MNSI": "http://mnsi.example/in",
        "NHSR_EN": "https://nhsr.example/in",
    }
    settings.NOTIFICATION_ENDPOINT_SECRETS = {"MBRRACE_UK": "s1", "MNSI": "s2"}
    problems = {(p.id, p.msg.split()[4]) for p in delivery_endpoints_are_secure()}
    assert problems == {("notifications.E001", "MNSI"), ("notifications.E002", "NHSR_EN")}
    settings.PRODUCTION = False
    assert delivery_endpoints_are_secure() == []


def test_another_task_backend_is_asked_only_after_commit(django_capture_on_commit_callbacks, settings):
    # The database queue's task row is written in the transaction; any other backend might run
    # the task at once (the immediate one does), before the deliveries are committed.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks() as callbacks:
        submit(intrapartum_stillbirth())
    assert len(callbacks) == 1
    assert not DBTaskResult.objects.exists()
