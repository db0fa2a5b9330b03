"""The notification document (docs/rules/routing.md §2): parsing, validation of every field, canonical form."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from perinatal.notifications.routing import (
    DOCUMENT_FIELDS,
    DocumentInvalid,
    EventType,
    FieldError,
    Gestation,
    InMemoryRegister,
    LabourStatus,
    MriResult,
    OrganisationRegister,
    Place,
    PlaceType,
    PregnancyOutcome,
    parse_document,
)

from .builders import HOME, HOSPITAL_A, HOSPITAL_B, NOW, REGISTER, baby_event, invalid, maternal_event, parse, signs

SPEC_EXAMPLE = {
    "trust": "R0A",
    "event": "baby",
    "place_of_birth": {"type": "hospital", "site": "R0A01"},
    "place_of_death": {"type": "hospital", "site": "R0A01"},
    "linked_notification": None,
    "mother": {"nhs_number": "9434765919", "date_of_birth": "1991-04-02", "postcode": "M13 9WL", "death": None},
    "baby": {
        "nhs_number": "9990000018",
        "born_at": "2025-10-01T03:20",
        "gestation": {"weeks": 38, "days": 2, "reliable": True},
        "birth_weight_g": 3100,
        "born_alive": True,
        "died_at": "2025-10-03T10:00",
        "multiple_birth": False,
        "death_confirmed_gestation": None,
        "termination_of_pregnancy": False,
        "congenital_anomaly_caused_outcome": False,
        "alive_at_onset_of_labour": True,
    },
    "labour": {"status": "labour"},
    "brain_injury": None,
}


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `data` with the dotted `path` set to `value`."""
    result = copy.deepcopy(data)
    *parents, leaf = path.split(".")
    target = result
    for name in parents:
        target = target[name]
    target[leaf] = value
    return result


def errors_of(data: Any, **kwargs: Any) -> list[tuple[str, str]]:
    return [tuple(error) for error in invalid(data, **kwargs).errors]


def fields_of(data: Any, **kwargs: Any) -> list[str]:
    return [field for field, _ in errors_of(data, **kwargs)]


# The spec example -------------------------------------------------------------------------------


def test_the_spec_example_parses() -> None:
    document = parse(SPEC_EXAMPLE)
    assert document.trust == "R0A"
    assert document.event is EventType.BABY
    assert document.place_of_birth == Place(type=PlaceType.HOSPITAL, site="R0A01")
    assert document.mother is not None and document.mother.nhs_number == "9434765919"
    assert document.mother.date_of_birth == date(1991, 4, 2)
    baby = document.baby
    assert baby is not None
    assert baby.born_at == datetime(2025, 10, 1, 2, 20, tzinfo=UTC)
    assert baby.died_at == datetime(2025, 10, 3, 9, 0, tzinfo=UTC)
    assert baby.gestation == Gestation(weeks=38, days=2, reliable=True)
    assert baby.gestation.total_days == 268
    assert document.labour is not None and document.labour.status is LabourStatus.LABOUR
    assert document.in_labour


def test_to_dict_gives_the_canonical_document() -> None:
    canonical = parse(SPEC_EXAMPLE).to_dict()
    expected = copy.deepcopy(SPEC_EXAMPLE)
    expected["baby"]["born_at"] = "2025-10-01T03:20:00+01:00"
    expected["baby"]["died_at"] = "2025-10-03T10:00:00+01:00"
    assert canonical == expected
    json.dumps(canonical)  # plain JSON types only


@pytest.mark.parametrize(
    "data",
    [
        SPEC_EXAMPLE,
        baby_event(born_alive=False, gestation=(30, 0), reliable=None, alive_at_onset_of_labour=None),
        baby_event(brain_injury=signs(therapeutic_hypothermia=True, mri=None)),
        baby_event(
            born_at="2025-10-26T01:30",
            multiple_birth=True,
            death_confirmed_gestation={"weeks": 19, "days": 6},
            born_alive=False,
        ),
        maternal_event(),
        maternal_event(pregnant_at_death=None, pregnancy_ended_on=None, pregnancy_outcome=None, place_of_birth=None),
    ],
)
def test_canonical_document_reads_back_to_the_same_document(data: dict[str, Any]) -> None:
    document = parse(data)
    assert parse(document.to_dict()) == document
    assert parse(json.loads(json.dumps(document.to_dict()))).to_dict() == document.to_dict()


