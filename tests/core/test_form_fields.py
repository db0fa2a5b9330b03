"""The shared NHS.UK form fields: GOV.UK date input and time of day, with messages naming the field."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.http import QueryDict

from perinatal.core.form_fields import (
    DatePartsField,
    EmailAddressField,
    FilterForm,
    TextField,
    TimeField,
    date_parts,
    time_of,
)


class _DateForm(forms.Form):
    born_on = DatePartsField(what="the date the baby was born")
    due_on = DatePartsField(what="the date the action is due", allow_future=True, required=False)


class _TimeForm(forms.Form):
    born_time = TimeField(what="the time the baby was born")


def _date_errors(day: str, month: str, year: str) -> list[str]:
    form = _DateForm({"born_on_day": day, "born_on_month": month, "born_on_year": year})
    form.is_valid()
    return form.errors.get("born_on", [])


@pytest.fixture(autouse=True)
def _fixed_clock(settings):
    settings.PERINATAL_NOW = "2026-03-10T12:00"


def test_a_real_past_date_is_a_date():
    form = _DateForm({"born_on_day": "9", "born_on_month": "3", "born_on_year": "2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"born_on": date(2026, 3, 9), "due_on": None}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date the baby was born"),
        (("9", "", "2026"), "The date the baby was born must include a month"),
        (("", "", "2026"), "The date the baby was born must include a day and a month"),
        (("9", "March", "2026"), "The date the baby was born must be a real date, like 27 3 2025"),
        (("9", "3", "26"), "The year of the date the baby was born must include 4 numbers, like 2025"),
        (("30", "2", "2026"), "The date the baby was born must be a real date"),
        (("11", "3", "2026"), "The date the baby was born must be today or in the past"),
    ],
)
def test_date_messages_name_the_field(parts, message):
    assert _date_errors(*parts) == [message]


def test_today_is_not_the_future_and_a_future_date_is_allowed_where_asked():
    assert _date_errors("10", "3", "2026") == []
    form = _DateForm(
        {
            "born_on_day": "1",
            "born_on_month": "3",
            "born_on_year": "2026",
            "due_on_day": "1",
            "due_on_month": "1",
            "due_on_year": "2030",
        }
    )
    assert form.is_valid() and form.cleaned_data["due_on"] == date(2030, 1, 1)


@pytest.mark.parametrize(
    ("typed", "stored"), [("03:20", "03:20"), ("3:20", "03:20"), ("0320", "03:20"), ("15.45", "15:45")]
)
def test_times_on_the_24_hour_clock(typed, stored):
    form = _TimeForm({"born_time": typed})
    assert form.is_valid() and form.cleaned_data["born_time"] == stored


@pytest.mark.parametrize("typed", ["24:00", "12:60", "noon"])
def test_a_time_that_is_not_real_is_refused_naming_the_field(typed):
    form = _TimeForm({"born_time": typed})
    assert not form.is_valid()
    assert form.errors["born_time"] == [
        "The time the baby was born must be a real time on the 24-hour clock, like 03:20 or 15:45"
    ]


def test_the_inputs_show_a_stored_date_and_time_again():
    assert date_parts("2025-10-01T03:20") == ["1", "10", "2025"]
    assert date_parts("not a date") is None and date_parts(None) is None
    assert time_of("2025-10-01T03:20") == "03:20" and time_of("2025-10-01") is None


class _TextForm(forms.Form):
    postcode = TextField(what="the mother's postcode", max_length=10, required=False)
    reason = TextField(what="the reason", max_length=2000, required=True)


def test_text_messages_name_the_field_instead_of_djangos_own():
    form = _TextForm({"postcode": "M13 9WL 12345", "reason": ""})
    assert not form.is_valid()
    assert form.errors == {
        "postcode": ["The mother's postcode must be 10 characters or fewer"],
        "reason": ["Enter the reason"],
    }
    form = _TextForm({"postcode": "", "reason": "x" * 2001})
    assert not form.is_valid()
    assert form.errors == {"reason": ["The reason must be 2,000 characters or fewer"]}
    assert _TextForm({"postcode": "M13 9WL", "reason": "Post-mortem result"}).is_valid()


def test_a_time_too_long_to_be_a_time_says_so():
    form = _TimeForm({"born_time": "03:20 in the morning"})
    assert not form.is_valid()
    assert form.errors["born_time"] == [
        "The time the baby was born must be a real time on the 24-hour clock, like 03:20 or 15:45"
    ]


class _AccountTextForm(forms.Form):
    job_title = TextField(what="your job title", max_length=10)
    email = EmailAddressField(what="your work email address")


def test_text_and_email_fields_name_themselves_in_every_message():
    form = _AccountTextForm({"job_title": "", "email": ""})
    assert not form.is_valid()
    assert form.errors == {"job_title": ["Enter your job title"], "email": ["Enter your work email address"]}
    form = _AccountTextForm({"job_title": "Midwife and more", "email": "not an address"})
    assert not form.is_valid()
    assert form.errors["job_title"] == ["Your job title must be 10 characters or fewer"]
    assert form.errors["email"] == ["Enter your work email address in the correct format, like name@nhs.net"]


# --- FilterForm: the lists' GET filters ---------------------------------------------------------


class _ColourFilter(FilterForm):
    colour = forms.ChoiceField(required=False, choices=[("", "Any"), ("red", "Red")])

    def __init__(self, data=None):
        super().__init__(data, known_choices={"colour": {"red": "Red"}})


def test_an_unknown_choice_in_a_filter_means_any_not_an_error():
    form = _ColourFilter(QueryDict("colour=mauve"))
    assert form.is_valid()
    assert form.cleaned_data["colour"] == ""
    assert _ColourFilter(QueryDict("colour=red")).is_valid()


def test_a_filters_address_keeps_its_values_and_sets_the_page():
    form = _ColourFilter(QueryDict("colour=red&page=3&empty="))
    assert form.query_string(page=4) == "?colour=red&page=4"
    assert form.query_string(page=None) == "?colour=red"
    assert _ColourFilter().query_string(format="csv") == "?format=csv"
