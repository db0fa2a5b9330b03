"""Filters of the critical safety checks list: by status (overdue, open and not yet overdue,
completed), by trust and site, and by the days the checks opened (issue 12).

A GET form, as the notifications list's (perinatal.notifications.filters): an unknown choice in
the address (an old bookmark, a trust the reader no longer sees) is ignored rather than refused;
a date a person typed is checked, with a message naming the field. The trusts and sites offered
are those of the checks the reader may see, so the choices never name another organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms

from perinatal.core.form_fields import DatePartsField, FilterForm

__all__ = ["CHECK_STATUSES", "CheckFilter", "CheckFilterForm"]

#: A check's status as the list's tags say it (presenters.check_status).
CHECK_STATUSES = {
    "overdue": "Overdue",
    "due": "Open, not yet overdue",
    "completed": "Completed",
}


@dataclass(frozen=True)
class CheckFilter:
    """What to show; empty values mean "any"."""

    status: str = ""
    trust: str = ""
    site: str = ""
    opened_from: date | None = None
    opened_to: date | None = None

    @property
    def is_active(self) -> bool:
        return any((self.status, self.trust, self.site, self.opened_from, self.opened_to))


class CheckFilterForm(FilterForm):
    status = forms.ChoiceField(required=False)
    trust = forms.ChoiceField(required=False)
    site = forms.ChoiceField(required=False)
    opened_from = DatePartsField(what="the first day opened", required=False, allow_future=True)
    opened_to = DatePartsField(what="the last day opened", required=False, allow_future=True)

    def __init__(self, data=None, *, trusts: dict[str, str], sites: dict[str, str]):
        """``trusts`` and ``sites``: code -> name, of the checks the reader may see."""
        super().__init__(data, known_choices={"status": CHECK_STATUSES, "trust": trusts, "site": sites})
        self.fields["status"].choices = [("", "Any status"), *CHECK_STATUSES.items()]
        self.fields["trust"].choices = [("", "Any trust"), *trusts.items()]
        self.fields["site"].choices = [("", "Any site"), *sites.items()]
        self.offers_trust = len(trusts) > 1
        self.offers_site = len(sites) > 1

    def clean(self):
        data = super().clean()
        since, until = data.get("opened_from"), data.get("opened_to")
        if since and until and until < since:
            self.add_error("opened_to", "The last day opened must be the same as or after the first day")
        return data

    def value(self) -> CheckFilter:
        """The filter to apply: nothing filtered when the form has errors (the page says why)."""
        if not self.is_bound or not self.is_valid():
            return CheckFilter()
        data = self.cleaned_data
        return CheckFilter(
            status=data.get("status") or "",
            trust=data.get("trust") or "",
            site=data.get("site") or "",
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
        )
