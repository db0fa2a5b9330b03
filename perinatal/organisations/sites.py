"""Writes for sites: creating them under a trust and moving them by a dated transfer."""

from __future__ import annotations

import csv
from datetime import date

from django.db import transaction

from perinatal.core import clock
from perinatal.core.formatting import long_date
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Organisation, OrganisationChange, Site, SiteOwnership
from perinatal.organisations.register import reference_path


class SiteTransferRefused(Refused):
    """A transfer refused because of its date (the field ``on``): the site belongs to no trust
    then, already has a later transfer, or already moved that day."""

    def __init__(self, message: str):
        super().__init__("on", message)


def add_site(*, code: str, name: str, trust: Organisation, valid_from: date, synthetic: bool) -> Site:
    site, created = Site.objects.get_or_create(code=code, defaults={"name": name, "synthetic": synthetic})
    if created:
        SiteOwnership.objects.create(site=site, trust=trust, valid_from=valid_from, reason="site added")
    return site


@transaction.atomic
def transfer_site(*, site: Site, to_trust: Organisation, on: date, reason: str) -> SiteOwnership:
    """Move a site to another trust from a date; history before it is kept."""
    current = SiteOwnership.objects.select_for_update().filter(site=site).on(on).first()
    if current is None:
        raise SiteTransferRefused(f"{site.code} belongs to no trust on {long_date(on)}")
    if current.trust_id == to_trust.pk:
        return current
    if SiteOwnership.objects.filter(site=site, valid_from__gt=on).exists():
        raise SiteTransferRefused(f"{site.code} already has a later transfer")
    if current.valid_from == on:
        raise SiteTransferRefused(f"{site.code} already moved on {long_date(on)}")
    current.valid_until = on
    current.save(update_fields=["valid_until"])
    OrganisationChange.objects.create(
        organisation=to_trust,
        field="site_transfer",
        old_value=f"{site.code} from {current.trust.code}",
        new_value=f"{site.code} to {to_trust.code}",
        source=reason,
        recorded_at=clock.now(),
    )
    return SiteOwnership.objects.create(site=site, trust=to_trust, valid_from=on, reason=reason)


def trust_reference_rows() -> list[dict[str, str]]:
    with open(reference_path("trusts-maternity-reference.csv"), encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
