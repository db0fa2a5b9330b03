"""One form per question page of the reporter's journey (see `steps.py` for which pages an
event needs). Each form reads its initial values from the draft's answers (`initial_from`)
and gives back the document fields it asks as dotted paths (`values`).

Messages follow the GOV.UK error message pattern and name the field. Values are stored in
the form of the notification document (docs/rules/routing.md §2): timestamps "2025-10-01T03:20" (London
local time), dates "1991-04-02", NHS numbers as 10 digits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms

from perinatal.core import clock
from perinatal.core.form_fields import DatePartsField, TextField, TimeField, date_parts, time_of
from perinatal.core.formatting import date_and_time, long_date
from perinatal.kernel.clinical import gestation_days
from perinatal.kernel.london_time import InvalidTimestamp, london_date, parse_timestamp
from perinatal.kernel.nhs_numbers import InvalidNhsNumber, normalise_nhs_number
from perinatal.kernel.text import sentence
from perinatal.notifications.journey import steps
from perinatal.notifications.journey.steps import BRAIN_INJURY_SIGNS, WHAT_HAPPENED_CHOICES, WhatHappened, get_path
from perinatal.notifications.routing.document import (
    BIRTH_WEIGHT_RANGE_G,
    CONFIRMED_DEATH_WEEKS_RANGE,
    GESTATION_DAYS_RANGE,
    GESTATION_WEEKS_RANGE,
    mother_age_problem,
    normalise_postcode,
    same_nhs_number_problem,
)
from perinatal.notifications.wording import PLACE_LABELS, gestation_text

YES, NO, NOT_KNOWN = "yes", "no", "not_known"
YES_NO = [(YES, "Yes"), (NO, "No")]
YES_NO_NOT_KNOWN = [(YES, "Yes"), (NO, "No"), (NOT_KNOWN, "Not known")]
_BOOLEAN = {YES: True, NO: False, NOT_KNOWN: None}


def _choice_for(value: bool | None, *, answered: bool) -> str | None:
    if value is True:
        return YES
    if value is False:
        return NO
    return NOT_KNOWN if answered else None


def _choice(*, choices, required_message: str, widget=forms.RadioSelect) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        widget=widget,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


# Dates and times ---------------------------------------------------------------------------


def display_moment(value: str | None) -> str:
    """A document timestamp as people read it: "1 October 2025 at 3:20am"."""
    if not value:
        return ""
    try:
        moment = parse_timestamp(str(value))
    except InvalidTimestamp:
        return str(value)
    return date_and_time(moment)


def combine_moment(
    form: forms.Form,
    *,
    date_field: str,
    time_field: str,
    what: str,
    must_follow: str | None = None,
    must_follow_what: str = "",
) -> str | None:
    """The document timestamp from a date and a time field, checked as docs/rules/routing.md §1 requires:
    a local time skipped when the clocks go forward is refused, and it must be in the past."""
    day, time = form.cleaned_data.get(date_field), form.cleaned_data.get(time_field)
    if day is None or time is None:
        return None
    text = f"{day.isoformat()}T{time}"
    try:
        instant = parse_timestamp(text)
    except InvalidTimestamp:
        form.add_error(
            time_field,
            f"{sentence(what)} is in the hour skipped when the clocks went forward "
            "(1am to 2am does not exist that day). Check the time",
        )
        return None
    if instant > clock.now():
        form.add_error(date_field, f"{sentence(what)} must be in the past")
        return None
    if must_follow:
        try:
            earlier = parse_timestamp(str(must_follow))
        except InvalidTimestamp:
            earlier = None
        if earlier is not None and instant < earlier:
            form.add_error(
                date_field,
                f"{sentence(what)} must be the same as or after {must_follow_what} ({display_moment(must_follow)})",
            )
            return None
    return text


# NHS numbers ------------------------------------------------------------------------------


def clean_nhs_number(value: str, *, whose: str, required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise forms.ValidationError(f"Enter the {whose} NHS number")
        return None
    try:
        return normalise_nhs_number(text)
    except InvalidNhsNumber as problem:
        if problem.reason == "placeholder":
            raise forms.ValidationError(
                f"{problem.message.split('.')[0]}. Enter the {whose} real NHS number"
                + ("" if required else ", or leave it blank if it is not known")
            ) from None
        if problem.reason == "checksum":
            raise forms.ValidationError(f"The {whose} NHS number is not valid. Check each digit") from None
        raise forms.ValidationError(f"The {whose} NHS number must be 10 digits, like 943 476 5919") from None


# The pages ----------------------------------------------------------------------------------


class StepForm(forms.Form):
    """A question page. `answers` are the draft's answers; `context` gives what a page needs
    from outside (the reporting trust's sites, its code)."""

    slug: str = ""

    def __init__(self, data=None, *, answers: Mapping[str, Any], context: Mapping[str, Any] | None = None, **kwargs):
        self.answers = answers
        self.context = dict(context or {})
        self.answered = self.slug in steps.answered_steps(answers)
        super().__init__(data, initial=self.initial_from(answers), **kwargs)

    def initial_from(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def values(self) -> dict[str, Any]:
        """The document fields this page asks, by dotted path (after `is_valid`)."""
        return {}

    @property
    def facts(self) -> steps.Facts:
        return steps.Facts.from_answers(self.answers)


class WhatHappenedForm(StepForm):
    slug = "what-happened"
    what_happened = _choice(
        choices=[(str(c), text) for c, text, _hint in WHAT_HAPPENED_CHOICES], required_message="Select what happened"
    )

    def initial_from(self, answers):
        return {"what_happened": steps.journey_of(answers).get("what_happened")}

    @property
    def choice(self) -> WhatHappened:
        return WhatHappened(self.cleaned_data["what_happened"])


class SignsOfLifeForm(StepForm):
    slug = "signs-of-life"
    born_alive = _choice(choices=YES_NO, required_message="Select yes if the baby showed any signs of life after birth")

    def initial_from(self, answers):
        if not self.answered:
            return {"born_alive": None}
        return {"born_alive": _choice_for(get_path(answers, "baby.born_alive"), answered=False)}

    def values(self):
        return {"baby.born_alive": self.cleaned_data["born_alive"] == YES}


class BornAtForm(StepForm):
    slug = "born-at"
    born_on = DatePartsField(what="the date the baby was born")
    born_time = TimeField(what="the time the baby was born")

    def initial_from(self, answers):
        value = get_path(answers, "baby.born_at")
        return {"born_on": date_parts(value), "born_time": time_of(value)}

    def clean(self):
        data = super().clean()
        data["born_at"] = combine_moment(
            self, date_field="born_on", time_field="born_time", what="the date and time of birth"
        )
        return data

    def values(self):
        return {"baby.born_at": self.cleaned_data["born_at"]}


class DiedAtForm(StepForm):
    """When the baby died. For a baby with a suspected brain injury, first whether they died."""

    slug = "died-at"
    has_died = _choice(
        choices=[(YES, "Yes"), (NO, "No, the baby is alive")], required_message="Select whether the baby has died"
    )
    died_on = DatePartsField(what="the date the baby died", required=False)
    died_time = TimeField(what="the time the baby died", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.asks_whether:
            self.fields["has_died"].required = False

    @property
    def asks_whether(self) -> bool:
        return self.facts.what_happened is WhatHappened.BRAIN_INJURY

    def initial_from(self, answers):
        value = get_path(answers, "baby.died_at")
        has_died = (YES if value else NO) if self.answered else None
        return {"has_died": has_died, "died_on": date_parts(value), "died_time": time_of(value)}

    def clean(self):
        data = super().clean()
        died = not self.asks_whether or data.get("has_died") == YES
        data["died_at"] = None
        if not died:
            return data
        if self.errors:
            return data
        if data.get("died_on") is None:
            self.add_error("died_on", "Enter the date the baby died")
        if data.get("died_time") is None:
            self.add_error("died_time", "Enter the time the baby died")
        data["died_at"] = combine_moment(
            self,
            date_field="died_on",
            time_field="died_time",
            what="the date and time of death",
            must_follow=get_path(self.answers, "baby.born_at"),
            must_follow_what="the date and time of birth",
        )
        return data

    def values(self):
        return {"baby.died_at": self.cleaned_data["died_at"]}


OTHER_HOSPITAL = "other_hospital"


class PlaceForm(StepForm):
    """A place (docs/rules/routing.md §2 places): one of the trust's own sites, another hospital by its ODS
    site code (a baby born in trust A who died in this trust's neonatal unit), home, born
    before arrival, or somewhere else."""

    slug = "place-of-birth"
    path = "place_of_birth"
    place = forms.ChoiceField(widget=forms.RadioSelect)
    site_code = TextField(what="the ODS site code of the hospital", max_length=12, required=False)
    offers_born_before_arrival = True
    offers_not_known = False
    what = "where the baby was born"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(site.code, site.name) for site in self.context.get("sites", ())]
        choices.append((OTHER_HOSPITAL, "Another hospital"))
        choices.append(("home", PLACE_LABELS["home"]))
        if self.offers_born_before_arrival:
            choices.append(("born_before_arrival", PLACE_LABELS["born_before_arrival"]))
        choices.append(("other", PLACE_LABELS["other"]))
        if self.offers_not_known:
            choices.append(("not_known", "Not known"))
        self.fields["place"].choices = choices
        message = f"Select {self.what}"
        self.fields["place"].error_messages.update({"required": message, "invalid_choice": message})

    def initial_from(self, answers):
        place = get_path(answers, self.path)
        if not isinstance(place, Mapping):
            return {"place": "not_known" if self.answered and self.offers_not_known else None}
        if place.get("type") == "hospital":
            own = {site.code for site in self.context.get("sites", ())}
            if place.get("site") in own:
                return {"place": place.get("site")}
            return {"place": OTHER_HOSPITAL, "site_code": place.get("site")}
        return {"place": place.get("type")}

    def clean(self):
        data = super().clean()
        choice = data.get("place")
        code = (data.get("site_code") or "").strip().upper()
        data["site"] = None
        if choice == OTHER_HOSPITAL:
            if not code:
                self.add_error("site_code", "Enter the ODS site code of the hospital, like R0A01")
            else:
                site_name = self.context.get("site_lookup", lambda _code: None)(code)
                if site_name is None:
                    self.add_error(
                        "site_code", f"There is no hospital site with ODS code {code}. Check the code, like R0A01"
                    )
                data["site"] = code
        elif choice in {site.code for site in self.context.get("sites", ())}:
            data["site"] = choice
        return data

    def values(self):
        choice = self.cleaned_data["place"]
        if choice == "not_known":
            return {self.path: None}
        if self.cleaned_data["site"]:
            return {self.path: {"type": "hospital", "site": self.cleaned_data["site"]}}
        return {self.path: {"type": choice, "site": None}}


class PlaceOfDeathForm(PlaceForm):
    slug = "place-of-death"
    path = "place_of_death"
    offers_born_before_arrival = False

    @property
    def what(self):  # type: ignore[override]
        return "where the mother died" if self.facts.maternal else "where the baby died"


class PregnancyPlaceForm(PlaceForm):
    slug = "pregnancy-place"
    path = "place_of_birth"
    offers_born_before_arrival = False
    offers_not_known = True
    what = "where the pregnancy ended"


class WeeksAndDaysMixin:
    def _weeks_and_days(self, data, *, weeks_range, what: str) -> tuple[int | None, int | None]:
        weeks, days = data.get("weeks"), data.get("days")
        if weeks is None:
            self.add_error("weeks", f"Enter the weeks of {what}")
        elif not weeks_range[0] <= weeks <= weeks_range[1]:
            self.add_error("weeks", f"The weeks of {what} must be between {weeks_range[0]} and {weeks_range[1]}")
            weeks = None
        if days is None:
            self.add_error("days", f"Enter the days of {what}, from 0 to 6. Enter 0 for a whole number of weeks")
        elif not GESTATION_DAYS_RANGE[0] <= days <= GESTATION_DAYS_RANGE[1]:
            self.add_error("days", f"The days of {what} must be between 0 and 6")
            days = None
        return weeks, days


def _whole_number(what: str, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        required=required,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"{sentence(what)} must be a whole number, like 38",
        },
    )


class GestationForm(WeeksAndDaysMixin, StepForm):
    slug = "gestation"
    weeks = _whole_number("the weeks of gestation")
    days = _whole_number("the days of gestation")
    certainty = _choice(
        choices=[("sure", "Sure"), ("not_sure", "Not sure"), ("not_known", "Not known")],
        required_message="Select how sure you are of the gestation",
    )

    def initial_from(self, answers):
        gestation = get_path(answers, "baby.gestation")
        if not isinstance(gestation, Mapping):
            return {"certainty": "not_known" if self.answered else None}
        return {
            "weeks": gestation.get("weeks"),
            "days": gestation.get("days"),
            "certainty": "sure" if gestation.get("reliable") else "not_sure",
        }

    def clean(self):
        data = super().clean()
        if data.get("certainty") == "not_known" or self.has_error("certainty"):
            return data
        if self.has_error("weeks") or self.has_error("days"):
            return data
        self._weeks_and_days(data, weeks_range=GESTATION_WEEKS_RANGE, what="gestation")
        return data

    def values(self):
        data = self.cleaned_data
        if data["certainty"] == "not_known":
            return {"baby.gestation": None}
        reliable = data["certainty"] == "sure"
        return {"baby.gestation": {"weeks": data["weeks"], "days": data["days"], "reliable": reliable}}


class BirthWeightForm(StepForm):
    slug = "birth-weight"
    weight = forms.IntegerField(
        required=False, error_messages={"invalid": "Enter the birth weight in grams as a whole number, like 3100"}
    )

    @property
    def weight_needed_because(self) -> str | None:
        """docs/rules/routing.md §2: the weight is required when the gestation is null or not reliable."""
        gestation = get_path(self.answers, "baby.gestation")
        if not isinstance(gestation, Mapping):
            return "the gestation is not known"
        if gestation.get("reliable") is not True:
            return "you are not sure of the gestation"
        return None

    def initial_from(self, answers):
        return {"weight": get_path(answers, "baby.birth_weight_g")}

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        low, high = BIRTH_WEIGHT_RANGE_G
        if weight is None:
            if self.weight_needed_because:
                raise forms.ValidationError(
                    f"Enter the birth weight in grams. It is needed because {self.weight_needed_because}"
                )
            return None
        if not low <= weight <= high:
            raise forms.ValidationError(f"The birth weight must be between {low} and {high} grams")
        return weight

    def values(self):
        return {"baby.birth_weight_g": self.cleaned_data["weight"]}


class _YesNoForm(StepForm):
    """A page asking one yes/no (or yes/no/not known) question about one document field."""

    path = ""
    answer = forms.ChoiceField(widget=forms.RadioSelect)
    choices = YES_NO
    required_message = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = self.choices
        self.fields["answer"].error_messages.update(
            {"required": self.required_message, "invalid_choice": self.required_message}
        )

    def initial_from(self, answers):
        return {"answer": _choice_for(get_path(answers, self.path), answered=self.answered)}

    def values(self):
        return {self.path: _BOOLEAN[self.cleaned_data["answer"]]}


class MultipleBirthForm(_YesNoForm):
    slug = "multiple-birth"
    path = "baby.multiple_birth"
    required_message = "Select yes if this was a multiple birth (twins, triplets or more)"


class TerminationForm(_YesNoForm):
    slug = "termination"
    path = "baby.termination_of_pregnancy"
    required_message = "Select yes if the pregnancy was ended by a termination"


class CongenitalAnomalyForm(_YesNoForm):
    slug = "congenital-anomaly"
    path = "baby.congenital_anomaly_caused_outcome"
    choices = YES_NO_NOT_KNOWN
    required_message = "Select whether a congenital anomaly caused the outcome, or 'Not known'"


class AliveAtOnsetForm(_YesNoForm):
    slug = "alive-at-onset"
    path = "baby.alive_at_onset_of_labour"
    choices = YES_NO_NOT_KNOWN
    required_message = "Select whether the baby was alive when labour started, or 'Not known'"


class DeathConfirmedForm(WeeksAndDaysMixin, StepForm):
    slug = "death-confirmed"
    weeks = _whole_number("the weeks of gestation when the death was confirmed")
    days = _whole_number("the days of gestation when the death was confirmed")

    def initial_from(self, answers):
        value = get_path(answers, "baby.death_confirmed_gestation")
        return dict(value) if isinstance(value, Mapping) else {}

    def clean(self):
        data = super().clean()
        if not (self.has_error("weeks") or self.has_error("days")):
            weeks, days = self._weeks_and_days(
                data, weeks_range=CONFIRMED_DEATH_WEEKS_RANGE, what="gestation when the death was confirmed"
            )
            gestation = get_path(self.answers, "baby.gestation")
            if weeks is not None and days is not None and isinstance(gestation, Mapping):
                at_birth = gestation_days(gestation.get("weeks") or 0, gestation.get("days") or 0)
                if gestation_days(weeks, days) > at_birth:
                    self.add_error(
                        "weeks",
                        "The gestation when the death was confirmed must be the same as or "
                        "earlier than the gestation at birth "
                        f"({gestation_text(gestation.get('weeks'), gestation.get('days'))})",
                    )
        return data

    def values(self):
        data = self.cleaned_data
        return {"baby.death_confirmed_gestation": {"weeks": data["weeks"], "days": data["days"]}}


class LabourForm(StepForm):
    slug = "labour"
    status = _choice(
        choices=[("labour", "Yes, she was in labour"), ("no_labour", "No")],
        required_message="Select whether the mother was in labour",
    )

    def initial_from(self, answers):
        return {"status": get_path(answers, "labour.status")}

    def values(self):
        return {"labour.status": self.cleaned_data["status"]}


SIGN_LABELS = {
    "therapeutic_hypothermia": "Actively cooled (therapeutic hypothermia)",
    "grade_3_hie": "Grade 3 hypoxic ischaemic encephalopathy (HIE)",
    "decreased_central_tone": "Decreased central tone",
    "comatose": "Comatose",
    "seizures": "Seizures of any kind",
    "altered_consciousness": "Altered state of consciousness (reduced or absent response, or excessive irritability)",
    "hypotonia": "Hypotonia",
    "abnormal_reflexes": "Abnormal reflexes, including oculomotor or pupillary abnormalities",
    "weak_or_absent_suck": "Weak or absent suck",
}
NONE_OF_THESE = "none"
SELECT_SIGNS = "Select the signs the baby had in the first 7 days, or select 'None of these'"


class BrainInjuryForm(StepForm):
    slug = "brain-injury"
    signs = forms.MultipleChoiceField(
        choices=[(name, SIGN_LABELS[name]) for name in BRAIN_INJURY_SIGNS] + [(NONE_OF_THESE, "None of these")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": SELECT_SIGNS, "invalid_choice": SELECT_SIGNS},
    )
    diagnosed_day = forms.IntegerField(
        required=False,
        error_messages={
            "invalid": "Enter the baby's age when the signs were first diagnosed as a whole number of days, like 0"
        },
    )

    def initial_from(self, answers):
        if not self.answered:
            return {}
        chosen = [name for name in BRAIN_INJURY_SIGNS if get_path(answers, f"brain_injury.{name}") is True]
        return {"signs": chosen or [NONE_OF_THESE], "diagnosed_day": get_path(answers, "brain_injury.diagnosed_day")}

    def clean(self):
        data = super().clean()
        chosen = data.get("signs") or []
        if NONE_OF_THESE in chosen and len(chosen) > 1:
            self.add_error("signs", "Select the signs the baby had, or select 'None of these', not both")
        elif chosen and NONE_OF_THESE not in chosen and not self.has_error("diagnosed_day"):
            day = data.get("diagnosed_day")
            if day is None:
                self.add_error(
                    "diagnosed_day",
                    "Enter how old the baby was, in completed days, when the signs were "
                    "first diagnosed. Enter 0 for the first 24 hours",
                )
            elif day < 0:
                self.add_error(
                    "diagnosed_day", "The baby's age when the signs were first diagnosed must be 0 days or more"
                )
        return data

    def values(self):
        chosen = set(self.cleaned_data["signs"]) - {NONE_OF_THESE}
        result: dict[str, Any] = {f"brain_injury.{name}": name in chosen for name in BRAIN_INJURY_SIGNS}
        result["brain_injury.diagnosed_day"] = self.cleaned_data.get("diagnosed_day") if chosen else None
        return result


class MriForm(StepForm):
    slug = "mri"
    mri = _choice(
        choices=[
            ("hie", "Shows hypoxic ischaemic encephalopathy (HIE)"),
            ("normal", "Normal"),
            ("pending", "Done or planned, not reported yet"),
            ("not_done", "Not done and not planned"),
        ],
        required_message="Select what the MRI showed, or whether it is awaited",
    )

    def initial_from(self, answers):
        return {"mri": get_path(answers, "brain_injury.mri")}

    def values(self):
        return {"brain_injury.mri": self.cleaned_data["mri"]}


class MotherDeathForm(StepForm):
    slug = "mother-death"
    died_on = DatePartsField(what="the date the mother died")
    died_time = TimeField(what="the time the mother died")
    pregnant = _choice(choices=YES_NO_NOT_KNOWN, required_message="Select whether she was pregnant when she died")

    def initial_from(self, answers):
        value = get_path(answers, "mother.death.died_at")
        pregnant = get_path(answers, "mother.death.pregnant_at_death")
        return {
            "died_on": date_parts(value),
            "died_time": time_of(value),
            "pregnant": _choice_for(pregnant, answered=self.answered),
        }

    def clean(self):
        data = super().clean()
        data["died_at"] = combine_moment(
            self, date_field="died_on", time_field="died_time", what="the date and time the mother died"
        )
        return data

    def values(self):
        return {
            "mother.death.died_at": self.cleaned_data["died_at"],
            "mother.death.pregnant_at_death": _BOOLEAN[self.cleaned_data["pregnant"]],
        }


class PregnancyEndForm(StepForm):
    slug = "pregnancy-end"
    ended_on = DatePartsField(what="the date the pregnancy ended", required=False)
    outcome = _choice(
        choices=[
            ("birth", "A birth (live birth or stillbirth)"),
            ("miscarriage", "Miscarriage"),
            ("ectopic", "Ectopic pregnancy"),
            ("termination", "Termination of pregnancy"),
            ("unknown", "Not known"),
        ],
        required_message="Select how the pregnancy ended",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # She was not pregnant: the date the pregnancy ended decides which bodies need to know.
        self.fields["ended_on"].required = self.facts.pregnant_at_death is False

    def initial_from(self, answers):
        return {
            "ended_on": date_parts(get_path(answers, "mother.death.pregnancy_ended_on")),
            "outcome": get_path(answers, "mother.death.pregnancy_outcome"),
        }

    def clean(self):
        data = super().clean()
        ended = data.get("ended_on")
        died_at = get_path(self.answers, "mother.death.died_at")
        if ended is not None and died_at:
            try:
                died_on = london_date(parse_timestamp(str(died_at)))
            except InvalidTimestamp:
                died_on = None
            if died_on is not None and ended > died_on:
                self.add_error(
                    "ended_on",
                    "The date the pregnancy ended must be the same as or before the date the "
                    f"mother died ({long_date(died_on)})",
                )
        return data

    def values(self):
        ended = self.cleaned_data.get("ended_on")
        return {
            "mother.death.pregnancy_ended_on": ended.isoformat() if ended else None,
            "mother.death.pregnancy_outcome": self.cleaned_data["outcome"],
        }


def _event_day(answers: Mapping[str, Any]) -> tuple[date, str] | None:
    """The day the mother's age is checked on (docs/rules/routing.md §2), as far as the answers
    give it, and what happened then: the birth; for a maternal death, the end of the pregnancy,
    else her death."""
    ended = get_path(answers, "mother.death.pregnancy_ended_on")
    for value, event in (
        (get_path(answers, "baby.born_at"), "the baby was born"),
        (ended, "the pregnancy ended"),
        (None if ended else get_path(answers, "mother.death.died_at"), "she died"),
    ):
        if not value:
            continue
        try:
            day = london_date(parse_timestamp(str(value))) if "T" in str(value) else date.fromisoformat(str(value))
        except (InvalidTimestamp, ValueError):
            continue
        return day, event
    return None


def _stored_nhs_number(value: object) -> str | None:
    """An NHS number from the answers as 10 digits (None when absent or not a number)."""
    try:
        return normalise_nhs_number(str(value)) if value else None
    except InvalidNhsNumber:
        return None


class MotherForm(StepForm):
    slug = "mother"
    nhs_number = TextField(what="the mother's NHS number", max_length=20, required=False)
    date_of_birth = DatePartsField(what="the mother's date of birth")
    postcode = TextField(
        what="the mother's postcode",
        max_length=10,
        error_messages={"max_length": "Enter the mother's full postcode, like M13 9WL"},
        required=False,
    )

    def initial_from(self, answers):
        return {
            "nhs_number": get_path(answers, "mother.nhs_number"),
            "date_of_birth": date_parts(get_path(answers, "mother.date_of_birth")),
            "postcode": get_path(answers, "mother.postcode"),
        }

    def clean_nhs_number(self):
        number = clean_nhs_number(self.cleaned_data.get("nhs_number"), whose="mother's", required=False)
        if same_nhs_number_problem(_stored_nhs_number(get_path(self.answers, "baby.nhs_number")), number):
            # The baby's number was answered first (the reporter came back to change this page).
            raise forms.ValidationError(
                "The mother's NHS number is the same as the baby's. Enter the mother's own NHS number"
            )
        return number

    def clean_postcode(self):
        text = (self.cleaned_data.get("postcode") or "").strip()
        if not text:
            return None
        postcode = normalise_postcode(text)
        if postcode is None:
            raise forms.ValidationError("Enter the mother's full postcode, like M13 9WL")
        return postcode

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born is not None and born.year < 1900:
            raise forms.ValidationError("The mother's date of birth must be after 1 January 1900")
        moment = _event_day(self.answers)  # the event's pages come first; without them, "check answers" checks
        if born is not None and moment is not None:
            problem = mother_age_problem(born, on=moment[0], event=moment[1])
            if problem:
                raise forms.ValidationError(problem)
        return born

    def values(self):
        born = self.cleaned_data.get("date_of_birth")
        return {
            "mother.nhs_number": self.cleaned_data.get("nhs_number"),
            "mother.date_of_birth": born.isoformat() if born else None,
            "mother.postcode": self.cleaned_data.get("postcode"),
        }


class BabyNhsNumberForm(StepForm):
    slug = "baby-nhs-number"
    nhs_number = TextField(what="the baby's NHS number", max_length=20, required=False)

    @property
    def required_number(self) -> bool:
        """A baby born alive has an NHS number from the birth notification; a stillborn baby may not."""
        return get_path(self.answers, "baby.born_alive") is True

    def initial_from(self, answers):
        return {"nhs_number": get_path(answers, "baby.nhs_number")}

    def clean_nhs_number(self):
        number = clean_nhs_number(self.cleaned_data.get("nhs_number"), whose="baby's", required=self.required_number)
        if same_nhs_number_problem(number, _stored_nhs_number(get_path(self.answers, "mother.nhs_number"))):
            blank = "" if self.required_number else ", or leave it blank if the baby does not have one"
            raise forms.ValidationError(
                f"The baby's NHS number is the same as the mother's. Enter the baby's own NHS number{blank}"
            )
        return number

    def values(self):
        return {"baby.nhs_number": self.cleaned_data.get("nhs_number")}


class LinkedForm(StepForm):
    slug = "linked-notification"
    reference = TextField(
        what="the linked notification's reference",
        max_length=32,
        error_messages={"max_length": "Enter the linked notification's reference, like PEN-2026-000123"},
        required=False,
    )

    def initial_from(self, answers):
        return {"reference": get_path(answers, "linked_notification")}

    def clean_reference(self):
        reference = "".join((self.cleaned_data.get("reference") or "").split()).upper()
        if not reference:
            return None
        exists = self.context.get("reference_exists", lambda _reference, _mother=None: False)
        if not exists(reference, get_path(self.answers, "mother.nhs_number")):
            raise forms.ValidationError(
                f"There is no notification with reference {reference} for your trust or this mother. "
                "Check the reference, or leave it blank"
            )
        return reference

    def values(self):
        return {"linked_notification": self.cleaned_data.get("reference")}


FORMS: dict[str, type[StepForm]] = {
    form.slug: form
    for form in (
        WhatHappenedForm,
        SignsOfLifeForm,
        BornAtForm,
        DiedAtForm,
        PlaceForm,
        PlaceOfDeathForm,
        PregnancyPlaceForm,
        GestationForm,
        BirthWeightForm,
        MultipleBirthForm,
        DeathConfirmedForm,
        TerminationForm,
        CongenitalAnomalyForm,
        LabourForm,
        AliveAtOnsetForm,
        BrainInjuryForm,
        MriForm,
        MotherDeathForm,
        PregnancyEndForm,
        MotherForm,
        BabyNhsNumberForm,
        LinkedForm,
    )
}
