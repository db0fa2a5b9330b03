"""Forms of the equity programme's pages, with GOV.UK-style messages that name the field.

The forms check what a person typed (a real date, a whole number); the services check the
programme's rules and refuse with the field's name, which the views put against the field. The
element and survey forms run the same pure rules in ``clean`` so every problem shows at once.
"""

from __future__ import annotations

from django import forms

from perinatal.core import clock
from perinatal.core.form_fields import DatePartsField
from perinatal.equity.models import Session
from perinatal.equity.programme import rules
from perinatal.equity.programme.rules import ElementStatus, SurveyRound, TeamRole
from perinatal.equity.programme.services.sessions import ATTENDANCE_MAX, attendance_field


def _whole_number(what: str, *, required: bool = True, minimum: int = 0, maximum: int | None = None):
    messages = {
        "required": f"Enter {what}",
        "invalid": f"{what[:1].upper()}{what[1:]} must be a whole number, like 12",
        "min_value": f"{what[:1].upper()}{what[1:]} must be {minimum} or more",
    }
    if maximum is not None:
        messages["max_value"] = f"{what[:1].upper()}{what[1:]} must be {maximum} or fewer"
    return forms.IntegerField(required=required, min_value=minimum, max_value=maximum, error_messages=messages)


class ProgrammeStartForm(forms.Form):
    start_on = DatePartsField(what="the date the programme starts", allow_future=True)


