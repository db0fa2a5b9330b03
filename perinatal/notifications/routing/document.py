"""The notification document (docs/rules/routing.md §2): values, validation and the canonical JSON form.

`parse_document(data, register=..., now=...)` turns a JSON-decoded dict from the web form,
the API or the command line into a `NotificationDocument`, or raises `DocumentInvalid`
carrying *every* problem found, each as (field path, message). Nothing partial is returned.
`NotificationDocument.to_dict()` gives the canonical document back: normalised NHS numbers,
upper-case ODS codes, tidy postcode, and timestamps as London local time with offset, so
that `parse_document(doc.to_dict(), ...) == doc`.

Decisions where the spec is silent (listed for an ADR):
- Keys the document does not define are refused, naming them: a misspelt key
  ("therapeutic_hypotermia") would otherwise be ignored and could change the routing.
- JSON types are strict: booleans are true/false, counts are whole numbers; only the form's
  empty string is special (it means absent).
- Event-specific parts are refused on the other event type: `baby` and `brain_injury` on a
  maternal event, `mother.death` on a baby event (docs/rules/routing.md §3.5: "a mother's death and her
  baby's death are two linked events, each routed on its own").
- `brain_injury` is refused for a baby not born alive (signs after birth cannot exist),
  `place_of_death` is refused when the baby is alive ("null if nobody died").
- A gestation whose `reliable` is null is treated as not reliable, so the birth weight is
  then required. Weeks and days are both required once a gestation is given.
- `death_confirmed_gestation` uses weeks 0-45 (an in-utero death of a twin may be confirmed
  long before 12 weeks) and must not be later than the gestation at birth.
- `mother.death.died_at` is required on a maternal event: both maternal rules count from it.
- The mother's postcode must look like a full UK postcode; it is stored as "M13 9WL".
- The baby's NHS number must not be the mother's (a number copied into the wrong field), and
  the mother's date of birth must make her MOTHER_AGE_YEARS_RANGE years old at the birth (a
  maternal event: at the end of pregnancy, else at her death): docs/rules/routing.md §2.
- Reporting trust (docs/rules/routing.md §2 place rules): a hospital place belongs to its site's trust; a
  home, born-before-arrival or other place belongs to no trust. When at least one place
  is a hospital the reporting trust must run one of those hospitals; when none is, any
  trust in the register may report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from perinatal.kernel.clinical import gestation_days
from perinatal.kernel.london_time import london_date, timestamp_to_iso
from perinatal.kernel.nhs_numbers import InvalidNhsNumber, normalise_nhs_number
from perinatal.notifications.routing.errors import DocumentInvalid, FieldError
from perinatal.notifications.routing.organisation_register import OrganisationRegister
from perinatal.notifications.routing.readers import FieldReader, is_absent

__all__ = [
    "BRAIN_INJURY_SIGNS",
    "DOCUMENT_FIELDS",
    "GESTATION_WEEKS_RANGE",
    "BIRTH_WEIGHT_RANGE_G",
    "Baby",
    "BrainInjury",
    "EventType",
    "MOTHER_AGE_YEARS_RANGE",
    "Gestation",
    "GestationalAge",
    "Labour",
    "LabourStatus",
    "MaternalDeath",
    "Mother",
    "MriResult",
    "NotificationDocument",
    "Place",
    "PlaceType",
    "PregnancyOutcome",
    "age_in_years",
    "mother_age_problem",
    "parse_document",
    "same_nhs_number_problem",
]

# docs/rules/routing.md §2 ranges.
GESTATION_WEEKS_RANGE = (12, 45)
GESTATION_DAYS_RANGE = (0, 6)
BIRTH_WEIGHT_RANGE_G = (100, 7000)
# Local decision (see module docstring).
CONFIRMED_DEATH_WEEKS_RANGE = (0, 45)
# Policy (docs/rules/routing.md §2): the mother's age in completed years at the event. Outside it,
# the date of birth is almost certainly mistyped (a mother "aged 6" had her baby's year typed in).
MOTHER_AGE_YEARS_RANGE = (10, 65)

#: A full UK postcode in any case and spacing (the API's description uses the same pattern).
POSTCODE_FORMAT = r"([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s*([0-9][A-Za-z]{2})"
_POSTCODE = re.compile(POSTCODE_FORMAT)


def normalise_postcode(text: str) -> str | None:
    """A full UK postcode in capitals with one space ("M13 9WL"), or None when it is not one."""
    match = _POSTCODE.fullmatch(text.strip())
    return None if match is None else f"{match.group(1).upper()} {match.group(2).upper()}"


class EventType(StrEnum):
    BABY = "baby"
    MATERNAL = "maternal"


class PlaceType(StrEnum):
    HOSPITAL = "hospital"
    HOME = "home"
    BORN_BEFORE_ARRIVAL = "born_before_arrival"
    OTHER = "other"


class LabourStatus(StrEnum):
    """docs/rules/routing.md §3.3: "labour" covers latent phase, induction started, a call to the unit about
    labour, or a live baby after suspected or confirmed pre-labour rupture of membranes;
    a caesarean before any of these is "no_labour"."""

    LABOUR = "labour"
    NO_LABOUR = "no_labour"


class MriResult(StrEnum):
    HIE = "hie"
    NORMAL = "normal"
    PENDING = "pending"
    NOT_DONE = "not_done"


class PregnancyOutcome(StrEnum):
    BIRTH = "birth"
    MISCARRIAGE = "miscarriage"
    ECTOPIC = "ectopic"
    TERMINATION = "termination"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Place:
    type: PlaceType
    site: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": str(self.type), "site": self.site}


@dataclass(frozen=True)
class GestationalAge:
    """Completed weeks and days; docs/rules/routing.md §1 stores it as whole days, weeks * 7 + days."""

    weeks: int
    days: int

    @property
    def total_days(self) -> int:
        return gestation_days(self.weeks, self.days)

    def to_dict(self) -> dict[str, Any]:
        return {"weeks": self.weeks, "days": self.days}


@dataclass(frozen=True)
class Gestation(GestationalAge):
    """Gestation at birth. `reliable` None (not recorded) counts as not reliable."""

    reliable: bool | None = None

    @property
    def is_reliable(self) -> bool:
        return self.reliable is True

    def to_dict(self) -> dict[str, Any]:
        return {"weeks": self.weeks, "days": self.days, "reliable": self.reliable}


@dataclass(frozen=True)
class MaternalDeath:
    died_at: datetime
    pregnant_at_death: bool | None = None
    pregnancy_ended_on: date | None = None
    pregnancy_outcome: PregnancyOutcome | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "died_at": timestamp_to_iso(self.died_at),
            "pregnant_at_death": self.pregnant_at_death,
            "pregnancy_ended_on": _date_or_none(self.pregnancy_ended_on),
            "pregnancy_outcome": _str_or_none(self.pregnancy_outcome),
        }


@dataclass(frozen=True)
class Mother:
    nhs_number: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None
    death: MaternalDeath | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "nhs_number": self.nhs_number,
            "date_of_birth": _date_or_none(self.date_of_birth),
            "postcode": self.postcode,
            "death": None if self.death is None else self.death.to_dict(),
        }


@dataclass(frozen=True)
class Baby:
    born_at: datetime
    born_alive: bool
    gestation: Gestation | None = None
    birth_weight_g: int | None = None
    nhs_number: str | None = None
    died_at: datetime | None = None
    multiple_birth: bool | None = None
    death_confirmed_gestation: GestationalAge | None = None
    termination_of_pregnancy: bool | None = None
    congenital_anomaly_caused_outcome: bool | None = None
    alive_at_onset_of_labour: bool | None = None

    @property
    def died(self) -> bool:
        """A stillborn baby has died even when no separate time of death is given."""
        return not self.born_alive or self.died_at is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "nhs_number": self.nhs_number,
            "born_at": timestamp_to_iso(self.born_at),
            "gestation": None if self.gestation is None else self.gestation.to_dict(),
            "birth_weight_g": self.birth_weight_g,
            "born_alive": self.born_alive,
            "died_at": None if self.died_at is None else timestamp_to_iso(self.died_at),
            "multiple_birth": self.multiple_birth,
            "death_confirmed_gestation": (
                None if self.death_confirmed_gestation is None else self.death_confirmed_gestation.to_dict()
            ),
            "termination_of_pregnancy": self.termination_of_pregnancy,
            "congenital_anomaly_caused_outcome": self.congenital_anomaly_caused_outcome,
            "alive_at_onset_of_labour": self.alive_at_onset_of_labour,
        }


@dataclass(frozen=True)
class Labour:
    status: LabourStatus

    @property
    def in_labour(self) -> bool:
        return self.status is LabourStatus.LABOUR

    def to_dict(self) -> dict[str, Any]:
        return {"status": str(self.status)}


@dataclass(frozen=True)
class BrainInjury:
    """Signs present in the first 7 days of life (docs/rules/routing.md §2). A sign left null is not known
    to be present, and the rules treat it as absent."""

    diagnosed_day: int | None = None
    therapeutic_hypothermia: bool | None = None
    grade_3_hie: bool | None = None
    decreased_central_tone: bool | None = None
    comatose: bool | None = None
    seizures: bool | None = None
    altered_consciousness: bool | None = None
    hypotonia: bool | None = None
    abnormal_reflexes: bool | None = None
    weak_or_absent_suck: bool | None = None
    mri: MriResult | None = None

    def to_dict(self) -> dict[str, Any]:
        signs = {name: getattr(self, name) for name in BRAIN_INJURY_SIGNS}
        return {"diagnosed_day": self.diagnosed_day, **signs, "mri": _str_or_none(self.mri)}


@dataclass(frozen=True)
class NotificationDocument:
    trust: str
    event: EventType
    place_of_birth: Place | None = None
    place_of_death: Place | None = None
    linked_notification: str | None = None
    mother: Mother | None = None
    baby: Baby | None = None
    labour: Labour | None = None
    brain_injury: BrainInjury | None = None

    @property
    def maternal_death(self) -> MaternalDeath | None:
        return None if self.mother is None else self.mother.death

    @property
    def in_labour(self) -> bool:
        return self.labour is not None and self.labour.in_labour

    def to_dict(self) -> dict[str, Any]:
        """The canonical document: every key present, null where absent."""
        return {
            "trust": self.trust,
            "event": str(self.event),
            "place_of_birth": None if self.place_of_birth is None else self.place_of_birth.to_dict(),
            "place_of_death": None if self.place_of_death is None else self.place_of_death.to_dict(),
            "linked_notification": self.linked_notification,
            "mother": None if self.mother is None else self.mother.to_dict(),
            "baby": None if self.baby is None else self.baby.to_dict(),
            "labour": None if self.labour is None else self.labour.to_dict(),
            "brain_injury": None if self.brain_injury is None else self.brain_injury.to_dict(),
        }


def _date_or_none(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _str_or_none(value: StrEnum | None) -> str | None:
    return None if value is None else str(value)


# The keys of each object, in document order: used to refuse unknown keys and to put
# errors in the order the fields appear.
BRAIN_INJURY_SIGNS = (
    "therapeutic_hypothermia",
    "grade_3_hie",
    "decreased_central_tone",
    "comatose",
    "seizures",
    "altered_consciousness",
    "hypotonia",
    "abnormal_reflexes",
    "weak_or_absent_suck",
)
_PLACE_KEYS = ("type", "site")
_KEYS: dict[str, tuple[str, ...]] = {
    "": (
        "trust",
        "event",
        "place_of_birth",
        "place_of_death",
        "linked_notification",
        "mother",
        "baby",
        "labour",
        "brain_injury",
    ),
    "place_of_birth": _PLACE_KEYS,
    "place_of_death": _PLACE_KEYS,
    "mother": ("nhs_number", "date_of_birth", "postcode", "death"),
    "mother.death": ("died_at", "pregnant_at_death", "pregnancy_ended_on", "pregnancy_outcome"),
    "baby": (
        "nhs_number",
        "born_at",
        "gestation",
        "birth_weight_g",
        "born_alive",
        "died_at",
        "multiple_birth",
        "death_confirmed_gestation",
        "termination_of_pregnancy",
        "congenital_anomaly_caused_outcome",
        "alive_at_onset_of_labour",
    ),
    "baby.gestation": ("weeks", "days", "reliable"),
    "baby.death_confirmed_gestation": ("weeks", "days"),
    "labour": ("status",),
    "brain_injury": ("diagnosed_day", *BRAIN_INJURY_SIGNS, "mri"),
}


def _field_paths(prefix: str = "") -> list[str]:
    paths: list[str] = []
    for key in _KEYS[prefix]:
        path = f"{prefix}.{key}" if prefix else key
        paths.append(path)
        if path in _KEYS:
            paths.extend(_field_paths(path))
    return paths


# Every field path of the document, in document order.
DOCUMENT_FIELDS: tuple[str, ...] = tuple(_field_paths())
_FIELD_POSITION = {path: position for position, path in enumerate(DOCUMENT_FIELDS)}


def _document_order(error: FieldError) -> int:
    path = error.field
    while path:
        if path in _FIELD_POSITION:
            return _FIELD_POSITION[path]
        path = path.rpartition(".")[0]
    return len(DOCUMENT_FIELDS)  # keys the document does not define come last


# Parsing ---------------------------------------------------------------------------------


def parse_document(data: object, *, register: OrganisationRegister, now: datetime) -> NotificationDocument:
    """Validate `data` (JSON-decoded) and return the document, or raise `DocumentInvalid`.

    `now` (an aware datetime) is the instant against which "not in the future" is judged;
    `register` answers whether ODS trust and site codes exist.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    if not isinstance(data, Mapping):
        raise DocumentInvalid([FieldError("document", "The notification must be a JSON object")])
    parser = _Parser(register=register, now=now)
    document = parser.parse(data)
    if parser.reader.errors or document is None:
        raise DocumentInvalid(sorted(parser.reader.errors, key=_document_order))
    return document