def test_canonical_form_normalises_what_people_type() -> None:
    data = baby_event(trust=" r0a ", place_of_birth={"type": "hospital", "site": "r0a01"}, nhs_number=" 999 000 0018 ")
    data["mother"].update({"nhs_number": "943-476-5919", "postcode": " m13   9wl "})
    data["linked_notification"] = "  PEN-123  "
    canonical = parse(data).to_dict()
    assert canonical["trust"] == "R0A"
    assert canonical["place_of_birth"] == {"type": "hospital", "site": "R0A01"}
    assert canonical["baby"]["nhs_number"] == "9990000018"
    assert canonical["mother"]["nhs_number"] == "9434765919"
    assert canonical["mother"]["postcode"] == "M13 9WL"
    assert canonical["linked_notification"] == "PEN-123"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("M139WL", "M13 9WL"), ("sw1a 1aa", "SW1A 1AA"), ("B1 1AA", "B1 1AA"), ("ZZ99 3VZ", "ZZ99 3VZ")],
)
def test_postcodes_are_tidied(typed: str, stored: str) -> None:
    data = set_path(SPEC_EXAMPLE, "mother.postcode", typed)
    assert parse(data).mother.postcode == stored


@pytest.mark.parametrize("typed", ["M13", "9WL", "M13 9W", "12345", "M13 9WLX"])
def test_postcode_must_be_a_full_uk_postcode(typed: str) -> None:
    assert errors_of(set_path(SPEC_EXAMPLE, "mother.postcode", typed)) == [
        ("mother.postcode", "Enter a full UK postcode, like M13 9WL")
    ]


def test_the_empty_string_means_absent_everywhere() -> None:
    data = baby_event(died_at="", nhs_number="", multiple_birth="", death_confirmed_gestation={"weeks": "", "days": ""})
    data["mother"].update({"nhs_number": "  ", "postcode": "", "date_of_birth": ""})
    data["linked_notification"] = ""
    data["brain_injury"] = ""
    data["place_of_death"] = {"type": "", "site": ""}
    document = parse(data)
    assert document.baby is not None
    assert document.baby.died_at is None
    assert document.baby.nhs_number is None
    assert document.baby.multiple_birth is None
    assert document.baby.death_confirmed_gestation is None
    assert document.mother is None  # an object with nothing entered is no object
    assert document.linked_notification is None and document.brain_injury is None and document.place_of_death is None


def test_a_gestation_left_empty_is_no_gestation_so_the_weight_is_needed() -> None:
    data = baby_event(gestation=None, birth_weight_g="")
    data["baby"]["gestation"] = {"weeks": "", "days": "", "reliable": ""}
    assert errors_of(data) == [
        ("baby.birth_weight_g", "Enter the birth weight. It is needed when the gestation is not known")
    ]


# Required fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("trust", "Enter the reporting trust's ODS code"),
        ("event", "Select the type of event"),
        ("baby.born_at", "Enter the baby's date and time of birth"),
        ("baby.born_alive", "Select whether the baby was born alive"),
        ("labour.status", "Select whether the mother was in labour"),
        ("place_of_birth.type", "Select the type of place of birth"),
        ("baby.gestation.weeks", "Enter the weeks of gestation"),
        ("baby.gestation.days", "Enter the days of gestation"),
    ],
)
@pytest.mark.parametrize("absent", [None, "", "   ", "missing"])
def test_required_baby_event_fields(path: str, message: str, absent: Any) -> None:
    data = copy.deepcopy(SPEC_EXAMPLE)
    if absent == "missing":
        *parents, leaf = path.split(".")
        target = data
        for name in parents:
            target = target[name]
        del target[leaf]
    else:
        data = set_path(data, path, absent)
    assert errors_of(data) == [(path, message)]


def test_labour_object_missing_names_its_status() -> None:
    assert errors_of(baby_event(labour=None)) == [("labour.status", "Select whether the mother was in labour")]


