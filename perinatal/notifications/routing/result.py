"""The routing result the reporter sees before submitting (docs/rules/routing.md §4).

Values only: the decisions are made in `engine.route`. `RoutingResult.to_dict()` gives the
JSON of docs/rules/routing.md §4 exactly (keys, order of destinations, plain strings).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "BODY_ORDER",
    "Advice",
    "Body",
    "Category",
    "Destination",
    "Flag",
    "NotRouted",
    "OnwardRoute",
    "RoutingResult",
]


class Body(StrEnum):
    """National bodies (docs/rules/routing.md §3). CDOP is only ever an onward route, never a submission."""

    MBRRACE_UK = "MBRRACE_UK"
    MNSI = "MNSI"
    NHSR_EN = "NHSR_EN"
    CDOP = "CDOP"


# docs/rules/routing.md §4: "One destination per body, ordered MBRRACE_UK, MNSI, NHSR_EN".
BODY_ORDER: tuple[Body, ...] = (Body.MBRRACE_UK, Body.MNSI, Body.NHSR_EN)


class Category(StrEnum):
    """Destination categories (docs/rules/routing.md §4)."""

    LATE_FETAL_LOSS = "late_fetal_loss"
    STILLBIRTH = "stillbirth"
    NEONATAL_DEATH = "neonatal_death"
    MATERNAL_DEATH = "maternal_death"
    INTRAPARTUM_STILLBIRTH = "intrapartum_stillbirth"
    EARLY_NEONATAL_DEATH = "early_neonatal_death"
    SEVERE_BRAIN_INJURY = "severe_brain_injury"


class Flag(StrEnum):
    """Destination flags (docs/rules/routing.md §4)."""

    TERMINATION = "termination"
    MRI_AWAITED = "mri_awaited"
    LABOUR_ONSET_UNKNOWN = "labour_onset_unknown"


@dataclass(frozen=True)
class Destination:
    """A body that must receive the notification, with the rules that fired and why."""

    body: Body
    category: Category
    rules: tuple[str, ...]
    reason: str
    flags: tuple[Flag, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": str(self.body),
            "category": str(self.category),
            "rules": list(self.rules),
            "reason": self.reason,
            "flags": [str(flag) for flag in self.flags],
        }


@dataclass(frozen=True)
class OnwardRoute:
    """A body that a destination passes the notification on to (CDOP-1); not a submission."""

    body: Body
    via: Body
    rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"body": str(self.body), "via": str(self.via), "rules": list(self.rules)}


@dataclass(frozen=True)
class NotRouted:
    """A body that does not receive this event: the unmet or excluding rules, and why."""

    body: Body
    rules: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"body": str(self.body), "rules": list(self.rules), "reason": self.reason}


@dataclass(frozen=True)
class Advice:
    """Something the reporter should know or do outside this service."""

    code: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text}


@dataclass(frozen=True)
class RoutingResult:
    destinations: tuple[Destination, ...]
    onward: tuple[OnwardRoute, ...]
    not_routed: tuple[NotRouted, ...]
    advice: tuple[Advice, ...]
    rules_version: str

    @property
    def bodies(self) -> tuple[Body, ...]:
        """The bodies that receive a submission, in spec order."""
        return tuple(destination.body for destination in self.destinations)

    def destination(self, body: Body) -> Destination | None:
        return next((d for d in self.destinations if d.body == body), None)

    def not_routed_for(self, body: Body) -> NotRouted | None:
        return next((n for n in self.not_routed if n.body == body), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "destinations": [destination.to_dict() for destination in self.destinations],
            "onward": [route.to_dict() for route in self.onward],
            "not_routed": [item.to_dict() for item in self.not_routed],
            "advice": [item.to_dict() for item in self.advice],
            "rules_version": self.rules_version,
        }
