"""What each body receives (Caldicott principle 3)."""

from __future__ import annotations

from typing import Any

import pytest

from perinatal.notifications.routing import (
    DOCUMENT_FIELDS,
    FIELD_SETS,
    Body,
    EventType,
    field_set_for,
    field_set_rows,
    payload_for,
    route,
)

from .builders import baby_event, maternal_event, parse, signs

SURVEILLANCE_ONLY = [
    "mother.postcode",
    "mother.date_of_birth",
    "baby.birth_weight_g",
    "baby.multiple_birth",
    "baby.termination_of_pregnancy",
    "baby.congenital_anomaly_caused_outcome",
    "baby.death_confirmed_gestation",
    "baby.alive_at_onset_of_labour",
]


def get(payload: dict[str, Any], path: str) -> Any:
    value: Any = payload["notification"]
    for name in path.split("."):
        value = value[name]
    return value


def has(payload: dict[str, Any], path: str) -> bool:
    try:
        get(payload, path)
    except KeyError:
        return False
    return True


def everything_routed() -> tuple[Any, Any]:
    document = parse(
        baby_event(
            gestation=(40, 1),
            born_at="2025-06-01T10:00",
            died_at="2025-06-20T10:00",
            brain_injury=signs(therapeutic_hypothermia=True, mri="pending"),
            multiple_birth=True,
            termination_of_pregnancy=False,
        )
    )
    return document, route(document)


def test_every_field_set_names_real_fields_with_a_reason() -> None:
    for field_set in FIELD_SETS.values():
        assert field_set.left_out
        assert len(field_set.paths) == len(set(field_set.paths))
        for spec in field_set.fields:
            assert spec.path in DOCUMENT_FIELDS, spec.path
            assert spec.reason.endswith(".")


def test_field_set_rows_render_the_table() -> None:
    rows = field_set_rows()
    assert {
        "body": "NHSR_EN",
        "event": "baby",
        "field": "brain_injury",
        "reason": "Cooling, encephalopathy signs and the MRI decide eligibility (NHSR-1, NHSR-2).",
    } in rows
    assert len(rows) == sum(len(fs.fields) for fs in FIELD_SETS.values())


def test_mbrrace_receives_the_surveillance_fields() -> None:
    document, result = everything_routed()
    payload = payload_for(body=Body.MBRRACE_UK, document=document, result=result)
    assert payload["body"] == "MBRRACE_UK" and payload["category"] == "neonatal_death"
    assert payload["rules"] == ["MBR-3"] and payload["rules_version"] == "2025-10"
    for path in SURVEILLANCE_ONLY:
        assert get(payload, path) == get({"notification": document.to_dict()}, path), path
    assert get(payload, "mother.postcode") == "M13 9WL"
    assert not has(payload, "brain_injury") and not has(payload, "labour")
    assert "mnsi_reference" not in payload


def test_nhs_resolution_receives_no_surveillance_fields() -> None:
    document, result = everything_routed()
    payload = payload_for(body=Body.NHSR_EN, document=document, result=result, mnsi_reference="MNSI-2025-0001")
    for path in SURVEILLANCE_ONLY:
        assert not has(payload, path), path
    assert not has(payload, "place_of_death") and not has(payload, "linked_notification")
    assert get(payload, "brain_injury")["mri"] == "pending"
    assert get(payload, "baby.gestation") == {"weeks": 40, "days": 1, "reliable": True}
    assert get(payload, "mother.nhs_number") == "9434765919"
    assert payload["flags"] == ["mri_awaited"]
    assert payload["mnsi_reference"] == "MNSI-2025-0001"


def test_nhs_resolution_has_an_empty_mnsi_reference_slot() -> None:
    document, result = everything_routed()
    assert payload_for(body=Body.NHSR_EN, document=document, result=result)["mnsi_reference"] is None


def test_mnsi_receives_what_triage_needs_but_not_the_postcode() -> None:
    document, result = everything_routed()
    payload = payload_for(body=Body.MNSI, document=document, result=result)
    assert not has(payload, "mother.postcode")
    assert not has(payload, "baby.birth_weight_g") and not has(payload, "baby.termination_of_pregnancy")
    assert get(payload, "labour") == {"status": "labour"}
    assert get(payload, "brain_injury")["therapeutic_hypothermia"] is True
    assert get(payload, "baby.born_at") == "2025-06-01T10:00:00+01:00"
    assert get(payload, "baby.alive_at_onset_of_labour") is True


def test_payload_keeps_exactly_the_field_set() -> None:
    document, result = everything_routed()
    for body in (Body.MBRRACE_UK, Body.MNSI, Body.NHSR_EN):
        payload = payload_for(body=body, document=document, result=result)
        for path in DOCUMENT_FIELDS:
            paths = field_set_for(body=body, event=EventType.BABY).paths
            # A field is sent when it is listed, lies inside a listed object, or holds one.
            listed = any(path == p or path.startswith(p + ".") or p.startswith(path + ".") for p in paths)
            parent_null = any(
                path.startswith(p + ".") and get({"notification": document.to_dict()}, p) is None
                for p in DOCUMENT_FIELDS
            )
            if not parent_null:
                assert has(payload, path) is listed, (body, path)


def test_maternal_payloads() -> None:
    document = parse(maternal_event())
    result = route(document)
    mbrrace = payload_for(body=Body.MBRRACE_UK, document=document, result=result)
    mnsi = payload_for(body=Body.MNSI, document=document, result=result)
    assert get(mbrrace, "mother.death")["pregnancy_ended_on"] == "2025-10-01"
    assert get(mbrrace, "mother.postcode") == "M13 9WL"
    assert not has(mnsi, "mother.postcode")
    assert not has(mbrrace, "baby") and not has(mnsi, "baby")


def test_a_null_mother_gives_a_null_mother() -> None:
    data = baby_event(gestation=(39, 0), born_alive=False)
    data["mother"] = None
    document = parse(data)
    payload = payload_for(body=Body.MNSI, document=document, result=route(document))
    assert get(payload, "mother") is None


def test_no_payload_for_a_body_not_routed() -> None:
    document = parse(baby_event())
    with pytest.raises(ValueError, match="not a destination"):
        payload_for(body=Body.MBRRACE_UK, document=document, result=route(document))


def test_no_payload_for_cdop() -> None:
    document = parse(baby_event(gestation=(30, 0), died_at="2025-10-03T10:00"))
    with pytest.raises(ValueError):
        payload_for(body=Body.CDOP, document=document, result=route(document))


def test_only_nhs_resolution_takes_an_mnsi_reference() -> None:
    document, result = everything_routed()
    with pytest.raises(ValueError, match="MNSI reference"):
        payload_for(body=Body.MNSI, document=document, result=result, mnsi_reference="X")


def test_no_field_set_for_nhs_resolution_maternal() -> None:
    with pytest.raises(ValueError):
        field_set_for(body=Body.NHSR_EN, event=EventType.MATERNAL)