def test_baby_details_missing_on_a_baby_event() -> None:
    assert errors_of(set_path(SPEC_EXAMPLE, "baby", None)) == [("baby", "Enter the baby's details")]


@pytest.mark.parametrize(
    ("gestation", "reliable", "message"),
    [
        (None, True, "Enter the birth weight. It is needed when the gestation is not known"),
        ((38, 2), False, "Enter the birth weight. It is needed when the gestation is not reliable"),
        ((38, 2), None, "Enter the birth weight. It is needed when the gestation is not reliable"),
    ],
)
def test_birth_weight_is_required_when_gestation_is_unknown_or_unreliable(
    gestation: tuple[int, int] | None, reliable: bool | None, message: str
) -> None:
    data = baby_event(gestation=gestation, reliable=reliable, birth_weight_g=None)
    assert errors_of(data) == [("baby.birth_weight_g", message)]


def test_birth_weight_is_optional_with_a_reliable_gestation() -> None:
    assert parse(baby_event(birth_weight_g=None)).baby.birth_weight_g is None


def test_gestation_is_optional_with_a_birth_weight() -> None:
    assert parse(baby_event(gestation=None)).baby.gestation is None


@pytest.mark.parametrize(
    ("mother", "errors"),
    [
        (None, [("mother.death", "Enter the details of the mother's death")]),
        ({"nhs_number": "9434765919"}, [("mother.death", "Enter the details of the mother's death")]),
        ({"death": {}}, [("mother.death", "Enter the details of the mother's death")]),
        ({"death": {"pregnant_at_death": True}}, [("mother.death.died_at", "Enter the date and time the mother died")]),
    ],
)
def test_required_maternal_event_fields(mother: Any, errors: list[tuple[str, str]]) -> None:
    data = maternal_event()
    data["mother"] = mother
    assert errors_of(data) == errors


def test_a_maternal_event_needs_no_labour_or_baby() -> None:
    document = parse(maternal_event())
    assert document.baby is None and document.labour is None
    assert document.maternal_death is not None
    assert document.maternal_death.pregnancy_outcome is PregnancyOutcome.BIRTH


