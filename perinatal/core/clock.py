"""The service clock.

Every rule that depends on "now" (go-live at 08:00, deadlines, due dates, "not in the
future") asks this module, never ``timezone.now()`` directly, so that the demo and the
tests can fix the time with ``PERINATAL_NOW`` (environment) or the ``PERINATAL_NOW``
setting, e.g. ``2025-09-01T07:59``; a time without an offset is Europe/London.
"""

from __future__ import annotations

import os
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from perinatal.kernel.london_time import LONDON, localise, london_date


def _fixed_now() -> datetime | None:
    raw = getattr(settings, "PERINATAL_NOW", None) or os.environ.get("PERINATAL_NOW")
    if not raw:
        return None
    moment = datetime.fromisoformat(raw)
    if moment.tzinfo is None:
        moment = localise(moment)
    return moment


def now() -> datetime:
    """The current instant (aware) according to the service clock."""
    return _fixed_now() or timezone.now()


def today() -> date:
    """Today's date in England."""
    return london_date(now())


def london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)
