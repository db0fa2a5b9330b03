"""Each question page validates its own fields with GOV.UK-style messages naming the field."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from perinatal.notifications.journey import forms, steps
from perinatal.notifications.journey.steps import WhatHappened


@pytest.fixture(autouse=True)
def fixed_clock(settings):
    settings.PERINATAL_NOW = "2026-11-27T09:00"


STILLBIRTH = steps.record_what_happened({}, WhatHappened.STILLBIRTH)
BRAIN_INJURY = steps.record_what_happened({}, WhatHappened.BRAIN_INJURY)
BORN = steps.record_answer(
    steps.record_what_happened({}, WhatHappened.BABY_DIED), slug="born-at", values={"baby.born_at": "2026-10-01T03:20"}
)
MATERNAL = steps.record_answer(
    steps.record_what_happened({}, WhatHappened.MOTHER_DIED),
    slug="mother-death",
    values={"mother.death.died_at": "2026-10-20T09:00", "mother.death.pregnant_at_death": False},
)
SITES = [SimpleNamespace(code="R0A01", name="Site one"), SimpleNamespace(code="R0A02", name="Site two")]
CONTEXT = {
    "sites": SITES,
    "site_lookup": {"RRK01": "Birmingham site"}.get,
    "reference_exists": lambda reference, mother=None: reference == "PEN-2026-000001",
}


def errors(form_class, data, answers=STILLBIRTH) -> dict[str, list[str]]:
    form = form_class(data, answers=answers, context=CONTEXT)
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def values(form_class, data, answers=STILLBIRTH) -> dict:
    form = form_class(data, answers=answers, context=CONTEXT)
    assert form.is_valid(), form.errors
    return form.values()


def born(day="1", month="10", year="2026", time="03:20"):
    return {"born_on_day": day, "born_on_month": month, "born_on_year": year, "born_time": time}


@pytest.mark.parametrize(
    "data, field, message",
    [
        (born(day="", month="", year=""), "born_on", "Enter the date the baby was born"),
        (born(month=""), "born_on", "The date the baby was born must include a month"),
        (born(day="", year=""), "born_on", "The date the baby was born must include a day and a year"),
        (born(day="31", month="2"), "born_on", "The date the baby was born must be a real date"),
        (born(day="first"), "born_on", "The date the baby was born must be a real date, like 27 3 2025"),
        (born(year="26"), "born_on", "The year of the date the baby was born must include 4 numbers, like 2025"),
        (born(day="28", month="11"), "born_on", "The date the baby was born must be today or in the past"),
        (born(time=""), "born_time", "Enter the time the baby was born"),
        (
            born(time="25:00"),
            "born_time",
            "The time the baby was born must be a real time on the 24-hour clock, like 03:20 or 15:45",
        ),
        (
            born(time="3pm"),
            "born_time",
            "The time the baby was born must be a real time on the 24-hour clock, like 03:20 or 15:45",
        ),
        # Today, but later than now (09:00).
        (born(day="27", month="11", time="10:00"), "born_on", "The date and time of birth must be in the past"),
        # 29 March 2026: the clocks go forward at 1am, so 1:30am does not exist (docs/rules/routing.md §1).
        (
            born(day="29", month="3", time="01:30"),
            "born_time",
            "The date and time of birth is in the hour skipped when the clocks went forward (1am to 2am does not exist "
            "that day). Check the time",
        ),
    ],
)
def test_born_at_messages(data, field, message):
    assert errors(forms.BornAtForm, data) == {field: [message]}


@pytest.mark.parametrize(
    "time, stored", [("03:20", "03:20"), ("3:20", "03:20"), ("0320", "03:20"), ("15.45", "15:45"), (" 23:59 ", "23:59")]
)
def test_times_are_accepted_as_people_write_them(time, stored):
    assert values(forms.BornAtForm, born(time=time)) == {"baby.born_at": f"2026-10-01T{stored}"}


def test_the_repeated_october_hour_is_accepted_as_its_first_occurrence():
    assert values(forms.BornAtForm, born(day="25", month="10", time="01:30")) == {"baby.born_at": "2026-10-25T01:30"}


def died(day="4", month="10", year="2026", time="10:00", **extra):
    return {"died_on_day": day, "died_on_month": month, "died_on_year": year, "died_time": time, **extra}


def test_death_cannot_be_before_birth():
    assert errors(forms.DiedAtForm, died(day="30", month="9"), answers=BORN) == {
        "died_on": [
            "The date and time of death must be the same as or after the date and time of birth "
            "(1 October 2026 at 3:20am)"
        ]
    }


def test_after_a_neonatal_death_the_date_and_time_of_death_are_required():
    assert errors(forms.DiedAtForm, died(day="", month="", year="", time=""), answers=BORN) == {
        "died_on": ["Enter the date the baby died"],
        "died_time": ["Enter the time the baby died"],
    }


def test_a_baby_with_a_brain_injury_may_be_alive():
    assert errors(forms.DiedAtForm, {}, answers=BRAIN_INJURY) == {"has_died": ["Select whether the baby has died"]}
    assert values(forms.DiedAtForm, {"has_died": "no"}, answers=BRAIN_INJURY) == {"baby.died_at": None}
    assert values(forms.DiedAtForm, died(has_died="yes"), answers=BRAIN_INJURY) == {"baby.died_at": "2026-10-04T10:00"}


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"weeks": "38", "days": "2", "certainty": "sure"}, {"weeks": 38, "days": 2, "reliable": True}),
        ({"weeks": "12", "days": "0", "certainty": "not_sure"}, {"weeks": 12, "days": 0, "reliable": False}),
        ({"weeks": "45", "days": "6", "certainty": "sure"}, {"weeks": 45, "days": 6, "reliable": True}),
        ({"weeks": "", "days": "", "certainty": "not_known"}, None),
    ],
)
def test_gestation_values(data, expected):
    assert values(forms.GestationForm, data) == {"baby.gestation": expected}


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"weeks": "11", "days": "0", "certainty": "sure"},
            "weeks",
            "The weeks of gestation must be between 12 and 45",
        ),
        (
            {"weeks": "46", "days": "0", "certainty": "sure"},
            "weeks",
            "The weeks of gestation must be between 12 and 45",
        ),
        ({"weeks": "38", "days": "7", "certainty": "sure"}, "days", "The days of gestation must be between 0 and 6"),
        ({"weeks": "", "days": "2", "certainty": "sure"}, "weeks", "Enter the weeks of gestation"),
        (
            {"weeks": "38", "days": "", "certainty": "sure"},
            "days",
            "Enter the days of gestation, from 0 to 6. Enter 0 for a whole number of weeks",
        ),
        (
            {"weeks": "thirty", "days": "2", "certainty": "sure"},
            "weeks",
            "The weeks of gestation must be a whole number, like 38",
        ),
        ({"weeks": "38", "days": "2"}, "certainty", "Select how sure you are of the gestation"),
    ],
)
def test_gestation_messages(data, field, message):
    assert errors(forms.GestationForm, data) == {field: [message]}


def with_gestation(gestation):
    return steps.record_answer(STILLBIRTH, slug="gestation", values={"baby.gestation": gestation})


@pytest.mark.parametrize(
    "gestation, message",
    [
        (None, "Enter the birth weight in grams. It is needed because the gestation is not known"),
        (
            {"weeks": 30, "days": 0, "reliable": False},
            "Enter the birth weight in grams. It is needed because you are not sure of the gestation",
        ),
    ],
)
def test_birth_weight_is_required_when_gestation_is_unknown_or_unsure(gestation, message):
    assert errors(forms.BirthWeightForm, {"weight": ""}, answers=with_gestation(gestation)) == {"weight": [message]}


@pytest.mark.parametrize(
    "weight, message",
    [
        ("99", "The birth weight must be between 100 and 7000 grams"),
        ("7001", "The birth weight must be between 100 and 7000 grams"),
        ("3.1kg", "Enter the birth weight in grams as a whole number, like 3100"),
    ],
)
def test_birth_weight_range(weight, message):
    assert errors(forms.BirthWeightForm, {"weight": weight}) == {"weight": [message]}


def test_birth_weight_is_optional_with_a_sure_gestation():
    answers = with_gestation({"weeks": 38, "days": 2, "reliable": True})
    assert values(forms.BirthWeightForm, {"weight": ""}, answers=answers) == {"baby.birth_weight_g": None}
    assert values(forms.BirthWeightForm, {"weight": "100"}, answers=answers) == {"baby.birth_weight_g": 100}


@pytest.mark.parametrize(
    "form_class, whose, required",
    [
        (forms.MotherForm, "mother's", False),
        (forms.BabyNhsNumberForm, "baby's", False),  # a stillborn baby may have none
    ],
)
@pytest.mark.parametrize(
    "number, message",
    [
        ("943 476 5910", "The {whose} NHS number is not valid. Check each digit"),
        ("94347659", "The {whose} NHS number must be 10 digits, like 943 476 5919"),
        ("943-476 5919", "The {whose} NHS number must be 10 digits, like 943 476 5919"),
        (
            "0000000000",
            "0000000000 is a placeholder, not an NHS number. Enter the {whose} real NHS number, or leave it "
            "blank if it is not known",
        ),
    ],
)
def test_nhs_numbers_are_checked(form_class, whose, required, number, message):
    data = {"nhs_number": number, "date_of_birth_day": "2", "date_of_birth_month": "4", "date_of_birth_year": "1991"}
    assert errors(form_class, data)["nhs_number"] == [message.format(whose=whose)]


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", " 9434765919 "])
def test_valid_nhs_numbers_are_stored_as_ten_digits(number):
    assert values(forms.BabyNhsNumberForm, {"nhs_number": number}) == {"baby.nhs_number": "9434765919"}


def test_a_baby_born_alive_needs_an_nhs_number():
    assert errors(forms.BabyNhsNumberForm, {"nhs_number": ""}, answers=BORN) == {
        "nhs_number": ["Enter the baby's NHS number"]
    }


def test_mothers_details():
    data = {
        "nhs_number": "",
        "date_of_birth_day": "",
        "date_of_birth_month": "",
        "date_of_birth_year": "",
        "postcode": "M13",
    }
    assert errors(forms.MotherForm, data) == {
        "date_of_birth": ["Enter the mother's date of birth"],
        "postcode": ["Enter the mother's full postcode, like M13 9WL"],
    }
    data.update(date_of_birth_day="2", date_of_birth_month="4", date_of_birth_year="1991", postcode="m139wl")
    assert values(forms.MotherForm, data) == {
        "mother.nhs_number": None,
        "mother.date_of_birth": "1991-04-02",
        "mother.postcode": "M13 9WL",
    }


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "place", "Select where the baby was born"),
        (
            {"place": "other_hospital", "site_code": ""},
            "site_code",
            "Enter the ODS site code of the hospital, like R0A01",
        ),
        (
            {"place": "other_hospital", "site_code": "zzz99"},
            "site_code",
            "There is no hospital site with ODS code ZZZ99. Check the code, like R0A01",
        ),
    ],
)
def test_place_messages(data, field, message):
    assert errors(forms.PlaceForm, data) == {field: [message]}


@pytest.mark.parametrize(
    "data, place",
    [
        ({"place": "R0A02"}, {"type": "hospital", "site": "R0A02"}),
        ({"place": "other_hospital", "site_code": " rrk01 "}, {"type": "hospital", "site": "RRK01"}),
        ({"place": "home"}, {"type": "home", "site": None}),
        ({"place": "born_before_arrival"}, {"type": "born_before_arrival", "site": None}),
        ({"place": "other"}, {"type": "other", "site": None}),
    ],
)
def test_place_values(data, place):
    assert values(forms.PlaceForm, data) == {"place_of_birth": place}


def test_where_a_pregnancy_ended_may_be_not_known_but_a_death_is_never_born_before_arrival():
    assert values(forms.PregnancyPlaceForm, {"place": "not_known"}, answers=MATERNAL) == {"place_of_birth": None}
    assert errors(forms.PlaceOfDeathForm, {"place": "born_before_arrival"}, answers=MATERNAL) == {
        "place": ["Select where the mother died"]
    }
    form = forms.PlaceOfDeathForm(answers=MATERNAL, context=CONTEXT)
    assert "born_before_arrival" not in dict(form.fields["place"].choices)
    assert errors(forms.PlaceOfDeathForm, {}, answers=MATERNAL) == {"place": ["Select where the mother died"]}


def test_brain_injury_signs():
    assert errors(forms.BrainInjuryForm, {}, answers=BRAIN_INJURY) == {
        "signs": ["Select the signs the baby had in the first 7 days, or select 'None of these'"]
    }
    assert errors(forms.BrainInjuryForm, {"signs": ["none", "seizures"]}, answers=BRAIN_INJURY) == {
        "signs": ["Select the signs the baby had, or select 'None of these', not both"]
    }
    assert errors(forms.BrainInjuryForm, {"signs": ["seizures"]}, answers=BRAIN_INJURY) == {
        "diagnosed_day": [
            "Enter how old the baby was, in completed days, when the signs were first diagnosed. Enter 0 for the first "
            "24 hours"
        ]
    }
    chosen = values(
        forms.BrainInjuryForm,
        {"signs": ["therapeutic_hypothermia", "seizures"], "diagnosed_day": "0"},
        answers=BRAIN_INJURY,
    )
    assert chosen["brain_injury.therapeutic_hypothermia"] is True and chosen["brain_injury.seizures"] is True
    assert chosen["brain_injury.comatose"] is False and chosen["brain_injury.diagnosed_day"] == 0
    none = values(forms.BrainInjuryForm, {"signs": ["none"], "diagnosed_day": ""}, answers=BRAIN_INJURY)
    assert not any(value for value in none.values())


def test_the_pregnancy_cannot_end_after_the_mother_died():
    data = {"ended_on_day": "21", "ended_on_month": "10", "ended_on_year": "2026", "outcome": "birth"}
    assert errors(forms.PregnancyEndForm, data, answers=MATERNAL) == {
        "ended_on": [
            "The date the pregnancy ended must be the same as or before the date the mother died (20 October 2026)"
        ]
    }


def test_the_end_of_pregnancy_is_required_when_she_was_not_pregnant_and_optional_when_not_known():
    assert errors(forms.PregnancyEndForm, {"outcome": "birth"}, answers=MATERNAL) == {
        "ended_on": ["Enter the date the pregnancy ended"]
    }
    unknown = steps.record_answer(
        MATERNAL,
        slug="mother-death",
        values={"mother.death.died_at": "2026-10-20T09:00", "mother.death.pregnant_at_death": None},
    )
    assert values(forms.PregnancyEndForm, {"outcome": "unknown"}, answers=unknown) == {
        "mother.death.pregnancy_ended_on": None,
        "mother.death.pregnancy_outcome": "unknown",
    }


def test_the_death_confirmed_gestation_cannot_be_after_the_birth():
    answers = with_gestation({"weeks": 30, "days": 0, "reliable": True})
    assert errors(forms.DeathConfirmedForm, {"weeks": "30", "days": "1"}, answers=answers) == {
        "weeks": [
            "The gestation when the death was confirmed must be the same as or earlier than the gestation at birth "
            "(30+0 weeks)"
        ]
    }
    assert values(forms.DeathConfirmedForm, {"weeks": "19", "days": "6"}, answers=answers) == {
        "baby.death_confirmed_gestation": {"weeks": 19, "days": 6}
    }


@pytest.mark.parametrize(
    "form_class, message",
    [
        (forms.WhatHappenedForm, "Select what happened"),
        (forms.SignsOfLifeForm, "Select yes if the baby showed any signs of life after birth"),
        (forms.MultipleBirthForm, "Select yes if this was a multiple birth (twins, triplets or more)"),
        (forms.TerminationForm, "Select yes if the pregnancy was ended by a termination"),
        (forms.CongenitalAnomalyForm, "Select whether a congenital anomaly caused the outcome, or 'Not known'"),
        (forms.LabourForm, "Select whether the mother was in labour"),
        (forms.AliveAtOnsetForm, "Select whether the baby was alive when labour started, or 'Not known'"),
        (forms.MriForm, "Select what the MRI showed, or whether it is awaited"),
    ],
)
def test_a_question_left_unanswered_says_what_to_select(form_class, message):
    found = errors(form_class, {})
    assert list(found.values()) == [[message]]
    assert list(errors(form_class, {name: "nonsense" for name in found}).values()) == [[message]]


@pytest.mark.parametrize("answer, value", [("yes", True), ("no", False), ("not_known", None)])
def test_yes_no_not_known(answer, value):
    assert values(forms.AliveAtOnsetForm, {"answer": answer}) == {"baby.alive_at_onset_of_labour": value}


def test_linked_reference():
    assert values(forms.LinkedForm, {"reference": " pen-2026-000001 "}) == {"linked_notification": "PEN-2026-000001"}
    assert values(forms.LinkedForm, {"reference": ""}) == {"linked_notification": None}
    assert errors(forms.LinkedForm, {"reference": "PEN-2026-000002"}) == {
        "reference": [
            "There is no notification with reference PEN-2026-000002 for your trust or this mother. "
            "Check the reference, or leave it blank"
        ]
    }


def test_every_page_of_the_steps_module_has_a_form():
    assert set(forms.FORMS) == set(steps.STEPS_BY_SLUG)


def test_a_form_shows_the_saved_answer_again():
    answers = steps.record_answer(STILLBIRTH, slug="alive-at-onset", values={"baby.alive_at_onset_of_labour": None})
    assert forms.AliveAtOnsetForm(answers=answers, context=CONTEXT).initial == {"answer": "not_known"}
    assert forms.AliveAtOnsetForm(answers=STILLBIRTH, context=CONTEXT).initial == {"answer": None}


# The mother's and the baby's details that cannot both be right (docs/rules/routing.md §2) ------------

MOTHER = {"date_of_birth_day": "2", "date_of_birth_month": "4", "date_of_birth_year": "1991", "postcode": ""}


def test_the_babys_nhs_number_cannot_be_the_mothers():
    answered = steps.record_answer(
        BORN, slug="mother", values={"mother.nhs_number": "9434765919", "mother.date_of_birth": "1991-04-02"}
    )
    assert errors(forms.BabyNhsNumberForm, {"nhs_number": "943 476 5919"}, answers=answered) == {
        "nhs_number": ["The baby's NHS number is the same as the mother's. Enter the baby's own NHS number"]
    }
    stillborn = {**answered, "baby": {**answered.get("baby", {}), "born_alive": False}}
    assert errors(forms.BabyNhsNumberForm, {"nhs_number": "9434765919"}, answers=stillborn)["nhs_number"] == [
        "The baby's NHS number is the same as the mother's. Enter the baby's own NHS number, "
        "or leave it blank if the baby does not have one"
    ]
    assert values(forms.BabyNhsNumberForm, {"nhs_number": "999 000 0018"}, answers=answered) == {
        "baby.nhs_number": "9990000018"
    }
    # Coming back to the mother's page after the baby's number was given.
    with_baby = steps.record_answer(answered, slug="baby-nhs-number", values={"baby.nhs_number": "9990000018"})
    assert errors(forms.MotherForm, {**MOTHER, "nhs_number": "999-000-0018"}, answers=with_baby)["nhs_number"] == [
        "The mother's NHS number is the same as the baby's. Enter the mother's own NHS number"
    ]


@pytest.mark.parametrize(
    "year, message",
    [
        ("2020", "Check the mother's date of birth: it makes her 6 years old when the baby was born. "
         "Enter a date of birth that makes her between 10 and 65"),
        ("1950", "Check the mother's date of birth: it makes her 76 years old when the baby was born. "
         "Enter a date of birth that makes her between 10 and 65"),
        ("1991", None),
    ],
)  # fmt: skip
def test_a_mother_aged_6_is_refused(year, message):
    data = {**MOTHER, "nhs_number": "", "date_of_birth_year": year}
    found = errors(forms.MotherForm, data, answers=BORN)  # born 1 October 2026
    assert found == ({"date_of_birth": [message]} if message else {})


def test_a_mothers_age_at_her_death():
    data = {**MOTHER, "nhs_number": "", "date_of_birth_year": "2017"}
    assert errors(forms.MotherForm, data, answers=MATERNAL)["date_of_birth"] == [
        "Check the mother's date of birth: it makes her 9 years old when she died. "
        "Enter a date of birth that makes her between 10 and 65"
    ]


# No page shows Django's own messages ("Ensure this value has at most 10 characters (it has 11).",
# "This field is required."): each names its field in plain words.

DJANGO_DEFAULTS = ("Ensure this value", "This field is required", "Enter a whole number.", "Select a valid choice")


def _every_field_wrong(form_class) -> dict[str, str]:
    """Far too long a value in every input of the page (each of a date's day, month and year)."""
    data = {}
    for name, field in form_class(answers=STILLBIRTH, context=CONTEXT).fields.items():
        suffixes = getattr(field.widget, "widgets_names", [""])
        for suffix in suffixes:
            data[f"{name}{suffix}"] = "9" * 300
    return data


@pytest.mark.parametrize("slug", sorted(forms.FORMS))
def test_no_question_page_shows_djangos_own_messages(slug):
    form_class = forms.FORMS[slug]
    for data in (_every_field_wrong(form_class), {}):
        for answers in (STILLBIRTH, BORN, MATERNAL):
            for field, messages in errors(form_class, data, answers=answers).items():
                for message in messages:
                    assert not message.startswith(DJANGO_DEFAULTS), (slug, field, message)
