"""Page context for an amendment: what changed, answer by answer, and "where this will now go
and why": each body's routing before and after, and what it will be sent (docs/rules/routing.md §8).

Plain functions over documents and routing results; no queries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from perinatal.notifications.amending.answers import changed_fields
from perinatal.notifications.journey import steps
from perinatal.notifications.journey.presenters import AnswerRow, due_text, place_text
from perinatal.notifications.journey.steps import get_path
from perinatal.notifications.models import body_name
from perinatal.notifications.presenters import LABELS, category_label, fact_text
from perinatal.notifications.routing import BODY_ORDER, Body, DueDate, RoutingResult


@dataclass(frozen=True)
class ChangedField:
    label: str
    before: str
    after: str


def _text(path: str, value: Any, site_names: Mapping[str, str]) -> str:
    if path in ("place_of_birth", "place_of_death"):
        return place_text(value, site_names=site_names, not_given="Not given")
    return fact_text(path, value, site_names=site_names)


def changes(before: Mapping[str, Any], after: Mapping[str, Any], *, site_names: Mapping[str, str]) -> list:
    """One row per answer the amendment changes: its label, what it was, what it will be."""
    return [
        ChangedField(
            label=LABELS.get(path, path),
            before=_text(path, get_path(before, path), site_names),
            after=_text(path, get_path(after, path), site_names),
        )
        for path in changed_fields(before, after)
    ]


def changed_slugs(answers: Mapping[str, Any], paths: Sequence[str]) -> frozenset[str]:
    """The question pages asking these fields (to mark their rows)."""
    found = {steps.step_for_field(answers, path) for path in paths}
    return frozenset(step.slug for step in found if step is not None)


def labels_of(paths: Sequence[str]) -> list[str]:
    return [LABELS.get(path, path) for path in paths]


# Where this will now go and why ----------------------------------------------------------------

#: What each body will be sent, in the words of the preview.
SENDING = {
    "amend": "It receives the amendment",
    "withdraw": "It is told the notification is withdrawn from it",
    "notify": "It receives the notification for the first time",
    "none": "Nothing is sent to it",
}


@dataclass(frozen=True)
class BodyChange:
    """One body's routing before and after the amendment, and what it will be sent."""

    body: str
    name: str
    sending: str  # amend, withdraw, notify or none
    before: str
    after: str
    reason: str
    rules: tuple[str, ...]
    due: str

    @property
    def what_it_is_sent(self) -> str:
        return SENDING[self.sending]

    @property
    def tag(self) -> tuple[str, str]:
        return {
            "amend": ("Amendment", "nhsuk-tag--blue"),
            "withdraw": ("Withdrawal", "nhsuk-tag--orange"),
            "notify": ("First notification", "nhsuk-tag--green"),
            "none": ("Not sent", "nhsuk-tag--grey"),
        }[self.sending]


def _routed_as(destination: Mapping[str, Any] | None) -> str:
    if destination is None:
        return "Not sent"
    return category_label(str(destination["category"]))


def routing_changes(before: Mapping[str, Any], after: RoutingResult, dues: Sequence[DueDate]) -> list[BodyChange]:
    """For each body, in the order of docs/rules/routing.md §4: before, after, what it is sent and why."""
    before_destinations = {d["body"]: d for d in before.get("destinations", [])}
    due_by_body = {str(due.body): due for due in dues}
    rows = []
    for body in (str(b) for b in BODY_ORDER):
        had = before_destinations.get(body)
        destination = after.destination(Body(body))
        now = destination.to_dict() if destination is not None else None
        if destination is not None:
            sending = "amend" if had is not None else "notify"
            reason, rules = destination.reason, tuple(destination.rules)
        else:
            sending = "withdraw" if had is not None else "none"
            not_routed = after.not_routed_for(Body(body))
            reason = not_routed.reason if not_routed else ""
            rules = tuple(not_routed.rules) if not_routed else ()
        rows.append(
            BodyChange(
                body=body,
                name=body_name(body),
                sending=sending,
                before=_routed_as(had),
                after=_routed_as(now),
                reason=reason,
                rules=rules,
                due=due_text(due_by_body.get(body)) if destination is not None else "",
            )
        )
    return rows


def summary(rows: Sequence[BodyChange]) -> str:
    """One sentence: who receives what."""
    parts = []
    for sending, one, several in (
        ("amend", "receives the amendment", "receive the amendment"),
        ("withdraw", "is told it is withdrawn", "are told it is withdrawn"),
        ("notify", "receives it for the first time", "receive it for the first time"),
    ):
        names = [row.name for row in rows if row.sending == sending]
        if names:
            parts.append(f"{' and '.join(names)} {one if len(names) == 1 else several}")
    return "; ".join(parts) + "." if parts else "No national body had it before or needs it now: nothing is sent."


def mark_changed(rows: Sequence[AnswerRow], changed: frozenset[str]) -> list[tuple[AnswerRow, bool]]:
    return [(row, row.slug in changed) for row in rows]
