"""Notified term deaths at a site, beside its MOSS chart (docs/rules/surveillance.md §1.1): record-level, scoped.

Read from the notifications the user may see (scoped by the reporting trust) and compared
with the births data, so a death missing from it is flagged, never added on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from perinatal.accounts.scoping import READ_NOTIFICATIONS, Scope
from perinatal.kernel.clinical import gestation_days
from perinatal.kernel.london_time import InvalidTimestamp, local_midnight, london_date, parse_timestamp
from perinatal.notifications.models import Notification
from perinatal.notifications.routing.ages import completed_days
from perinatal.organisations.models import Site
from perinatal.surveillance.selectors.births import NEONATAL_DEATH_LAST_DAY, TERM_GESTATION_DAYS, daily_term_events


@dataclass(frozen=True)
class NotifiedDeath:
    """A notified term stillbirth or term neonatal death born at the site
    (docs/rules/surveillance.md §1.1: shown beside the chart)."""

    reference: str
    born_on: date
    kind: str  # "stillbirth" or "neonatal_death"
    in_births_data: bool

    @property
    def month(self) -> date:
        return self.born_on.replace(day=1)


def _parse_local(value: str | None) -> datetime | None:
    """A document timestamp as an instant (docs/rules/routing.md §1: local London time unless
    an offset is given); None when it is missing or cannot be read."""
    if not value:
        return None
    try:
        return parse_timestamp(value)
    except InvalidTimestamp:
        return None


def _term_death_kind(document: dict) -> tuple[date, str] | None:
    """(date of birth, kind) when a notification document is a term stillbirth or term neonatal death.

    Term: a known, reliable gestation ≥ 259 days; terminations excluded; a neonatal death is at
    0–27 completed days (docs/rules/routing.md §1: floor((died_at − born_at) / 24 h)).
    """
    baby = document.get("baby") or {}
    gestation = baby.get("gestation") or {}
    if not gestation or not gestation.get("reliable", False) or baby.get("termination_of_pregnancy"):
        return None
    try:
        days = gestation_days(int(gestation.get("weeks")), int(gestation.get("days") or 0))
    except (TypeError, ValueError):
        return None
    born_at = _parse_local(baby.get("born_at"))
    if days < TERM_GESTATION_DAYS or born_at is None:
        return None
    born_on = london_date(born_at)
    if baby.get("born_alive") is False:
        return born_on, "stillbirth"
    died_at = _parse_local(baby.get("died_at"))
    if died_at is None:
        return None
    if completed_days(start=born_at, end=died_at) <= NEONATAL_DEATH_LAST_DAY:
        return born_on, "neonatal_death"
    return None


def notified_term_deaths(*, site: Site, first: date, last: date, scope: Scope) -> list[NotifiedDeath]:
    """Notified term deaths born at the site between two dates, from notifications the user may read.

    Each is flagged when the births data has no term death of the same kind at the site on the
    same day: a death missing from the births data (docs/rules/surveillance.md §1.1: flagged, never added on top).
    """

    start = local_midnight(first)
    end = local_midnight(last + timedelta(days=1))
    notifications = scope.restrict(
        Notification.objects.filter(event=Notification.Event.BABY, born_at__gte=start, born_at__lt=end).select_related(
            "current_version"
        ),
        trust_field="trust",
        purpose=READ_NOTIFICATIONS,
    )
    found: list[tuple[str, date, str]] = []
    for notification in notifications:
        version = notification.current_version
        if version is None:
            continue
        document = version.document or {}
        place = document.get("place_of_birth") or {}
        if place.get("site") != site.code:
            continue
        term_death = _term_death_kind(document)
        if term_death is not None:
            found.append((notification.reference, *term_death))
    if not found:
        return []
    in_data = daily_term_events(site=site, first=first, last=last)
    remaining = {
        day: {"stillbirth": counts.stillbirths, "neonatal_death": counts.neonatal_deaths}
        for day, counts in in_data.items()
    }
    result = []
    for reference, born_on, kind in sorted(found, key=lambda item: (item[1], item[0])):
        available = remaining.get(born_on, {}).get(kind, 0)
        if available:
            remaining[born_on][kind] = available - 1
        result.append(NotifiedDeath(reference=reference, born_on=born_on, kind=kind, in_births_data=bool(available)))
    return result
