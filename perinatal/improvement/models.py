"""The Improvement Support Team's cases (docs/rules/improvement.md §1): from an identified concern
to exit.

Nothing is overwritten (docs/rules/improvement.md §1, "History and access"): every row is
append-only (`perinatal.core.models.AppendOnly`) and records who wrote it and when. What a
case *is now* is read from its latest rows: the latest diagnostic record holds the diagnostic's
dates, the latest update of an action its status and RAG, the latest triage decision of a
concern what was decided. The clocks (`perinatal.improvement.clocks`) read a case's dates,
meetings and escalations through `selectors.cases.timeline_of`.

A case moved from the previous programme (docs/rules/improvement.md §3) is stored with the same
rows, marked ``imported``: the files carry its dates, not the words of its plan or minutes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from perinatal.core.models import AppendOnly

from .clocks import ESCALATION_LEVELS, EXECUTIVE_MEETING, QUARTERLY_REVIEW
from .transfer import CONCERN_TYPES


class Recorded(AppendOnly):
    """An append-only row with who wrote it and when."""

    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_label = models.CharField(
        max_length=200, help_text="Who: the user's email, or the command line's account; kept if the user is removed."
    )

    class Meta:
        abstract = True


CONCERN_TYPE_LABELS = {
    "cqc": "CQC rating or warning notice",
    "moss": "MOSS signal or repeated signals",
    "dashboard": "Dashboard special cause or outlier",
    "oversight": "Escalation under the Perinatal Quality Oversight Model",
    "investigation": "MNSI, HSSIB or coroner findings (Regulation 28)",
    "intelligence": "Whistleblowing or soft intelligence",
    "segment": "National oversight segment",
}
assert tuple(CONCERN_TYPE_LABELS) == CONCERN_TYPES  # the file codes of docs/rules/improvement.md §3


class ConcernType(models.TextChoices):
    CQC = "cqc", CONCERN_TYPE_LABELS["cqc"]
    MOSS = "moss", CONCERN_TYPE_LABELS["moss"]
    DASHBOARD = "dashboard", CONCERN_TYPE_LABELS["dashboard"]
    OVERSIGHT = "oversight", CONCERN_TYPE_LABELS["oversight"]
    INVESTIGATION = "investigation", CONCERN_TYPE_LABELS["investigation"]
    INTELLIGENCE = "intelligence", CONCERN_TYPE_LABELS["intelligence"]
    SEGMENT = "segment", CONCERN_TYPE_LABELS["segment"]


class Case(Recorded):
    """A trust (and, for system scope, its ICB) supported by the team, from the day the concern
    was identified. ``case_id`` is the case's reference: the previous programme's for a moved case."""

    class Source(models.TextChoices):
        PLATFORM = "platform", "Opened on the platform"
        PREVIOUS_PROGRAMME = "previous_programme", "Moved from the Maternity Safety Support Programme"

    case_id = models.CharField(max_length=64, unique=True)
    trust = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    icb = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The trust's ICB when the support covers the system.",
    )
    identified_on = models.DateField(help_text="The day the concern was identified: the clocks run from it.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PLATFORM)

    class Meta:
        ordering = ["case_id"]
        indexes = [models.Index(fields=["trust"])]

    def __str__(self) -> str:
        return self.case_id

    @property
    def imported(self) -> bool:
        return self.source == self.Source.PREVIOUS_PROGRAMME


class CqcRating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class Concern(Recorded):
    """An identified concern about a trust, typed, with the evidence for it in the platform.

    Which evidence a type needs is the service's rule (`services.concerns.record_concern`).
    A concern is triaged (`TriageDecision`); an accepted one belongs to a case.
    """

    trust = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    concern_type = models.CharField(max_length=20, choices=ConcernType.choices)
    identified_on = models.DateField()
    summary = models.TextField(help_text="What the concern is, in plain words (never identifiable data).")
    signal = models.ForeignKey("surveillance.Signal", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    safety_check = models.ForeignKey(
        "surveillance.CriticalSafetyCheck", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    metric_id = models.CharField(max_length=60, blank=True, help_text="A dashboard metric with special cause.")
    metric_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    metric_month = models.DateField(null=True, blank=True, help_text="First day of the month the metric showed it.")
    mnsi_case = models.ForeignKey(
        "notifications.BodyCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A notification's MNSI case, by its MNSI reference.",
    )
    cqc_rating = models.CharField(max_length=30, choices=CqcRating.choices, blank=True)
    cqc_warning_notice = models.BooleanField(default=False)
    cqc_published_on = models.DateField(null=True, blank=True)
    document = models.CharField(
        max_length=300, blank=True, help_text="A document's title and where it is kept (a report, a letter)."
    )
    suggestion_key = models.CharField(
        max_length=120, blank=True, help_text="The platform's suggestion this concern was triaged from."
    )

    class Meta:
        ordering = ["-identified_on", "-id"]
        indexes = [models.Index(fields=["trust"]), models.Index(fields=["suggestion_key"])]


class TriageDecision(Recorded):
    """The regional or national team's decision on a concern, with why. The latest one stands
    (a monitored concern may be accepted later); an accepted concern names its case."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", "Accept: support the trust"
        MONITOR = "monitor", "Monitor"
        DECLINE = "decline", "Decline"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="triage_decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField()
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="triage_decisions")

    class Meta:
        ordering = ["concern_id", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="accept", case__isnull=False) | (~Q(decision="accept") & Q(case__isnull=True)),
                name="an_accepted_concern_names_its_case",
            )
        ]


