"""Audit trail: who created, changed, deleted or viewed what, when, from which organisation."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AppendOnly(models.Model):
    """A row written once: a change is a new row, so history is never rewritten (status
    records, findings, action updates, withdrawals)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        VIEW = "view", "Viewed"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        DECIDE = "decide", "Decided"
        UPLOAD = "upload", "Uploaded"

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who, kept if the user is deleted.")
    actor_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        help_text="The organisation whose record this is (scopes who may read the event).",
    )
    summary = models.CharField(max_length=300, help_text="Plain words, never identifiable data.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"])]


class ScheduledJobRun(models.Model):
    """One occurrence of a daily job, claimed by the scheduler that queued it.

    The unique (job, occurrence) pair is the lock: a second scheduler, or the same one
    restarted, cannot queue the same night's run again.
    """

    job = models.CharField(max_length=60)
    occurrence = models.DateField(help_text="The day whose run this is (Europe/London).")
    queued_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True, help_text="The django-tasks result id of the queued task.")
    queued_by = models.CharField(max_length=200, blank=True, help_text="Host and process that claimed it.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "occurrence"], name="one_run_per_job_occurrence")]
        ordering = ["-occurrence", "job"]

    def __str__(self) -> str:
        return f"{self.job} {self.occurrence}"


class WorkerHeartbeat(models.Model):
    """A background worker that has run a task, and when it last said it was alive.

    The worker's heartbeat thread (perinatal.core.task_recovery) updates `beat_at` every few
    seconds, on the real clock (liveness is not a service date). A task still RUNNING whose
    worker stopped beating, or whose process is gone from this host, was lost with it.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
