"""Perinatal event notifications: drafts, notifications and their versions, the delivery
outbox, each body's case, information requests, API tokens, amendments in progress and the
demo receiving inboxes.

The notification document and its routing are the framework-free engine's
(`perinatal.notifications.routing`); these models store them. Versions and status records are
append-only (`AppendOnly`): a change is a new row, never an edit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from perinatal.core.models import AppendOnly
from perinatal.notifications.routing import BODY_ORDER

BODY_CHOICES = [(str(body), str(body)) for body in BODY_ORDER]
BODY_NAMES = {
    "MBRRACE_UK": "MBRRACE-UK",
    "MNSI": "MNSI",
    "NHSR_EN": "NHS Resolution",
    "CDOP": "Child death overview panel",
}


def body_name(code: str) -> str:
    """The name people use for a body (the code is what machines use)."""
    return BODY_NAMES.get(str(code), str(code))


class CreatedVia(models.TextChoices):
    WEB = "web", "Web form"
    API = "api", "API"


class Notification(models.Model):
    """One perinatal event notified by a trust. Its facts live in its versions."""

    class Event(models.TextChoices):
        BABY = "baby", "Baby"
        MATERNAL = "maternal", "Maternal death"

    class State(models.TextChoices):
        """docs/rules/routing.md §7 and §9: held until the trust decides, or withdrawn in error."""

        SUBMITTED = "submitted", "Submitted"
        HELD = "held", "Held: possible duplicate"
        DISCARDED = "discarded", "Discarded as a duplicate"
        WITHDRAWN = "withdrawn", "Withdrawn"

    reference = models.CharField(max_length=32, unique=True)
    trust = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="notifications")
    event = models.CharField(max_length=10, choices=Event.choices)
    linked_notification = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_from",
        help_text="The linked mother's or baby's notification (each is routed on its own).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_token = models.ForeignKey("ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_via = models.CharField(max_length=3, choices=CreatedVia.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    current_version = models.ForeignKey(
        "NotificationVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "A submission key (API Idempotency-Key or the web draft's id): "
            "the same key never makes a second notification."
        ),
    )
    # Matching fields copied from the current version, for duplicate checks (issue 3 item 7).
    baby_nhs_number = models.CharField(max_length=10, blank=True)
    mother_nhs_number = models.CharField(max_length=10, blank=True)
    born_at = models.DateTimeField(null=True, blank=True)
    multiple_birth = models.BooleanField(null=True, blank=True)
    mother_died_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    possible_duplicate_of = models.JSONField(
        default=list,
        blank=True,
        help_text="References of the trust's notifications this one may duplicate, found when it was submitted.",
    )
    distinct_because = models.TextField(
        blank=True, help_text="Why it was sent although it may be a duplicate (the client's or the trust's words)."
    )
    state_reason = models.TextField(blank=True, help_text="Why it was discarded or withdrawn.")
    state_changed_at = models.DateTimeField(null=True, blank=True)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["trust", "-created_at"]),
            models.Index(fields=["baby_nhs_number"]),
            models.Index(fields=["mother_nhs_number"]),
            models.Index(fields=["trust", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="one_notification_per_submission_key",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_held(self) -> bool:
        return self.state == self.State.HELD

    @property
    def is_withdrawn(self) -> bool:
        return self.state == self.State.WITHDRAWN

    @property
    def flagged_as_possible_duplicate(self) -> bool:
        """Sent although it may be a duplicate: the bodies see the flag (docs/rules/routing.md §7.4)."""
        return bool(self.possible_duplicate_of) and self.state != self.State.HELD


class NotificationVersion(AppendOnly):
    """The document as it stood at one version, the routing it got, and why it changed."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.JSONField(help_text="The canonical notification document (docs/rules/routing.md §2).")
    routing = models.JSONField(help_text="The routing result (docs/rules/routing.md §4).")
    rules_version = models.CharField(max_length=20)
    reason = models.TextField(blank=True, help_text="Why it was amended (empty for the first version).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_via = models.CharField(max_length=3, choices=CreatedVia.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["notification_id", "number"]
        constraints = [models.UniqueConstraint(fields=["notification", "number"], name="one_version_number")]

    @property
    def destination_bodies(self) -> list[str]:
        return [destination["body"] for destination in self.routing.get("destinations", [])]


class Delivery(models.Model):
    """The outbox: one row per (version, body) to send, stored with the notification.

    The idempotency key is the body's guarantee: the same key is the same message, so a
    resend after a crash is recognised and never stored twice.
    """

    class Kind(models.TextChoices):
        NOTIFY = "notify", "Notification"
        AMEND = "amend", "Amendment"
        WITHDRAW = "withdraw", "Withdrawal"
        REFERENCE = "reference", "MNSI reference"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        FAILED = "failed", "Failed"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    version = models.ForeignKey(NotificationVersion, on_delete=models.CASCADE, related_name="deliveries")
    body = models.CharField(max_length=12, choices=BODY_CHOICES)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    idempotency_key = models.CharField(max_length=120, unique=True)
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        help_text="When the worker may next try (also the lease of an attempt in progress)."
    )
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["notification_id", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["notification", "body"]),
        ]

    @property
    def body_name(self) -> str:
        return body_name(self.body)


