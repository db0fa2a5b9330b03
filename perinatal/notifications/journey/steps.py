"""The reporter's journey: which question pages an event needs, and in what order.

Issue 3, item 3 ("what happened, then only the questions the event needs"); the questions
and their document fields are those of docs/rules/routing.md §2 (docs/rules/routing.md).
Framework-free: plain dicts in, plain answers out, so the rules can be read and tested on
their own. The Django forms that ask each question live in `forms.py`.

The answers of a draft are a *partial notification document* (docs/rules/routing.md §2) plus one key of
the journey's own, `JOURNEY_KEY`, holding what the reporter said happened and which pages
they have answered. `build_document` turns the answers into the document that is
validated, routed and submitted: it keeps only the answers of the pages that the event
needs now, so an answer left over from an earlier choice (brain injury signs before the
reporter changed "what happened" to a stillbirth) can never reach a national body.

Rules, each findable by its name:
- WHAT_HAPPENED_CHOICES: the four starting points; the document has only "baby" and
  "maternal" events, so the choice also sets `baby.born_alive` where it implies it.
- ASK_SIGNS_OF_LIFE: after "a stillbirth or late fetal loss" we still ask whether the baby
  showed signs of life, because a baby born alive at any gestation is a live birth (a
  neonatal death), and the routing differs (MBR-3, CDOP-1, MNSI-B2).
- ASK_BRAIN_INJURY_AFTER_A_DEATH: for a baby born alive who died, the brain injury signs
  are asked only when they can change the routing, that is when the gestation is known to
  be 37+0 or more and the mother was in labour (the MNSI-B0 gate and the NHSR-1 condition).
- ASK_MRI: the MRI question follows only when at least one sign was recorded.
- ASK_ALIVE_AT_ONSET: only for a baby not born alive whose mother was in labour.
- ASK_DEATH_CONFIRMED: only for a baby of a multiple birth not born alive (MBR-4).
- ASK_TERMINATION: only when the baby died (MBR-5 flags terminations of deaths).
- ASK_PREGNANCY_END: for a maternal death unless she died while pregnant.
- CHANGING_WHAT_HAPPENED: a new answer to "what happened" un-answers the pages whose
  meaning it changes (signs of life, date of death); every other answer is kept.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from perinatal.kernel.clinical import GA_37_0_DAYS, gestation_days
from perinatal.notifications.routing.document import BRAIN_INJURY_SIGNS

__all__ = [
    "BRAIN_INJURY_SIGNS",
    "JOURNEY_KEY",
    "STEPS",
    "STEPS_BY_SLUG",
    "WHAT_HAPPENED_CHOICES",
    "Facts",
    "Step",
    "WhatHappened",
    "answered_steps",
    "build_document",
    "first_unanswered",
    "get_path",
    "is_complete",
    "journey_of",
    "next_slug",
    "previous_slug",
    "record_answer",
    "record_what_happened",
    "set_path",
    "slugs",
    "step_for_field",
    "steps_for",
]

JOURNEY_KEY = "_journey"


class WhatHappened(StrEnum):
    BABY_DIED = "baby_died"
    STILLBIRTH = "stillbirth"
    BRAIN_INJURY = "brain_injury"
    MOTHER_DIED = "mother_died"


# (choice, words the reporter reads, hint)
WHAT_HAPPENED_CHOICES: tuple[tuple[WhatHappened, str, str], ...] = (
    (
        WhatHappened.BABY_DIED,
        "A baby died after being born alive",
        "A neonatal death: the baby showed signs of life after birth, at any gestation",
    ),
    (
        WhatHappened.STILLBIRTH,
        "A stillbirth or late fetal loss",
        "The baby showed no signs of life after birth, from 22 weeks of pregnancy",
    ),
    (
        WhatHappened.BRAIN_INJURY,
        "A baby may have a severe brain injury",
        "For example, a baby being actively cooled (therapeutic hypothermia) or with grade 3 HIE",
    ),
    (WhatHappened.MOTHER_DIED, "A mother died", "During pregnancy or up to one year after the end of her pregnancy"),
)

# The brain injury signs the page lists are the document's own (BRAIN_INJURY_SIGNS,
# imported from the routing document above), so the two cannot drift apart.


# Reading and writing dotted paths ------------------------------------------------------------

_MISSING = object()


def get_path(data: Mapping[str, Any] | None, path: str, default: Any = None) -> Any:
    """The value at a dotted path ("baby.gestation.weeks"), or `default` when absent."""
    current: Any = data
    for key in path.split("."):
        if not isinstance(current, Mapping) or key not in current:
            return default
        current = current[key]
    return current


def _has_path(data: Mapping[str, Any], path: str) -> bool:
    return get_path(data, path, _MISSING) is not _MISSING


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path, creating objects on the way (a null on the way becomes an object)."""
    keys = path.split(".")
    current = data
    for key in keys[:-1]:
        if not isinstance(current.get(key), dict):
            current[key] = {}
        current = current[key]
    current[keys[-1]] = value