# Ranges and types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("baby.gestation.weeks", 11, "The weeks of gestation must be between 12 and 45"),
        ("baby.gestation.weeks", 46, "The weeks of gestation must be between 12 and 45"),
        ("baby.gestation.weeks", -1, "The weeks of gestation must be between 12 and 45"),
        ("baby.gestation.days", -1, "The days of gestation must be between 0 and 6"),
        ("baby.gestation.days", 7, "The days of gestation must be between 0 and 6"),
        ("baby.birth_weight_g", 99, "The birth weight must be between 100 and 7000 grams"),
        ("baby.birth_weight_g", 7001, "The birth weight must be between 100 and 7000 grams"),
        ("baby.gestation.weeks", 38.5, "The weeks of gestation must be a whole number"),
        ("baby.gestation.weeks", "38", "The weeks of gestation must be a whole number"),
        ("baby.gestation.weeks", True, "The weeks of gestation must be a whole number"),
        ("baby.birth_weight_g", "3100", "The birth weight must be a whole number"),
        ("baby.born_alive", "yes", "Select whether the baby was born alive (true or false)"),
        ("baby.born_alive", 1, "Select whether the baby was born alive (true or false)"),
        ("baby.gestation.reliable", "true", "Select whether the gestation is reliable (true or false)"),
        ("labour.status", "in_labour", "Select whether the mother was in labour: labour or no_labour"),
        ("event", "mother", "Select the type of event: baby or maternal"),
        (
            "place_of_birth.type",
            "birth_centre",
            "Select the type of place of birth: hospital, home, born_before_arrival or other",
        ),
        (
            "baby.born_at",
            "01/10/2025 03:20",
            "Enter the baby's date and time of birth as a date and time, like 2025-10-01T03:20",
        ),
        (
            "baby.born_at",
            "2025-10-01",
            "Enter the baby's date and time of birth as a date and time, like 2025-10-01T03:20",
        ),
        (
            "baby.born_at",
            1759285200,
            "Enter the baby's date and time of birth as a date and time, like 2025-10-01T03:20",
        ),
        ("baby.born_at", "2025-09-31T03:20", "The baby's date and time of birth must be a real date and time"),
        ("mother.date_of_birth", "1991-02-30", "The mother's date of birth must be a real date"),
        ("mother.date_of_birth", "02/04/1991", "Enter the mother's date of birth as a date, like 2025-10-01"),
        ("mother", "Jane", "The mother's details must be a set of named fields (a JSON object)"),
        ("baby.gestation", [38, 2], "The gestation at birth must be a set of named fields (a JSON object)"),
        ("trust", 123, "Enter the reporting trust's ODS code as text"),
    ],
)
def test_each_invalid_value_is_named(path: str, value: Any, message: str) -> None:
    assert errors_of(set_path(SPEC_EXAMPLE, path, value)) == [(path, message)]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("baby.gestation.weeks", 12),
        ("baby.gestation.weeks", 45),
        ("baby.gestation.days", 0),
        ("baby.gestation.days", 6),
        ("baby.birth_weight_g", 100),
        ("baby.birth_weight_g", 7000),
        ("baby.birth_weight_g", 3100.0),
    ],
)
def test_range_limits_are_accepted(path: str, value: Any) -> None:
    assert parse(set_path(SPEC_EXAMPLE, path, value))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9434765918", "The mother's NHS number is not valid. Check each digit"),
        ("94347659", "The mother's NHS number must be 10 digits, like 943 476 5919"),
        ("943 476-5919", "The mother's NHS number must be 10 digits, like 943 476 5919"),
        (
            "0000000000",
            "0000000000 is a placeholder, not an NHS number. "
            "Enter the mother's real NHS number, or leave it blank if it is not known",
        ),
        (9434765919, "Enter the mother's NHS number as text"),
    ],
)
def test_mother_nhs_number(value: Any, message: str) -> None:
    assert errors_of(set_path(SPEC_EXAMPLE, "mother.nhs_number", value)) == [("mother.nhs_number", message)]


@pytest.mark.parametrize("value", ["9999999999", "999 999 9999", "1234567890"])
def test_baby_nhs_number(value: str) -> None:
    assert fields_of(set_path(SPEC_EXAMPLE, "baby.nhs_number", value)) == ["baby.nhs_number"]


def test_death_confirmed_gestation_limits() -> None:
    data = baby_event(
        born_alive=False, gestation=(30, 0), multiple_birth=True, death_confirmed_gestation={"weeks": 46, "days": 7}
    )
    assert errors_of(data) == [
        (
            "baby.death_confirmed_gestation.weeks",
            "The weeks of gestation when the death was confirmed must be between 0 and 45",
        ),
        (
            "baby.death_confirmed_gestation.days",
            "The days of gestation when the death was confirmed must be between 0 and 6",
        ),
    ]
    early = baby_event(
        born_alive=False, gestation=(30, 0), multiple_birth=True, death_confirmed_gestation={"weeks": 8, "days": 0}
    )
    assert parse(early).baby.death_confirmed_gestation.total_days == 56


@pytest.mark.parametrize(("confirmed", "ok"), [((30, 0), True), ((30, 1), False), ((29, 6), True)])
def test_death_cannot_be_confirmed_after_birth(confirmed: tuple[int, int], ok: bool) -> None:
    data = baby_event(
        born_alive=False, gestation=(30, 0), death_confirmed_gestation={"weeks": confirmed[0], "days": confirmed[1]}
    )
    if ok:
        assert parse(data)
    else:
        assert fields_of(data) == ["baby.death_confirmed_gestation"]


def test_brain_injury_fields() -> None:
    data = baby_event(brain_injury=signs(diagnosed_day=-1, seizures="yes", mri="awaited"))
    assert errors_of(data) == [
        (
            "brain_injury.diagnosed_day",
            "The baby's age in completed days when the brain injury was first diagnosed must be 0 or more",
        ),
        ("brain_injury.seizures", "Select whether the baby had seizures (true or false)"),
        ("brain_injury.mri", "Select the MRI result: hie, normal, pending or not_done"),
    ]