class DeliveryStatusRecord(AppendOnly):
    """Who or what changed a delivery's status, when, and why."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="status_records")
    status = models.CharField(max_length=12, choices=Delivery.Status.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="The person, or 'delivery worker'.")

    class Meta:
        ordering = ["delivery_id", "at", "id"]


class BodyCase(models.Model):
    """What one body has made of one notification: its reference, acknowledgement and due date."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="body_cases")
    body = models.CharField(max_length=12, choices=BODY_CHOICES)
    category = models.CharField(max_length=30, blank=True)
    due_on = models.DateField(
        null=True, blank=True, help_text="docs/rules/routing.md §6; empty when no deadline is published."
    )
    routed = models.BooleanField(default=True, help_text="False once an amendment withdrew it from this body.")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    body_reference = models.CharField(max_length=60, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["notification_id", "id"]
        constraints = [models.UniqueConstraint(fields=["notification", "body"], name="one_case_per_body")]

    @property
    def body_name(self) -> str:
        return body_name(self.body)


class InformationRequest(models.Model):
    """A body asks the trust for more information; the trust answers."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="information_requests")
    body = models.CharField(max_length=12, choices=BODY_CHOICES)
    question = models.TextField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["notification_id", "asked_at", "id"]

    @property
    def body_name(self) -> str:
        return body_name(self.body)


class Draft(models.Model):
    """A notification being written in the web journey: saved on every page."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    trust = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="notification_drafts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_drafts"
    )
    answers = models.JSONField(default=dict, help_text="A partial notification document (docs/rules/routing.md §2).")
    step = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-updated_at"]


class AmendmentDraft(models.Model):
    """An amendment being written through the journey's question pages: saved on every page.

    `base_version` is the version it started from: sending it when the notification has moved
    on is refused (docs/rules/routing.md §10), and the answers are kept.
    """

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="amendment_drafts")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    base_version = models.PositiveIntegerField()
    answers = models.JSONField(default=dict, help_text="Journey answers (a notification document and its pages).")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "created_by"], name="one_amendment_draft_per_person")
        ]


class ApiToken(models.Model):
    """A trust's API credential. Only its SHA-256 hash is stored; the prefix identifies it."""

    trust = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["trust__code", "-created_at"]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The response to an API request made with an Idempotency-Key, kept to replay it."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="one_response_per_key")]


class ReceivedNotification(models.Model):
    """The demo receiving inbox of a national body: what arrived at its endpoint, once per key."""

    body = models.CharField(max_length=12, choices=BODY_CHOICES)
    idempotency_key = models.CharField(max_length=120)
    payload = models.JSONField()
    received_at = models.DateTimeField()
    duplicate_attempts = models.PositiveIntegerField(default=0, help_text="Resends recognised by their key.")
    last_duplicate_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["body", "idempotency_key"], name="received_once_per_key")]


class ReceivingOutage(models.Model):
    """Demo and tests: a body's receiving endpoint answers 503 while an outage is on."""

    body = models.CharField(max_length=12, choices=BODY_CHOICES, unique=True)
    active = models.BooleanField(default=False)
    changed_at = models.DateTimeField()
