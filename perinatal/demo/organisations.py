"""Demo data for the register: synthetic sites, a later synthetic phase, account details."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from perinatal.core import clock
from perinatal.demo.synthetic_sites import synthetic_sites
from perinatal.organisations.mergers import TRUST_MERGERS
from perinatal.organisations.models import AccountDetails, OnboardingPhase, Organisation, Site, SiteOwnership
from perinatal.organisations.sites import add_site, transfer_site, trust_reference_rows

# The demo trust that is not yet live: it is named in a later, synthetic phase.
NOT_YET_LIVE_TRUST = "RRK"
# Trusts given sites when the demo is loaded on small fixtures (tests).
SMALL_FIXTURE_TRUSTS = {"R0A", "RRK", "RYR", "RA7", "RVJ", "RJ1"}


def demo_end_date(today: date | None = None) -> date:
    """The last day of the previous month: the end of the demo data."""
    today = today or clock.today()
    return today.replace(day=1) - timedelta(days=1)


def _first_monday_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


@transaction.atomic
def load_demo_register(*, small: bool = False) -> dict[str, int]:
    end = demo_end_date()
    created_sites = create_synthetic_sites(on=end, trust_codes=SMALL_FIXTURE_TRUSTS if small else None)
    phase = OnboardingPhase.objects.filter(synthetic=True).first()
    if phase is None:
        # Placed relative to today when first created, then left alone (set-up is idempotent).
        phase = OnboardingPhase.objects.create(
            number=6,
            name="Phase 6 (demo): a trust joining later",
            go_live_on=_first_monday_after(clock.today() + timedelta(days=21)),
            synthetic=True,
        )
    if not phase.trusts.filter(code=NOT_YET_LIVE_TRUST).exists():
        phase.trusts.add(Organisation.objects.get(code=NOT_YET_LIVE_TRUST))
    r0a = Organisation.objects.get(code="R0A")
    AccountDetails.objects.get_or_create(
        trust=r0a,
        defaults={
            "contact_name": "Maternity safety team",
            "contact_role": "Maternity safety lead",
            "email": "maternity.safety@perinatal.example",
            "phone": "0161 276 1234",
        },
    )
    return {"sites": created_sites}


@transaction.atomic
def create_synthetic_sites(*, on: date, trust_codes: set[str] | None = None) -> int:
    """Synthetic sites (flagged) for every trust that provides births and is open on a date.

    No public list of maternity sites exists, so demo data names them ``<trust>01``, ``02``…
    Trusts merged into another keep their sites, transferred on the merger date.
    """
    rows = trust_reference_rows()
    if trust_codes is not None:
        rows = [row for row in rows if row["org_code"] in trust_codes]
    trusts = {org.code: org for org in Organisation.objects.filter(kind=Organisation.Kind.TRUST)}
    created = 0
    earliest = date(2000, 1, 1)
    for site in synthetic_sites(trusts=rows, on=on):
        before = Site.objects.filter(code=site.site_code).exists()
        add_site(
            code=site.site_code, name=site.name, trust=trusts[site.trust_code], valid_from=earliest, synthetic=True
        )
        created += 0 if before else 1
    for merger in TRUST_MERGERS:
        closing, receiving, moved_on = merger.closing, merger.receiving, merger.first_day
        if trust_codes is not None and closing not in trust_codes:
            continue
        merged_rows = [row for row in trust_reference_rows() if row["org_code"] == closing]
        for site in synthetic_sites(trusts=merged_rows, on=moved_on - timedelta(days=1)):
            before = Site.objects.filter(code=site.site_code).exists()
            record = add_site(
                code=site.site_code, name=site.name, trust=trusts[closing], valid_from=earliest, synthetic=True
            )
            created += 0 if before else 1
            # The transfer is a dated fact of the register, recorded whatever the demo date.
            if not SiteOwnership.objects.filter(site=record, trust=trusts[receiving]).exists():
                transfer_site(
                    site=record, to_trust=trusts[receiving], on=moved_on, reason=f"{closing} merged into {receiving}"
                )
    return created
