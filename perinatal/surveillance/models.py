"""Outcome signals: MOSS runs and their per-site results, signals, critical safety checks.

docs/rules/surveillance.md §1. A MOSS run over the births data stores one result per site and
evaluated month; a (site, month, level) at level 1 or 2 is a **signal**, recorded once with
the data it was computed from and never deleted (a revision of the data that makes it
disappear marks it withdrawn). A new signal opens a **critical safety check** at its site, or
joins the site's open one; the check is due on the 8th England working day after the day the
signal was seen (docs/rules/surveillance.md §1.4). Status changes, findings and actions are append-only records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from perinatal.core import clock
from perinatal.core.models import AppendOnly


class ReferenceRateUpload(models.Model):
    """One load of NHS England's ``MOSS_Ref_Rate.csv``: by ``perinatal load_reference_rates`` or the reference rates
    page (docs/rules/surveillance.md §1.1, §1.6)."""

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, help_text="Of the file's bytes, to tell one file from another.")
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_by_label = models.CharField(
        max_length=200, help_text="Who loaded it: the user, or the command line's account."
    )
    rates_loaded = models.PositiveIntegerField()
    rates_replaced = models.PositiveIntegerField(
        help_text="Rates of earlier loads for the same site and period it replaced."
    )

    class Meta:
        ordering = ["-loaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} loaded {self.loaded_at:%Y-%m-%d}"

    @property
    def sha256_short(self) -> str:
        return self.sha256[:12]


class ReferenceRateWithdrawal(AppendOnly):
    """Taking a load's rates out of force (ADR 0013): who, when and why; the rows are kept.

    At most one per load. The rates it took out of force point at it; the rates the load had
    replaced stay replaced: after a withdrawal MOSS uses a rate loaded for all sites, else the
    national rate, unless another load is in force for the site and period.
    """

    upload = models.OneToOneField(ReferenceRateUpload, on_delete=models.PROTECT, related_name="withdrawal")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=200, help_text="Who withdrew it, kept if the account is later removed.")
    reason = models.TextField()
    rates_withdrawn = models.PositiveIntegerField(help_text="Rates of the load that were in force and no longer are.")

    class Meta:
        ordering = ["-at", "-id"]


class LoadedReferenceRate(models.Model):
    """A reference rate for one site (or every site) and 3-year period, from a loaded file.

    MOSS uses it for the site's events in the year after the period, instead of the national
    rate computed from the births data, while it is **in force**: neither replaced by a later
    load with the same site and period nor withdrawn with its load. Either way the row is kept,
    marked with what took it out of force, so every result can still say which rate it used.
    """

    upload = models.ForeignKey(ReferenceRateUpload, on_delete=models.PROTECT, related_name="rates")
    line = models.PositiveIntegerField(help_text="Line of the file it came from.")
    site_code = models.CharField(max_length=20, blank=True, help_text="Blank: the rate applies to every site.")
    period_start_year = models.PositiveSmallIntegerField()
    period_end_year = models.PositiveSmallIntegerField(help_text="The rate is used for events in the year after.")
    rate = models.FloatField(help_text="Ref_Rate, used as given (events per term birth).")
    events = models.TextField(blank=True, help_text="Events as written in the file (informational).")
    denom = models.TextField(blank=True, help_text="Denom as written in the file (informational).")
    source = models.TextField(blank=True)
    replaced_by = models.ForeignKey(
        ReferenceRateUpload,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_rates",
    )
    withdrawn_by = models.ForeignKey(
        ReferenceRateWithdrawal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rates",
        help_text="The withdrawal of its load that took it out of force.",
    )

    class Meta:
        ordering = ["site_code", "period_end_year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site_code", "period_end_year"],
                condition=Q(replaced_by__isnull=True, withdrawn_by__isnull=True),
                name="one_reference_rate_in_force_per_site_period",
            )
        ]

    @property
    def in_force(self) -> bool:
        return self.replaced_by_id is None and self.withdrawn_by_id is None

    @property
    def applies_to_every_site(self) -> bool:
        return not self.site_code

    @property
    def events_year(self) -> int:
        return self.period_end_year + 1


class MossRun(models.Model):
    """One MOSS calculation over the platform's births data."""

    class Trigger(models.TextChoices):
        BIRTHS_IMPORT = "births_import", "After a births import"
        REFERENCE_RATES = "reference_rates", "After reference rates were loaded"
        REFERENCE_WITHDRAWN = "rates_withdrawn", "After reference rates were withdrawn"
        NIGHTLY = "nightly", "Nightly"
        COMMAND = "command", "Command line"
        DEMO = "demo", "Demo set-up"

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    seen_on = models.DateField(help_text="The day new signals were seen: day 0 of their safety checks.")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    method = models.CharField(max_length=40)
    reference = models.CharField(
        max_length=100, help_text="Which reference rates: national (default), per site (N sites), loaded for all sites."
    )
    data_fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the monthly counts and reference rates the run read."
    )
    results_stored = models.BooleanField(
        default=True, help_text="False when the data was unchanged since the last stored run (its results stand)."
    )
    reference_state = models.CharField(
        max_length=60,
        blank=True,
        default="",
        db_default="",  # a process of the release before (during a deploy) still inserts runs
        help_text="The loads and withdrawals of reference rates the run read (selectors.reference_rates."
        "reference_state): a later change that no run has read yet shows on the pages and is queued again.",
    )
    latest_month = models.DateField(null=True, blank=True, help_text="First day of the latest evaluated month.")
    sites_monitored = models.PositiveIntegerField(default=0)
    site_months = models.PositiveIntegerField(default=0)
    new_signals = models.PositiveIntegerField(default=0)
    withdrawn_signals = models.PositiveIntegerField(default=0)
    checks_opened = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(
        default=list,
        help_text="Site-years not monitored: [{site_code, year, reason, message}] (docs/rules/surveillance.md §1.2).",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = ["started_at", "id"]

    def __str__(self) -> str:
        return f"MOSS run {self.pk}"


class SiteMonthResult(models.Model):
    """One site and evaluated month of a run: the row ``perinatal moss`` prints (docs/rules/surveillance.md §1.6),
    plus its inputs."""

    run = models.ForeignKey(MossRun, on_delete=models.CASCADE, related_name="results")
    site = models.ForeignKey("organisations.Site", on_delete=models.PROTECT, related_name="+")
    trust = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The site's trust on the day of the run.",
    )
    month = models.DateField(help_text="First day of the month of birth.")
    events = models.PositiveIntegerField()
    expected = models.FloatField(help_text="IC: expected events in the month (docs/rules/surveillance.md §1.2).")
    k = models.FloatField()
    h1 = models.FloatField()
    h2 = models.FloatField()
    cusum = models.FloatField()
    level = models.PositiveSmallIntegerField()
    reset = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=40)
    denominator = models.FloatField(help_text="Mean monthly term births at the site in the year before.")
    reference_rate = models.FloatField(help_text="The rate used: the national rate, or a loaded one.")

    class ReferenceSource(models.TextChoices):
        NATIONAL = "national", "National rate from the births data"
        SITE = "site", "Loaded for the site"
        ALL_SITES = "all_sites", "Loaded for all sites"

    reference_source = models.CharField(
        max_length=10, choices=ReferenceSource.choices, default=ReferenceSource.NATIONAL
    )
    loaded_reference_rate = models.ForeignKey(
        LoadedReferenceRate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The loaded rate used, when not the national one.",
    )

    class Meta:
        ordering = ["run_id", "site__code", "month"]
        constraints = [models.UniqueConstraint(fields=["run", "site", "month"], name="one_result_per_run_site_month")]
        indexes = [models.Index(fields=["run", "level"])]


