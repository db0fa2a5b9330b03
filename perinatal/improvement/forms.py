"""Forms of the improvement case pages. They read what was typed; the services decide what is
allowed (and refuse naming the field, which the view puts against it).

Each form lists its fields with the way the page shows them (`CaseForm.shown`), so that one
template macro renders any of them with the NHS.UK components.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from perinatal.core.form_fields import DatePartsField
from perinatal.dashboard.metrics.definitions import METRICS
from perinatal.improvement.models import (
    ActionStatus,
    ConcernType,
    CqcRating,
    CriterionResult,
    EscalationLevel,
    ExitDecision,
    MeetingKind,
    PersonRole,
    Rag,
    Recommendation,
    ReviewOutcome,
    TriageDecision,
)

KIND_TEXT = "text"
KIND_TEXTAREA = "textarea"
KIND_DATE = "date"
KIND_RADIOS = "radios"
KIND_SELECT = "select"


@dataclass(frozen=True)
class Shown:
    field: forms.BoundField
    kind: str
    label: str
    hint: str


def _kind(field: forms.Field) -> str:
    if isinstance(field, DatePartsField):
        return KIND_DATE
    if isinstance(field.widget, forms.Textarea):
        return KIND_TEXTAREA
    if isinstance(field.widget, forms.RadioSelect):
        return KIND_RADIOS
    if isinstance(field.widget, forms.Select):
        return KIND_SELECT
    return KIND_TEXT


class CaseForm(forms.Form):
    """A form whose fields render themselves in order through ``templates/improvement/_fields.jinja``."""

    def shown(self) -> list[Shown]:
        return [
            Shown(self[name], _kind(field), str(field.label or name), str(field.help_text or ""))
            for name, field in self.fields.items()
        ]


def _text(
    label: str, *, required: bool = True, max_length: int = 10_000, hint: str = "", missing: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        error_messages={
            "required": missing or f"Enter {label[0].lower() + label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def _textarea(label: str, **kwargs) -> forms.CharField:
    field = _text(label, **kwargs)
    field.widget = forms.Textarea()
    return field


def _choice(label: str, choices, *, missing: str, radios: bool = True, required: bool = True, hint: str = ""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=hint,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": missing, "invalid_choice": missing},
    )


def _date(label: str, what: str, *, required: bool = True, hint: str = "For example, 15 3 2026") -> DatePartsField:
    # The service refuses a date after today with its own words (or allows it, as a due date).
    field = DatePartsField(what=what, allow_future=True, required=required, label=label, help_text=hint)
    return field


# --- concerns and triage ----------------------------------------------------------------------


class ConcernForm(CaseForm):
    trust_code = _text(
        "Trust's ODS code", max_length=12, hint="For example, R0A", missing="Enter the trust's ODS code, like R0A"
    )
    concern_type = _choice("Type of concern", ConcernType.choices, missing="Select the type of concern")
    identified_on = _date("When was the concern identified?", "the date the concern was identified")
    summary = _textarea(
        "What is the concern?",
        hint="In plain words, without anything that identifies a patient or a member of staff",
        missing="Enter what the concern is",
    )
    cqc_rating = _choice(
        "CQC rating (for a CQC concern)",
        [("", "No rating"), *CqcRating.choices],
        missing="Select the CQC rating",
        radios=False,
        required=False,
    )
    cqc_warning_notice = _choice(
        "Did CQC issue a warning notice?",
        [("no", "No"), ("yes", "Yes")],
        missing="Select whether CQC issued a warning notice",
        required=False,
    )
    safety_check = _text(
        "MOSS safety check (for a MOSS concern)",
        required=False,
        max_length=20,
        hint="Its reference, for example CSC-12",
    )
    metric_id = _choice(
        "Dashboard metric (for a dashboard concern)",
        [("", "None"), *[(metric.id, metric.title) for metric in METRICS]],
        missing="Select the dashboard metric",
        radios=False,
        required=False,
    )
    metric_month = _date(
        "Month the metric showed it",
        "the month the metric showed the concern",
        required=False,
        hint="Any day in the month, for example 1 10 2026",
    )
    mnsi_reference = _text(
        "MNSI reference (for an investigation)", required=False, max_length=60, hint="The reference MNSI gave the case"
    )
    document = _text(
        "Document", required=False, max_length=300, hint="A report or letter: its title and where it is kept"
    )


class TriageForm(CaseForm):
    decision = _choice(
        "What is your decision?",
        TriageDecision.Decision.choices,
        missing="Select whether to accept, monitor or decline the concern",
    )
    reason = _textarea("Why?", missing="Enter why you decided this")
    system_scope = _choice(
        "What does the support cover, if a case is opened?",
        [("trust", "The trust"), ("system", "The trust and its ICB (the system)")],
        missing="Select what the support covers",
        required=False,
    )
    exit_criteria = _textarea(
        "Exit criteria agreed at entry, if a case is opened",
        required=False,
        hint="One criterion a line. They can be changed later only by a new version, with a reason.",
    )


# --- the people and the diagnostic ----------------------------------------------------------------


class PersonForm(CaseForm):
    role = _choice("Role on the case", PersonRole.choices, missing="Select the person's role on the case", radios=False)
    name = _text("Name", max_length=150, missing="Enter the person's name")
    job_title = _text("Job title", required=False, max_length=150)
    email = _text("Work email address", required=False, max_length=254, hint="For the case's notices")


class DiagnosticForm(CaseForm):
    started_on = _date("When did the diagnostic start?", "the date the diagnostic started", required=False)
    completed_on = _date(
        "When was it completed?",
        "the date the diagnostic was completed",
        required=False,
        hint="Leave empty until it is",
    )


class FindingForm(CaseForm):
    findings = _textarea("Findings", missing="Enter what the diagnostic found")


# --- the plan -------------------------------------------------------------------------------------


class PlanVersionForm(CaseForm):
    agreed_on = _date("When was this version agreed?", "the date the plan was agreed")
    agreed_for_board_by = _text(
        "Who agreed it for the trust board?",
        max_length=200,
        hint="Name and role, for example the chair or the board safety champion",
        missing="Enter who agreed the plan for the trust board",
    )
    tackling_inequalities = _textarea(
        "Tackling inequalities",
        required=False,  # the service refuses it empty, with the words of the rule
        hint="How the plan reduces inequalities in outcomes and experience. This section cannot be empty.",
    )
    summary = _textarea("Summary of the plan", required=False)
    change_reason = _textarea(
        "Why is the plan changing?", required=False, hint="Needed for every version after the first"
    )

    def __init__(self, *args, removable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.removable = list(removable)
        for action in self.removable:
            self.fields[f"remove_{action.number}"] = forms.BooleanField(
                required=False, label=f"Take action {action.number} out of the plan"
            )
            self.fields[f"remove_{action.number}_reason"] = _text(
                f"Why is action {action.number} taken out?", required=False, max_length=300
            )

    def shown(self) -> list[Shown]:
        return [item for item in super().shown() if not item.field.name.startswith("remove_")]


class NewActionForm(forms.Form):
    description = forms.CharField(label="Action", required=False, max_length=2_000, widget=forms.Textarea)
    owner = forms.CharField(label="Owner", required=False, max_length=150)
    due_on = _date("Due", "the date the action is due", required=False)
    linked_metric = forms.CharField(
        label="Linked metric or data item",
        required=False,
        max_length=150,
        help_text="A dashboard metric, or the data that shows progress",
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) for name in ("description", "owner", "due_on", "linked_metric"))


NewActionFormSet = forms.formset_factory(NewActionForm, extra=3, max_num=20)


class ActionUpdateForm(CaseForm):
    status = _choice("Status", ActionStatus.choices, missing="Select the action's status")
    rag = _choice("RAG rating", Rag.choices, missing="Select the action's RAG rating: red, amber or green")
    note = _textarea("Progress", max_length=2_000, missing="Enter the progress on the action")


class FeedbackForm(CaseForm):
    heard_on = _date("When was it heard?", "the date the feedback was heard")
    heard = _textarea(
        "What did service users say?",
        max_length=5_000,
        hint="Never anything that identifies a person",
        missing="Enter what service users said",
    )
    source = _text(
        "Where was it heard?", required=False, max_length=150, hint="For example, the MNVP or a listening event"
    )


class FeedbackResponseForm(CaseForm):
    response = _textarea("The trust's response", max_length=5_000, missing="Enter the response to the feedback")


# --- meetings and escalations ---------------------------------------------------------------------


class MeetingForm(CaseForm):
    kind = _choice("Kind of meeting", MeetingKind.choices, missing="Select the kind of meeting")
    held_on = _date("When was it held?", "the date of the meeting")
    attendees = _textarea("Who attended?", max_length=5_000, missing="Enter who attended")
    minutes = _textarea("Minutes", max_length=20_000, missing="Enter the minutes")
    decisions = _textarea("Decisions", required=False, max_length=10_000)
    outcome = _choice(
        "The review's outcome (quarterly reviews only)",
        [("", "Not a review"), *ReviewOutcome.choices],
        missing="Select the review's outcome",
        radios=False,
        required=False,
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for action in actions:
            self.fields[f"rag_{action.number}"] = _choice(
                f"Action {action.number}: {action.description[:80]}",
                [("", "Not rated"), *Rag.choices],
                missing=f"Select red, amber or green for action {action.number}",
                radios=False,
                required=False,
            )

    def action_rags(self) -> dict[int, str]:
        return {
            int(name.removeprefix("rag_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("rag_") and value
        }


class EscalationForm(CaseForm):
    level = _choice("Escalated to", EscalationLevel.choices, missing="Select who the case is escalated to")
    escalated_on = _date("When was it escalated?", "the date of the escalation")
    reason = _textarea("Why?", missing="Enter why the case is escalated")


class EscalationResponseForm(CaseForm):
    response = _textarea("Response", missing="Enter the response to the escalation")


class DeescalationForm(CaseForm):
    deescalated_on = _date("When was it de-escalated?", "the date of the de-escalation")
    note = _textarea("Note", required=False, max_length=5_000)


# --- exit -----------------------------------------------------------------------------------------


class ExitCriteriaForm(CaseForm):
    criteria = _textarea("Exit criteria", hint="One criterion a line", missing="Enter the exit criteria, one a line")
    agreed_on = _date("When were they agreed?", "the date the criteria were agreed")
    change_reason = _textarea("Why are they changing?", required=False, hint="Needed for every version after the first")


class ExitAssessmentForm(CaseForm):
    assessed_on = _date("When was the case assessed?", "the date of the assessment")

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        for number, criterion in enumerate(criteria, start=1):
            self.fields[f"result_{number}"] = _choice(
                f"Criterion {number}: {criterion}",
                CriterionResult.choices,
                missing=f"Select whether criterion {number} is met",
            )
            self.fields[f"evidence_{number}"] = _textarea(
                f"Evidence for criterion {number}",
                max_length=5_000,
                missing=f"Enter the evidence for criterion {number}",
            )
        self.fields["recommendation"] = _choice(
            "Recommendation", Recommendation.choices, missing="Select the recommendation"
        )
        self.fields["note"] = _textarea("Note", required=False, max_length=5_000)
        self.criteria_count = len(criteria)


class ExitDecisionForm(CaseForm):
    decision = _choice("The national decision", ExitDecision.Decision.choices, missing="Select the national decision")
    decided_on = _date("When was it decided?", "the date of the national decision")
    note = _textarea("Note", required=False, max_length=5_000)


class ExitForm(CaseForm):
    exited_on = _date("Date of the formal exit", "the date of the formal exit")
    monitoring_until = _date(
        "Monitored after exit until", "the end of monitoring", required=False, hint="For example, 14 2 2027"
    )
