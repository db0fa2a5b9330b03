"""The words for a notification's coded values, used by every page that shows or asks them
(the reporter's questions, check your answers, the notification's page, the bodies' inbox),
so a place, a yes or no, an NHS number and a gestation read the same everywhere."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from perinatal.kernel.clinical import gestation_days
from perinatal.kernel.nhs_numbers import InvalidNhsNumber, format_nhs_number
from perinatal.notifications.routing.ages import format_gestation

#: Places other than a named hospital site (document field ``place_*.type``).
PLACE_LABELS = {
    "hospital": "Hospital",
    "home": "At home",
    "born_before_arrival": "Born before arrival at hospital",
    "other": "Somewhere else",
}


def yes_no(value: object) -> str:
    """A yes/no answer: "Yes", "No", or "Not known" for anything else (not answered)."""
    return {True: "Yes", False: "No"}.get(value, "Not known")  # type: ignore[arg-type]


def nhs_number_text(value: object, *, stored_form_only: bool = False) -> str:
    """An NHS number in the 3-3-4 groups people read aloud ("943 476 5919"); "Not given" when
    there is none.

    A reporter's answer that is not a valid NHS number is shown as it was written. With
    `stored_form_only` (a submitted document, whose numbers are held as 10 digits), anything
    but a 10-character string reads "Not given" instead.
    """
    if stored_form_only:
        return format_nhs_number(value) if isinstance(value, str) and len(value) == 10 else "Not given"
    if not value:
        return "Not given"
    try:
        return format_nhs_number(str(value))
    except InvalidNhsNumber:
        return str(value)


def gestation_text(weeks: object, days: object) -> str:
    """A gestation as people write it, "38+2 weeks" (routing.ages.format_gestation).

    Parts that are not a whole gestation (a page not answered yet) are shown as they are.
    """
    if type(weeks) is int and type(days) is int and 0 <= days <= 6:
        return format_gestation(gestation_days(weeks, days))
    return f"{weeks}+{days} weeks"


# What kind of event a notification is ---------------------------------------------------------

#: The kinds of event people look for, in the words of the start page ("a stillbirth or late
#: fetal loss", "a neonatal death", …): the notifications list and the bodies' inboxes filter on them.
EVENT_TYPES: dict[str, str] = {
    "stillbirth": "Stillbirth",
    "late_fetal_loss": "Late fetal loss",
    "neonatal_death": "Neonatal death",
    "severe_brain_injury": "Potential severe brain injury",
    "maternal_death": "Maternal death",
}
#: The routing categories (docs/rules/routing.md §4) of each kind: a body's category is the
#: rules' own classification of the event, so the kind shown is the one the bodies were told.
CATEGORIES_OF_TYPE: dict[str, frozenset[str]] = {
    "stillbirth": frozenset({"stillbirth", "intrapartum_stillbirth"}),
    "late_fetal_loss": frozenset({"late_fetal_loss"}),
    "neonatal_death": frozenset({"neonatal_death", "early_neonatal_death"}),
    "severe_brain_injury": frozenset({"severe_brain_injury"}),
    "maternal_death": frozenset({"maternal_death"}),
}
_TYPE_OF_CATEGORY = {category: kind for kind, categories in CATEGORIES_OF_TYPE.items() for category in categories}


def event_types(document: Mapping[str, Any], categories: Iterable[str] = ()) -> list[str]:
    """The kinds of event (EVENT_TYPES keys) a notification is, in the order of EVENT_TYPES.

    From the categories the bodies received it under (`categories`: its routing's
    destinations); a maternal event is a maternal death, and a brain injury recorded for a
    baby is a potential severe brain injury, whether or not a body took it.
    """
    kinds = {_TYPE_OF_CATEGORY[c] for c in categories if c in _TYPE_OF_CATEGORY}
    if document.get("event") == "maternal":
        kinds.add("maternal_death")
    if document.get("brain_injury"):
        kinds.add("severe_brain_injury")
    return [kind for kind in EVENT_TYPES if kind in kinds]


def event_type_text(document: Mapping[str, Any], categories: Iterable[str] = ()) -> str:
    """What happened, in words: "Stillbirth", "Intrapartum stillbirth", "Neonatal death and
    potential severe brain injury", "Maternal death" (never the document's bare "baby")."""
    categories = set(categories)
    kinds = event_types(document, categories)
    intrapartum = "intrapartum_stillbirth" in categories  # MNSI's category: the more exact words
    words = ["Intrapartum stillbirth" if kind == "stillbirth" and intrapartum else EVENT_TYPES[kind] for kind in kinds]
    baby = document.get("baby") if isinstance(document.get("baby"), Mapping) else {}
    if document.get("event") == "baby" and not set(kinds) & {"stillbirth", "late_fetal_loss", "neonatal_death"}:
        # A death no body's surveillance counts (before 20 weeks, or after 28 days of life).
        if baby.get("born_alive") is False:
            words.insert(0, "Baby not born alive")
        elif baby.get("died_at"):
            words.insert(0, "Death of a baby born alive")
    if not words:
        return "Baby" if document.get("event") == "baby" else "Not known"
    return " and ".join([words[0], *(word[:1].lower() + word[1:] for word in words[1:])])
