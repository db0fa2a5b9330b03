"""Demo data for the register: synthetic sites, a later synthetic phase, account details."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from perinatal.core import clock
from perinatal.organisations.models import AccountDetails, OnboardingPhase, Organisation
from perinatal.organisations.sites import create_synthetic_sites

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
            number=6, name="Phase 6 (demo): a trust joining later",
            go_live_on=_first_monday_after(clock.today() + timedelta(days=21)), synthetic=True,
        )
    if not phase.trusts.filter(code=NOT_YET_LIVE_TRUST).exists():
        phase.trusts.add(Organisation.objects.get(code=NOT_YET_LIVE_TRUST))
    r0a = Organisation.objects.get(code="R0A")
    AccountDetails.objects.get_or_create(trust=r0a, defaults={
        "contact_name": "Maternity safety team", "contact_role": "Maternity safety lead",
        "email": "maternity.safety@perinatal.example", "phone": "0161 276 1234",
    })
    return {"sites": created_sites}