def test_brain_injury_values() -> None:
    injury = parse(
        baby_event(brain_injury=signs(diagnosed_day=2, therapeutic_hypothermia=True, comatose=None, mri="not_done"))
    ).brain_injury
    assert injury is not None
    assert injury.diagnosed_day == 2 and injury.therapeutic_hypothermia is True and injury.comatose is None
    assert injury.mri is MriResult.NOT_DONE


# Times ------------------------------------------------------------------------------------------


def test_died_at_not_before_born_at() -> None:
    data = baby_event(born_at="2025-10-01T03:20", died_at="2025-10-01T03:19")
    assert errors_of(data) == [
        ("baby.died_at", "The baby's date and time of death must be the same as or after the date and time of birth")
    ]
    assert parse(baby_event(born_at="2025-10-01T03:20", died_at="2025-10-01T03:20"))


def test_died_at_compares_instants_not_wall_clock() -> None:
    # 01:30 GMT (second occurrence) is after 01:45 BST (first occurrence).
    data = baby_event(born_at="2025-10-26T01:45", died_at="2025-10-26T01:30+00:00")
    assert parse(data).baby.died_at > parse(data).baby.born_at


@pytest.mark.parametrize(("died_at", "ok"), [(None, True), ("2025-10-01T03:20", True), ("2025-10-01T03:21", False)])
def test_a_baby_not_born_alive_cannot_die_later(died_at: str | None, ok: bool) -> None:
    data = baby_event(born_alive=False, born_at="2025-10-01T03:20", died_at=died_at)
    if ok:
        assert parse(data)
    else:
        field, message = errors_of(data)[0]
        assert field == "baby.died_at"
        assert message.startswith("A baby who was not born alive cannot have a later time of death")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("baby.born_at", "2026-03-01T12:01Z", "The baby's date and time of birth must be in the past"),
        ("baby.died_at", "2026-03-01T12:01Z", "The baby's date and time of death must be in the past"),
        ("mother.date_of_birth", "2026-03-02", "The mother's date of birth must be today or in the past"),
    ],
)
def test_dates_not_in_the_future(path: str, value: str, message: str) -> None:
    assert errors_of(set_path(SPEC_EXAMPLE, path, value)) == [(path, message)]


def test_the_present_moment_is_not_the_future() -> None:
    data = set_path(SPEC_EXAMPLE, "baby.died_at", "2026-03-01T12:00Z")
    assert parse(data).baby.died_at == NOW
    # A date of today is not in the future either (a mother's date of birth cannot be today
    # any more: it would make her 0 years old).
    assert parse(maternal_event(died_at="2026-03-01T12:00Z", pregnancy_ended_on="2026-03-01"))


def test_today_is_the_date_in_england() -> None:
    # 23:30 UTC on 31 May is 00:30 BST on 1 June: a date of 1 June is today, not the future.
    now = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    data = maternal_event(died_at="2026-06-01T00:15", pregnancy_ended_on="2026-06-01")
    assert parse(data, now=now).maternal_death.pregnancy_ended_on == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("mother.death.died_at", "2026-03-01T12:01Z"),
        ("mother.death.pregnancy_ended_on", "2026-03-02"),
    ],
)
def test_maternal_dates_not_in_the_future(path: str, value: str) -> None:
    assert fields_of(set_path(maternal_event(), path, value)) == [path]


@pytest.mark.parametrize(("ended_on", "ok"), [("2025-10-20", True), ("2025-10-21", False), ("2025-10-19", True)])
def test_pregnancy_ended_on_not_after_the_mothers_death(ended_on: str, ok: bool) -> None:
    data = maternal_event(died_at="2025-10-20T09:00", pregnancy_ended_on=ended_on)
    if ok:
        assert parse(data)
    else:
        assert errors_of(data) == [
            (
                "mother.death.pregnancy_ended_on",
                "The date the pregnancy ended must be the same as or before the date the mother died",
            )
        ]


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("baby.born_at", "The baby's date and time of birth"),
        ("baby.died_at", "The baby's date and time of death"),
    ],
)
def test_the_skipped_march_hour_is_refused_naming_the_field(path: str, label: str) -> None:
    data = baby_event(born_at="2025-03-30T00:10", died_at="2025-03-30T03:00")
    data = set_path(data, path, "2025-03-30T01:30")
    if path == "baby.born_at":
        data["baby"]["died_at"] = None
        data["place_of_death"] = None
    ((field, message),) = errors_of(data)
    assert field == path
    assert message.startswith(f"{label} is in the hour skipped when the clocks went forward")


