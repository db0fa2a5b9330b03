"""units.csv enters the organisation register (docs/rules/dashboard.md §1).

"This file is also how sites enter the register: a new site_code is added under its
trust_code; a known site under another trust is an error" (the validator refuses it unless
a dated transfer in the register names that trust). Units are upserted by unit_code into
organisations.Unit, and what the file says beyond the register (the trust that runs the
unit, the upload) into UnitListing. A units file is small: the ORM is fast enough.
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from perinatal.dashboard.models import UnitListing, Upload
from perinatal.organisations.models import Organisation, Site, Unit
from perinatal.organisations.sites import add_site

from .loading import lock_against_other_writers
from .staging import StagedFile

NEW_SITE_NAME = "{code} (added from units.csv)"


def load_units(*, staged: StagedFile, upload: Upload) -> tuple[int, int]:
    """Add new sites, upsert units and their listings; (units added, units replaced).
    Call inside `transaction.atomic()`."""
    # Two units files load one after the other, as every dataset's do: each adds sites and
    # units it first looked for, so interleaved they would collide.
    with connection.cursor() as cursor:
        lock_against_other_writers(cursor, UnitListing._meta.db_table)
    trust_codes = {record.trust_code for record in staged.units}
    trusts = {org.code: org for org in Organisation.objects.filter(kind=Organisation.Kind.TRUST, code__in=trust_codes)}
    first_opened: dict[str, date] = {}
    for record in staged.units:
        known = first_opened.get(record.site_code)
        first_opened[record.site_code] = record.opened_on if known is None else min(known, record.opened_on)
    for site_code, trust_code in sorted(staged.new_sites.items()):
        add_site(
            code=site_code,
            name=NEW_SITE_NAME.format(code=site_code),
            trust=trusts[trust_code],
            valid_from=first_opened[site_code],
            synthetic=upload.source == Upload.Source.DEMO,
        )
    sites = {site.code: site for site in Site.objects.filter(code__in=first_opened)}
    existing = {unit.code: unit for unit in Unit.objects.filter(code__in=[r.unit_code for r in staged.units])}
    added = 0
    for record in staged.units:
        values = {
            "site": sites[record.site_code],
            "unit_type": record.unit_type,
            "neonatal_level": record.neonatal_level or "",
            "opened_on": record.opened_on,
            "closed_on": record.closed_on,
        }
        unit = existing.get(record.unit_code)
        if unit is None:
            unit = Unit.objects.create(code=record.unit_code, **values)
            added += 1
        else:
            for name, value in values.items():
                setattr(unit, name, value)
            unit.save(update_fields=list(values))
        UnitListing.objects.update_or_create(unit=unit, defaults={"trust": trusts[record.trust_code], "upload": upload})
    return added, len(staged.units) - added
