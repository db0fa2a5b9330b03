"""What a notification is, in words (issue 12: "Event: Baby"), and which of its empty rows apply."""

from __future__ import annotations

import pytest

from perinatal.notifications.presenters import document_facts
from perinatal.notifications.wording import event_type_text, event_types
from tests.notifications.factories import brain_injury_event, intrapartum_stillbirth, maternal_event, neonatal_death


@pytest.mark.parametrize(
    "document, categories, text",
    [
        (intrapartum_stillbirth(), ["stillbirth", "intrapartum_stillbirth"], "Intrapartum stillbirth"),
        (intrapartum_stillbirth(), ["stillbirth"], "Stillbirth"),
        (intrapartum_stillbirth(gestation=(23, 0)), ["late_fetal_loss"], "Late fetal loss"),
        (neonatal_death(), ["neonatal_death"], "Neonatal death"),
        (neonatal_death(), ["neonatal_death", "early_neonatal_death"], "Neonatal death"),
        (
            brain_injury_event(died_at="2025-10-03T10:00"),
            ["neonatal_death", "severe_brain_injury"],
            "Neonatal death and potential severe brain injury",
        ),
        (brain_injury_event(), ["severe_brain_injury"], "Potential severe brain injury"),
        (brain_injury_event(), [], "Potential severe brain injury"),  # recorded, though no body took it
        (maternal_event(), ["maternal_death"], "Maternal death"),
        (maternal_event(), [], "Maternal death"),
        (intrapartum_stillbirth(gestation=(19, 0)), [], "Baby not born alive"),  # before any body counts it
        (neonatal_death(gestation=(19, 0)), [], "Death of a baby born alive"),
    ],
)
def test_the_event_in_words(document, categories, text):
    assert event_type_text(document, categories) == text


def test_the_kinds_of_event_filtered_on():
    assert event_types(intrapartum_stillbirth(), ["intrapartum_stillbirth"]) == ["stillbirth"]
    assert event_types(brain_injury_event(died_at="2025-10-03T10:00"), ["neonatal_death"]) == [
        "neonatal_death",
        "severe_brain_injury",
    ]


def labels(document, **kwargs) -> dict[str, str]:
    return dict(document_facts(document, **kwargs))


def test_rows_that_do_not_apply_are_hidden():
    stillbirth = labels(intrapartum_stillbirth())
    assert "Died" not in stillbirth  # the birth is the death
    assert "Alive at the onset of labour" in stillbirth
    alive = brain_injury_event()
    alive["baby"]["alive_at_onset_of_labour"] = None
    alive["baby"]["death_confirmed_gestation"] = None
    alive["baby"]["termination_of_pregnancy"] = None  # not asked of a baby who is alive
    alive_rows = labels(alive)
    for hidden in ("Died", "Place of death", "Alive at the onset of labour", "Termination of pregnancy"):
        assert hidden not in alive_rows, hidden
    assert "Gestation when the death in the womb was confirmed" not in alive_rows
    neonatal = labels(neonatal_death())
    assert neonatal["Died"].startswith("4 October 2025")
    assert "Place of death" in neonatal


def test_the_event_row_and_the_places_read_as_people_say_them():
    rows = labels(neonatal_death(), categories=["neonatal_death"], site_names={"R0A01": "Oldham Maternity"})
    assert rows["What happened"] == "Neonatal death"
    assert rows["Place of birth"] == "Oldham Maternity (R0A01)"
    assert labels(neonatal_death())["Place of birth"] == "Hospital (R0A01)"  # a code the register does not know


def test_identifiers_are_left_out_for_a_role_that_does_not_need_them():
    rows = labels(neonatal_death(), identifiers=False)
    for identifier in ("Mother's NHS number", "Mother's date of birth", "Mother's postcode", "Baby's NHS number"):
        assert identifier not in rows
    assert "Mother's NHS number" in labels(neonatal_death())