class PersonRole(models.TextChoices):
    """The people of a case (docs/rules/improvement.md §1)."""

    IMPROVEMENT_ADVISOR = "improvement_advisor", "Improvement advisor (lead)"
    REGIONAL_CHIEF_MIDWIFE = "regional_chief_midwife", "Regional chief midwife"
    NEONATAL_ODN_LEAD = "neonatal_odn_lead", "Neonatal operational delivery network lead"
    LIVED_EXPERIENCE_EXPERT = "lived_experience_expert", "Lived-experience expert"
    EXECUTIVE_SPONSOR = "executive_sponsor", "Trust executive sponsor"
    BOARD_SAFETY_CHAMPION = "board_safety_champion", "Board safety champion"
    PERINATAL_QUAD = "perinatal_quad", "Member of the perinatal quad"


class CasePerson(Recorded):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=30, choices=PersonRole.choices)
    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True, help_text="A work address, for the case's notices.")

    class Meta:
        ordering = ["case_id", "role", "recorded_at", "id"]


class CasePersonEnd(Recorded):
    """A person no longer in their role on the case (the row naming them is kept)."""

    person = models.OneToOneField(CasePerson, on_delete=models.CASCADE, related_name="end")
    ended_on = models.DateField()
    reason = models.CharField(max_length=300, blank=True)


#: docs/rules/improvement.md §1: by default the MSSP's elements, with neonatal services and
#: inequalities added. ``PERINATAL_IMPROVEMENT_DOMAINS`` (a list of (code, label)) replaces them.
DEFAULT_DIAGNOSTIC_DOMAINS = (
    ("leadership", "Leadership"),
    ("service_user_voice", "Service-user voice"),
    ("staff_engagement", "Staff engagement"),
    ("governance", "Governance"),
    ("quality_improvement", "Quality improvement"),
    ("safety_culture", "Safety culture"),
    ("neonatal_services", "Neonatal services"),
    ("inequalities", "Inequalities"),
)


def diagnostic_domains() -> tuple[tuple[str, str], ...]:
    return tuple(tuple(domain) for domain in getattr(settings, "PERINATAL_IMPROVEMENT_DOMAINS", None) or ()) or (
        DEFAULT_DIAGNOSTIC_DOMAINS
    )


class DiagnosticRecord(Recorded):
    """The diagnostic's dates as recorded at one time: the latest row stands."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="diagnostic_records")
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "recorded_at", "id"]


class DiagnosticFinding(Recorded):
    """Findings for one domain; a newer row for the same domain supersedes, never overwrites."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="diagnostic_findings")
    domain = models.CharField(max_length=60)
    findings = models.TextField()

    class Meta:
        ordering = ["case_id", "recorded_at", "id"]


class PlanVersion(Recorded):
    """A version of the improvement plan, agreed for the trust board on ``agreed_on``.

    The plan is agreed when its first version is. Its actions are `PlanAction` rows added in a
    version and in the plan until a later version removes them.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveSmallIntegerField()
    agreed_on = models.DateField()
    agreed_for_board_by = models.CharField(max_length=200, help_text="Who agreed it for the trust board (name, role).")
    tackling_inequalities = models.TextField()
    summary = models.TextField(blank=True)
    change_reason = models.TextField(blank=True, help_text="Why the plan changed (every version after the first).")
    imported = models.BooleanField(
        default=False, help_text="Moved from the previous programme: its date is known, not its words."
    )

    class Meta:
        ordering = ["case_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_plan_version_number_per_case"),
            # docs/rules/improvement.md §1: the tackling-inequalities section must not be empty.
            models.CheckConstraint(
                condition=Q(imported=True) | ~Q(tackling_inequalities=""), name="plan_tackles_inequalities"
            ),
        ]


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class PlanAction(Recorded):
    """An action of the plan: its terms are fixed once agreed (a change is a new version that
    removes it and adds another); its progress is its updates."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_actions")
    added_in = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="actions_added")
    number = models.PositiveSmallIntegerField(help_text="Numbered across the case's versions.")
    description = models.TextField()
    owner = models.CharField(max_length=150)
    due_on = models.DateField()
    linked_metric = models.CharField(
        max_length=150, blank=True, help_text="A dashboard metric id or the data item that shows progress."
    )

    class Meta:
        ordering = ["case_id", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_action_number_per_case")]


class PlanActionRemoval(Recorded):
    action = models.OneToOneField(PlanAction, on_delete=models.CASCADE, related_name="removal")
    removed_in = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="actions_removed")
    reason = models.CharField(max_length=300)


