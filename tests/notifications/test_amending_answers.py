"""The amendment's journey answers (docs/rules/routing.md §8, §10), without a database: a document
turned into the journey's answers gives back the same document; what the reporter did not
change stays as it was; one person's changes laid over another's version."""

from __future__ import annotations

import copy

import pytest

from perinatal.notifications.amending.answers import (
    amended_document,
    answers_from_document,
    changed_fields,
    rebase,
    what_happened_of,
)
from perinatal.notifications.journey import steps
from perinatal.notifications.routing import parse_document
from tests.notifications.routing.builders import NOW, REGISTER, baby_event, maternal_event, signs

pytestmark = pytest.mark.django_db(False)


def canonical(document: dict) -> dict:
    return parse_document(document, register=REGISTER, now=NOW).to_dict()


DOCUMENTS = {
    "stillbirth": lambda: baby_event(born_alive=False, died_at=None),
    "neonatal death": lambda: baby_event(gestation=(30, 0), died_at="2025-10-04T04:00"),
    "cooled baby": lambda: baby_event(gestation=(40, 1), brain_injury=signs(therapeutic_hypothermia=True)),
    "cooled baby who died": lambda: baby_event(
        gestation=(40, 1), died_at="2025-10-09T04:00", brain_injury=signs(therapeutic_hypothermia=True)
    ),
    "stillborn twin": lambda: baby_event(
        born_alive=False, died_at=None, multiple_birth=True, death_confirmed_gestation={"weeks": 30, "days": 0}
    ),
    "maternal death": lambda: maternal_event(),
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_document_asked_again_page_by_page_is_the_same_document(name):
    document = canonical(DOCUMENTS[name]())
    answers = answers_from_document(document)
    assert steps.is_complete(answers)
    assert canonical(amended_document(answers, original=document)) == document


def test_what_the_reporter_said_is_kept_when_it_still_fits():
    died = canonical(DOCUMENTS["cooled baby who died"]())
    assert what_happened_of(died) == steps.WhatHappened.BRAIN_INJURY
    assert what_happened_of(died, said="baby_died") == steps.WhatHappened.BABY_DIED
    assert what_happened_of(canonical(maternal_event()), said="baby_died") == steps.WhatHappened.MOTHER_DIED


def test_a_value_no_page_asks_is_kept_and_a_page_no_longer_needed_is_dropped():
    document = canonical(baby_event(gestation=(30, 0), died_at="2025-10-04T04:00"))
    # A trust's system sent "alive at the onset of labour" for a baby born alive: no page asks it.
    assert document["baby"]["alive_at_onset_of_labour"] is True
    answers = answers_from_document(document)
    answers = steps.record_answer(answers, slug="multiple-birth", values={"baby.multiple_birth": True})
    amended = canonical(amended_document(answers, original=document))
    assert changed_fields(document, amended) == ["baby.multiple_birth"]
    # Now the baby was not born alive after all: the date of death page is no longer needed.
    answers = steps.record_answer(answers, slug="what-happened", values={"event": "baby", "baby.born_alive": False})
    amended = amended_document(answers, original=document)
    assert amended["baby"].get("died_at") is None and amended["baby"]["born_alive"] is False


def test_my_changes_laid_over_another_version_name_the_answers_we_both_changed():
    base = canonical(baby_event(born_alive=False, died_at=None))
    mine = copy.deepcopy(base)
    mine["baby"]["birth_weight_g"] = 3050
    mine["place_of_birth"] = {"type": "hospital", "site": "R0A02"}
    theirs = copy.deepcopy(base)
    theirs["baby"]["birth_weight_g"] = 3200
    theirs["baby"]["congenital_anomaly_caused_outcome"] = True
    rebased = rebase(mine=mine, base=base, theirs=theirs)
    assert rebased.both_changed == ("baby.birth_weight_g",)
    assert rebased.document["baby"]["birth_weight_g"] == 3050
    assert rebased.document["place_of_birth"]["site"] == "R0A02"
    assert rebased.document["baby"]["congenital_anomaly_caused_outcome"] is True
    # The same change made by both is not a conflict.
    theirs["baby"]["birth_weight_g"] = 3050
    assert rebase(mine=mine, base=base, theirs=theirs).both_changed == ()
