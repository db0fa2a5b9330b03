"""Forms for the status page, sending an amendment and withdrawing, held submissions, the
national inbox and API tokens.

An amendment's answers are asked by the journey's own question forms
(`perinatal.notifications.journey.forms`); the form here only takes its reason and the version
it was made from.
"""

from __future__ import annotations

from django import forms

from perinatal.organisations.selectors import UnknownOrganisation, get_trust


class VersionedReasonForm(forms.Form):
    """A reason, and the version the person started from (the optimistic lock of
    docs/rules/routing.md §10)."""

    reason_required = "Enter the reason"
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_reason(self):
        value = " ".join((self.cleaned_data.get("reason") or "").split())
        if not value:
            raise forms.ValidationError(self.reason_required)
        return value


class AmendmentReasonForm(VersionedReasonForm):
    reason_required = "Enter why you are amending this notification"


class WithdrawForm(VersionedReasonForm):
    reason_required = "Enter why you are withdrawing this notification"


class AcknowledgeForm(forms.Form):
    reference = forms.CharField(max_length=60, required=False)

    def __init__(self, *args, body_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.body_name = body_name

    def clean_reference(self):
        value = self.cleaned_data["reference"].strip()
        if not value:
            # No body's reference format is published: the message names the body, not an example
            # that would be another body's.
            raise forms.ValidationError(f"Enter the {self.body_name} reference for this notification")
        return value


class QuestionForm(forms.Form):
    question = forms.CharField(widget=forms.Textarea, max_length=2000, required=False)

    def clean_question(self):
        value = self.cleaned_data["question"].strip()
        if not value:
            raise forms.ValidationError("Enter what you need the trust to tell you")
        return value


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea, max_length=4000, required=False)

    def clean_answer(self):
        value = self.cleaned_data["answer"].strip()
        if not value:
            raise forms.ValidationError("Enter your answer")
        return value


class ApiTokenForm(forms.Form):
    trust_code = forms.CharField(max_length=12, required=False)
    name = forms.CharField(max_length=100, required=False)

    def clean_trust_code(self):
        code = self.cleaned_data["trust_code"].strip().upper()
        if not code:
            raise forms.ValidationError("Enter the trust's ODS code, like R0A")
        try:
            return get_trust(code)
        except UnknownOrganisation:
            raise forms.ValidationError(f"{code} is not the ODS code of an NHS trust") from None

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError("Enter what the token is for, like 'Maternity system'")
        return value


class HeldDecisionForm(forms.Form):
    """The trust's decision on a submission held as a possible duplicate (docs/rules/routing.md §7.2)."""

    DISTINCT, DISCARD = "distinct", "discard"
    decision = forms.ChoiceField(
        choices=[
            (DISTINCT, "It is a different event: send it to the national bodies"),
            (DISCARD, "It is a duplicate: discard it"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether this is a different event or a duplicate",
            "invalid_choice": "Select whether this is a different event or a duplicate",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=500,
        error_messages={"max_length": "The reason must be 500 characters or fewer"},
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.DISTINCT and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why this is a different event, for example the second twin")
        return data
