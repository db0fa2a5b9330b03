"""What each body receives: data minimisation (Caldicott principle 3, "use the minimum
necessary personal confidential data").

`FIELD_SETS` is the single source: for each body and event type, the document fields sent,
each with a one-line reason, and a note on what is deliberately left out. It can be rendered
as documentation as it stands (`field_set_rows()` gives flat rows). `payload_for` builds a
body's JSON payload from the canonical document using only those fields.

Decisions (for an ADR):
- MNSI does not receive the mother's postcode: MNSI contacts families through the trust, and
  the postcode plays no part in triage. Nor birth weight, termination, congenital anomaly
  (its gate already excludes anomaly-caused outcomes) or the in-utero confirmation gestation.
- NHS Resolution receives none of MBRRACE-UK's surveillance fields (postcode, mother's date
  of birth, birth weight, multiple birth, termination, congenital anomaly, alive at onset of
  labour), and a slot `mnsi_reference` so the MNSI reference is carried across rather than
  typed again. The document holds no ethnicity, so no body receives it from here.
- A payload is only built for a body the routing result sends the event to; CDOP is an
  onward route from MBRRACE-UK and never receives a payload from this service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from perinatal.notifications.routing.document import EventType, NotificationDocument
from perinatal.notifications.routing.result import Body, RoutingResult

__all__ = [
    "FIELD_SETS",
    "FieldSet",
    "FieldSpec",
    "field_set_for",
    "field_set_rows",
    "payload_for",
]


@dataclass(frozen=True)
class FieldSpec:
    path: str
    reason: str


@dataclass(frozen=True)
class FieldSet:
    body: Body
    event: EventType
    fields: tuple[FieldSpec, ...]
    left_out: str

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(spec.path for spec in self.fields)


F = FieldSpec

_MBRRACE_BABY = FieldSet(
    body=Body.MBRRACE_UK,
    event=EventType.BABY,
    fields=(
        F("trust", "The reporting trust completes MBRRACE-UK's surveillance record."),
        F("event", "Says which MBRRACE-UK collection applies (perinatal death)."),
        F("place_of_birth", "Perinatal deaths are counted at the place of birth."),
        F("place_of_death", "Where the death happened, for the surveillance record."),
        F("linked_notification", "Links the baby's death to a linked maternal death, which MBRRACE-UK also receives."),
        F("mother.nhs_number", "Identifies the mother and links babies of a multiple birth."),
        F("mother.date_of_birth", "Maternal age is a surveillance variable in MBRRACE-UK's rates."),
        F("mother.postcode", "Residence-based surveillance: deaths are reported by area of residence and deprivation."),
        F("baby.nhs_number", "Identifies the baby (may be absent for a stillbirth)."),
        F("baby.born_at", "Places the death in a surveillance period and gives the age at death."),
        F("baby.gestation", "Decides the category and the gestation bands of the rates."),
        F("baby.birth_weight_g", "The weight rule when gestation is unknown, and birthweight-specific rates."),
        F("baby.born_alive", "The outcome: stillbirth or neonatal death."),
        F("baby.died_at", "The age at death decides a neonatal death (0 to 27 days)."),
        F("baby.multiple_birth", "Multiple births are reported separately, and MBR-4 depends on it."),
        F("baby.death_confirmed_gestation", "A multiple who died in the womb before 20+0 weeks is excluded (MBR-4)."),
        F("baby.termination_of_pregnancy", "Terminations are notified but left out of the death rates (MBR-5)."),
        F("baby.congenital_anomaly_caused_outcome", "Deaths caused by congenital anomalies are reported separately."),
        F("baby.alive_at_onset_of_labour", "Separates antepartum from intrapartum stillbirths."),
    ),
    left_out="Labour status and brain injury signs: not part of perinatal death surveillance.",
)

_MBRRACE_MATERNAL = FieldSet(
    body=Body.MBRRACE_UK,
    event=EventType.MATERNAL,
    fields=(
        F("trust", "The reporting trust completes MBRRACE-UK's maternal death record."),
        F("event", "Says which MBRRACE-UK collection applies (maternal death)."),
        F("place_of_birth", "Where the pregnancy ended."),
        F("place_of_death", "Where the mother died."),
        F("linked_notification", "Links the mother's death to her baby's notification."),
        F("mother.nhs_number", "Identifies the mother."),
        F("mother.date_of_birth", "Maternal age is reported in the confidential enquiry."),
        F("mother.postcode", "Residence-based reporting of maternal deaths by area and deprivation."),
        F(
            "mother.death",
            "Date of death, pregnancy status and outcome decide a maternal death (MBR-M) and its report.",
        ),
    ),
    left_out="Labour status: not part of the maternal death notification.",
)

_MNSI_BABY = FieldSet(
    body=Body.MNSI,
    event=EventType.BABY,
    fields=(
        F("trust", "MNSI contacts the trust to agree the investigation."),
        F("event", "Says whether the referral is about a baby or a mother."),
        F("place_of_birth", "Where the care being investigated took place."),
        F("place_of_death", "Where the baby died, if the baby died elsewhere."),
        F("linked_notification", "Links a mother's and a baby's referrals about the same birth."),
        F("mother.nhs_number", "Identifies the mother whose care in labour is investigated."),
        F("mother.date_of_birth", "Confirms the mother's identity alongside her NHS number."),
        F("baby.nhs_number", "Identifies the baby."),
        F("baby.born_at", "MNSI triages by the timing of events in labour and birth."),
        F("baby.gestation", "Confirms the term gate (37+0 weeks or more, MNSI-B0)."),
        F("baby.born_alive", "Stillbirth or live birth decides which criterion applies."),
        F("baby.died_at", "A death in the first 7 days is an early neonatal death (MNSI-B2)."),
        F("baby.multiple_birth", "Tells which baby of a multiple birth is referred."),
        F("baby.alive_at_onset_of_labour", "Decides an intrapartum stillbirth (MNSI-B1)."),
        F("labour", "MNSI investigates events after labour started (MNSI-B0)."),
        F(
            "brain_injury",
            "The signs and their timing decide a potential severe brain injury (MNSI-B3); the MRI helps triage.",
        ),
    ),
    left_out=(
        "Mother's postcode (MNSI contacts families through the trust; not needed to triage), "
        "birth weight, termination, congenital anomaly (the gate already excludes "
        "anomaly-caused outcomes) and the in-utero confirmation gestation."
    ),
)

_MNSI_MATERNAL = FieldSet(
    body=Body.MNSI,
    event=EventType.MATERNAL,
    fields=(
        F("trust", "MNSI contacts the trust to agree the investigation."),
        F("event", "Says whether the referral is about a baby or a mother."),
        F("place_of_birth", "Where the pregnancy ended."),
        F("place_of_death", "Where the mother died."),
        F("linked_notification", "Links the mother's referral to her baby's."),
        F("mother.nhs_number", "Identifies the mother."),
        F("mother.date_of_birth", "Confirms the mother's identity alongside her NHS number."),
        F("mother.death", "Date of death and time since the end of pregnancy decide MNSI-M (42 days)."),
    ),
    left_out="Mother's postcode (MNSI contacts families through the trust) and labour status.",
)

_NHSR_BABY = FieldSet(
    body=Body.NHSR_EN,
    event=EventType.BABY,
    fields=(
        F("trust", "The trust is the scheme member making the Early Notification."),
        F("event", "Early Notification covers babies only."),
        F("place_of_birth", "Where the incident happened."),
        F("mother.nhs_number", "Identifies the mother whose care in labour is reviewed."),
        F("baby.nhs_number", "Identifies the baby."),
        F("baby.born_at", "The date of the incident; the 30-day deadline runs from it."),
        F("baby.gestation", "Confirms the term gate (37+0 weeks or more, NHSR-1)."),
        F("baby.died_at", "A death in the first 7 days excludes (NHSR-2); a later death matters to the claim."),
        F("labour", "The scheme covers injuries after labour started (NHSR-1)."),
        F("brain_injury", "Cooling, encephalopathy signs and the MRI decide eligibility (NHSR-1, NHSR-2)."),
    ),
    left_out=(
        "MBRRACE-UK's surveillance fields: mother's postcode and date of birth, birth weight, "
        "multiple birth, termination, congenital anomaly, alive at onset of labour; also the "
        "place of death and linked notification. Carries a separate `mnsi_reference` slot."
    ),
)

FIELD_SETS: dict[tuple[Body, EventType], FieldSet] = {
    (field_set.body, field_set.event): field_set
    for field_set in (_MBRRACE_BABY, _MBRRACE_MATERNAL, _MNSI_BABY, _MNSI_MATERNAL, _NHSR_BABY)
}


def field_set_for(*, body: Body, event: EventType) -> FieldSet:
    try:
        return FIELD_SETS[(body, event)]
    except KeyError:
        raise ValueError(f"{body} receives no {event} notifications") from None


def field_set_rows() -> list[dict[str, str]]:
    """FIELD_SETS as flat rows (body, event, field, reason) for documentation tables."""
    return [
        {"body": str(fs.body), "event": str(fs.event), "field": spec.path, "reason": spec.reason}
        for fs in FIELD_SETS.values()
        for spec in fs.fields
    ]


def payload_for(
    *,
    body: Body,
    document: NotificationDocument,
    result: RoutingResult,
    mnsi_reference: str | None = None,
) -> dict[str, Any]:
    """The JSON payload `body` receives: routing facts plus only its field set's fields.

    Raises ValueError for a body the result does not send the event to. `mnsi_reference`
    fills NHS Resolution's slot; it is refused for any other body.
    """
    destination = result.destination(body)
    if destination is None:
        raise ValueError(f"{body} is not a destination of this notification")
    if mnsi_reference is not None and body is not Body.NHSR_EN:
        raise ValueError("only NHS Resolution's payload carries an MNSI reference")
    field_set = field_set_for(body=body, event=document.event)
    canonical = document.to_dict()
    payload: dict[str, Any] = {
        "body": str(body),
        "rules_version": result.rules_version,
        "category": str(destination.category),
        "rules": list(destination.rules),
        "flags": [str(flag) for flag in destination.flags],
        "notification": _select(canonical, field_set.paths),
    }
    if body is Body.NHSR_EN:
        payload["mnsi_reference"] = mnsi_reference
    return payload


def _select(canonical: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """Copy only `paths` (dotted) out of the canonical document, keeping its nesting. A
    path under an absent parent (mother null) gives the parent as null."""
    selected: dict[str, Any] = {}
    for path in paths:
        *parents, leaf = path.split(".")
        source: Any = canonical
        target = selected
        for name in parents:
            source = source.get(name) if isinstance(source, dict) else None
            if source is None:
                target[name] = None
                break
            target = target.setdefault(name, {})
        else:
            target[leaf] = source.get(leaf) if isinstance(source, dict) else None
    return selected
