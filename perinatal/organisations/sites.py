"""Writes for sites: creating them under a trust and moving them by a dated transfer."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from django.db import transaction

from perinatal.core import clock
from perinatal.organisations.models import Organisation, OrganisationChange, Site, SiteOwnership
from perinatal.organisations.register import reference_path
from perinatal.organisations.synthetic import TRUST_MERGERS

# Trust mergers in the register (one list, shared with the demo data generator): North
# Bristol merged into Bristol on 30 June 2026 (its ODS close date, its last day), so its
# sites belong to Bristol from 1 July 2026.
MERGERS = tuple((m.closing, m.receiving, m.first_day) for m in TRUST_MERGERS)


class SiteTransferRefused(ValueError):
    pass


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
        raise SiteTransferRefused(f"{site.code} belongs to no trust on {on:%-d %B %Y}")
    if current.trust_id == to_trust.pk:
        return current
    if SiteOwnership.objects.filter(site=site, valid_from__gt=on).exists():
        raise SiteTransferRefused(f"{site.code} already has a later transfer")
    if current.valid_from == on:
        raise SiteTransferRefused(f"{site.code} already moved on {on:%-d %B %Y}")
    current.valid_until = on
    current.save(update_fields=["valid_until"])
    OrganisationChange.objects.create(
        organisation=to_trust, field="site_transfer", old_value=f"{site.code} from {current.trust.code}",
        new_value=f"{site.code} to {to_trust.code}", source=reason, recorded_at=clock.now(),
    )
    return SiteOwnership.objects.create(site=site, trust=to_trust, valid_from=on, reason=reason)


def trust_reference_rows() -> list[dict[str, str]]:
    with open(reference_path("trusts-maternity-reference.csv"), encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def create_synthetic_sites(*, on: date, trust_codes: set[str] | None = None) -> int:
    """Synthetic sites (flagged) for every trust that provides births and is open on a date.

    No public list of maternity sites exists, so demo data names them ``<trust>01``, ``02``…
    Trusts merged into another keep their sites, transferred on the merger date.
    """
    from perinatal.organisations.synthetic import synthetic_sites

    rows = trust_reference_rows()
    if trust_codes is not None:
        rows = [row for row in rows if row["org_code"] in trust_codes]
    trusts = {org.code: org for org in Organisation.objects.filter(kind=Organisation.Kind.TRUST)}
    created = 0
    earliest = date(2000, 1, 1)
    for site in synthetic_sites(trusts=rows, on=on):
        before = Site.objects.filter(code=site.site_code).exists()
        add_site(code=site.site_code, name=site.name, trust=trusts[site.trust_code], valid_from=earliest, synthetic=True)
        created += 0 if before else 1
    for closing, receiving, moved_on in MERGERS:
        if trust_codes is not None and closing not in trust_codes:
            continue
        merged_rows = [row for row in trust_reference_rows() if row["org_code"] == closing]
        for site in synthetic_sites(trusts=merged_rows, on=moved_on - timedelta(days=1)):
            before = Site.objects.filter(code=site.site_code).exists()
            record = add_site(code=site.site_code, name=site.name, trust=trusts[closing], valid_from=earliest, synthetic=True)
            created += 0 if before else 1
            # The transfer is a dated fact of the register, recorded whatever the demo date.
            if not SiteOwnership.objects.filter(site=record, trust=trusts[receiving]).exists():
                transfer_site(site=record, to_trust=trusts[receiving], on=moved_on,
                              reason=f"{closing} merged into {receiving}")
    return created
