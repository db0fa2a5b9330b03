"""Forms for the status page, the amendment, the national inbox and API tokens.

The amendment form edits the fields the routing depends on and keeps every other answer of the
current version as it is; the routing engine validates the result, and each of its errors is
shown on the form field it concerns (`AmendForm.add_document_errors`).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django import forms

from perinatal.kernel.london_time import LONDON, InvalidTimestamp
from perinatal.notifications.routing import DocumentInvalid, parse_timestamp
from perinatal.organisations.selectors import UnknownOrganisation, get_trust

UNKNOWN = "unknown"
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), (UNKNOWN, "Not known")]
YES_NO = [("yes", "Yes"), ("no", "No")]
_LOCAL_TIME = re.compile(r"\s*([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{1,2}):([0-9]{2})\s*")


def _to_choice(value: object) -> str:
    return {True: "yes", False: "no"}.get(value, UNKNOWN)  # type: ignore[arg-type]


def _from_choice(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def local_time_text(value: object) -> str:
    """A canonical timestamp as the form shows it: '2025-10-03 10:00' (London time)."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        return parse_timestamp(value).astimezone(LONDON).strftime("%Y-%m-%d %H:%M")
    except InvalidTimestamp:
        return value


def timestamp_from_text(text: str, *, original: object) -> str | None:
    """The form's text back as a document timestamp. Unchanged text keeps the original value
    (so a time in October's repeated hour keeps its offset)."""
    text = (text or "").strip()
    if not text:
        return None
    if isinstance(original, str) and local_time_text(original) == text:
        return original
    match = _LOCAL_TIME.fullmatch(text)
    if match is None:
        return text  # the routing engine names the field and the expected format
    day, hour, minute = match.groups()
    return f"{day}T{int(hour):02d}:{minute}"


