"""The sites MOSS reports on: by code, the trust owning each on a day, names for an export.

Register reads shaped for a MOSS run (one query each) and for ``perinatal moss`` (docs/rules/surveillance.md §1.6).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from perinatal.organisations.models import Organisation, Site, SiteOwnership


def sites_by_code(codes: Iterable[str]) -> dict[str, Site]:
    return {site.code: site for site in Site.objects.filter(code__in=set(codes))}


def site_trusts_on(day: date) -> dict[int, Organisation]:
    """site id -> the trust that owns it on a day, in one query.

    A site owned by no trust that day (a transfer recorded for later) keeps its latest owner
    before the day, else its first.
    """
    result: dict[int, Organisation] = {}
    ownerships = SiteOwnership.objects.select_related("trust").order_by("site_id", "valid_from")
    for ownership in ownerships:
        current = ownership.valid_from <= day and (ownership.valid_until is None or day < ownership.valid_until)
        if current or ownership.valid_from <= day or ownership.site_id not in result:
            result[ownership.site_id] = ownership.trust
    return result


def site_names_for_export(day: date) -> dict[str, tuple[str, str, str]]:
    """site code -> (site name, trust code, trust name): the optional names of ``perinatal moss``
    (docs/rules/surveillance.md §1.6)."""
    ownerships = SiteOwnership.objects.on(day).select_related("site", "trust")
    return {o.site.code: (o.site.name, o.trust.code, o.trust.display_name) for o in ownerships}
