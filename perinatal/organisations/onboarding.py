"""Writes for the onboarding schedule: naming a trust in a phase."""

from __future__ import annotations

from django.db import transaction

from perinatal.core import audit
from perinatal.organisations.models import OnboardingPhase, Organisation


@transaction.atomic
def assign_trust_to_phase(*, trust: Organisation, phase: OnboardingPhase, request=None, actor=None) -> None:
    """Name a trust in a phase (e.g. a trust that opened after its region went live)."""
    for other in OnboardingPhase.objects.filter(trusts=trust).exclude(pk=phase.pk):
        other.trusts.remove(trust)
    if not phase.trusts.filter(pk=trust.pk).exists():
        phase.trusts.add(trust)
    audit.record(
        action=audit.Action.UPDATE,
        obj=trust,
        organisation=trust,
        summary=f"Onboarding phase set to {phase.number}",
        request=request,
        actor=actor,
    )
