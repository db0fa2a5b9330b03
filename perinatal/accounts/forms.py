"""Forms with GOV.UK-style error messages (each names what to do)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password

from perinatal.accounts.roles import REQUESTABLE_ROLES
from perinatal.organisations.selectors import UnknownOrganisation, get_trust


class SignInForm(forms.Form):
    email = forms.EmailField(
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@nhs.net",
        }
    )
    password = forms.CharField(strip=False, error_messages={"required": "Enter your password"})


class SecurityCodeForm(forms.Form):
    code = forms.CharField(
        max_length=12, error_messages={"required": "Enter the security code from your authenticator app"}
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not code.isdigit() or len(code) not in (6, 8):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app, or an 8-digit backup code")
        return code


class AccessRequestForm(forms.Form):
    full_name = forms.CharField(max_length=150, error_messages={"required": "Enter your full name"})
    email = forms.EmailField(
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@nhs.net",
        }
    )
    job_title = forms.CharField(max_length=150, error_messages={"required": "Enter your job title"})
    trust_code = forms.CharField(max_length=10, error_messages={"required": "Enter your trust's ODS code, like R0A"})
    role = forms.ChoiceField(
        choices=[(r.value, r.label) for r in REQUESTABLE_ROLES],
        error_messages={"required": "Select the role you need", "invalid_choice": "Select the role you need"},
    )
    reason = forms.CharField(required=False, max_length=1000)

    def clean_trust_code(self):
        code = self.cleaned_data["trust_code"].strip().upper()
        try:
            return get_trust(code)
        except UnknownOrganisation:
            raise forms.ValidationError(
                f"{code} is not the ODS code of an NHS trust. Check the code, like R0A"
            ) from None


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={"required": "Select whether to approve or reject this request"},
    )
    reason = forms.CharField(required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why you are rejecting this request")
        return data


class NominationsForm(forms.Form):
    file = forms.FileField(error_messages={"required": "Select a CSV file of nominated users"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError("The file must be smaller than 1 MB")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        return upload


class SetPasswordForm(forms.Form):
    password = forms.CharField(strip=False, error_messages={"required": "Enter a password"})
    confirm = forms.CharField(strip=False, error_messages={"required": "Enter your password again"})

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        password, confirm = data.get("password"), data.get("confirm")
        if password and confirm and password != confirm:
            self.add_error("confirm", "The passwords do not match")
        if password:
            try:
                validate_password(password, self.user)
            except forms.ValidationError as error:
                self.add_error("password", " ".join(error.messages))
        return data