class CriticalSafetyCheck(models.Model):
    """The review a signal obliges the trust's perinatal leadership to complete (docs/rules/surveillance.md §1.4)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"

    site = models.ForeignKey("organisations.Site", on_delete=models.PROTECT, related_name="+")
    trust = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The site's trust when the check was opened: who must complete it.",
    )
    opened_at = models.DateTimeField()
    opened_on = models.DateField(help_text="The day the signal was seen (day 0).")
    due_on = models.DateField(help_text="The 8th England working day after opened_on.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person leading the check for the trust.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completion_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site"], condition=Q(status="open"), name="one_open_safety_check_per_site")
        ]
        indexes = [models.Index(fields=["trust", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"CSC-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue_on(self, day) -> bool:
        """Open after its due date (the due date itself is still in time)."""
        return self.is_open and day > self.due_on

    def was_completed_late(self) -> bool:
        return self.completed_at is not None and clock.london(self.completed_at).date() > self.due_on


class SafetyCheckStatusRecord(AppendOnly):
    """Who moved a check to which status, when (opened, completed)."""

    safety_check = models.ForeignKey(CriticalSafetyCheck, on_delete=models.CASCADE, related_name="status_records")
    status = models.CharField(max_length=10, choices=CriticalSafetyCheck.Status.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="The person, or 'MOSS run N'.")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["safety_check_id", "at", "id"]


class ReviewArea(models.TextChoices):
    """The areas a critical safety check reviews (docs/rules/surveillance.md §1.4), in the order the page asks them."""

    CASES = "cases", "Cases"
    STAFFING = "staffing", "Staffing"
    ESCALATION = "escalation", "Escalation"
    INTRAPARTUM_MONITORING = "intrapartum_monitoring", "Intrapartum monitoring"
    LEARNING = "learning", "Learning"


class SafetyCheckFinding(AppendOnly):
    """Findings for one review area; a newer row for the same area supersedes, never overwrites."""

    safety_check = models.ForeignKey(CriticalSafetyCheck, on_delete=models.CASCADE, related_name="findings")
    area = models.CharField(max_length=30, choices=ReviewArea.choices)
    findings = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["safety_check_id", "recorded_at", "id"]


class SafetyCheckAction(AppendOnly):
    """An action the check decided on, with who owns it and when it is due."""

    safety_check = models.ForeignKey(CriticalSafetyCheck, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=150, help_text="Who owns the action (a name or a role).")
    due_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["safety_check_id", "due_on", "id"]


class SafetyCheckActionUpdate(AppendOnly):
    """A step in an action's life: marked done, or a note of progress; the latest row is its status.

    The action row itself is never edited. An action can be updated after its check is
    completed: actions go on the trust's action plan and outlive the 8-working-day check (ADR 0013).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    action = models.ForeignKey(SafetyCheckAction, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.CharField(max_length=1000, help_text="What was done, or the progress so far.")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="Who, kept if the account is later removed.")

    class Meta:
        ordering = ["action_id", "at", "id"]


