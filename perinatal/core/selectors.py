"""Reads for the core pages: the audit trail, filtered the way an auditor asks.

"Who approved this person's access?" or "who viewed this notification?" is answered
by narrowing the trail to one kind of action and one kind of record; a busy trust
writes hundreds of events a day, so paging alone does not answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet

from perinatal.core.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    """The choices on the audit trail page; an empty string means "any"."""

    action: str = ""
    record_type: str = ""

    @classmethod
    def from_query(cls, query) -> AuditFilter:
        # Unknown values are ignored rather than refused: the filter is a GET form,
        # and an out-of-date bookmark should show the whole trail, not an error.
        action = query.get("action", "")
        return cls(
            action=action if action in AuditEvent.Action.values else "", record_type=query.get("record", "")[:60]
        )

    @property
    def is_active(self) -> bool:
        return bool(self.action or self.record_type)

    def query_string(self, *, page: int | None = None) -> str:
        pairs = {"action": self.action, "record": self.record_type, "page": page or ""}
        return "?" + urlencode({key: value for key, value in pairs.items() if value})


def filtered_audit_events(events: QuerySet, *, audit_filter: AuditFilter) -> QuerySet:
    if audit_filter.action:
        events = events.filter(action=audit_filter.action)
    if audit_filter.record_type:
        events = events.filter(object_type=audit_filter.record_type)
    return events


def audit_record_types(events: QuerySet) -> list[str]:
    """The kinds of record the reader's trail holds, for the filter's choices."""
    return sorted(events.order_by().values_list("object_type", flat=True).distinct())


def audit_action_choices(events: QuerySet) -> list[tuple[str, str]]:
    """The actions the reader's trail holds (value, label), in the order the model lists them:
    offering "Signed in" to a reader who can never see a sign-in would only ever find nothing."""
    present = set(events.order_by().values_list("action", flat=True).distinct())
    return [(value, label) for value, label in AuditEvent.Action.choices if value in present]
