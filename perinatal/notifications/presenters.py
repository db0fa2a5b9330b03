"""Shaping notifications for pages and API responses (no queries beyond the selectors')."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from perinatal.core import clock
from perinatal.core.formatting import date_and_time, long_date
from perinatal.kernel.london_time import InvalidTimestamp
from perinatal.notifications import selectors
from perinatal.notifications.filters import INBOX_STATUSES, TRUST_STATUSES
from perinatal.notifications.models import BodyCase, Delivery, InformationRequest, Notification, body_name
from perinatal.notifications.routing import BODY_ORDER, parse_timestamp
from perinatal.notifications.wording import PLACE_LABELS, event_type_text, gestation_text, nhs_number_text, yes_no

CATEGORY_LABELS = {
    "late_fetal_loss": "Late fetal loss",
    "stillbirth": "Stillbirth",
    "neonatal_death": "Neonatal death",
    "maternal_death": "Maternal death",
    "intrapartum_stillbirth": "Intrapartum stillbirth",
    "early_neonatal_death": "Early neonatal death",
    "severe_brain_injury": "Potential severe brain injury",
}
FLAG_LABELS = {
    "termination": "Termination of pregnancy",
    "mri_awaited": "MRI awaited",
    "labour_onset_unknown": "Not known if the baby was alive at the onset of labour",
}
STATUS_TAG_CLASSES = {
    Delivery.Status.QUEUED: "nhsuk-tag--blue",
    Delivery.Status.SENT: "nhsuk-tag--white",
    Delivery.Status.ACKNOWLEDGED: "nhsuk-tag--green",
    Delivery.Status.FAILED: "nhsuk-tag--red",
}


def category_label(code: str | None) -> str:
    return CATEGORY_LABELS.get(code or "", (code or "").replace("_", " ").capitalize())


def flag_label(code: str) -> str:
    return FLAG_LABELS.get(code, code.replace("_", " ").capitalize())


def delivery_status_label(delivery: Delivery) -> str:
    if delivery.status == Delivery.Status.QUEUED and delivery.attempts and delivery.last_error:
        return "Retrying"
    return delivery.get_status_display()


# The trust's status page ---------------------------------------------------------------------------


@dataclass
class BodyRow:
    body: str
    name: str
    routed: bool
    category: str = ""
    rules: list[str] = field(default_factory=list)
    reason: str = ""
    flags: list[str] = field(default_factory=list)
    due_on: date | None = None
    case: BodyCase | None = None
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def latest(self) -> Delivery | None:
        """The delivery whose status is the body's status: the last notification, amendment or
        withdrawal (an MNSI reference passed on to NHS Resolution does not count)."""
        main = [d for d in self.deliveries if d.kind != Delivery.Kind.REFERENCE]
        return (main or self.deliveries or [None])[-1]

    @property
    def status_label(self) -> str:
        latest = self.latest
        if latest is None:
            return "Not sent"
        label = delivery_status_label(latest)
        return f"{latest.get_kind_display()}: {label.lower()}"

    @property
    def status_class(self) -> str:
        latest = self.latest
        if latest is None:
            return "nhsuk-tag--grey"
        if latest.status == Delivery.Status.QUEUED and latest.attempts and latest.last_error:
            return "nhsuk-tag--orange"
        return STATUS_TAG_CLASSES.get(latest.status, "nhsuk-tag--grey")


@dataclass
class NotificationStatus:
    notification: Notification
    routing: dict[str, Any]
    rows: list[BodyRow]
    not_routed: list[dict[str, Any]]
    versions: list
    information_requests: list[InformationRequest]
    linked: list[Notification]
    facts: list[tuple[str, str]]

    @property
    def destinations(self) -> list[BodyRow]:
        return [row for row in self.rows if row.routed]

    @property
    def withdrawn(self) -> list[BodyRow]:
        return [row for row in self.rows if not row.routed]


def _body_rows(notification: Notification) -> tuple[dict[str, Any], list[BodyRow]]:
    """The routing of the current version and a row per body it concerns."""
    version = notification.current_version
    routing = version.routing if version else {}
    cases = selectors.cases_of(notification)
    deliveries = selectors.deliveries_of(notification)
    rows = []
    for body in (str(b) for b in BODY_ORDER):
        destination = next((d for d in routing.get("destinations", []) if d["body"] == body), None)
        body_deliveries = [d for d in deliveries if d.body == body]
        if destination is None and body not in cases and not body_deliveries:
            continue
        case = cases.get(body)
        # Withdrawn in error: every body that had it was told (docs/rules/routing.md §9).
        withdrawn = notification.state == Notification.State.WITHDRAWN
        row = BodyRow(
            body=body,
            name=body_name(body),
            routed=destination is not None and not withdrawn,
            case=case,
            deliveries=body_deliveries,
            due_on=case.due_on if case and destination and not withdrawn else None,
        )
        if withdrawn and destination is not None:
            row.reason = f"Withdrawn by the trust as made in error: {notification.state_reason}"
        elif destination is not None:
            row.category, row.rules = category_label(destination["category"]), destination["rules"]
            row.reason, row.flags = destination["reason"], [flag_label(f) for f in destination["flags"]]
        else:
            not_routed = next((n for n in routing.get("not_routed", []) if n["body"] == body), None)
            row.reason = not_routed["reason"] if not_routed else ""
            row.rules = not_routed["rules"] if not_routed else []
        rows.append(row)
    return routing, rows


def _not_routed(routing: dict[str, Any], rows: list[BodyRow]) -> list[dict[str, Any]]:
    """Bodies the routing left out, but for those a row already shows (a body withdrawn from)."""
    shown = {row.body for row in rows}
    return [n for n in routing.get("not_routed", []) if n["body"] not in shown]


def notification_status(notification: Notification, *, identifiers: bool = True) -> NotificationStatus:
    """The trust's status page; `identifiers`: whether the reader's role sees the mother's and
    the baby's identifiers (docs/adr/0021-who-sees-identifiers.md)."""
    version = notification.current_version
    routing, rows = _body_rows(notification)
    document = version.document if version else {}
    linked = [n for n in [notification.linked_notification, *notification.linked_from.all()] if n is not None]
    return NotificationStatus(
        notification=notification,
        routing=routing,
        rows=rows,
        not_routed=_not_routed(routing, rows),
        versions=list(notification.versions.select_related("created_by").order_by("-number")),
        information_requests=selectors.information_requests_of(notification),
        linked=linked,
        facts=document_facts(
            document,
            site_names=selectors.site_names(site_codes(document)),
            categories=[d["category"] for d in routing.get("destinations", [])],
            identifiers=identifiers,
        ),
    )


def _timestamp(value: object) -> str:
    if not isinstance(value, str):
        return "Not known"
    try:
        instant = parse_timestamp(value)
    except InvalidTimestamp:
        return value
    return date_and_time(instant)


def _place(value: object, site_names: Mapping[str, str]) -> str:
    if not isinstance(value, dict):
        return "Not given"
    site = value.get("site")
    if site:
        # The site's name, as people know it, with the ODS code the bodies file it under.
        return f"{site_names[site]} ({site})" if site in site_names else f"{PLACE_LABELS['hospital']} ({site})"
    return PLACE_LABELS.get(value.get("type"), str(value.get("type")))


def _gestation(value: object) -> str:
    if not isinstance(value, dict):
        return "Not known"
    text = gestation_text(value.get("weeks"), value.get("days"))
    if "reliable" in value:
        text += "" if value.get("reliable") else " (not reliable)"
    return text


LABELS: dict[str, str] = {
    "trust": "Reporting trust",
    "event": "What happened",
    "place_of_birth": "Place of birth",
    "place_of_death": "Place of death",
    "linked_notification": "Linked notification",
    "mother.nhs_number": "Mother's NHS number",
    "mother.date_of_birth": "Mother's date of birth",
    "mother.postcode": "Mother's postcode",
    "mother.death.died_at": "Mother died",
    "mother.death.pregnant_at_death": "Pregnant when she died",
    "mother.death.pregnancy_ended_on": "Pregnancy ended on",
    "mother.death.pregnancy_outcome": "How the pregnancy ended",
    "baby.nhs_number": "Baby's NHS number",
    "baby.born_at": "Born",
    "baby.gestation": "Gestation at birth",
    "baby.birth_weight_g": "Birth weight",
    "baby.born_alive": "Born alive",
    "baby.died_at": "Died",
    "baby.multiple_birth": "Multiple birth",
    "baby.death_confirmed_gestation": "Gestation when the death in the womb was confirmed",
    "baby.termination_of_pregnancy": "Termination of pregnancy",
    "baby.congenital_anomaly_caused_outcome": "Congenital anomaly caused the outcome",
    "baby.alive_at_onset_of_labour": "Alive at the onset of labour",
    "labour.status": "Labour",
    "brain_injury.diagnosed_day": "Brain injury first diagnosed (age in days)",
    "brain_injury.therapeutic_hypothermia": "Therapeutic hypothermia (cooling)",
    "brain_injury.grade_3_hie": "Grade 3 HIE",
    "brain_injury.decreased_central_tone": "Decreased central tone",
    "brain_injury.comatose": "Comatose",
    "brain_injury.seizures": "Seizures",
    "brain_injury.altered_consciousness": "Altered consciousness",
    "brain_injury.hypotonia": "Hypotonia",
    "brain_injury.abnormal_reflexes": "Abnormal reflexes",
    "brain_injury.weak_or_absent_suck": "Weak or absent suck",
    "brain_injury.mri": "MRI",
}
_COMPOSITE = {
    "baby.gestation": _gestation,
    "baby.death_confirmed_gestation": _gestation,
}
# The identifiable fields (docs/adr/0021-who-sees-identifiers.md): shown only to the roles
# that need them (perinatal.accounts.scoping.SEE_NOTIFICATION_IDENTIFIERS).
IDENTIFIER_PATHS = frozenset({"mother.nhs_number", "mother.date_of_birth", "mother.postcode", "baby.nhs_number"})
_VALUES = {
    "labour.status": {"labour": "In labour", "no_labour": "Not in labour"},
    "brain_injury.mri": {"hie": "Shows HIE", "normal": "Normal", "pending": "Awaited", "not_done": "Not done"},
    "mother.death.pregnancy_outcome": {
        "birth": "Birth",
        "miscarriage": "Miscarriage",
        "ectopic": "Ectopic",
        "termination": "Termination",
        "unknown": "Not known",
    },
}


_DATES = frozenset({"mother.date_of_birth", "mother.death.pregnancy_ended_on"})


def _date(value: object) -> str:
    try:
        return long_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


_SECTIONS = frozenset({"mother", "mother.death", "baby", "labour", "brain_injury"})


def _format(path: str, value: Any, site_names: Mapping[str, str]) -> str:
    if path in ("place_of_birth", "place_of_death"):
        return _place(value, site_names)
    if path in _COMPOSITE:
        return _COMPOSITE[path](value)
    if path.endswith("nhs_number"):
        return nhs_number_text(value, stored_form_only=True)
    if value is None:
        return "None" if path == "linked_notification" else "Not given" if path.endswith("_at") else "Not known"
    if path.endswith("_at"):
        return _timestamp(value)
    if path in _DATES:
        return _date(value)
    if path in _VALUES:
        return _VALUES[path].get(value, str(value))
    if path == "baby.birth_weight_g":
        return f"{value} g"
    if isinstance(value, bool):
        return yes_no(value)
    return str(value)


def _applies(path: str, document: Mapping[str, Any]) -> bool:
    """Whether a question is one this event has, for a field left empty: a stillborn baby has
    no separate time of death ("Died: Not given" would mislead), a baby alive has no place of
    death, only a baby who died in the womb has a gestation when that was confirmed."""
    baby = document.get("baby") if isinstance(document.get("baby"), Mapping) else {}
    death = (document.get("mother") or {}).get("death") if isinstance(document.get("mother"), Mapping) else None
    stillborn = baby.get("born_alive") is False
    died = stillborn or bool(baby.get("died_at")) or document.get("event") == "maternal"
    not_applicable = {
        "baby.died_at": True,  # stillborn: the birth is the death; born alive and no time: alive
        "place_of_death": not died,
        "baby.death_confirmed_gestation": not stillborn,
        "baby.alive_at_onset_of_labour": not stillborn,
        "baby.termination_of_pregnancy": not died,
        "baby.congenital_anomaly_caused_outcome": not died and not document.get("brain_injury"),
        "mother.death.pregnancy_ended_on": isinstance(death, Mapping) and death.get("pregnant_at_death") is True,
        "mother.death.pregnancy_outcome": isinstance(death, Mapping) and death.get("pregnant_at_death") is True,
    }
    return not not_applicable.get(path, False)


def document_facts(
    document: Mapping[str, Any],
    *,
    site_names: Mapping[str, str] | None = None,
    categories: Iterable[str] = (),
    identifiers: bool = True,
) -> list[tuple[str, str]]:
    """(label, text) rows for the fields of `document` (or a body's payload part) that this
    event has: the event in words (`categories`: the routing categories it went under),
    places by their site's name (`site_names`: code to name), and without the identifiers
    unless `identifiers` (the reader's role needs them)."""
    rows: list[tuple[str, str]] = []

    def walk(part: Mapping[str, Any], prefix: str) -> None:
        for key, value in part.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and path not in _COMPOSITE and path not in ("place_of_birth", "place_of_death"):
                walk(value, path)
            elif value is None and (path in _SECTIONS or not _applies(path, document)):
                continue  # a part or a question the event does not have
            elif path in IDENTIFIER_PATHS and not identifiers:
                continue
            elif path == "event":
                rows.append((LABELS[path], event_type_text(document, categories)))
            else:
                label = LABELS.get(path, path.replace("_", " ").replace(".", ": ").capitalize())
                rows.append((label, _format(path, value, site_names or {})))

    walk(document, "")
    return rows


def site_codes(document: Mapping[str, Any]) -> set[str]:
    """The ODS site codes of a document's places (to look their names up)."""
    codes = set()
    for place in ("place_of_birth", "place_of_death"):
        value = document.get(place)
        if isinstance(value, Mapping) and value.get("site"):
            codes.add(str(value["site"]))
    return codes


# API responses ---------------------------------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return clock.london(value).isoformat() if isinstance(value, datetime) else value.isoformat()


def status_json(notification: Notification) -> dict[str, Any]:
    """The notification's status for its trust's API client: routing, deliveries, references."""
    # Only what the answer holds: not the page's versions, linked notifications and facts.
    routing, rows = _body_rows(notification)

    def body_json(row: BodyRow) -> dict[str, Any]:
        case = row.case
        return {
            "body": row.body,
            "category": next((d["category"] for d in routing.get("destinations", []) if d["body"] == row.body), None),
            "rules": row.rules,
            "reason": row.reason,
            "flags": next((d["flags"] for d in routing.get("destinations", []) if d["body"] == row.body), []),
            "due_on": _iso(row.due_on),
            "status": row.latest.status if row.latest else None,
            "body_reference": (case.body_reference or None) if case else None,
            "acknowledged_at": _iso(case.acknowledged_at) if case else None,
            "deliveries": [
                {
                    "kind": d.kind,
                    "version": d.version.number,
                    "idempotency_key": d.idempotency_key,
                    "status": d.status,
                    "attempts": d.attempts,
                    "sent_at": _iso(d.sent_at),
                    "last_error": d.last_error or None,
                }
                for d in row.deliveries
            ],
        }

    return {
        "reference": notification.reference,
        "trust": notification.trust.code,
        "event": notification.event,
        "state": notification.state,
        "state_reason": notification.state_reason or None,
        "state_changed_at": _iso(notification.state_changed_at),
        "possible_duplicate_of": list(notification.possible_duplicate_of or []),
        "distinct_because": notification.distinct_because or None,
        "version": notification.current_version.number if notification.current_version else None,
        "created_at": _iso(notification.created_at),
        "updated_at": _iso(notification.updated_at),
        "linked_notification": notification.linked_notification.reference if notification.linked_notification else None,
        "rules_version": routing.get("rules_version"),
        "destinations": [body_json(row) for row in rows if row.routed],
        "withdrawn": [body_json(row) for row in rows if not row.routed],
        "not_routed": _not_routed(routing, rows),
        "onward": routing.get("onward", []),
        "advice": routing.get("advice", []),
        "information_requests": [
            {
                "body": info.body,
                "question": info.question,
                "asked_at": _iso(info.asked_at),
                "answered_at": _iso(info.answered_at),
            }
            for info in selectors.information_requests_of(notification)
        ],
    }


# The trust's notifications list, the home page and the bodies' inboxes ----------------------------


@dataclass(frozen=True)
class ListRow:
    """One notification on the trust's list or home page: what, when, and where it stands."""

    notification: Notification
    event: str
    bodies: list[tuple[str, str]]
    status: str
    status_class: str
    overdue: bool
    open_questions: int


def _first_status(notification: Notification, routed: list[str]) -> str:
    """The status that most needs the trust's attention (filters.TRUST_STATUSES, in that order)."""
    cases = [case for case in notification.body_cases.all() if case.routed]
    if getattr(notification, "open_questions", 0):
        return "question"
    if any(d.status == Delivery.Status.FAILED for d in notification.deliveries.all()):
        return "failed"
    if any(d.status == Delivery.Status.QUEUED for d in notification.deliveries.all()):
        return "sending"
    if any(case.acknowledged_at is None for case in cases):
        return "waiting"
    return "acknowledged" if cases or routed else "not_sent"


_TRUST_STATUS_CLASSES = {
    "question": "nhsuk-tag--orange",
    "failed": "nhsuk-tag--red",
    "sending": "nhsuk-tag--blue",
    "waiting": "nhsuk-tag--white",
    "acknowledged": "nhsuk-tag--green",
    "not_sent": "nhsuk-tag--grey",
}


def list_row(notification: Notification) -> ListRow:
    """A row of `selectors.notification_list` (deliveries and cases prefetched, questions counted)."""
    version = notification.current_version
    routing = version.routing if version else {}
    destinations = routing.get("destinations", [])
    routed = [str(body) for body in BODY_ORDER if any(d["body"] == str(body) for d in destinations)]
    latest: dict[str, Delivery] = {}
    for delivery in sorted(notification.deliveries.all(), key=lambda d: d.pk):
        if delivery.kind != Delivery.Kind.REFERENCE:
            latest[delivery.body] = delivery
    status = _first_status(notification, routed)
    return ListRow(
        notification=notification,
        event=event_type_text(version.document if version else {}, [d["category"] for d in destinations]),
        bodies=[(body_name(b), delivery_status_label(latest[b]) if b in latest else "Not sent") for b in routed],
        status=TRUST_STATUSES[status],
        status_class=_TRUST_STATUS_CLASSES[status],
        overdue=bool(getattr(notification, "overdue", False)),
        open_questions=getattr(notification, "open_questions", 0),
    )


@dataclass(frozen=True)
class InboxRow:
    """One notification in a body's inbox, as that body sees its own case."""

    notification: Notification
    case: BodyCase | None
    category: str
    due: str
    status: str
    status_class: str
    overdue: bool
    open_questions: int


def inbox_row(notification: Notification, *, body: str) -> InboxRow:
    """A row of `selectors.filter_inbox` (the body's case prefetched as `case_list`)."""
    case = notification.case_list[0] if getattr(notification, "case_list", None) else None
    if case is not None and not case.routed:
        status, css, due = "withdrawn", "nhsuk-tag--grey", "Withdrawn: no longer due"
    else:
        acknowledged = case is not None and case.acknowledged_at is not None
        status = "asked" if getattr(notification, "open_questions", 0) else "acknowledged" if acknowledged else "new"
        css = {"asked": "nhsuk-tag--orange", "acknowledged": "nhsuk-tag--green", "new": "nhsuk-tag--blue"}[status]
        due = long_date(case.due_on) if case is not None and case.due_on else "No deadline is published"
    return InboxRow(
        notification=notification,
        case=case,
        category=category_label(case.category) if case else "",
        due=due,
        status=INBOX_STATUSES[status],
        status_class=css,
        overdue=bool(getattr(notification, "overdue", False)),
        open_questions=getattr(notification, "open_questions", 0),
    )


# Held submissions (docs/rules/routing.md §7.2) -----------------------------------------------------

#: What the trust compares to decide whether a held submission is the same event.
COMPARED_PATHS = {
    "baby": (
        "baby.born_at",
        "baby.born_alive",
        "baby.died_at",
        "baby.nhs_number",
        "mother.nhs_number",
        "baby.multiple_birth",
        "baby.gestation",
        "baby.birth_weight_g",
        "place_of_birth",
    ),
    "maternal": ("mother.death.died_at", "mother.nhs_number", "mother.date_of_birth", "place_of_death"),
}


def fact_text(path: str, value: Any, *, site_names: Mapping[str, str] | None = None) -> str:
    """A document field's value as the status page shows it (places by their site's name where known)."""
    return _format(path, value, site_names or {})


def _at_path(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


@dataclass(frozen=True)
class Comparison:
    """A held submission beside the notifications it may duplicate: one column each."""

    columns: list[Notification]
    rows: list[tuple[str, list[str]]]


def duplicate_comparison(held: Notification, others: list[Notification]) -> Comparison:
    columns = [held, *others]
    rows: list[tuple[str, list[str]]] = [
        ("Submitted", [f"{date_and_time(n.created_at)} ({n.get_created_via_display()})" for n in columns]),
        ("State", [n.get_state_display() for n in columns]),
        ("Sent to", [_sent_to(n) for n in columns]),
    ]
    documents = [n.current_version.document if n.current_version else {} for n in columns]
    names = selectors.site_names(set().union(*(site_codes(document) for document in documents)))
    for path in COMPARED_PATHS.get(held.event, ()):
        values = [fact_text(path, _at_path(document, path), site_names=names) for document in documents]
        rows.append((LABELS.get(path, path), values))
    return Comparison(columns=columns, rows=rows)


def _sent_to(notification: Notification) -> str:
    if notification.is_held:
        return "Not sent: held for your decision"
    if notification.state == Notification.State.DISCARDED:
        return "Not sent: discarded"
    version = notification.current_version
    bodies = version.destination_bodies if version is not None else []
    return ", ".join(body_name(body) for body in bodies) or "No national body"
