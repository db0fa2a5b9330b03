"""Forms with GOV.UK-style error messages: each names its field in plain words and says what to
do (the shared fields of :mod:`perinatal.core.form_fields`; never Django's defaults)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password

from perinatal.accounts.roles import REQUESTABLE_ROLES, Role
from perinatal.accounts.work_email import is_personal_email, personal_email_message
from perinatal.core import clock
from perinatal.core.form_fields import EmailAddressField, TextField
from perinatal.core.formatting import long_date
from perinatal.organisations.selectors import search_trusts, trusts

ROLE_CHOICES = [(r.value, r.label) for r in REQUESTABLE_ROLES]
#: What a security code may be typed with: digits, spaces and dashes ("123 456"); longer is not a code.
CODE_MAX_LENGTH = 20
PASSWORD_MAX_LENGTH = 200


class SignInForm(forms.Form):
    email = EmailAddressField(what="your email address")
    password = TextField(what="your password", max_length=PASSWORD_MAX_LENGTH, strip=False)


class SecurityCodeForm(forms.Form):
    code = TextField(
        what="the security code",
        max_length=CODE_MAX_LENGTH,
        required_message="Enter the security code from your authenticator app",
        error_messages={"max_length": "Enter the 6-digit code from your authenticator app, or an 8-digit backup code"},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not code.isdigit() or len(code) not in (6, 8):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app, or an 8-digit backup code")
        return code


class AuthenticatorCodeForm(SecurityCodeForm):
    """The code of an authenticator app being set up: 6 digits (backup codes do not exist yet)."""

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6-digit code your authenticator app shows, like 123456")
        return code


class AccessRequestForm(forms.Form):
    """A request for access. The trust is found by its ODS code or by the name of the trust or of
    one of its hospitals (docs/rules/accounts.md §6); where the words match several trusts, the
    form comes back with them to choose from (``trust_choice``), so it works without JavaScript."""

    full_name = TextField(what="your full name", max_length=150)
    email = EmailAddressField(what="your work email address")
    job_title = TextField(what="your job title", max_length=150)
    trust_code = TextField(
        what="your trust",
        max_length=120,
        required_message="Enter the name of your trust or hospital, or its ODS code, like R0A",
    )
    trust_choice = TextField(what="the trust you chose", max_length=12, required=False)
    role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        error_messages={"required": "Select the role you need", "invalid_choice": "Select the role you need"},
    )
    reason = TextField(what="anything your authoriser should know", max_length=1000, required=False)

    MAX_MATCHES = 12

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.matches = []  # trusts to choose from when the words matched more than one

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if is_personal_email(email):
            raise forms.ValidationError(personal_email_message())
        return email

    def clean(self):
        data = super().clean()
        text = data.get("trust_code")
        if not text:
            return data
        chosen = (data.get("trust_choice") or "").strip().upper()
        matches = search_trusts(text, clock.today(), limit=self.MAX_MATCHES + 1)
        if chosen:
            picked = [m for m in matches if m.trust.code == chosen]
            if picked:
                data["trust"] = picked[0].trust
                return data
        if len(matches) == 1:
            data["trust"] = matches[0].trust
        elif not matches:
            self.add_error("trust_code", _no_match_message(text))
        else:
            self.matches = matches[: self.MAX_MATCHES]
            more = " (the first 12 are shown: add more words to narrow it)" if len(matches) > self.MAX_MATCHES else ""
            self.add_error(
                "trust_code", f"More than one trust matches '{text.strip()}'{more}. Select your trust from the list"
            )
        return data


def _no_match_message(text: str) -> str:
    closed = trusts().filter(code=text.strip().upper(), closed_on__isnull=False).first()
    if closed is not None:
        return (
            f"{closed.display_name} ({closed.code}) closed on {long_date(closed.closed_on)}. "
            "Ask for access to the trust that took over its services"
        )
    return (
        f"No open NHS trust or hospital matches '{text.strip()}'. "
        "Check the spelling, or enter your trust's ODS code, like R0A"
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={
            "required": "Select whether to approve or reject this request",
            "invalid_choice": "Select whether to approve or reject this request",
        },
    )
    reason = TextField(what="the reason", max_length=1000, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why you are rejecting this request")
        return data


class NominationsForm(forms.Form):
    file = forms.FileField(
        error_messages={
            "required": "Select a CSV file of nominated users",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV file of nominated users",
            "max_length": "The file's name must be 200 characters or fewer",
        },
        max_length=200,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError("The file must be smaller than 1 MB")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        return upload


class SetPasswordForm(forms.Form):
    password = TextField(what="a password", max_length=PASSWORD_MAX_LENGTH, strip=False)
    confirm = TextField(
        what="your password again",
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        required_message="Enter your password again",
    )

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


class CurrentPasswordForm(forms.Form):
    """The person's password, before they set up a new authenticator app from a link."""

    password = TextField(what="your password", max_length=PASSWORD_MAX_LENGTH, strip=False)


class ForgotPasswordForm(forms.Form):
    email = EmailAddressField(what="your email address")


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        error_messages={
            "required": "Select at least one role. To take away all their access, remove them",
            "invalid_choice": "Select roles from the list",
        },
    )

    def clean_roles(self) -> set[Role]:
        return {Role(value) for value in self.cleaned_data["roles"]}
