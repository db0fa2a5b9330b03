"""What a delivery carries: an envelope (kind, reference, version) around the body's payload.

The body's fields are `routing.payload_for` (its field set only, Caldicott principle 3); this
module adds only what a receiver needs to file the message: which notification, which
version, and whether it is a first notification, an amendment, a withdrawal or the MNSI
reference for NHS Resolution. A withdrawal carries no personal data at all.

A notification sent although it may duplicate another carries the flag `possible_duplicate`
(docs/rules/routing.md §7.4); a withdrawal of a notification made in error says so
(`made_in_error`, docs/rules/routing.md §9).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from perinatal.notifications.routing import Body, NotificationDocument, RoutingResult, payload_for


def idempotency_key(*, reference: str, version: int, body: str) -> str:
    """One key per (notification version, body): the body's guarantee against duplicates."""
    return f"{reference}-v{version}-{body}"


def withdrawal_in_error_key(*, reference: str, version: int, body: str) -> str:
    """The key of the withdrawal of a notification made in error (it is not a new version)."""
    return f"{idempotency_key(reference=reference, version=version, body=body)}-withdrawn"


def possible_duplicate(*, of: list[str], distinct_because: str) -> dict[str, Any] | None:
    """The duplicate flag a body sees (docs/rules/routing.md §7.4), or None when there is none."""
    if not of:
        return None
    return {"of": list(of), "distinct_because": distinct_because}


def reference_update_key(*, reference: str, version: int, sequence: int) -> str:
    """The key of the k-th MNSI reference update sent to NHS Resolution for a version."""
    return f"{idempotency_key(reference=reference, version=version, body=str(Body.NHSR_EN))}-mnsi-reference-{sequence}"


def notify_or_amend_payload(
    *,
    kind: str,
    reference: str,
    version: int,
    body: str,
    document: NotificationDocument,
    result: RoutingResult,
    due_on: date | None,
    mnsi_reference: str | None,
    amendment_reason: str = "",
    duplicate_flag: dict[str, Any] | None = None,
) -> dict[str, Any]:
    destination = result.destination(Body(body))
    payload = payload_for(
        body=Body(body),
        document=document,
        result=result,
        mnsi_reference=(mnsi_reference or None) if body == str(Body.NHSR_EN) else None,
    )
    envelope: dict[str, Any] = {
        "kind": kind,
        "reference": reference,
        "version": version,
        "reason": destination.reason if destination is not None else "",
        "due_on": due_on.isoformat() if due_on else None,
        "possible_duplicate": duplicate_flag,
    }
    if kind == "amend":
        envelope["amendment_reason"] = amendment_reason
    return {**envelope, **payload}


def withdraw_payload(*, reference: str, version: int, body: str, result: RoutingResult) -> dict[str, Any]:
    not_routed = result.not_routed_for(Body(body))
    return {
        "kind": "withdraw",
        "reference": reference,
        "version": version,
        "body": body,
        "rules_version": result.rules_version,
        "rules": list(not_routed.rules) if not_routed else [],
        "reason": not_routed.reason if not_routed else "This event no longer meets the criteria.",
    }


def withdrawal_in_error_payload(*, reference: str, version: int, body: str, reason: str) -> dict[str, Any]:
    """The trust withdrew the notification because it was made in error (docs/rules/routing.md §9)."""
    return {
        "kind": "withdraw",
        "reference": reference,
        "version": version,
        "body": body,
        "made_in_error": True,
        "rules": [],
        "reason": reason,
    }


def reference_payload(*, reference: str, version: int, mnsi_reference: str) -> dict[str, Any]:
    return {
        "kind": "reference",
        "reference": reference,
        "version": version,
        "body": str(Body.NHSR_EN),
        "mnsi_reference": mnsi_reference,
    }
