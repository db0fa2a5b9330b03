"""The words for a notification's coded values, used by every page that shows or asks them
(the reporter's questions, check your answers, the notification's page, the bodies' inbox),
so a place, a yes or no, an NHS number and a gestation read the same everywhere."""

from __future__ import annotations

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
