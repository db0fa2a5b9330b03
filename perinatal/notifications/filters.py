"""Search and filters of the trust's notifications list and of each body's inbox: by kind of
event, status, overdue, the days submitted, and a reference or NHS number.

A GET form: an unknown choice in the address (an old bookmark) is ignored rather than
refused, but what a person typed (a date, an NHS number) is checked, with a message naming
the field. Searching by NHS number is only offered to a reader who sees NHS numbers
(docs/adr/0021-who-sees-identifiers.md); anyone else's search is by reference only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django import forms

from perinatal.core.form_fields import DatePartsField, FilterForm, TextField
from perinatal.kernel.nhs_numbers import InvalidNhsNumber, normalise_nhs_number
from perinatal.notifications.wording import EVENT_TYPES

__all__ = [
    "INBOX_SORTS",
    "INBOX_STATUSES",
    "LIST_SORTS",
    "TRUST_STATUSES",
    "NotificationFilter",
    "NotificationFilterForm",
]

#: The trust's view of a notification as a whole (docs/adr/0021-who-sees-identifiers.md lists
#: what each means): the first that applies is the row's status on the list.
TRUST_STATUSES = {
    "question": "A question is waiting for your answer",
    "failed": "A delivery failed",
    "sending": "Being sent",
    "waiting": "Waiting for acknowledgement",
    "acknowledged": "Acknowledged by every body",
    "not_sent": "Not sent to any national body",
}
#: A body's view of its own case.
INBOX_STATUSES = {
    "new": "Not acknowledged",
    "acknowledged": "Acknowledged",
    "asked": "Waiting for the trust's answer",
    "withdrawn": "Withdrawn",
}
#: Orders of the trust's list and of an inbox (the first is the default). "Due soonest" puts the
#: cases with a published deadline first, earliest first, and withdrawn or undated ones after.
LIST_SORTS = {"newest": "Newest first", "oldest": "Oldest first"}
INBOX_SORTS = {**LIST_SORTS, "due": "Due soonest"}
# A reference or part of one ("PEN-2026-000123", "000123"); an NHS number as people write it.
_REFERENCE = re.compile(r"[A-Z0-9-]+")
_NHS_NUMBER = re.compile(r"[0-9]{10}|[0-9]{3}([ -])[0-9]{3}\1[0-9]{4}")


@dataclass(frozen=True)
class NotificationFilter:
    """What to show; empty values mean "any"."""

    reference: str = ""
    nhs_number: str = ""
    event_type: str = ""
    status: str = ""
    overdue: bool = False
    submitted_from: date | None = None
    submitted_to: date | None = None
    #: The order, not a filter (is_active ignores it).
    sort: str = "newest"

    @property
    def is_active(self) -> bool:
        return any(
            (
                self.reference,
                self.nhs_number,
                self.event_type,
                self.status,
                self.overdue,
                self.submitted_from,
                self.submitted_to,
            )
        )


class NotificationFilterForm(FilterForm):
    search = TextField(what="the reference or NHS number", max_length=40, required=False)
    event_type = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False)
    overdue = forms.BooleanField(required=False)
    submitted_from = DatePartsField(what="the first day submitted", required=False)
    submitted_to = DatePartsField(what="the last day submitted", required=False)
    sort = forms.ChoiceField(required=False)

    def __init__(
        self, data=None, *, statuses: dict[str, str], nhs_number_search: bool, sorts: dict[str, str] = LIST_SORTS
    ):
        self.nhs_number_search = nhs_number_search
        self.statuses = statuses
        # An unknown sort (an old bookmark) means the usual order.
        super().__init__(data, known_choices={"event_type": EVENT_TYPES, "status": statuses, "sort": sorts})
        self.fields["event_type"].choices = [("", "Any kind of event"), *EVENT_TYPES.items()]
        self.fields["status"].choices = [("", "Any status"), *statuses.items()]
        self.fields["sort"].choices = list(sorts.items())
        if not nhs_number_search:
            self.fields["search"] = TextField(what="the reference", max_length=40, required=False)

    def _sort_asked(self) -> str:
        # The order asked for stands even while a typed filter is being corrected.
        asked = self.data.get("sort") if self.is_bound else ""
        return asked if asked in dict(self.fields["sort"].choices) else "newest"

    @property
    def search_label(self) -> str:
        return "Reference or NHS number" if self.nhs_number_search else "Reference"

    def clean_search(self) -> str:
        return " ".join((self.cleaned_data.get("search") or "").upper().split())

    def clean(self):
        data = super().clean()
        text = data.get("search") or ""
        data["reference"], data["nhs_number"] = "", ""
        if text and _NHS_NUMBER.fullmatch(text):
            if not self.nhs_number_search:
                self.add_error("search", "Search by the notification's reference, like PEN-2026-000123")
            else:
                try:
                    data["nhs_number"] = normalise_nhs_number(text)
                except InvalidNhsNumber:
                    self.add_error("search", "The NHS number is not valid. Check each digit, or enter a reference")
        elif text:
            if _REFERENCE.fullmatch(text):
                data["reference"] = text
            elif self.nhs_number_search:
                self.add_error("search", "Enter a reference, like PEN-2026-000123, or an NHS number, like 943 476 5919")
            else:
                self.add_error("search", "Enter a reference, like PEN-2026-000123")
        since, until = data.get("submitted_from"), data.get("submitted_to")
        if since and until and until < since:
            self.add_error("submitted_to", "The last day submitted must be the same as or after the first day")
        return data

    def value(self) -> NotificationFilter:
        """The filter to apply: nothing filtered when the form has errors (the page says why)."""
        if not self.is_bound or not self.is_valid():
            return NotificationFilter(sort=self._sort_asked())
        data = self.cleaned_data
        return NotificationFilter(
            reference=data["reference"],
            nhs_number=data["nhs_number"],
            event_type=data.get("event_type") or "",
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            sort=data.get("sort") or "newest",
        )