# Facts the page sequence depends on -------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the answers so far say, as far as the choice of pages needs it."""

    what_happened: WhatHappened | None
    born_alive: bool | None
    died_at_given: bool
    in_labour: bool
    known_gestation_days: int | None
    multiple_birth: bool | None
    pregnant_at_death: bool | None
    any_brain_injury_sign: bool

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any]) -> Facts:
        journey = journey_of(answers)
        try:
            what = WhatHappened(journey.get("what_happened"))
        except ValueError:
            what = None
        gestation = get_path(answers, "baby.gestation")
        known = None
        if isinstance(gestation, Mapping) and gestation.get("reliable") is True:
            weeks, days = gestation.get("weeks"), gestation.get("days")
            if isinstance(weeks, int) and isinstance(days, int):
                known = gestation_days(weeks, days)
        return cls(
            what_happened=what,
            born_alive=get_path(answers, "baby.born_alive"),
            died_at_given=bool(get_path(answers, "baby.died_at")),
            in_labour=get_path(answers, "labour.status") == "labour",
            known_gestation_days=known,
            multiple_birth=get_path(answers, "baby.multiple_birth"),
            pregnant_at_death=get_path(answers, "mother.death.pregnant_at_death"),
            any_brain_injury_sign=any(get_path(answers, f"brain_injury.{name}") is True for name in BRAIN_INJURY_SIGNS),
        )

    @property
    def maternal(self) -> bool:
        return self.what_happened is WhatHappened.MOTHER_DIED

    @property
    def baby_event(self) -> bool:
        return self.what_happened is not None and not self.maternal

    @property
    def reported_as_a_death(self) -> bool:
        """The reporter started from a baby's death (neonatal death or stillbirth)."""
        return self.what_happened in (WhatHappened.BABY_DIED, WhatHappened.STILLBIRTH)

    @property
    def live_born_death(self) -> bool:
        """Born alive and died: a death started from, or a baby with a brain injury who died."""
        return self.born_alive is True and (self.reported_as_a_death or self.died_at_given)

    @property
    def term_known(self) -> bool:
        return self.known_gestation_days is not None and self.known_gestation_days >= GA_37_0_DAYS


