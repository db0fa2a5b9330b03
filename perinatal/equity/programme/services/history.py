"""What every change to the programme writes beside itself: a history entry for the programme's
pages and an audit event (docs/rules/equity.md §3: every change is kept, with who and when)."""

from __future__ import annotations

from perinatal.core import audit, clock
from perinatal.equity.models import HistoryEntry, Intake, Programme
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Organisation, Site


class ProgrammeRefused(Refused):
    """A change to the programme refused, naming the form field it concerns (``__all__``: none)."""


def record_change(
    *,
    programme: Programme,
    by,
    summary: str,
    obj=None,
    intake: Intake | None = None,
    site: Site | None = None,
    trust: Organisation | None = None,
    action: str = audit.Action.UPDATE,
    request=None,
) -> HistoryEntry:
    """Keep the change in the programme's history and the audit trail. ``summary`` names sites,
    intakes and roles, never a person (ICBs and regions read the history of their trusts)."""
    entry = HistoryEntry.objects.create(
        programme=programme,
        at=clock.now(),
        actor=by,
        actor_label=by.email if by is not None else "the service",
        intake=intake,
        site=site,
        trust=trust,
        summary=summary[:300],
    )
    audit.record(
        action=action,
        obj=obj if obj is not None else entry,
        organisation=trust,
        summary=f"Equity programme: {summary}",
        request=request,
        actor=by,
    )
    return entry
