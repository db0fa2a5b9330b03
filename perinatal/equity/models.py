"""The Perinatal Equity and Anti-Discrimination Programme's records (docs/rules/equity.md §3).

The plan (the programme, its intakes and which site is in which) is changed by the national
programme team; every change is kept in :class:`HistoryEntry` with who made it and when. What a
trust records about its teams (members, executive backing, the five elements, the surveys) is
append-only: a change is a new row, and the latest row is the current state.

Team members are named with their job title and, only where the programme team needs to reach
them, a work email: nothing else about a person is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from perinatal.core.models import AppendOnly
from perinatal.equity.programme.rules import (
    ELEMENT_NUMBERS,
    ElementStatus,
    SurveyRound,
    TeamRole,
)
from perinatal.organisations.models import Organisation, Site

PROGRAMME_NAME = "Perinatal Equity and Anti-Discrimination Programme"

ROLE_CHOICES = [(role.value, role.label) for role in TeamRole]
ELEMENT_CHOICES = [(number, f"Element {number}") for number in ELEMENT_NUMBERS]
ELEMENT_STATUS_CHOICES = [(status.value, status.label) for status in ElementStatus]
ROUND_CHOICES = [(round_.value, round_.label) for round_ in SurveyRound]


class Programme(models.Model):
    """The national programme: its start date. There is one (``singleton``)."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    name = models.CharField(max_length=120, default=PROGRAMME_NAME)
    start_on = models.DateField(help_text="Every intake starts within 18 months of this day.")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Intake(models.Model):
    """A phased regional intake: its regions, start date and capacity (the sites it can take)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="intakes")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    regions = models.ManyToManyField(Organisation, related_name="+", limit_choices_to={"kind": "region"})
    start_on = models.DateField()
    capacity = models.PositiveSmallIntegerField(help_text="How many sites the intake can take.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["start_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="equity_intake_number_unique"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="equity_intake_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"Intake {self.number}: {self.name}"


class Allocation(models.Model):
    """A site in an intake; its neonatal units come with it. The database holds a site to one
    intake of the programme (the service refuses a second first, naming the site)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="allocations")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField()
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["intake__start_on", "intake__number", "site__code"]
        constraints = [models.UniqueConstraint(fields=["programme", "site"], name="equity_site_in_one_intake")]


class OnboardingNotice(models.Model):
    """Telling a trust when its sites are due to be onboarded (docs/rules/equity.md §3).

    Written in the transaction that allocates the sites (or moves the intake's start), sent by
    the worker after it commits; each site is told once for each start date of its intake.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="notices")
    trust = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sites = models.ManyToManyField(Site, related_name="+")
    starts_on = models.DateField(help_text="The intake's start date the trust is told.")
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


class Team(models.Model):
    """A site's team on the programme (created when the site is first allocated)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="teams")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["site__code"]
        constraints = [models.UniqueConstraint(fields=["programme", "site"], name="equity_one_team_per_site")]


class TeamMember(AppendOnly):
    """A person named in a team's role. Leaving the team is a :class:`TeamMemberLeaving` row."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150)
    work_email = models.EmailField(blank=True, help_text="Only when the programme team needs to reach them.")
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["team_id", "added_at", "id"]

    @property
    def role_label(self) -> str:
        return TeamRole(self.role).label


class TeamMemberLeaving(AppendOnly):
    member = models.OneToOneField(TeamMember, on_delete=models.PROTECT, related_name="leaving")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class ExecutiveBacking(AppendOnly):
    """Whether the trust's executive team backs the site's work, as confirmed on a day."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="backings")
    backed = models.BooleanField()
    confirmed_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["team_id", "recorded_at", "id"]


class ElementUpdate(AppendOnly):
    """A team's progress on one of the five elements; the latest row for the element is current."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="element_updates")
    element = models.PositiveSmallIntegerField(choices=ELEMENT_CHOICES)
    status = models.CharField(max_length=12, choices=ELEMENT_STATUS_CHOICES)
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    participants = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many of the team took part (the trust's own count)."
    )
    evidence = models.JSONField(default=list, help_text="Keys of the element's evidence the team has.")
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["team_id", "element", "recorded_at", "id"]


class Session(AppendOnly):
    """A session the national programme team ran for an intake (a webinar, face-to-face development)."""

    class Kind(models.TextChoices):
        WEBINAR = "webinar", "Webinar"
        FACE_TO_FACE = "face_to_face", "Face-to-face development"
        ONLINE_WORKSHOP = "online_workshop", "Online workshop"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sessions")
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="sessions")
    element = models.PositiveSmallIntegerField(choices=ELEMENT_CHOICES)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]


class SessionAttendance(AppendOnly):
    """How many of a site's team attended a session; a later row for the same pair corrects it."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="attendance")
    attended = models.PositiveSmallIntegerField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["session_id", "team_id", "recorded_at", "id"]


class SurveyReturn(AppendOnly):
    """A round of the participants' survey (before or after) as the team enters it; the latest
    row for the round is current. Scores are the percentage of respondents who agree."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="surveys")
    round = models.CharField(max_length=6, choices=ROUND_CHOICES)
    held_on = models.DateField(help_text="The day the survey closed.")
    invited = models.PositiveIntegerField()
    responses = models.PositiveIntegerField()
    safe_to_speak_up = models.PositiveSmallIntegerField(null=True, blank=True)
    treated_fairly = models.PositiveSmallIntegerField(null=True, blank=True)
    confident_to_challenge = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["team_id", "round", "recorded_at", "id"]


class HistoryEntry(AppendOnly):
    """One change to the programme, in plain words with who made it and when, for its pages.

    Never names a person other than the one who made the change: a team member is named by
    role (ICBs and regions read the history of their trusts' sites)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="Who, kept if the account is removed.")
    intake = models.ForeignKey(Intake, null=True, blank=True, on_delete=models.SET_NULL, related_name="history")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    trust = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The trust whose site it concerns, on the day (scopes who reads it).",
    )
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "history entries"