# The pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One question page: its URL slug, the short label of its row on the check-answers
    page, the document fields it asks (dotted paths), and when the event needs it."""

    slug: str
    label: str
    paths: tuple[str, ...]
    applies: Callable[[Facts], bool]


def _always(_facts: Facts) -> bool:
    return True


WHAT_HAPPENED = Step("what-happened", "What happened", ("event", "baby.born_alive"), _always)
SIGNS_OF_LIFE = Step(
    "signs-of-life",
    "Signs of life after birth",
    ("baby.born_alive",),
    # ASK_SIGNS_OF_LIFE
    lambda f: f.what_happened is WhatHappened.STILLBIRTH,
)
BORN_AT = Step("born-at", "Date and time of birth", ("baby.born_at",), lambda f: f.baby_event)
DIED_AT = Step(
    "died-at",
    "Date and time of death",
    ("baby.died_at",),
    lambda f: f.baby_event and f.born_alive is True,
)
PLACE_OF_BIRTH = Step("place-of-birth", "Place of birth", ("place_of_birth",), lambda f: f.baby_event)
PLACE_OF_DEATH = Step(
    "place-of-death",
    "Place of death",
    ("place_of_death",),
    lambda f: f.maternal or (f.baby_event and f.live_born_death),
)
GESTATION = Step("gestation", "Gestation at birth", ("baby.gestation",), lambda f: f.baby_event)
BIRTH_WEIGHT = Step("birth-weight", "Birth weight", ("baby.birth_weight_g",), lambda f: f.baby_event)
MULTIPLE_BIRTH = Step("multiple-birth", "Multiple birth", ("baby.multiple_birth",), lambda f: f.baby_event)
DEATH_CONFIRMED = Step(
    "death-confirmed",
    "Gestation when the death in the womb was confirmed",
    ("baby.death_confirmed_gestation",),
    # ASK_DEATH_CONFIRMED
    lambda f: f.baby_event and f.multiple_birth is True and f.born_alive is False,
)
TERMINATION = Step(
    "termination",
    "Termination of pregnancy",
    ("baby.termination_of_pregnancy",),
    # ASK_TERMINATION
    lambda f: f.baby_event and (f.reported_as_a_death or f.born_alive is False),
)
CONGENITAL_ANOMALY = Step(
    "congenital-anomaly", "Congenital anomaly", ("baby.congenital_anomaly_caused_outcome",), lambda f: f.baby_event
)
LABOUR = Step("labour", "In labour", ("labour.status",), lambda f: f.baby_event)
ALIVE_AT_ONSET = Step(
    "alive-at-onset",
    "Alive when labour started",
    ("baby.alive_at_onset_of_labour",),
    # ASK_ALIVE_AT_ONSET
    lambda f: f.baby_event and f.born_alive is False and f.in_labour,
)
BRAIN_INJURY = Step(
    "brain-injury",
    "Signs of brain injury",
    ("brain_injury.diagnosed_day", *(f"brain_injury.{name}" for name in BRAIN_INJURY_SIGNS)),
    # ASK_BRAIN_INJURY_AFTER_A_DEATH
    lambda f: (
        f.baby_event
        and f.born_alive is True
        and (f.what_happened is WhatHappened.BRAIN_INJURY or (f.term_known and f.in_labour))
    ),
)
MRI = Step(
    "mri",
    "MRI",
    ("brain_injury.mri",),
    # ASK_MRI
    lambda f: BRAIN_INJURY.applies(f) and f.any_brain_injury_sign,
)
MOTHER_DEATH = Step(
    "mother-death",
    "Date and time of the mother's death",
    ("mother.death.died_at", "mother.death.pregnant_at_death"),
    lambda f: f.maternal,
)
PREGNANCY_END = Step(
    "pregnancy-end",
    "End of pregnancy",
    ("mother.death.pregnancy_ended_on", "mother.death.pregnancy_outcome"),
    # ASK_PREGNANCY_END
    lambda f: f.maternal and f.pregnant_at_death is not True,
)
PREGNANCY_PLACE = Step(
    "pregnancy-place",
    "Where the pregnancy ended",
    ("place_of_birth",),
    lambda f: f.maternal and f.pregnant_at_death is not True,
)
MOTHER_IDENTIFIERS = Step(
    "mother",
    "Mother's details",
    ("mother.nhs_number", "mother.date_of_birth", "mother.postcode"),
    lambda f: f.what_happened is not None,
)
BABY_NHS_NUMBER = Step("baby-nhs-number", "Baby's NHS number", ("baby.nhs_number",), lambda f: f.baby_event)
LINKED = Step(
    "linked-notification", "Linked notification", ("linked_notification",), lambda f: f.what_happened is not None
)

BABY_SEQUENCE: tuple[Step, ...] = (
    WHAT_HAPPENED,
    SIGNS_OF_LIFE,
    BORN_AT,
    DIED_AT,
    PLACE_OF_BIRTH,
    PLACE_OF_DEATH,
    GESTATION,
    BIRTH_WEIGHT,
    MULTIPLE_BIRTH,
    DEATH_CONFIRMED,
    TERMINATION,
    CONGENITAL_ANOMALY,
    LABOUR,
    ALIVE_AT_ONSET,
    BRAIN_INJURY,
    MRI,
    MOTHER_IDENTIFIERS,
    BABY_NHS_NUMBER,
    LINKED,
)
MATERNAL_SEQUENCE: tuple[Step, ...] = (
    WHAT_HAPPENED,
    MOTHER_DEATH,
    PREGNANCY_END,
    PREGNANCY_PLACE,
    PLACE_OF_DEATH,
    MOTHER_IDENTIFIERS,
    LINKED,
)
STEPS: tuple[Step, ...] = tuple(dict.fromkeys(BABY_SEQUENCE + MATERNAL_SEQUENCE))
STEPS_BY_SLUG: dict[str, Step] = {step.slug: step for step in STEPS}

# Document fields that no single page asks, and the pages whose answers they depend on.
# "trust" fails when the places named belong to another trust (docs/rules/routing.md §2 place rules).
_FIELD_PAGES: dict[str, tuple[str, ...]] = {
    "trust": ("place-of-birth", "place-of-death", "pregnancy-place"),
    "baby": ("born-at",),
    "mother": ("mother",),
    "brain_injury": ("brain-injury",),
}


# The journey's own answers ------------------------------------------------------------------


def journey_of(answers: Mapping[str, Any]) -> dict[str, Any]:
    value = answers.get(JOURNEY_KEY) if isinstance(answers, Mapping) else None
    return dict(value) if isinstance(value, Mapping) else {}


def answered_steps(answers: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(journey_of(answers).get("answered") or ())


def steps_for(answers: Mapping[str, Any]) -> tuple[Step, ...]:
    """The pages this event needs now, in the order they are asked."""
    facts = Facts.from_answers(answers)
    sequence = MATERNAL_SEQUENCE if facts.maternal else BABY_SEQUENCE
    return tuple(step for step in sequence if step.applies(facts))


def first_unanswered(answers: Mapping[str, Any]) -> Step | None:
    done = answered_steps(answers)
    return next((step for step in steps_for(answers) if step.slug not in done), None)


def is_complete(answers: Mapping[str, Any]) -> bool:
    return first_unanswered(answers) is None


def next_slug(answers: Mapping[str, Any], current: str, *, changing: bool = False) -> str | None:
    """Where to go after answering `current`: None means the check-answers page.

    When the reporter came from the check-answers page ("Change"), they go back to it
    unless their new answer made the event need a page not yet answered (WCAG 3.3.7: no
    question already answered is asked again).
    """
    if changing:
        step = first_unanswered(answers)
        return None if step is None else step.slug
    sequence = [step.slug for step in steps_for(answers)]
    if current in sequence:
        after = sequence[sequence.index(current) + 1 :]
        return after[0] if after else None
    step = first_unanswered(answers)
    return None if step is None else step.slug


def previous_slug(answers: Mapping[str, Any], current: str) -> str | None:
    sequence = [step.slug for step in steps_for(answers)]
    if current in sequence:
        index = sequence.index(current)
        return sequence[index - 1] if index else None
    return sequence[-1] if sequence else None


def record_answer(answers: Mapping[str, Any], *, slug: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """New answers with a page's values (dotted path -> value) set and the page answered.

    Paths the page owns but `values` leaves out are cleared, so a page's answer is always
    exactly what the reporter last said on it.
    """
    step = STEPS_BY_SLUG[slug]
    result = copy.deepcopy(dict(answers))
    for path in step.paths:
        if path not in values and _has_path(result, path):
            set_path(result, path, None)
    for path, value in values.items():
        set_path(result, path, value)
    journey = journey_of(result)
    journey["answered"] = sorted(answered_steps(result) | {slug})
    result[JOURNEY_KEY] = journey
    return result


# CHANGING_WHAT_HAPPENED: the pages whose meaning depends on the starting point.
_PAGES_RESET_BY_WHAT_HAPPENED = frozenset({SIGNS_OF_LIFE.slug, DIED_AT.slug})


def record_what_happened(answers: Mapping[str, Any], choice: WhatHappened) -> dict[str, Any]:
    """Record the starting point, with what it implies for the document."""
    previous = journey_of(answers).get("what_happened")
    if choice is WhatHappened.MOTHER_DIED:
        values: dict[str, Any] = {"event": "maternal"}
    elif previous == str(choice):
        # The same answer again keeps what the signs-of-life page may have said since.
        values = {"event": "baby", "baby.born_alive": get_path(answers, "baby.born_alive")}
    else:
        # A stillbirth starts as not born alive; the signs-of-life page may say otherwise.
        values = {"event": "baby", "baby.born_alive": choice is not WhatHappened.STILLBIRTH}
    result = record_answer(answers, slug=WHAT_HAPPENED.slug, values=values)
    journey = journey_of(result)
    journey["what_happened"] = str(choice)
    if previous is not None and previous != str(choice):
        journey["answered"] = sorted(set(journey["answered"]) - _PAGES_RESET_BY_WHAT_HAPPENED)
    result[JOURNEY_KEY] = journey
    return result


# The document --------------------------------------------------------------------------------


def build_document(answers: Mapping[str, Any], *, trust: str) -> dict[str, Any]:
    """The notification document (docs/rules/routing.md §2) from the answers of the pages the event needs.

    Answers of pages the event no longer needs are left out; so are the journey's own keys.
    The result is what `routing.parse_document` validates.
    """
    document: dict[str, Any] = {"trust": trust}
    facts = Facts.from_answers(answers)
    if facts.what_happened is None:
        return document
    for step in steps_for(answers):
        for path in step.paths:
            value = get_path(answers, path, _MISSING)
            if value is not _MISSING and value is not None:
                set_path(document, path, value)
    if BRAIN_INJURY in steps_for(answers) and isinstance(document.get("brain_injury"), dict):
        # A sign not ticked is recorded as absent (false), not as unknown.
        for name in BRAIN_INJURY_SIGNS:
            document["brain_injury"].setdefault(name, False)
    return document


def step_for_field(answers: Mapping[str, Any], field: str) -> Step | None:
    """The page that asks a document field named in a validation error (`FieldError.field`).

    A field belongs to the page owning it or one of its parents ("baby.gestation.weeks" is
    asked on the gestation page); a parent field ("baby") belongs to the first page asking
    anything under it. Fields no page asks give None: they are shown on the check page.
    """
    needed = steps_for(answers)
    aliases = _FIELD_PAGES.get(field, ())
    for step in needed:
        if step.slug in aliases:
            return step
    best: Step | None = None
    best_length = -1
    for step in needed:
        for path in step.paths:
            if (field == path or field.startswith(path + ".")) and len(path) > best_length:
                best, best_length = step, len(path)
    if best is not None:
        return best
    for step in needed:
        if any(path.startswith(field + ".") for path in step.paths):
            return step
    return None


def slugs(steps: Iterable[Step]) -> list[str]:
    return [step.slug for step in steps]