class AmendForm(forms.Form):
    """Why, and the changed answers. Built from the current version's document."""

    reason = forms.CharField(widget=forms.Textarea, required=False, max_length=2000)

    # Maps document error paths to this form's fields (the longest matching prefix wins).
    BABY_FIELDS = {
        "baby.gestation.weeks": "gestation_weeks",
        "baby.gestation.days": "gestation_days",
        "baby.gestation.reliable": "gestation_reliable",
        "baby.gestation": "gestation_weeks",
        "baby.birth_weight_g": "birth_weight_g",
        "baby.born_alive": "born_alive",
        "baby.died_at": "died_at",
        "place_of_death": "died_at",
        "labour": "labour_status",
        "baby.alive_at_onset_of_labour": "alive_at_onset_of_labour",
        "baby.congenital_anomaly_caused_outcome": "congenital_anomaly_caused_outcome",
        "brain_injury.therapeutic_hypothermia": "therapeutic_hypothermia",
        "brain_injury.diagnosed_day": "diagnosed_day",
        "brain_injury.mri": "mri",
        "brain_injury": "therapeutic_hypothermia",
    }
    MATERNAL_FIELDS = {
        "mother.death.died_at": "mother_died_at",
        "mother.death.pregnant_at_death": "pregnant_at_death",
        "mother.death.pregnancy_ended_on": "pregnancy_ended_on",
        "mother.death.pregnancy_outcome": "pregnancy_outcome",
        "mother.death": "mother_died_at",
    }

    def __init__(self, data=None, *, document: dict[str, Any]):
        self.document = document
        self.event = document.get("event")
        super().__init__(data, initial=self._initial(document))
        if self.event == "maternal":
            self.fields["mother_died_at"] = forms.CharField(required=False)
            self.fields["pregnant_at_death"] = forms.ChoiceField(choices=YES_NO_UNKNOWN, required=False)
            self.fields["pregnancy_ended_on"] = forms.CharField(required=False)
            self.fields["pregnancy_outcome"] = forms.ChoiceField(
                required=False,
                choices=[
                    ("birth", "Birth"),
                    ("miscarriage", "Miscarriage"),
                    ("ectopic", "Ectopic pregnancy"),
                    ("termination", "Termination"),
                    (UNKNOWN, "Not known"),
                ],
            )
        else:
            self.fields["gestation_weeks"] = forms.CharField(required=False, max_length=3)
            self.fields["gestation_days"] = forms.CharField(required=False, max_length=2)
            self.fields["gestation_reliable"] = forms.ChoiceField(choices=YES_NO_UNKNOWN, required=False)
            self.fields["birth_weight_g"] = forms.CharField(required=False, max_length=5)
            self.fields["born_alive"] = forms.ChoiceField(choices=YES_NO, required=False)
            self.fields["died_at"] = forms.CharField(required=False)
            self.fields["labour_status"] = forms.ChoiceField(
                required=False,
                choices=[("labour", "Yes, the mother was in labour"), ("no_labour", "No, not in labour")],
            )
            self.fields["alive_at_onset_of_labour"] = forms.ChoiceField(choices=YES_NO_UNKNOWN, required=False)
            self.fields["congenital_anomaly_caused_outcome"] = forms.ChoiceField(choices=YES_NO_UNKNOWN, required=False)
            self.fields["therapeutic_hypothermia"] = forms.ChoiceField(choices=YES_NO_UNKNOWN, required=False)
            self.fields["diagnosed_day"] = forms.CharField(required=False, max_length=3)
            self.fields["mri"] = forms.ChoiceField(
                required=False,
                choices=[
                    ("hie", "Shows HIE"),
                    ("normal", "Normal"),
                    ("pending", "Awaited"),
                    ("not_done", "Not done"),
                    (UNKNOWN, "Not recorded"),
                ],
            )

    @staticmethod
    def _initial(document: dict[str, Any]) -> dict[str, Any]:
        if document.get("event") == "maternal":
            death = ((document.get("mother") or {}).get("death")) or {}
            return {
                "mother_died_at": local_time_text(death.get("died_at")),
                "pregnant_at_death": _to_choice(death.get("pregnant_at_death")),
                "pregnancy_ended_on": death.get("pregnancy_ended_on") or "",
                "pregnancy_outcome": death.get("pregnancy_outcome") or UNKNOWN,
            }
        baby = document.get("baby") or {}
        gestation = baby.get("gestation") or {}
        injury = document.get("brain_injury") or {}
        return {
            "gestation_weeks": "" if gestation.get("weeks") is None else str(gestation["weeks"]),
            "gestation_days": "" if gestation.get("days") is None else str(gestation["days"]),
            "gestation_reliable": _to_choice(gestation.get("reliable")),
            "birth_weight_g": "" if baby.get("birth_weight_g") is None else str(baby["birth_weight_g"]),
            "born_alive": _to_choice(baby.get("born_alive")),
            "died_at": local_time_text(baby.get("died_at")),
            "labour_status": (document.get("labour") or {}).get("status") or "",
            "alive_at_onset_of_labour": _to_choice(baby.get("alive_at_onset_of_labour")),
            "congenital_anomaly_caused_outcome": _to_choice(baby.get("congenital_anomaly_caused_outcome")),
            "therapeutic_hypothermia": _to_choice(injury.get("therapeutic_hypothermia")),
            "diagnosed_day": "" if injury.get("diagnosed_day") is None else str(injury["diagnosed_day"]),
            "mri": injury.get("mri") or UNKNOWN,
        }

    @staticmethod
    def _number(text: str) -> int | str | None:
        text = (text or "").strip()
        if not text:
            return None
        return int(text) if text.isdigit() else text  # the engine words the error for a non-number

    def amended_document(self) -> dict[str, Any]:
        """The current document with this form's answers applied (validated by the engine)."""
        data = self.cleaned_data
        document = copy.deepcopy(self.document)
        if self.event == "maternal":
            mother = document.setdefault("mother", {}) or {}
            document["mother"] = mother
            death = dict(mother.get("death") or {})
            death["died_at"] = timestamp_from_text(data.get("mother_died_at", ""), original=death.get("died_at"))
            death["pregnant_at_death"] = _from_choice(data.get("pregnant_at_death", ""))
            death["pregnancy_ended_on"] = (data.get("pregnancy_ended_on") or "").strip() or None
            outcome = data.get("pregnancy_outcome") or UNKNOWN
            death["pregnancy_outcome"] = None if outcome == UNKNOWN else outcome
            mother["death"] = death
            return document
        baby = dict(document.get("baby") or {})
        weeks, days = self._number(data.get("gestation_weeks", "")), self._number(data.get("gestation_days", ""))
        if weeks is None and days is None:
            baby["gestation"] = None
        else:
            baby["gestation"] = {
                "weeks": weeks,
                "days": days,
                "reliable": _from_choice(data.get("gestation_reliable", "")),
            }
        baby["birth_weight_g"] = self._number(data.get("birth_weight_g", ""))
        if data.get("born_alive") in ("yes", "no"):
            baby["born_alive"] = _from_choice(data["born_alive"])
        baby["died_at"] = timestamp_from_text(data.get("died_at", ""), original=baby.get("died_at"))
        baby["alive_at_onset_of_labour"] = _from_choice(data.get("alive_at_onset_of_labour", ""))
        baby["congenital_anomaly_caused_outcome"] = _from_choice(data.get("congenital_anomaly_caused_outcome", ""))
        document["baby"] = baby
        status = data.get("labour_status") or None
        document["labour"] = {"status": status} if status else None
        died = baby.get("born_alive") is False or bool(baby.get("died_at"))
        if not died:
            document["place_of_death"] = None  # "null if nobody died" (docs/rules/routing.md §2)
        cooled = _from_choice(data.get("therapeutic_hypothermia", ""))
        mri = data.get("mri") or UNKNOWN
        diagnosed_day = self._number(data.get("diagnosed_day", ""))
        injury = dict(document.get("brain_injury") or {})
        if baby.get("born_alive") is False:
            document["brain_injury"] = None
        elif injury or cooled is not None or mri != UNKNOWN or diagnosed_day is not None:
            injury["therapeutic_hypothermia"] = cooled
            injury["mri"] = None if mri == UNKNOWN else mri
            injury["diagnosed_day"] = diagnosed_day
            document["brain_injury"] = injury
        return document

    def add_document_errors(self, invalid: DocumentInvalid) -> None:
        mapping = {"reason": "reason", **(self.MATERNAL_FIELDS if self.event == "maternal" else self.BABY_FIELDS)}
        for error in invalid.errors:
            field = next(
                (
                    mapping[path]
                    for path in sorted(mapping, key=len, reverse=True)
                    if error.field == path or error.field.startswith(path + ".")
                ),
                None,
            )
            if field is not None and field in self.fields:
                if not self.has_error(field):
                    self.add_error(field, error.message)
            else:
                self.add_error(None, error.message)


class AcknowledgeForm(forms.Form):
    reference = forms.CharField(max_length=60, required=False)

    def clean_reference(self):
        value = self.cleaned_data["reference"].strip()
        if not value:
            raise forms.ValidationError("Enter your reference for this notification, like MNSI-2026-01234")
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
