"""Which question pages each event needs, in what order, and the document they build."""

from __future__ import annotations

import pytest

from perinatal.notifications.journey import steps
from perinatal.notifications.journey.steps import WhatHappened

RECORD = steps.record_answer


def started(choice: WhatHappened) -> dict:
    return steps.record_what_happened({}, choice)


def answer(answers: dict, slug: str, **values) -> dict:
    return RECORD(answers, slug=slug, values={key.replace("__", "."): value for key, value in values.items()})


def term(answers: dict, *, weeks=38, days=2, reliable=True) -> dict:
    return answer(answers, "gestation", baby__gestation={"weeks": weeks, "days": days, "reliable": reliable})


def slugs(answers: dict) -> list[str]:
    return steps.slugs(steps.steps_for(answers))


def test_before_anything_only_what_happened_is_asked():
    assert slugs({}) == ["what-happened"]
    assert steps.build_document({}, trust="R0A") == {"trust": "R0A"}


def test_a_stillbirth_not_in_labour_asks_no_labour_onset_or_brain_injury_question():
    answers = answer(started(WhatHappened.STILLBIRTH), "labour", labour__status="no_labour")
    assert slugs(answers) == [
        "what-happened",
        "signs-of-life",
        "born-at",
        "place-of-birth",
        "gestation",
        "birth-weight",
        "multiple-birth",
        "termination",
        "congenital-anomaly",
        "labour",
        "mother",
        "baby-nhs-number",
        "linked-notification",
    ]


def test_a_stillbirth_in_labour_asks_whether_the_baby_was_alive_when_labour_started():
    answers = answer(started(WhatHappened.STILLBIRTH), "labour", labour__status="labour")
    assert "alive-at-onset" in slugs(answers)
    assert "died-at" not in slugs(answers) and "place-of-death" not in slugs(answers)
    assert "brain-injury" not in slugs(answers)


def test_signs_of_life_turn_a_stillbirth_into_a_neonatal_death_with_its_questions():
    answers = answer(started(WhatHappened.STILLBIRTH), "signs-of-life", baby__born_alive=True)
    answers = answer(answers, "labour", labour__status="labour")
    found = slugs(answers)
    assert "died-at" in found and "place-of-death" in found
    assert "alive-at-onset" not in found


def test_a_neonatal_death_asks_death_time_and_place_but_not_labour_onset():
    found = slugs(started(WhatHappened.BABY_DIED))
    assert found[:6] == ["what-happened", "born-at", "died-at", "place-of-birth", "place-of-death", "gestation"]
    assert "signs-of-life" not in found and "alive-at-onset" not in found and "death-confirmed" not in found


@pytest.mark.parametrize(
    "weeks, days, reliable, labour, asked",
    [
        (37, 0, True, "labour", True),
        (36, 6, True, "labour", False),  # below 37+0: no MNSI or NHS Resolution rule can fire
        (40, 0, False, "labour", False),  # gestation not reliable = unknown for every body
        (40, 0, True, "no_labour", False),
    ],
)
def test_brain_injury_after_a_neonatal_death_is_asked_only_when_it_can_change_the_routing(
    weeks, days, reliable, labour, asked
):
    answers = term(started(WhatHappened.BABY_DIED), weeks=weeks, days=days, reliable=reliable)
    answers = answer(answers, "labour", labour__status=labour)
    assert ("brain-injury" in slugs(answers)) is asked


def test_a_suspected_brain_injury_always_asks_the_signs_and_asks_the_mri_once_a_sign_is_ticked():
    answers = started(WhatHappened.BRAIN_INJURY)
    assert "brain-injury" in slugs(answers) and "mri" not in slugs(answers)
    assert "termination" not in slugs(answers) and "place-of-death" not in slugs(answers)
    answers = answer(answers, "brain-injury", brain_injury__diagnosed_day=0, brain_injury__therapeutic_hypothermia=True)
    assert "mri" in slugs(answers)


def test_a_baby_with_a_brain_injury_who_died_is_asked_where():
    answers = answer(started(WhatHappened.BRAIN_INJURY), "died-at", baby__died_at="2025-10-05T10:00")
    assert "place-of-death" in slugs(answers)


@pytest.mark.parametrize(
    "multiple, born_alive, asked", [(True, False, True), (False, False, False), (True, True, False)]
)
def test_death_confirmed_gestation_only_for_a_multiple_not_born_alive(multiple, born_alive, asked):
    answers = answer(started(WhatHappened.STILLBIRTH), "signs-of-life", baby__born_alive=born_alive)
    answers = answer(answers, "multiple-birth", baby__multiple_birth=multiple)
    assert ("death-confirmed" in slugs(answers)) is asked


@pytest.mark.parametrize("pregnant, asks_end", [(True, False), (False, True), (None, True)])
def test_a_maternal_death_asks_about_the_end_of_pregnancy_unless_she_died_pregnant(pregnant, asks_end):
    answers = answer(
        started(WhatHappened.MOTHER_DIED),
        "mother-death",
        mother__death__died_at="2025-10-20T09:00",
        mother__death__pregnant_at_death=pregnant,
    )
    found = slugs(answers)
    assert ("pregnancy-end" in found) is asks_end and ("pregnancy-place" in found) is asks_end
    assert not {"born-at", "gestation", "labour", "baby-nhs-number", "brain-injury"} & set(found)
    assert found[-3:] == ["place-of-death", "mother", "linked-notification"]


