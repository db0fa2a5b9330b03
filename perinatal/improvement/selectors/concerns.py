"""Concerns waiting for triage: never triaged, or being monitored (docs/rules/improvement.md §1)."""

from __future__ import annotations

from django.db.models import Prefetch

from perinatal.accounts.scoping import MANAGE_IMPROVEMENT_CASES, Scope
from perinatal.improvement.models import Concern, TriageDecision
from perinatal.improvement.selectors.cases import latest_triage


def concerns_to_triage(scope: Scope) -> list[tuple[Concern, TriageDecision | None]]:
    """The concerns of the trusts the person triages for, not accepted or declined, newest first,
    each with its latest decision (None: not triaged yet; else monitored)."""
    concerns = scope.restrict(
        Concern.objects.select_related(
            "trust", "signal__site", "safety_check__site", "metric_organisation", "mnsi_case"
        )
        .prefetch_related(Prefetch("triage_decisions", queryset=TriageDecision.objects.order_by("recorded_at", "id")))
        .order_by("-identified_on", "-id"),
        trust_field="trust",
        purpose=MANAGE_IMPROVEMENT_CASES,
    )
    waiting = []
    for concern in concerns:
        decision = latest_triage(concern)
        if decision is None or decision.decision == TriageDecision.Decision.MONITOR:
            waiting.append((concern, decision))
    return waiting
