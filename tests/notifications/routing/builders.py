"""Notification documents for the routing tests, built from the docs/rules/routing.md §2 example.

Site codes are synthetic (no public list of ODS maternity sites exists; see
docs/rules/data-sources.md): R0A01 and R0A02 belong to R0A, RBB01 to RBB; RCC has no site.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from perinatal.notifications.routing import (
    DocumentInvalid,
    InMemoryRegister,
    NotificationDocument,
    RoutingResult,
    parse_document,
    route,
)

REGISTER = InMemoryRegister.from_sites({"R0A01": "R0A", "R0A02": "R0A", "RBB01": "RBB"}, extra_trusts={"RCC"})
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

HOSPITAL_A = {"type": "hospital", "site": "R0A01"}
HOSPITAL_B = {"type": "hospital", "site": "RBB01"}
HOME = {"type": "home", "site": None}

_AUTO = object()


def signs(*, diagnosed_day: int | None = 0, mri: str | None = "hie", **present: bool) -> dict[str, Any]:
    """A brain injury object with every sign false except those given."""
    injury: dict[str, Any] = {
        "diagnosed_day": diagnosed_day,
        "therapeutic_hypothermia": False,
        "grade_3_hie": False,
        "decreased_central_tone": False,
        "comatose": False,
        "seizures": False,
        "altered_consciousness": False,
        "hypotonia": False,
        "abnormal_reflexes": False,
        "weak_or_absent_suck": False,
        "mri": mri,
    }
    unknown = set(present) - set(injury)
    assert not unknown, unknown
    injury.update(present)
    return injury


def baby_event(
    *,
    gestation: tuple[int, int] | None = (38, 2),
    reliable: bool | None = True,
    born_at: str = "2025-10-01T03:20",
    born_alive: bool = True,
    died_at: str | None = None,
    labour: str | None = "labour",
    brain_injury: dict[str, Any] | None = None,
    trust: str = "R0A",
    place_of_birth: dict[str, Any] | None = HOSPITAL_A,
    place_of_death: Any = _AUTO,
    **baby_fields: Any,
) -> dict[str, Any]:
    """A valid baby event; the default is a live-born, living baby at 38+2 weeks after labour."""
    died = not born_alive or died_at is not None
    baby: dict[str, Any] = {
        "nhs_number": "9990000018",
        "born_at": born_at,
        "gestation": None if gestation is None else {"weeks": gestation[0], "days": gestation[1], "reliable": reliable},
        "birth_weight_g": 3100,
        "born_alive": born_alive,
        "died_at": died_at,
        "multiple_birth": False,
        "death_confirmed_gestation": None,
        "termination_of_pregnancy": False,
        "congenital_anomaly_caused_outcome": False,
        "alive_at_onset_of_labour": True,
    }
    unknown = set(baby_fields) - set(baby)
    assert not unknown, unknown
    baby.update(baby_fields)
    return {
        "trust": trust,
        "event": "baby",
        "place_of_birth": place_of_birth,
        "place_of_death": (HOSPITAL_A if died else None) if place_of_death is _AUTO else place_of_death,
        "linked_notification": None,
        "mother": {"nhs_number": "9434765919", "date_of_birth": "1991-04-02", "postcode": "M13 9WL", "death": None},
        "baby": baby,
        "labour": None if labour is None else {"status": labour},
        "brain_injury": brain_injury,
    }


def maternal_event(
    *,
    died_at: str = "2025-10-20T09:00",
    pregnant_at_death: bool | None = False,
    pregnancy_ended_on: str | None = "2025-10-01",
    pregnancy_outcome: str | None = "birth",
    trust: str = "R0A",
    place_of_birth: dict[str, Any] | None = HOSPITAL_A,
    place_of_death: dict[str, Any] | None = HOSPITAL_A,
) -> dict[str, Any]:
    return {
        "trust": trust,
        "event": "maternal",
        "place_of_birth": place_of_birth,
        "place_of_death": place_of_death,
        "linked_notification": None,
        "mother": {
            "nhs_number": "9434765919",
            "date_of_birth": "1991-04-02",
            "postcode": "M13 9WL",
            "death": {
                "died_at": died_at,
                "pregnant_at_death": pregnant_at_death,
                "pregnancy_ended_on": pregnancy_ended_on,
                "pregnancy_outcome": pregnancy_outcome,
            },
        },
        "baby": None,
        "labour": None,
        "brain_injury": None,
    }


def parse(data: Any, *, now: datetime = NOW) -> NotificationDocument:
    return parse_document(data, register=REGISTER, now=now)


def routed(data: Any) -> RoutingResult:
    return route(parse(data))


def invalid(data: Any, *, now: datetime = NOW) -> DocumentInvalid:
    with pytest.raises(DocumentInvalid) as caught:
        parse(data, now=now)
    return caught.value


def summary(result: RoutingResult) -> dict[str, str]:
    """{body: category} for the destinations, in order."""
    return {str(d.body): str(d.category) for d in result.destinations}