def age_in_years(born_on: date, on: date) -> int:
    """Completed years from `born_on` to `on` (a birthday on 29 February falls on 1 March)."""
    return on.year - born_on.year - ((on.month, on.day) < (born_on.month, born_on.day))


def mother_age_problem(date_of_birth: date, *, on: date, event: str) -> str | None:
    """Why the mother's date of birth cannot be right, or None (docs/rules/routing.md §2).

    `event` says what happened on `on`, to end the message: "the baby was born".
    """
    if date_of_birth > on:
        return f"Check the mother's date of birth: it is after {event}"
    age = age_in_years(date_of_birth, on)
    low, high = MOTHER_AGE_YEARS_RANGE
    if low <= age <= high:
        return None
    years = "year" if age == 1 else "years"
    return (
        f"Check the mother's date of birth: it makes her {age} {years} old when {event}. "
        f"Enter a date of birth that makes her between {low} and {high}"
    )


def same_nhs_number_problem(baby_nhs_number: str | None, mother_nhs_number: str | None) -> str | None:
    """The baby's NHS number is the mother's (both as 10 digits): the message for the baby's field."""
    if baby_nhs_number and baby_nhs_number == mother_nhs_number:
        return (
            "The baby's NHS number is the same as the mother's. Enter the baby's own NHS number"
            ", or leave it blank if the baby does not have one"
        )
    return None