def test_the_skipped_march_hour_is_refused_for_a_mothers_death() -> None:
    data = maternal_event(died_at="2026-03-29T01:05", pregnancy_ended_on="2026-03-01")
    assert fields_of(data, now=datetime(2026, 4, 1, tzinfo=UTC)) == ["mother.death.died_at"]


def test_the_ambiguous_october_hour_takes_bst() -> None:
    document = parse(baby_event(born_at="2025-10-26T01:30", died_at="2025-10-26T01:45"))
    assert document.baby.born_at == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert document.baby.died_at == datetime(2025, 10, 26, 0, 45, tzinfo=UTC)
    assert document.to_dict()["baby"]["born_at"] == "2025-10-26T01:30:00+01:00"


# Organisations and places ----------------------------------------------------------------------


def test_unknown_trust() -> None:
    assert errors_of(baby_event(trust="RZZ", place_of_birth=HOME)) == [
        ("trust", "There is no trust with ODS code RZZ in the organisation register")
    ]


def test_unknown_site() -> None:
    data = baby_event(place_of_birth={"type": "hospital", "site": "R0A99"})
    assert errors_of(data) == [
        ("place_of_birth.site", "There is no site with ODS code R0A99 in the organisation register")
    ]


@pytest.mark.parametrize("which", ["birth", "death"])
def test_a_hospital_needs_a_site(which: str) -> None:
    data = baby_event(died_at="2025-10-03T10:00")
    data[f"place_of_{which}"] = {"type": "hospital", "site": None}
    assert errors_of(data) == [
        (f"place_of_{which}.site", f"Enter the ODS site code of the hospital (place of {which})")
    ]


@pytest.mark.parametrize("place_type", ["home", "born_before_arrival", "other"])
def test_other_places_have_no_site(place_type: str) -> None:
    data = baby_event(place_of_birth={"type": place_type, "site": "R0A01"})
    ((field, message),) = errors_of(data)
    assert field == "place_of_birth.site"
    assert message.startswith("Remove the site code: only a hospital has a site")
    assert parse(baby_event(place_of_birth={"type": place_type, "site": None})).place_of_birth.type == place_type


@pytest.mark.parametrize(
    ("trust", "birth", "death", "ok"),
    [
        # Born at trust A, died in trust B's neonatal unit: reported by B (or A).
        ("RBB", HOSPITAL_A, HOSPITAL_B, True),
        ("R0A", HOSPITAL_A, HOSPITAL_B, True),
        ("RCC", HOSPITAL_A, HOSPITAL_B, False),
        # Any site of the trust counts.
        ("R0A", {"type": "hospital", "site": "R0A02"}, HOME, True),
        # A home has no trust: once a hospital is involved, its trust reports.
        ("R0A", HOME, HOSPITAL_B, False),
        ("RBB", HOME, HOSPITAL_B, True),
        # No hospital at all: any registered trust may report.
        ("RCC", HOME, HOME, True),
        ("RCC", None, None, True),
    ],
)
def test_reporting_trust_is_the_trust_of_the_place_of_birth_or_death(
    trust: str, birth: Any, death: Any, ok: bool
) -> None:
    data = baby_event(trust=trust, place_of_birth=birth, place_of_death=death, died_at="2025-10-10T10:00")
    if ok:
        assert parse(data).trust == trust
    else:
        ((field, message),) = errors_of(data)
        assert field == "trust"
        assert message.startswith(
            "The reporting trust must be the trust where the baby was born or where the death happened"
        )
        assert message.endswith(f"not {trust}")