class IntakeForm(forms.Form):
    number = _whole_number("the intake's number", minimum=1, maximum=99)
    name = forms.CharField(
        max_length=120,
        error_messages={
            "required": "Enter the intake's name, like North West and London",
            "max_length": "The name must be 120 characters or fewer",
        },
    )
    regions = forms.MultipleChoiceField(
        choices=[],
        error_messages={
            "required": "Select the intake's region or regions",
            "invalid_choice": "Select NHS England regions only",
        },
    )
    start_on = DatePartsField(what="the date the intake starts", allow_future=True)
    capacity = _whole_number("how many sites the intake can take", minimum=1, maximum=999)

    def __init__(self, *args, regions, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_objects = {region.code: region for region in regions}
        self.fields["regions"].choices = [(region.code, region.display_name) for region in regions]
        if editing:
            del self.fields["number"]  # an intake keeps its number: pages and notices name it

    def clean_regions(self):
        return [self.region_objects[code] for code in self.cleaned_data["regions"]]


class AllocateForm(forms.Form):
    sites = forms.MultipleChoiceField(
        choices=[],
        error_messages={
            "required": "Select the sites to add to the intake",
            "invalid_choice": "Select sites from the list: a site already in an intake is not listed",
        },
    )

    def __init__(self, *args, facts, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_objects = {fact.site.code: fact.site for fact in facts}
        self.fields["sites"].choices = [
            (
                fact.site.code,
                f"{fact.site.name} ({fact.site.code}), "
                f"{fact.trust.display_name if fact.trust else 'no trust'}, "
                f"{fact.region.display_name if fact.region else 'no region'}",
            )
            for fact in facts
        ]

    def clean_sites(self):
        return [self.site_objects[code] for code in self.cleaned_data["sites"]]


class ConfirmForm(forms.Form):
    """A button alone (taking a site out of an intake, a person out of a team)."""


class SessionForm(forms.Form):
    element = forms.TypedChoiceField(
        coerce=int,
        choices=[(element.number, f"{element.number}. {element.title}") for element in rules.ELEMENTS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the element the session is for", "invalid_choice": "Select an element"},
    )
    kind = forms.ChoiceField(
        choices=Session.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of session it was",
            "invalid_choice": "Select what kind of session it was",
        },
    )
    title = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter the session's title, like Webinar 1: understanding racism in maternity care",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    held_on = DatePartsField(what="the date the session was held")


class AttendanceForm(forms.Form):
    """How many of each site's team attended: one whole-number field per team, ``site_<code>``."""

    def __init__(self, *args, teams, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {}
        for team in teams:
            name = attendance_field(team)
            self.teams[name] = team
            self.fields[name] = _whole_number(
                f"how many from {team.site.code} attended", required=False, maximum=ATTENDANCE_MAX
            )
            self.fields[name].label = f"{team.site.name} ({team.site.code})"
            if team.pk in current:
                self.initial[name] = current[team.pk]

    def attended(self) -> dict:
        return {team: self.cleaned_data.get(name) for name, team in self.teams.items()}


class TeamMemberForm(forms.Form):
    role = forms.ChoiceField(
        choices=[(role.value, role.label) for role in TeamRole],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the person's role in the team",
            "invalid_choice": "Select the person's role in the team",
        },
    )
    full_name = forms.CharField(
        max_length=150,
        error_messages={
            "required": "Enter the person's name",
            "max_length": "The name must be 150 characters or fewer",
        },
    )
    job_title = forms.CharField(
        max_length=150,
        error_messages={
            "required": "Enter the person's job title, like Consultant neonatologist",
            "max_length": "The job title must be 150 characters or fewer",
        },
    )
    work_email = forms.EmailField(
        required=False,
        error_messages={"invalid": "Enter a work email address in the correct format, like name@nhs.net"},
    )


class BackingForm(forms.Form):
    backed = forms.TypedChoiceField(
        coerce=lambda value: value == "yes",
        choices=[("yes", "Yes, the executive team backs the work"), ("no", "Not yet")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the executive team backs the site's work",
            "invalid_choice": "Select whether the executive team backs the site's work",
        },
    )
    confirmed_on = DatePartsField(what="the date the executive team confirmed it")
    note = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=2_000,
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def clean(self):
        data = super().clean()
        if data.get("backed") is False and not (data.get("note") or "").strip():
            self.add_error("note", "Enter what the executive team said, and what happens next")
        return data


class ElementForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(status.value, status.label) for status in ElementStatus],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the element is not started, in progress or done",
            "invalid_choice": "Select whether the element is not started, in progress or done",
        },
    )
    started_on = DatePartsField(what="the date the team started", required=False)
    completed_on = DatePartsField(what="the date the element was done", required=False)
    participants = _whole_number("how many of the team took part", required=False, maximum=999)
    evidence = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select evidence from the list for this element"},
    )
    notes = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=5_000,
        error_messages={"max_length": "The notes must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, element: rules.Element, programme_start, **kwargs):
        super().__init__(*args, **kwargs)
        self.element = element
        self.programme_start = programme_start
        self.fields["evidence"].choices = list(element.evidence)

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in ("status", "started_on", "completed_on", "evidence")):
            return data
        for field, message in rules.element_problems(
            status=ElementStatus(data["status"]),
            started_on=data.get("started_on"),
            completed_on=data.get("completed_on"),
            evidence=data.get("evidence") or [],
            notes=data.get("notes") or "",
            element_number=self.element.number,
            programme_start=self.programme_start,
            today=clock.today(),
        ):
            if field not in self.errors:
                self.add_error(field, message)
        return data


class SurveyForm(forms.Form):
    held_on = DatePartsField(what="the date the survey closed")
    invited = _whole_number("how many participants were invited", minimum=1)
    responses = _whole_number("how many participants responded")

    def __init__(self, *args, round_: SurveyRound, other_round_held_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.other_round_held_on = other_round_held_on
        for key, question in rules.HEADLINE_MEASURES:
            self.fields[key] = _whole_number(
                f"the percentage of respondents who {question}", required=False, maximum=100
            )

    def scores(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in rules.HEADLINE_KEYS}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for field, message in rules.survey_problems(
            round_=self.round,
            held_on=data.get("held_on"),
            invited=data.get("invited"),
            responses=data.get("responses"),
            scores=self.scores(),
            other_round_held_on=self.other_round_held_on,
            today=clock.today(),
        ):
            if field not in self.errors:
                self.add_error(field, message)
        return data