def test_no_page_is_asked_twice_and_every_page_has_a_label():
    for sequence in (steps.BABY_SEQUENCE, steps.MATERNAL_SEQUENCE):
        assert len({step.slug for step in sequence}) == len(sequence)
    assert all(step.label for step in steps.STEPS)


def test_next_and_previous_follow_the_event_sequence():
    answers = started(WhatHappened.STILLBIRTH)
    assert steps.next_slug(answers, "what-happened") == "signs-of-life"
    assert steps.previous_slug(answers, "signs-of-life") == "what-happened"
    assert steps.previous_slug(answers, "what-happened") is None
    assert steps.next_slug(answers, "linked-notification") is None  # then: check your answers


def test_changing_an_answer_returns_to_check_answers_unless_a_new_page_is_needed():
    answers = started(WhatHappened.STILLBIRTH)
    for step in steps.steps_for(answers)[2:]:
        answers = RECORD(answers, slug=step.slug, values={})
    answers = answer(answers, "signs-of-life", baby__born_alive=False)
    answers = answer(answers, "labour", labour__status="no_labour")
    assert steps.is_complete(answers)
    assert steps.next_slug(answers, "gestation", changing=True) is None
    answers = answer(answers, "labour", labour__status="labour")
    assert steps.next_slug(answers, "labour", changing=True) == "alive-at-onset"


def test_changing_what_happened_keeps_answers_but_asks_again_what_it_changes():
    answers = answer(started(WhatHappened.BRAIN_INJURY), "died-at", baby__died_at=None)
    answers = term(answers)
    answers = steps.record_what_happened(answers, WhatHappened.BABY_DIED)
    assert "died-at" not in steps.answered_steps(answers)
    assert "gestation" in steps.answered_steps(answers)
    assert steps.get_path(answers, "baby.gestation.weeks") == 38


def test_giving_the_same_answer_to_what_happened_keeps_the_signs_of_life_answer():
    answers = answer(started(WhatHappened.STILLBIRTH), "signs-of-life", baby__born_alive=True)
    answers = steps.record_what_happened(answers, WhatHappened.STILLBIRTH)
    assert steps.get_path(answers, "baby.born_alive") is True
    assert "signs-of-life" in steps.answered_steps(answers)


def test_recording_a_page_replaces_all_of_its_fields():
    answers = answer(
        started(WhatHappened.BRAIN_INJURY), "brain-injury", brain_injury__seizures=True, brain_injury__comatose=True
    )
    answers = answer(answers, "brain-injury", brain_injury__comatose=True)
    assert steps.get_path(answers, "brain_injury.seizures") is None
    assert steps.get_path(answers, "brain_injury.comatose") is True


def test_the_document_keeps_only_the_answers_the_event_needs_now():
    answers = started(WhatHappened.BRAIN_INJURY)
    answers = answer(answers, "born-at", baby__born_at="2025-10-01T03:20")
    answers = answer(answers, "brain-injury", brain_injury__diagnosed_day=0, brain_injury__therapeutic_hypothermia=True)
    answers = answer(answers, "mri", brain_injury__mri="pending")
    document = steps.build_document(answers, trust="R0A")
    assert document["brain_injury"]["therapeutic_hypothermia"] is True
    assert document["brain_injury"]["seizures"] is False  # not ticked = absent
    assert document["brain_injury"]["mri"] == "pending"
    assert steps.JOURNEY_KEY not in document
    # The reporter then says it was a stillbirth: the brain injury answers are left out.
    answers = steps.record_what_happened(answers, WhatHappened.STILLBIRTH)
    document = steps.build_document(answers, trust="R0A")
    assert "brain_injury" not in document
    assert document["event"] == "baby" and document["baby"] == {"born_alive": False, "born_at": "2025-10-01T03:20"}


def test_a_maternal_document_has_no_baby():
    answers = answer(
        started(WhatHappened.MOTHER_DIED),
        "mother-death",
        mother__death__died_at="2025-10-20T09:00",
        mother__death__pregnant_at_death=True,
    )
    document = steps.build_document(answers, trust="R0A")
    assert document == {
        "trust": "R0A",
        "event": "maternal",
        "mother": {"death": {"died_at": "2025-10-20T09:00", "pregnant_at_death": True}},
    }


@pytest.mark.parametrize(
    "field, slug",
    [
        ("baby.gestation.weeks", "gestation"),
        ("baby.gestation", "gestation"),
        ("baby.born_at", "born-at"),
        ("baby.died_at", "died-at"),
        ("baby", "born-at"),
        ("place_of_birth.site", "place-of-birth"),
        ("trust", "place-of-birth"),
        ("mother.nhs_number", "mother"),
        ("baby.nhs_number", "baby-nhs-number"),
        ("labour.status", "labour"),
        ("labour", "labour"),
        ("linked_notification", "linked-notification"),
    ],
)
def test_validation_errors_are_taken_back_to_the_page_that_asks_the_field(field, slug):
    answers = started(WhatHappened.BABY_DIED)
    assert steps.step_for_field(answers, field).slug == slug


def test_a_field_no_page_of_this_event_asks_has_no_page():
    assert steps.step_for_field(started(WhatHappened.MOTHER_DIED), "baby.gestation.weeks") is None
    assert steps.step_for_field(started(WhatHappened.MOTHER_DIED), "trust").slug == "pregnancy-place"
    assert steps.step_for_field(started(WhatHappened.MOTHER_DIED), "mother.death.died_at").slug == "mother-death"
