"""The monthly board report: a trust's report for a month, its versions and their history
(docs/rules/board_report.md §2).

A report (trust, month) has versions. Version 1 is the first; a correction of an approved
version is the next number, with its reason. A version's status is its latest event: draft,
submitted, returned (with the reason) or approved. Nothing is overwritten: events, what the
author wrote (cover, summary, risks) and the minimum data set are append-only rows with who
and when, the latest row of each part being the one in force. On submission the document is
generated from live data and kept (``Snapshot``); approval freezes that snapshot as HTML, PDF
and JSON for each edition (``FrozenFile``), stored with a SHA-256 content hash and served
byte for byte from then on.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from perinatal.core.models import AppendOnly


class BoardReport(models.Model):
    """One trust's report for one calendar month (``month`` is the month's first day)."""

    trust = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="First day of the calendar month the report covers.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=200, help_text="The person, or the scheduled job.")

    class Meta:
        ordering = ["-month", "trust__code"]
        constraints = [models.UniqueConstraint(fields=["trust", "month"], name="one_board_report_per_trust_month")]

    def __str__(self) -> str:
        return f"Board report {self.trust.code} {self.month:%Y-%m}"


class ReportVersion(models.Model):
    """A version of a report: version 1, or a correction of the approved version before it."""

    report = models.ForeignKey(BoardReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    reason = models.TextField(blank=True, help_text="Why this correction was made (empty for version 1).")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="one_board_report_version_number")]


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned to the author"
    APPROVED = "approved", "Approved"


class Snapshot(AppendOnly):
    """The document as generated when a version was submitted: what the executive lead approves.

    ``changes`` lists the figures that differ from the previous approved version (a correction).
    """

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="snapshots")
    generated_at = models.DateTimeField()
    generated_on = models.DateField(help_text="The day the document was generated (safety checks' status day).")
    private_document = models.JSONField()
    public_document = models.JSONField()
    changes = models.JSONField(default=list, help_text="[{section, figure, before, after}] against the last approval.")

    class Meta:
        ordering = ["version_id", "generated_at", "id"]


class VersionEvent(AppendOnly):
    """A step in a version's life; the latest is its status."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.TextField(blank=True, help_text="Why it was returned.")
    snapshot = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="The person, or the scheduled job.")

    class Meta:
        ordering = ["version_id", "at", "id"]


class Edition(models.TextChoices):
    PRIVATE = "private", "Private board edition"
    PUBLIC = "public", "Public board edition"


class FileFormat(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    JSON = "json", "JSON"


class FrozenFile(AppendOnly):
    """An approved version's file, frozen: its bytes never change and are served as stored."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="frozen_files")
    edition = models.CharField(max_length=10, choices=Edition.choices)
    file_format = models.CharField(max_length=4, choices=FileFormat.choices)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of content, checked when it is served.")
    frozen_at = models.DateTimeField()

    class Meta:
        ordering = ["version_id", "edition", "file_format"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "edition", "file_format"], name="one_frozen_file_per_version_edition_format"
            )
        ]

    @staticmethod
    def hash_of(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    @property
    def intact(self) -> bool:
        return self.hash_of(bytes(self.content)) == self.sha256


class Part(models.TextChoices):
    """What the author writes, each part saved on its own."""

    COVER = "cover", "Cover"
    SUMMARY = "summary", "Summary"
    RISKS = "risks", "Risks and decisions"


class NarrativeEntry(AppendOnly):
    """The author's words for one part, as saved; the latest entry of a part is in force."""

    report = models.ForeignKey(BoardReport, on_delete=models.CASCADE, related_name="narrative_entries")
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=10, choices=Part.choices)
    values = models.JSONField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["report_id", "part", "at", "id"]


class MdsEntry(AppendOnly):
    """One minimum data set item as saved (docs/rules/board_report.md §1.6); the latest is in force."""

    report = models.ForeignKey(BoardReport, on_delete=models.CASCADE, related_name="mds_entries")
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=40)
    values = models.JSONField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["report_id", "item", "at", "id"]


class AuthorNotice(models.Model):
    """Telling a trust's authors that a scheduled draft is ready: once per report, retried until sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    report = models.OneToOneField(BoardReport, on_delete=models.CASCADE, related_name="author_notice")
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