class Signal(models.Model):
    """A (site, month, level) at level 1 or 2 under one method, recorded the first time a run saw it."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn after data revision"

    site = models.ForeignKey("organisations.Site", on_delete=models.PROTECT, related_name="+")
    trust = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The site's trust when the signal was first seen.",
    )
    month = models.DateField(help_text="First day of the month of birth the signal is in.")
    level = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    first_seen_run = models.ForeignKey(MossRun, on_delete=models.PROTECT, related_name="signals_first_seen")
    first_seen_at = models.DateTimeField()
    first_seen_on = models.DateField()
    historical = models.BooleanField(
        default=False,
        help_text="First seen when its month was already older than the action window: no check was opened.",
    )
    safety_check = models.ForeignKey(
        CriticalSafetyCheck, null=True, blank=True, on_delete=models.PROTECT, related_name="signals"
    )
    evidence = models.JSONField(
        help_text="The data it was computed from: the site's rows up to its month, inputs, fingerprint."
    )

    class Meta:
        ordering = ["-month", "site__code", "level"]
        constraints = [
            models.UniqueConstraint(fields=["site", "month", "level", "method"], name="one_signal_per_site_month_level")
        ]
        indexes = [models.Index(fields=["status", "month"]), models.Index(fields=["trust", "status"])]

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class SignalStatusRecord(AppendOnly):
    """A signal's history: first seen, withdrawn after a data revision, seen again."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="status_records")
    status = models.CharField(max_length=10, choices=Signal.Status.choices)
    run = models.ForeignKey(MossRun, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["signal_id", "at", "id"]


class ContactNotice(models.Model):
    """Telling a trust's contacts about new signals at one of its sites (the same day, docs/rules/surveillance.md §1.4).

    Sent after the run is stored; a notice that failed is tried again by the next run.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    safety_check = models.ForeignKey(CriticalSafetyCheck, on_delete=models.CASCADE, related_name="notices")
    run = models.ForeignKey(MossRun, on_delete=models.PROTECT, related_name="notices")
    signals = models.ManyToManyField(Signal, related_name="notices")
    recipients = models.JSONField(default=list, help_text="Email addresses told.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    backend = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
