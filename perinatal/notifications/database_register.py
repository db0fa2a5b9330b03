"""The organisation register the routing engine validates against, read from the database.

Implements `routing.OrganisationRegister`. Site ownership is dated (sites move between trusts
by dated transfers), so a site's trust is looked up on the day of the event when the
document gives one (the baby's birth, else the mother's death), else on today's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from perinatal.core import clock
from perinatal.kernel.london_time import InvalidTimestamp, london_date
from perinatal.notifications.routing import parse_timestamp
from perinatal.organisations.models import Organisation, SiteOwnership


class DatabaseRegister:
    """`trust_exists` and `site_trust` over the organisations app, on one date, cached."""

    def __init__(self, *, on: date | None = None) -> None:
        self.on = on or clock.today()
        self._trusts: dict[str, bool] = {}
        self._sites: dict[str, str | None] = {}

    def know_trust(self, code: str) -> None:
        """`code` is a trust's, read already by the caller."""
        self._trusts[code] = True

    def trust_exists(self, code: str) -> bool:
        if code not in self._trusts:
            self._trusts[code] = Organisation.objects.filter(kind=Organisation.Kind.TRUST, code=code).exists()
        return self._trusts[code]

    def site_trust(self, site_code: str) -> str | None:
        if site_code not in self._sites:
            ownership = (
                SiteOwnership.objects.filter(site__code=site_code)
                .on(self.on)
                .values_list("trust__code", flat=True)
                .first()
            )
            if ownership is None:
                # A site outside its ownership periods on that day still exists: use its
                # latest owner, so an event at a site is never refused for a date gap alone.
                ownership = (
                    SiteOwnership.objects.filter(site__code=site_code)
                    .order_by("-valid_from")
                    .values_list("trust__code", flat=True)
                    .first()
                )
            self._sites[site_code] = ownership
        return self._sites[site_code]


def event_date_of(data: object) -> date | None:
    """The event's date in England from a raw (unvalidated) document, if it gives one."""
    if not isinstance(data, Mapping):
        return None
    candidates = []
    baby = data.get("baby")
    if isinstance(baby, Mapping):
        candidates.append(baby.get("born_at"))
    mother = data.get("mother")
    if isinstance(mother, Mapping) and isinstance(mother.get("death"), Mapping):
        candidates.append(mother["death"].get("died_at"))
    for value in candidates:
        if isinstance(value, str):
            try:
                return london_date(parse_timestamp(value.strip()))
            except InvalidTimestamp:
                continue
    return None


def register_for(data: object) -> DatabaseRegister:
    """A register dated on the event in `data`, or on today."""
    event_day = event_date_of(data)
    today = clock.today()
    return DatabaseRegister(on=event_day if event_day is not None and event_day <= today else today)