def test_maternal_reporting_trust() -> None:
    data = maternal_event(trust="RCC", place_of_birth=HOSPITAL_A, place_of_death=HOSPITAL_B)
    ((field, message),) = errors_of(data)
    assert (field, message) == (
        "trust",
        "The reporting trust must be the trust where the mother died or where her pregnancy ended "
        "(R0A or RBB), not RCC",
    )


# Parts that belong to the other event type ----------------------------------------------------


def test_a_maternal_event_cannot_carry_a_baby_or_brain_injury() -> None:
    data = maternal_event()
    data["baby"] = SPEC_EXAMPLE["baby"]
    data["brain_injury"] = signs(therapeutic_hypothermia=True)
    assert fields_of(data) == ["baby", "brain_injury"]


def test_a_baby_event_cannot_carry_the_mothers_death() -> None:
    data = set_path(SPEC_EXAMPLE, "mother.death", {"died_at": "2025-10-02T10:00", "pregnant_at_death": False})
    ((field, message),) = errors_of(data)
    assert field == "mother.death"
    assert "linked" in message


def test_a_baby_not_born_alive_has_no_brain_injury() -> None:
    data = baby_event(born_alive=False, brain_injury=signs(therapeutic_hypothermia=True))
    assert fields_of(data) == ["brain_injury"]


def test_a_living_baby_has_no_place_of_death() -> None:
    data = baby_event(place_of_death=HOSPITAL_A)
    assert errors_of(data) == [
        ("place_of_death", "Remove the place of death: the baby was born alive and has no date and time of death")
    ]


# Unknown keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "colour",
        "baby.weight",
        "baby.gestation.hours",
        "mother.name",
        "place_of_birth.ward",
        "labour.onset",
        "brain_injury.therapeutic_hypotermia",
    ],
)
def test_unknown_keys_are_refused_by_name(path: str) -> None:
    data = baby_event(brain_injury=signs(therapeutic_hypothermia=True))
    data = set_path(data, path, True)
    key = path.rpartition(".")[2]
    assert errors_of(data) == [(path, f"Remove '{key}': it is not a field of the notification document")]


def test_maternal_death_unknown_key() -> None:
    assert fields_of(set_path(maternal_event(), "mother.death.cause", "x")) == ["mother.death.cause"]


# Several errors at once -----------------------------------------------------------------------


def test_every_error_is_reported_at_once_in_document_order() -> None:
    data = {
        "trust": "RZZ",
        "event": "baby",
        "place_of_birth": {"type": "hospital", "site": "XX1"},
        "place_of_death": {"type": "home", "site": "R0A01"},
        "mother": {"nhs_number": "1234567890", "date_of_birth": "2030-01-01", "postcode": "nowhere"},
        "baby": {
            "nhs_number": "12",
            "born_at": "2025-03-30T01:30",
            "gestation": {"weeks": 50, "days": 9, "reliable": "maybe"},
            "birth_weight_g": 50,
            "born_alive": None,
            "died_at": "tomorrow",
            "multiple_birth": "no",
            "termination_of_pregnancy": 0,
            "congenital_anomaly_caused_outcome": "false",
            "alive_at_onset_of_labour": "unknown",
        },
        "labour": {"status": "maybe"},
        "brain_injury": {"diagnosed_day": "0", "mri": "yes"},
        "extra": 1,
    }
    problems = invalid(data)
    assert problems.fields == (
        "trust",
        "place_of_birth.site",
        "place_of_death.site",
        "mother.nhs_number",
        "mother.date_of_birth",
        "mother.postcode",
        "baby.nhs_number",
        "baby.born_at",
        "baby.gestation.weeks",
        "baby.gestation.days",
        "baby.gestation.reliable",
        "baby.birth_weight_g",
        "baby.born_alive",
        "baby.died_at",
        "baby.multiple_birth",
        "baby.termination_of_pregnancy",
        "baby.congenital_anomaly_caused_outcome",
        "baby.alive_at_onset_of_labour",
        "labour.status",
        "brain_injury.diagnosed_day",
        "brain_injury.mri",
        "extra",
    )
    assert all(isinstance(error, FieldError) and error.message for error in problems.errors)
    assert problems.messages_for("trust") == ("There is no trust with ODS code RZZ in the organisation register",)
    assert "baby.born_at" in str(problems)


