"""Forms of the safety-check pages, with GOV.UK-style messages that name the field."""

from __future__ import annotations

from django import forms

from perinatal.core.form_fields import DatePartsField
from perinatal.surveillance.models import ReviewArea, SafetyCheckActionUpdate
from perinatal.surveillance.services.safety_checks import note_needed

FINDINGS_HINTS = {
    ReviewArea.CASES: "The deaths behind the signal: what the case reviews found, and anything in common between them.",
    ReviewArea.STAFFING: (
        "Midwifery, obstetric, anaesthetic and neonatal staffing and skill mix at the times of the deaths."
    ),
    ReviewArea.ESCALATION: (
        "Whether concerns were escalated and responded to, and the unit's escalation and acuity records."
    ),
    ReviewArea.INTRAPARTUM_MONITORING: (
        "Fetal monitoring in labour: CTG and intermittent auscultation, review and response."
    ),
    ReviewArea.LEARNING: "What has been learned, who it has been shared with, and what has already changed.",
}


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        error_messages={
            "required": "Choose who owns the safety check",
            "invalid_choice": "Choose a local authoriser or trust viewer of this trust as the owner",
        },
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: f"{user.display_name} ({user.email})"


class FindingForm(forms.Form):
    findings = forms.CharField(
        widget=forms.Textarea,
        max_length=10_000,
        error_messages={
            "required": "Enter what the review found",
            "max_length": "Findings must be 10,000 characters or fewer",
        },
    )

    def __init__(self, *args, area: ReviewArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["findings"].error_messages["required"] = f"Enter what the review of {area.label.lower()} found"


class ActionForm(forms.Form):
    description = forms.CharField(
        widget=forms.Textarea,
        max_length=2_000,
        error_messages={
            "required": "Enter what the action is",
            "max_length": "The action must be 2,000 characters or fewer",
        },
    )
    owner = forms.CharField(
        max_length=150,
        error_messages={
            "required": "Enter who owns the action, for example Labour ward manager",
            "max_length": "The action's owner must be 150 characters or fewer",
        },
    )
    due_on = DatePartsField(what="the date the action is due", allow_future=True)


class CompleteForm(forms.Form):
    summary = forms.CharField(
        widget=forms.Textarea,
        max_length=10_000,
        error_messages={
            "required": "Enter a summary of the safety check's conclusions",
            "max_length": "The summary must be 10,000 characters or fewer",
        },
    )


class ActionUpdateForm(forms.Form):
    """Mark an action done, note its progress, or open it again (the service checks the note is there)."""

    status = forms.ChoiceField(
        choices=[],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the action is done or still open",
            "invalid_choice": "Select whether the action is done or still open",
        },
    )
    note = forms.CharField(
        widget=forms.Textarea,
        max_length=1_000,
        required=False,
        error_messages={"max_length": "The note must be 1,000 characters or fewer"},
    )

    def __init__(self, *args, is_done: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_done = is_done
        # The wording follows where the action is now: "still open" reads wrongly for a done action.
        open_label = (
            "Open again (it was marked done, but is not finished)" if is_done else "Still open: record progress"
        )
        self.fields["status"].choices = [
            (SafetyCheckActionUpdate.Status.DONE.value, "Done"),
            (SafetyCheckActionUpdate.Status.OPEN.value, open_label),
        ]

    def clean(self):
        # Both errors at once when both are missing; the service refuses an empty note too.

        cleaned = super().clean()
        if not (cleaned.get("note") or "").strip() and "note" not in self.errors:
            status = cleaned.get("status")
            message = (
                note_needed(status=status, was_done=self.is_done)
                if status
                else "Enter what was done, or the progress so far"
            )
            self.add_error("note", message)
        return cleaned


REFERENCE_RATES_MAX_BYTES = 5 * 1024 * 1024
"""NHS England's MOSS_Ref_Rate.csv is a few hundred rows (one per site and period): far below this."""


class ReferenceRatesForm(forms.Form):
    """NHS England's ``MOSS_Ref_Rate.csv``; its rows are checked by the service's one parser of the format."""

    file = forms.FileField(
        error_messages={
            "required": "Select a reference rates CSV file",
            "empty": "The selected file is empty",
            "invalid": "Select a reference rates CSV file",
            "missing": "Select a reference rates CSV file",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV file (its name ends in .csv)")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        if upload.size > REFERENCE_RATES_MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5 MB")
        return upload


class WithdrawReferenceRatesForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        max_length=1_000,
        error_messages={
            "required": "Enter why the rates are being withdrawn",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )
