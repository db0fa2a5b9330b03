"""Reads for the core pages: the audit trail, filtered the way an auditor asks.

"Who approved this person's access?" or "who viewed this notification?" is answered
by narrowing the trail to one kind of action and one kind of record, one person, and the days
between two dates; a busy trust writes hundreds of events a day, so paging alone does not
answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from perinatal.core.models import AuditEvent
from perinatal.kernel.london_time import LONDON


@dataclass(frozen=True)
class AuditFilter:
    """The choices on the audit trail page; an empty string means "any"."""

    action: str = ""
    record_type: str = ""
    person: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def is_active(self) -> bool:
        return bool(self.action or self.record_type or self.person or self.since or self.until)


def _start_of(day: date) -> datetime:
    """Midnight at the start of a day on England's calendar."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


def filtered_audit_events(events: QuerySet, *, audit_filter: AuditFilter) -> QuerySet:
    """The events matching the filter. The person is found by part of their name or email (the
    email is kept on the event if the account is later deleted); the days are England's."""
    if audit_filter.action:
        events = events.filter(action=audit_filter.action)
    if audit_filter.record_type:
        events = events.filter(object_type=audit_filter.record_type)
    if audit_filter.person:
        events = events.filter(
            Q(actor__full_name__icontains=audit_filter.person) | Q(actor_label__icontains=audit_filter.person)
        )
    if audit_filter.since:
        events = events.filter(at__gte=_start_of(audit_filter.since))
    if audit_filter.until:
        events = events.filter(at__lt=_start_of(audit_filter.until + timedelta(days=1)))
    return events


def audit_record_types(events: QuerySet) -> list[str]:
    """The kinds of record the reader's trail holds, for the filter's choices."""
    return sorted(events.order_by().values_list("object_type", flat=True).distinct())


def audit_action_choices(events: QuerySet) -> list[tuple[str, str]]:
    """The actions the reader's trail holds (value, label), in the order the model lists them:
    offering "Signed in" to a reader who can never see a sign-in would only ever find nothing."""
    present = set(events.order_by().values_list("action", flat=True).distinct())
    return [(value, label) for value, label in AuditEvent.Action.choices if value in present]