def test_document_fields_lists_every_path_in_order() -> None:
    assert DOCUMENT_FIELDS[:3] == ("trust", "event", "place_of_birth")
    assert "baby.gestation.weeks" in DOCUMENT_FIELDS
    assert "brain_injury.mri" in DOCUMENT_FIELDS
    assert "mother.death.pregnancy_outcome" in DOCUMENT_FIELDS
    assert len(DOCUMENT_FIELDS) == len(set(DOCUMENT_FIELDS))


# Misuse -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [None, [], "{}", 3])
def test_not_an_object(data: Any) -> None:
    assert errors_of(data) == [("document", "The notification must be a JSON object")]


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_document(SPEC_EXAMPLE, register=REGISTER, now=datetime(2026, 1, 1))


def test_document_invalid_needs_errors() -> None:
    with pytest.raises(ValueError):
        DocumentInvalid([])


def test_the_register_protocol() -> None:
    assert isinstance(REGISTER, OrganisationRegister)
    assert REGISTER.trust_exists("R0A") and not REGISTER.trust_exists("RZZ")
    assert REGISTER.site_trust("RBB01") == "RBB" and REGISTER.site_trust("RBB99") is None
    with pytest.raises(ValueError, match="not in the register"):
        InMemoryRegister(trusts=frozenset({"R0A"}), sites={"RBB01": "RBB"})


def test_a_register_that_is_consulted_only_through_the_protocol() -> None:
    class Calls:
        def __init__(self) -> None:
            self.sites: list[str] = []

        def trust_exists(self, code: str) -> bool:
            return code == "R0A"

        def site_trust(self, site_code: str) -> str | None:
            self.sites.append(site_code)
            return "R0A" if site_code == "R0A01" else None

    register = Calls()
    parse_document(SPEC_EXAMPLE, register=register, now=NOW + timedelta(days=1))
    assert set(register.sites) == {"R0A01"}


# docs/rules/routing.md §2: the mother's and the baby's details that cannot both be right ---------------


def test_the_babys_nhs_number_cannot_be_the_mothers() -> None:
    data = set_path(SPEC_EXAMPLE, "baby.nhs_number", "943 476 5919")  # the mother's, as people write it
    problems = invalid(data).errors
    assert [p.field for p in problems] == ["baby.nhs_number"]
    assert "the same as the mother's" in problems[0].message
    assert parse(set_path(SPEC_EXAMPLE, "baby.nhs_number", None))  # no number is not the same number


@pytest.mark.parametrize(
    ("date_of_birth", "problem"),
    [
        ("2019-04-02", "it makes her 6 years old when the baby was born"),
        ("2015-10-02", "it makes her 9 years old when the baby was born"),
        ("2015-10-01", None),  # 10 on the day of the birth
        ("1960-10-02", None),  # 64
        ("1960-10-01", None),  # 65 on the day
        ("1959-10-01", "it makes her 66 years old when the baby was born"),
        ("2025-10-02", "it is after the baby was born"),
    ],
)
def test_the_mother_is_of_a_plausible_age_when_the_baby_is_born(date_of_birth: str, problem: str | None) -> None:
    data = set_path(SPEC_EXAMPLE, "mother.date_of_birth", date_of_birth)  # born 1 October 2025
    if problem is None:
        assert parse(data)
    else:
        [found] = invalid(data).errors
        assert found.field == "mother.date_of_birth"
        assert problem in found.message


def test_a_mothers_age_at_her_death_counts_from_the_end_of_pregnancy_when_known() -> None:
    ended = maternal_event(died_at="2025-10-20T09:00", pregnancy_ended_on="2025-10-01")
    aged_9_at_the_end = set_path(ended, "mother.date_of_birth", "2015-10-10")
    [found] = invalid(aged_9_at_the_end).errors
    assert "9 years old when the pregnancy ended" in found.message
    no_end = maternal_event(died_at="2025-10-20T09:00", pregnancy_ended_on=None)
    assert parse(set_path(no_end, "mother.date_of_birth", "2015-10-10"))  # 10 when she died
