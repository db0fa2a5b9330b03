"""The words for a notification's coded values, used by every page that shows or asks them
(the reporter's questions, check your answers, the notification's page, the bodies' inbox),
so a place reads the same everywhere."""

from __future__ import annotations

#: Places other than a named hospital site (document field ``place_*.type``).
PLACE_LABELS = {
    "hospital": "Hospital",
    "home": "At home",
    "born_before_arrival": "Born before arrival at hospital",
    "other": "Somewhere else",
}