def _mother_age_moment(event: EventType | None, mother: Mother, baby: Baby | None) -> tuple[date, str] | None:
    """The day the mother's age is checked on, and how the message says it."""
    if event is EventType.BABY and baby is not None:
        return london_date(baby.born_at), "the baby was born"
    death = mother.death
    if event is EventType.MATERNAL and death is not None:
        if death.pregnancy_ended_on is not None:
            return death.pregnancy_ended_on, "the pregnancy ended"
        return london_date(death.died_at), "she died"
    return None


class _Parser:
    def __init__(self, *, register: OrganisationRegister, now: datetime) -> None:
        self.reader = FieldReader()
        self.register = register
        self.now = now
        self.today = london_date(now)

    def parse(self, data: Mapping[str, Any]) -> NotificationDocument | None:
        read = self.reader
        read.refuse_unknown_keys(data, path="", known=_KEYS[""])
        trust = read.read_code(data.get("trust"), path="trust", label="the reporting trust's ODS code", required=True)
        if trust is not None and not self.register.trust_exists(trust):
            read.error("trust", f"There is no trust with ODS code {trust} in the organisation register")
            trust = None
        event = read.read_choice(
            data.get("event"),
            path="event",
            label="the type of event",
            choices=EventType,
            required=True,
        )
        place_of_birth = self._place(data.get("place_of_birth"), path="place_of_birth")
        place_of_death = self._place(data.get("place_of_death"), path="place_of_death")
        linked = read.read_text(
            data.get("linked_notification"),
            path="linked_notification",
            label="the linked notification's reference",
        )
        mother = self._mother(data.get("mother"), event=event)
        baby = self._baby(data.get("baby"), event=event)
        labour = self._labour(data.get("labour"), event=event)
        brain_injury = self._brain_injury(data.get("brain_injury"), event=event, baby=baby)

        if event is EventType.BABY and baby is not None:
            self._check_place_of_death_needs_a_death(baby, place_of_death)
        self._check_reporting_trust(trust, event, place_of_birth, place_of_death)
        self._check_mother_and_baby(event, mother, baby)

        if trust is None or event is None or read.errors:
            return None
        return NotificationDocument(
            trust=trust,
            event=event,
            place_of_birth=place_of_birth,
            place_of_death=place_of_death,
            linked_notification=linked,
            mother=mother,
            baby=baby,
            labour=labour,
            brain_injury=brain_injury,
        )

    # Places ------------------------------------------------------------------------------

    def _place(self, value: object, *, path: str) -> Place | None:
        read = self.reader
        which = "birth" if path == "place_of_birth" else "death"
        data = read.read_object(value, path=path, label=f"the place of {which}")
        if data is None:
            return None
        read.refuse_unknown_keys(data, path=path, known=_PLACE_KEYS)
        place_type = read.read_choice(
            data.get("type"),
            path=f"{path}.type",
            label=f"the type of place of {which}",
            choices=PlaceType,
            required=True,
        )
        site = read.read_code(data.get("site"), path=f"{path}.site", label=f"the ODS site code of the place of {which}")
        if place_type is None:
            return None
        if place_type is PlaceType.HOSPITAL:
            if site is None and not read.has_errors_under(f"{path}.site"):
                read.error(f"{path}.site", f"Enter the ODS site code of the hospital (place of {which})")
                return None
            if site is not None and self.register.site_trust(site) is None:
                read.error(f"{path}.site", f"There is no site with ODS code {site} in the organisation register")
                return None
        elif site is not None:
            read.error(
                f"{path}.site",
                f"Remove the site code: only a hospital has a site (the place of {which} is '{place_type}')",
            )
            return None
        return Place(type=place_type, site=site)

    def _check_reporting_trust(
        self,
        trust: str | None,
        event: EventType | None,
        place_of_birth: Place | None,
        place_of_death: Place | None,
    ) -> None:
        if trust is None:
            return
        hospital_trusts = {
            self.register.site_trust(place.site)
            for place in (place_of_birth, place_of_death)
            if place is not None and place.type is PlaceType.HOSPITAL and place.site is not None
        }
        if hospital_trusts and trust not in hospital_trusts:
            where = (
                "where the mother died or where her pregnancy ended"
                if event is EventType.MATERNAL
                else "where the baby was born or where the death happened"
            )
            self.reader.error(
                "trust",
                f"The reporting trust must be the trust {where} "
                f"({' or '.join(sorted(str(code) for code in hospital_trusts))}), not {trust}",
            )

    def _check_mother_and_baby(self, event: EventType | None, mother: Mother | None, baby: Baby | None) -> None:
        if mother is None:
            return
        problem = same_nhs_number_problem(baby.nhs_number if baby else None, mother.nhs_number)
        if problem:
            self.reader.error("baby.nhs_number", problem)
        moment = _mother_age_moment(event, mother, baby)
        if mother.date_of_birth is not None and moment is not None:
            problem = mother_age_problem(mother.date_of_birth, on=moment[0], event=moment[1])
            if problem:
                self.reader.error("mother.date_of_birth", problem)

    def _check_place_of_death_needs_a_death(self, baby: Baby, place_of_death: Place | None) -> None:
        if place_of_death is not None and not baby.died:
            self.reader.error(
                "place_of_death",
                "Remove the place of death: the baby was born alive and has no date and time of death",
            )

    # Mother ------------------------------------------------------------------------------

    def _mother(self, value: object, *, event: EventType | None) -> Mother | None:
        read = self.reader
        data = read.read_object(value, path="mother", label="the mother's details")
        if data is None:
            if event is EventType.MATERNAL:
                read.error("mother.death", "Enter the details of the mother's death")
            return None
        read.refuse_unknown_keys(data, path="mother", known=_KEYS["mother"])
        nhs_number = self._nhs_number(data.get("nhs_number"), path="mother.nhs_number", whose="mother's")
        date_of_birth = read.read_date(
            data.get("date_of_birth"),
            path="mother.date_of_birth",
            label="the mother's date of birth",
            today=self.today,
        )
        postcode = self._postcode(data.get("postcode"))
        death = None
        if event is EventType.BABY:
            if not is_absent(data.get("death")):
                read.error(
                    "mother.death",
                    "Remove the mother's death from this baby notification. Report it as a "
                    "maternal notification linked to this one",
                )
        else:
            death = self._maternal_death(data.get("death"), required=event is EventType.MATERNAL)
        return Mother(nhs_number=nhs_number, date_of_birth=date_of_birth, postcode=postcode, death=death)

    def _postcode(self, value: object) -> str | None:
        text = self.reader.read_text(value, path="mother.postcode", label="the mother's postcode")
        if text is None:
            return None
        postcode = normalise_postcode(text)
        if postcode is None:
            self.reader.error("mother.postcode", "Enter a full UK postcode, like M13 9WL")
        return postcode

    def _maternal_death(self, value: object, *, required: bool) -> MaternalDeath | None:
        read = self.reader
        path = "mother.death"
        data = read.read_object(value, path=path, label="the details of the mother's death")
        if data is None:
            if required:
                read.error(path, "Enter the details of the mother's death")
            return None
        read.refuse_unknown_keys(data, path=path, known=_KEYS[path])
        died_at = read.read_timestamp(
            data.get("died_at"),
            path=f"{path}.died_at",
            label="the date and time the mother died",
            now=self.now,
            required=True,
        )
        pregnant = read.read_boolean(
            data.get("pregnant_at_death"),
            path=f"{path}.pregnant_at_death",
            label="whether the mother was pregnant when she died",
        )
        ended_on = read.read_date(
            data.get("pregnancy_ended_on"),
            path=f"{path}.pregnancy_ended_on",
            label="the date the pregnancy ended",
            today=self.today,
        )
        outcome = read.read_choice(
            data.get("pregnancy_outcome"),
            path=f"{path}.pregnancy_outcome",
            label="how the pregnancy ended",
            choices=PregnancyOutcome,
        )
        if died_at is not None and ended_on is not None and ended_on > london_date(died_at):
            read.error(
                f"{path}.pregnancy_ended_on",
                "The date the pregnancy ended must be the same as or before the date the mother died",
            )
            return None
        if died_at is None:
            return None
        return MaternalDeath(
            died_at=died_at, pregnant_at_death=pregnant, pregnancy_ended_on=ended_on, pregnancy_outcome=outcome
        )

    # Baby --------------------------------------------------------------------------------

    def _baby(self, value: object, *, event: EventType | None) -> Baby | None:
        read = self.reader
        if event is EventType.MATERNAL:
            if not is_absent(value):
                read.error(
                    "baby",
                    "Remove the baby's details from this maternal notification. Report the "
                    "baby as a baby notification linked to this one",
                )
            return None
        data = read.read_object(value, path="baby", label="the baby's details")
        if data is None:
            if event is EventType.BABY:
                read.error("baby", "Enter the baby's details")
            return None
        read.refuse_unknown_keys(data, path="baby", known=_KEYS["baby"])
        nhs_number = self._nhs_number(data.get("nhs_number"), path="baby.nhs_number", whose="baby's")
        born_at = read.read_timestamp(
            data.get("born_at"),
            path="baby.born_at",
            label="the baby's date and time of birth",
            now=self.now,
            required=True,
        )
        gestation = self._gestation(data.get("gestation"))
        weight = read.read_integer(
            data.get("birth_weight_g"),
            path="baby.birth_weight_g",
            label="the birth weight",
            minimum=BIRTH_WEIGHT_RANGE_G[0],
            maximum=BIRTH_WEIGHT_RANGE_G[1],
            unit="grams",
        )
        born_alive = read.read_boolean(
            data.get("born_alive"), path="baby.born_alive", label="whether the baby was born alive", required=True
        )
        died_at = read.read_timestamp(
            data.get("died_at"), path="baby.died_at", label="the baby's date and time of death", now=self.now
        )
        multiple = read.read_boolean(
            data.get("multiple_birth"),
            path="baby.multiple_birth",
            label="whether this was a multiple birth (twins or more)",
        )
        confirmed = self._death_confirmed_gestation(data.get("death_confirmed_gestation"))
        termination = read.read_boolean(
            data.get("termination_of_pregnancy"),
            path="baby.termination_of_pregnancy",
            label="whether the pregnancy was ended by a termination",
        )
        anomaly = read.read_boolean(
            data.get("congenital_anomaly_caused_outcome"),
            path="baby.congenital_anomaly_caused_outcome",
            label="whether a congenital anomaly caused the outcome",
        )
        alive_at_onset = read.read_boolean(
            data.get("alive_at_onset_of_labour"),
            path="baby.alive_at_onset_of_labour",
            label="whether the baby was alive when labour started",
        )

        if (
            weight is None
            and not read.has_errors_under("baby.gestation")
            and not read.has_errors_under("baby.birth_weight_g")
        ):
            if gestation is None:
                read.error(
                    "baby.birth_weight_g",
                    "Enter the birth weight. It is needed when the gestation is not known",
                )
            elif not gestation.is_reliable:
                read.error(
                    "baby.birth_weight_g",
                    "Enter the birth weight. It is needed when the gestation is not reliable",
                )
        if born_at is not None and died_at is not None:
            if died_at < born_at:
                read.error(
                    "baby.died_at",
                    "The baby's date and time of death must be the same as or after the date and time of birth",
                )
            elif born_alive is False and died_at > born_at:
                read.error(
                    "baby.died_at",
                    "A baby who was not born alive cannot have a later time of death. Leave the "
                    "time of death blank or the same as the time of birth, or check whether the "
                    "baby was born alive",
                )
        if gestation is not None and confirmed is not None and confirmed.total_days > gestation.total_days:
            read.error(
                "baby.death_confirmed_gestation",
                "The gestation when the death was confirmed must be the same as or earlier than the gestation at birth",
            )

        if born_at is None or born_alive is None or read.has_errors_under("baby"):
            return None
        return Baby(
            born_at=born_at,
            born_alive=born_alive,
            gestation=gestation,
            birth_weight_g=weight,
            nhs_number=nhs_number,
            died_at=died_at,
            multiple_birth=multiple,
            death_confirmed_gestation=confirmed,
            termination_of_pregnancy=termination,
            congenital_anomaly_caused_outcome=anomaly,
            alive_at_onset_of_labour=alive_at_onset,
        )

    def _gestation(self, value: object) -> Gestation | None:
        read = self.reader
        path = "baby.gestation"
        data = read.read_object(value, path=path, label="the gestation at birth")
        if data is None:
            return None
        read.refuse_unknown_keys(data, path=path, known=_KEYS[path])
        weeks, days = self._weeks_and_days(data, path=path, weeks_range=GESTATION_WEEKS_RANGE, what="gestation")
        reliable = read.read_boolean(
            data.get("reliable"), path=f"{path}.reliable", label="whether the gestation is reliable"
        )
        if weeks is None or days is None:
            return None
        return Gestation(weeks=weeks, days=days, reliable=reliable)

    def _death_confirmed_gestation(self, value: object) -> GestationalAge | None:
        read = self.reader
        path = "baby.death_confirmed_gestation"
        data = read.read_object(value, path=path, label="the gestation when the death in the womb was confirmed")
        if data is None:
            return None
        read.refuse_unknown_keys(data, path=path, known=_KEYS[path])
        weeks, days = self._weeks_and_days(
            data,
            path=path,
            weeks_range=CONFIRMED_DEATH_WEEKS_RANGE,
            what="gestation when the death was confirmed",
        )
        if weeks is None or days is None:
            return None
        return GestationalAge(weeks=weeks, days=days)

    def _weeks_and_days(
        self, data: Mapping[str, Any], *, path: str, weeks_range: tuple[int, int], what: str
    ) -> tuple[int | None, int | None]:
        weeks = self.reader.read_integer(
            data.get("weeks"),
            path=f"{path}.weeks",
            label=f"the weeks of {what}",
            minimum=weeks_range[0],
            maximum=weeks_range[1],
            required=True,
        )
        days = self.reader.read_integer(
            data.get("days"),
            path=f"{path}.days",
            label=f"the days of {what}",
            minimum=GESTATION_DAYS_RANGE[0],
            maximum=GESTATION_DAYS_RANGE[1],
            required=True,
        )
        return weeks, days

    def _nhs_number(self, value: object, *, path: str, whose: str) -> str | None:
        text = self.reader.read_text(value, path=path, label=f"the {whose} NHS number")
        if text is None:
            return None
        try:
            return normalise_nhs_number(text)
        except InvalidNhsNumber as problem:
            self.reader.error(path, _nhs_number_message(problem, whose=whose, digits=text))
            return None

    # Labour and brain injury -------------------------------------------------------------

    def _labour(self, value: object, *, event: EventType | None) -> Labour | None:
        read = self.reader
        label = "whether the mother was in labour"
        data = read.read_object(value, path="labour", label="the labour details")
        if data is None:
            if event is EventType.BABY and not read.has_errors_under("labour"):
                read.error("labour.status", f"Select {label}")
            return None
        read.refuse_unknown_keys(data, path="labour", known=_KEYS["labour"])
        status = read.read_choice(
            data.get("status"),
            path="labour.status",
            label=label,
            choices=LabourStatus,
            required=event is EventType.BABY,
        )
        return None if status is None else Labour(status=status)

    def _brain_injury(self, value: object, *, event: EventType | None, baby: Baby | None) -> BrainInjury | None:
        read = self.reader
        path = "brain_injury"
        if is_absent(value):
            return None
        if event is EventType.MATERNAL:
            read.error(path, "Remove the brain injury details from this maternal notification")
            return None
        if baby is not None and not baby.born_alive:
            read.error(
                path,
                "Remove the brain injury details: they are for signs in a baby born alive, and "
                "this baby was not born alive",
            )
            return None
        data = read.read_object(value, path=path, label="the brain injury details")
        if data is None:
            return None
        read.refuse_unknown_keys(data, path=path, known=_KEYS[path])
        diagnosed_day = read.read_integer(
            data.get("diagnosed_day"),
            path=f"{path}.diagnosed_day",
            label="the baby's age in completed days when the brain injury was first diagnosed",
            minimum=0,
            maximum=None,
        )
        signs = {
            name: read.read_boolean(data.get(name), path=f"{path}.{name}", label=_SIGN_LABELS[name])
            for name in BRAIN_INJURY_SIGNS
        }
        mri = read.read_choice(data.get("mri"), path=f"{path}.mri", label="the MRI result", choices=MriResult)
        return BrainInjury(diagnosed_day=diagnosed_day, mri=mri, **signs)


_SIGN_LABELS = {
    "therapeutic_hypothermia": "whether the baby was actively cooled (therapeutic hypothermia)",
    "grade_3_hie": "whether the baby had grade 3 HIE",
    "decreased_central_tone": "whether the baby had decreased central tone",
    "comatose": "whether the baby was comatose",
    "seizures": "whether the baby had seizures",
    "altered_consciousness": "whether the baby had altered consciousness",
    "hypotonia": "whether the baby had hypotonia",
    "abnormal_reflexes": "whether the baby had abnormal reflexes",
    "weak_or_absent_suck": "whether the baby had a weak or absent suck",
}


def _nhs_number_message(problem: InvalidNhsNumber, *, whose: str, digits: str) -> str:
    """The core module's message, reworded to name whose number it is."""
    if problem.reason == "placeholder":
        return (
            f"{digits} is a placeholder, not an NHS number. Enter the {whose} real NHS number, "
            "or leave it blank if it is not known"
        )
    if problem.reason == "checksum":
        return f"The {whose} NHS number is not valid. Check each digit"
    return f"The {whose} NHS number must be 10 digits, like 943 476 5919"
