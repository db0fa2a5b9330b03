"""The audit trail as people read it: who (a name and the organisation they acted for), what was
done and to what, in words (issue 12: the page showed model names, database ids and UUIDs).

The stored events stay as they are written (perinatal.core.audit: plain words, records named by
reference or id, never identifiable data). This module, on the top floor, may read every part of
the service, so it turns an event's record into what people call it ("Notification
PEN-2026-000012", "Critical safety check CSC-3", "Account of Amina Okafor") and a person's id in
a summary ("by user 12") into their name. Staff are named, as the trail is there to say who did
what; mothers and babies never are: a notification is named by its reference only.

The page and its CSV download show the same rows (:func:`audit_rows`).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.apps import apps

from perinatal.accounts.models import AccessRequest, User
from perinatal.accounts.roles import Role
from perinatal.core.exports import ExportColumn, ExportTable
from perinatal.core.form_fields import DatePartsField, FilterForm, TextField
from perinatal.core.formatting import date_and_time, month_and_year
from perinatal.core.models import AuditEvent
from perinatal.core.selectors import AuditFilter
from perinatal.notifications.models import Delivery, Draft, InformationRequest, Notification, body_name
from perinatal.organisations.models import Organisation

__all__ = ["AUDIT_EXPORT_LIMIT", "AuditFilterForm", "AuditRow", "audit_rows", "audit_table", "record_kind_choices"]

AUDIT_EXPORT_LIMIT = 50_000
"""Rows in one download at most (newest first); a narrower filter downloads the rest."""

# --- what a record is called -------------------------------------------------------------------------

RECORD_NOUNS = {
    "accounts.User": "Account",
    "accounts.AccessRequest": "Access request",
    "accounts.NominationUpload": "Nominated users list",
    "accounts.AccountLink": "Account link",
    "notifications.Notification": "Notification",
    "notifications.Draft": "Draft notification",
    "notifications.Delivery": "Delivery to a national body",
    "notifications.InformationRequest": "Question from a national body",
    "notifications.ApiToken": "API token",
    "surveillance.CriticalSafetyCheck": "Critical safety check",
    "surveillance.Signal": "MOSS signal",
    "surveillance.MossRun": "MOSS run",
    "surveillance.ContactNotice": "Notice to a trust's contacts",
    "surveillance.ReferenceRateUpload": "Reference rates load",
    "reports.BoardReport": "Board report",
    "dashboard.Upload": "Data upload",
    "organisations.Organisation": "Organisation",
    "organisations.AccountDetails": "Trust's account details",
}


def record_noun(object_type: str) -> str:
    """What people call a kind of record: the table above, else the model's own name."""
    if object_type in RECORD_NOUNS:
        return RECORD_NOUNS[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return "Record"
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def _ids(values: Iterable[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def _users(ids: Iterable[str]) -> dict[str, str]:
    return {str(user.pk): f"Account of {user.display_name}" for user in User.objects.filter(pk__in=_ids(ids))}


def _access_requests(ids: Iterable[str]) -> dict[str, str]:
    return {
        str(request.pk): f"Access request of {request.full_name}: {request.role_label} at {request.trust.display_name}"
        for request in AccessRequest.objects.filter(pk__in=_ids(ids)).select_related("trust")
    }


def _notifications(ids: Iterable[str]) -> dict[str, str]:
    return {
        str(pk): f"Notification {reference}"
        for pk, reference in Notification.objects.filter(pk__in=_ids(ids)).values_list("pk", "reference")
    }


def _drafts(ids: Iterable[str]) -> dict[str, str]:
    valid = []
    for value in ids:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue  # not a draft's id: nothing to look up
    labels = {}
    for draft in Draft.objects.filter(pk__in=valid).select_related("submitted"):
        became = f", submitted as {draft.submitted.reference}" if draft.submitted else ""
        labels[str(draft.pk)] = f"Draft notification{became}"
    return labels


def _deliveries(ids: Iterable[str]) -> dict[str, str]:
    return {
        str(delivery.pk): f"Delivery of {delivery.notification.reference} to {body_name(delivery.body)}"
        for delivery in Delivery.objects.filter(pk__in=_ids(ids)).select_related("notification")
    }


def _questions(ids: Iterable[str]) -> dict[str, str]:
    return {
        str(question.pk): f"{body_name(question.body)}'s question about {question.notification.reference}"
        for question in InformationRequest.objects.filter(pk__in=_ids(ids)).select_related("notification")
    }


def _organisations(ids: Iterable[str]) -> dict[str, str]:
    return {str(org.pk): f"{org.display_name} ({org.code})" for org in Organisation.objects.filter(pk__in=_ids(ids))}


def _model_labels(label: str, words: Callable[[object], str], related: tuple[str, ...] = ()):
    """A labeller for a model whose records have a plain reference of their own."""

    def labeller(ids: Iterable[str]) -> dict[str, str]:
        model = apps.get_model(label)
        queryset = model.objects.filter(pk__in=_ids(ids))
        if related:
            queryset = queryset.select_related(*related)
        return {str(obj.pk): words(obj) for obj in queryset}

    return labeller


LABELLERS: dict[str, Callable[[Iterable[str]], dict[str, str]]] = {
    "accounts.User": _users,
    "accounts.AccessRequest": _access_requests,
    "notifications.Notification": _notifications,
    "notifications.Draft": _drafts,
    "notifications.Delivery": _deliveries,
    "notifications.InformationRequest": _questions,
    "notifications.ApiToken": _model_labels("notifications.ApiToken", lambda token: f"API token {token.prefix}…"),
    "surveillance.CriticalSafetyCheck": _model_labels(
        "surveillance.CriticalSafetyCheck",
        lambda check: f"Critical safety check {check.reference} at {check.site.name} ({check.site.code})",
        ("site",),
    ),
    "surveillance.Signal": _model_labels(
        "surveillance.Signal",
        lambda signal: f"MOSS signal at {signal.site.code}, {month_and_year(signal.month)}, level {signal.level}",
        ("site",),
    ),
    "surveillance.ContactNotice": _model_labels(
        "surveillance.ContactNotice",
        lambda notice: f"Notice of critical safety check {notice.safety_check.reference}",
        ("safety_check",),
    ),
    "reports.BoardReport": _model_labels(
        "reports.BoardReport",
        lambda report: f"Board report of {report.trust.code} for {month_and_year(report.month)}",
        ("trust",),
    ),
    "organisations.Organisation": _organisations,
}


def _record_labels(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """(object_type, object_id) -> its words, a query per kind of record on the page."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_id:
            wanted[event.object_type].add(event.object_id)
    labels = {}
    for object_type, ids in wanted.items():
        labeller = LABELLERS.get(object_type)
        if labeller is None:
            continue
        for object_id, words in labeller(ids).items():
            labels[(object_type, object_id)] = words
    return labels


def _record_words(event: AuditEvent, labels: dict[tuple[str, str], str]) -> str:
    found = labels.get((event.object_type, event.object_id))
    if found:
        return found
    noun = record_noun(event.object_type) if event.object_type else ""
    # A short number names the record (a load, a run); a UUID names nothing a person can use.
    if event.object_id.isdigit():
        return f"{noun} {event.object_id}".strip()
    return noun


# --- what was done, in words -------------------------------------------------------------------------

_USER_ID = re.compile(r"\b([Uu])ser (\d+)\b")
_ROLES_CHANGE = re.compile(r"(?P<head>.*: )(?P<before>[a-z_, ]*) -> (?P<after>[a-z_, ]*)$")
_ROLE_LABELS = {role.value: role.label for role in Role}


def _role_words(values: str) -> str:
    names = [_ROLE_LABELS.get(value.strip(), value.strip()) for value in values.split(",") if value.strip()]
    return "; ".join(names) or "no role"


def _summary_words(summary: str, names: dict[int, str]) -> str:
    """The stored summary with people named instead of numbered, and role codes in words."""

    def name(match: re.Match) -> str:
        return names.get(int(match.group(2)), "a person since removed")

    text = _USER_ID.sub(name, summary)
    change = _ROLES_CHANGE.match(text)
    if change and "Roles of" in text:
        text = f"{change['head']}{_role_words(change['before'])} -> {_role_words(change['after'])}"
    return text[:1].upper() + text[1:]


def _people_named_in(events: list[AuditEvent]) -> dict[int, str]:
    ids = {int(match.group(2)) for event in events for match in _USER_ID.finditer(event.summary)}
    return {user.pk: user.display_name for user in User.objects.filter(pk__in=ids)} if ids else {}


# --- rows -----------------------------------------------------------------------------------------------

SYSTEM = "The service (automatic)"
NOT_SIGNED_IN = "Someone not signed in"


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    when: str
    who: str
    acting_for: str
    action: str
    what: str
    record: str
    organisation: str


def _who(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.display_name
    if event.actor_label and event.actor_label != "anonymous":
        return event.actor_label  # the person's email, kept when their account was deleted
    return NOT_SIGNED_IN if event.ip_address else SYSTEM


def _organisation_words(organisation: Organisation | None) -> str:
    return f"{organisation.display_name} ({organisation.code})" if organisation is not None else ""


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """The events as the page and the download show them (select_related actor and organisations)."""
    events = list(events)
    labels = _record_labels(events)
    names = _people_named_in(events)
    return [
        AuditRow(
            at=event.at,
            when=date_and_time(event.at),
            who=_who(event),
            acting_for=_organisation_words(event.actor_organisation),
            action=event.get_action_display(),
            what=_summary_words(event.summary, names),
            record=_record_words(event, labels),
            organisation=_organisation_words(event.organisation),
        )
        for event in events
    ]


def audit_table(rows: list[AuditRow], *, title: str, notes: tuple[str, ...] = ()) -> ExportTable:
    """The rows as a download (perinatal.core.exports: a cell that would start a formula stays text)."""
    return ExportTable(
        title=title,
        columns=(
            ExportColumn("when", "When it was done, in England's local time (ISO 8601 with the offset)"),
            ExportColumn("who", "The person who did it, or the service when it was automatic"),
            ExportColumn("acting_for", "The organisation the person acted for"),
            ExportColumn("action", "What kind of thing was done"),
            ExportColumn("what", "What was done, in words"),
            ExportColumn("record", "The record it was done to"),
            ExportColumn("organisation", "The organisation whose record it is"),
        ),
        rows=[
            (row.at.isoformat(), row.who, row.acting_for, row.action, row.what, row.record, row.organisation)
            for row in rows
        ],
        notes=notes,
    )


def record_kind_choices(object_types: Iterable[str]) -> list[tuple[str, str]]:
    """The kinds of record in the reader's trail, in words, by name."""
    return sorted(((object_type, record_noun(object_type)) for object_type in object_types), key=lambda c: c[1])


# --- the filters ----------------------------------------------------------------------------------------


class AuditFilterForm(FilterForm):
    """What was done, to which kind of record, by whom, and between which days (a GET form: an
    unknown choice is ignored, a date a person typed is checked with a message naming it)."""

    action = forms.ChoiceField(required=False)
    record = forms.ChoiceField(required=False)
    person = TextField(what="the person's name or email", max_length=150, required=False)
    since = DatePartsField(what="the first day", required=False)
    until = DatePartsField(what="the last day", required=False)

    def __init__(self, data=None, *, actions: list[tuple[str, str]], kinds: list[tuple[str, str]]):
        super().__init__(data, known_choices={"action": dict(actions), "record": dict(kinds)})
        self.fields["action"].choices = [("", "Any action"), *actions]
        self.fields["record"].choices = [("", "Any record"), *kinds]

    def clean_person(self) -> str:
        return " ".join((self.cleaned_data.get("person") or "").split())

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The last day must be the same as or after the first day")
        return data

    def value(self) -> AuditFilter:
        """The filter to apply: nothing filtered when the form has errors (the page says why)."""
        if not self.is_bound or not self.is_valid():
            return AuditFilter()
        data = self.cleaned_data
        return AuditFilter(
            action=data.get("action") or "",
            record_type=data.get("record") or "",
            person=data.get("person") or "",
            since=data.get("since"),
            until=data.get("until"),
        )
