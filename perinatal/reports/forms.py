"""Forms of the board report's pages. The fields come from the pure definitions (the minimum
data set items, the author's parts); the checks are theirs, run by the services, whose refusals
are put back against the fields they name (docs/rules/board_report.md §1.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms

from perinatal.core import clock
from perinatal.core.form_fields import DatePartsField
from perinatal.reports import mds as m
from perinatal.reports import narrative as n

TEXT_KINDS = (m.KIND_TEXT, n.KIND_LONG)
NUMBER_KINDS = (m.KIND_COUNT, m.KIND_PERCENT, m.KIND_WTE, n.KIND_SCORE)


@dataclass(frozen=True)
class ShownField:
    """A bound field with how the page shows it."""

    bound: forms.BoundField
    label: str
    hint: str
    kind: str  # text | textarea | radios | date
    suffix: str = ""
    numeric: bool = False  # a number: a narrow input with the decimal keyboard


def _kind(field) -> str:
    if field.kind in TEXT_KINDS:
        return "textarea"
    if field.kind in (m.KIND_CHOICE, n.KIND_CHOICE):
        return "radios"
    if field.kind == n.KIND_DATE:
        return "date"
    return "text"


class EntryForm(forms.Form):
    """The fields of one minimum data set item or one part, every one optional ("Not provided").

    A date is the GOV.UK date input (day, month and year, `core.form_fields.DatePartsField`),
    its messages naming the date; the services receive it as an ISO date. `month_end`, the last
    day of the report's month, gives the date's example."""

    def __init__(self, *args, definitions, month_end: date | None = None, **kwargs):
        self.definitions = definitions
        self.month_end = month_end
        initial = dict(kwargs.pop("initial", None) or {})
        for field in definitions:
            if field.kind == n.KIND_DATE and isinstance(initial.get(field.key), str):
                initial[field.key] = _iso_date(initial[field.key])
        super().__init__(*args, initial=initial, **kwargs)
        for field in definitions:
            if field.choices:
                self.fields[field.key] = forms.ChoiceField(
                    required=False, choices=[("", "Not provided"), *field.choices]
                )
            elif field.kind == n.KIND_DATE:
                self.fields[field.key] = DatePartsField(what=field.what, required=False, allow_future=True)
            else:
                self.fields[field.key] = forms.CharField(required=False, strip=True)

    def raw(self) -> dict[str, str]:
        """What was entered, for the services to check (a date as YYYY-MM-DD, once the form is valid)."""
        raw = {}
        for key, field in self.fields.items():
            if isinstance(field, DatePartsField):
                day = self.cleaned_data.get(key)
                raw[key] = day.isoformat() if day else ""
            else:
                raw[key] = self.data.get(key, "")
        return raw

    def refuse(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            self.add_error(key if key in self.fields else None, message)

    def shown(self) -> list[ShownField]:
        result = []
        for field in self.definitions:
            suffix = "%" if field.kind == m.KIND_PERCENT else ""
            hint = field.hint
            if field.kind == n.KIND_DATE and not hint:
                example = (self.month_end or clock.today()) + timedelta(days=35)
                hint = f"For example, {example.day} {example.month} {example.year}"
            numeric = field.kind in NUMBER_KINDS
            result.append(ShownField(self[field.key], field.label, hint, _kind(field), suffix, numeric))
        return result


def _iso_date(text: str) -> date | str:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def initial_of(values: dict | None) -> dict:
    return {key: ("" if value is None else value) for key, value in (values or {}).items()}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=1000, error_messages={"max_length": "The reason must be 1,000 characters or fewer"}
    )


class DecisionForm(forms.Form):
    DECISIONS = (("approve", "Approve the report"), ("return", "Return it to the author"))
    decision = forms.ChoiceField(
        choices=DECISIONS, error_messages={"required": "Select whether to approve or return the report"}
    )
    reason = forms.CharField(required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why you are returning the report")
        return data


class OpenMonthForm(forms.Form):
    month = forms.CharField(error_messages={"required": "Enter the month, for example 2026-10"})