class PlanActionUpdate(Recorded):
    """The action's status and RAG as of an update, with a note: the trust's and the team's."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    rag = models.CharField(max_length=10, choices=Rag.choices)
    note = models.TextField()

    class Meta:
        ordering = ["action_id", "recorded_at", "id"]


class FeedbackItem(Recorded):
    """Service-user feedback the plan lists (heard through the lived-experience experts)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback")
    heard_on = models.DateField()
    heard = models.TextField(help_text="What service users said (never identifiable data).")
    source = models.CharField(
        max_length=150, blank=True, help_text="For example the MNVP, a survey, a listening event."
    )

    class Meta:
        ordering = ["case_id", "heard_on", "id"]


class FeedbackResponse(Recorded):
    """The response to a feedback item; the latest stands."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="responses")
    response = models.TextField()

    class Meta:
        ordering = ["item_id", "recorded_at", "id"]


class MeetingKind(models.TextChoices):
    EXECUTIVE = EXECUTIVE_MEETING, "Monthly executive meeting"
    QUARTERLY_REVIEW = QUARTERLY_REVIEW, "Quarterly improvement review"


class ReviewOutcome(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    CONCERNS = "concerns", "Concerns"
    ESCALATE = "escalate", "Escalate"
    READY_TO_EXIT = "ready_to_exit", "Ready to exit"


class Meeting(Recorded):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField()
    attendees = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    outcome = models.CharField(
        max_length=20, choices=ReviewOutcome.choices, blank=True, help_text="A quarterly review's outcome."
    )
    imported = models.BooleanField(default=False)

    class Meta:
        ordering = ["case_id", "held_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "held_on"], name="one_meeting_of_a_kind_per_case_day")
        ]


class MeetingActionRag(AppendOnly):
    """The RAG a meeting gave an action (recorded with the meeting)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_rags")
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="meeting_rags")
    rag = models.CharField(max_length=10, choices=Rag.choices)

    class Meta:
        ordering = ["meeting_id", "action__number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "action"], name="one_rag_per_action_per_meeting")]


class EscalationLevel(models.TextChoices):
    ICB = "icb", "ICB"
    REGION = "region", "Region"
    NATIONAL = "national", "National"
    REGULATOR = "regulator", "Regulator"


assert tuple(EscalationLevel.values) == ESCALATION_LEVELS


class Escalation(Recorded):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(max_length=10, choices=EscalationLevel.choices)
    escalated_on = models.DateField()
    reason = models.TextField()

    class Meta:
        ordering = ["case_id", "escalated_on", "id"]


class EscalationResponse(Recorded):
    """What the level escalated to did about it; the latest stands."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="responses")
    response = models.TextField()

    class Meta:
        ordering = ["escalation_id", "recorded_at", "id"]


class Deescalation(Recorded):
    escalation = models.OneToOneField(Escalation, on_delete=models.CASCADE, related_name="deescalation")
    deescalated_on = models.DateField()
    note = models.TextField(blank=True)


class ExitCriteria(Recorded):
    """The exit criteria agreed at entry; changed only by a new version, with a reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exit_criteria")
    number = models.PositiveSmallIntegerField()
    criteria = models.JSONField(help_text="The criteria, in order: a list of plain-words statements.")
    agreed_on = models.DateField()
    change_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["case_id", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_exit_criteria_number_per_case")]


class Recommendation(models.TextChoices):
    EXIT = "exit", "Recommend exit"
    CONTINUE = "continue", "Continue support"


class CriterionResult(models.TextChoices):
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


class ExitAssessment(Recorded):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exit_assessments")
    criteria = models.ForeignKey(ExitCriteria, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    results = models.JSONField(help_text="One per criterion, in order: {criterion, result, evidence}.")
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["case_id", "assessed_on", "id"]


class ExitDecision(Recorded):
    """The national decision on an exit recommendation (MSSP precedent: the national quality
    committee with the improvement advisor and the regional chief midwife)."""

    class Decision(models.TextChoices):
        EXIT = "exit", "Exit agreed"
        CONTINUE = "continue", "Support continues"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exit_decisions")
    decided_on = models.DateField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["case_id", "decided_on", "id"]


class CaseExit(Recorded):
    """The formal exit: the clocks stop on ``exited_on`` (docs/rules/improvement.md §2), and the
    trust is monitored until ``monitoring_until``."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="exit")
    exited_on = models.DateField()
    monitoring_until = models.DateField(null=True, blank=True)


class ClockNotice(models.Model):
    """Telling the regional and national teams that a case's clock turned (docs/rules/improvement.md §2,
    "Turns"): one per case and turn key, so each turn is told once; one that failed to send is
    tried again by the next day's job."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_notices")
    key = models.CharField(max_length=80, help_text="The turn's key, e.g. executive_meeting_missed:2026-04.")
    turned_on = models.DateField()
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    backend = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-turned_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="one_notice_per_clock_turn")]


class ClockDay(models.Model):
    """A day the clock-turn job has looked at, so a job that missed days looks at each of them."""

    day = models.DateField(unique=True)
    looked_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]
