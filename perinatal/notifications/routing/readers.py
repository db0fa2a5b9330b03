"""Typed reading of JSON values that collects every error instead of stopping at the first.

Knows JSON types and GOV.UK message wording, nothing about notifications: `document.py`
says which field is which. Each `read_*` returns the value, or None when the value is absent
or wrong (and then records why). "A form's empty string means absent" (docs/rules/routing.md §2): an empty or
all-space string is treated exactly like null or a missing key.

Messages follow the GOV.UK Design System error message pattern: "Enter ...", "Select ...",
"... must be between X and Y"; each names its field by a plain label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from perinatal.kernel.london_time import (
    InvalidTimestamp,
    parse_iso_date,
    parse_timestamp,
)
from perinatal.kernel.text import sentence
from perinatal.notifications.routing.errors import FieldError

__all__ = ["FieldReader", "is_absent"]

ChoiceT = TypeVar("ChoiceT", bound=StrEnum)


def is_absent(value: object) -> bool:
    """Null, an empty or all-space string, or an object in which nothing was entered."""
    if isinstance(value, Mapping):
        return all(is_absent(item) for item in value.values())
    return value is None or (isinstance(value, str) and not value.strip())


def _or_list(options: Iterable[str]) -> str:
    items = list(options)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


class FieldReader:
    """Reads one document, accumulating `FieldError`s in `errors` in the order found."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def has_errors_under(self, path: str) -> bool:
        return any(e.field == path or e.field.startswith(path + ".") for e in self.errors)

    # Structure ---------------------------------------------------------------------------

    def read_object(self, value: object, *, path: str, label: str) -> Mapping[str, Any] | None:
        if is_absent(value):
            return None
        if not isinstance(value, Mapping):
            self.error(path, f"{sentence(label)} must be a set of named fields (a JSON object)")
            return None
        return value

    def refuse_unknown_keys(self, data: Mapping[str, Any], *, path: str, known: Iterable[str]) -> None:
        """Name each key the document does not define: a misspelt key would otherwise be
        silently ignored and could change where the event is routed."""
        known_keys = set(known)
        for key in data:
            if key not in known_keys:
                where = f"{path}.{key}" if path else str(key)
                self.error(where, f"Remove '{key}': it is not a field of the notification document")

    # Scalars -----------------------------------------------------------------------------

    def read_text(self, value: object, *, path: str, label: str, required: bool = False) -> str | None:
        if is_absent(value):
            if required:
                self.error(path, f"Enter {label}")
            return None
        if not isinstance(value, str):
            self.error(path, f"Enter {label} as text")
            return None
        return value.strip()

    def read_code(self, value: object, *, path: str, label: str, required: bool = False) -> str | None:
        """An ODS code: text, trimmed, upper case (ODS publishes codes in upper case)."""
        text = self.read_text(value, path=path, label=label, required=required)
        return None if text is None else text.upper()

    def read_boolean(self, value: object, *, path: str, label: str, required: bool = False) -> bool | None:
        if is_absent(value):
            if required:
                self.error(path, f"Select {label}")
            return None
        if not isinstance(value, bool):
            self.error(path, f"Select {label} (true or false)")
            return None
        return value

    def read_integer(
        self,
        value: object,
        *,
        path: str,
        label: str,
        minimum: int,
        maximum: int | None,
        unit: str = "",
        required: bool = False,
    ) -> int | None:
        if is_absent(value):
            if required:
                self.error(path, f"Enter {label}")
            return None
        # bool is an int in Python but never a count; 38.0 from a careless encoder is fine.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"{sentence(label)} must be a whole number")
            return None
        suffix = f" {unit}" if unit else ""
        if maximum is None and value < minimum:
            self.error(path, f"{sentence(label)} must be {minimum}{suffix} or more")
            return None
        if maximum is not None and not minimum <= value <= maximum:
            self.error(path, f"{sentence(label)} must be between {minimum} and {maximum}{suffix}")
            return None
        return value

    def read_choice(
        self, value: object, *, path: str, label: str, choices: type[ChoiceT], required: bool = False
    ) -> ChoiceT | None:
        if is_absent(value):
            if required:
                self.error(path, f"Select {label}")
            return None
        allowed = [str(choice) for choice in choices]
        if not isinstance(value, str) or value.strip() not in allowed:
            self.error(path, f"Select {label}: {_or_list(allowed)}")
            return None
        return choices(value.strip())

    def read_timestamp(
        self, value: object, *, path: str, label: str, now: datetime, required: bool = False
    ) -> datetime | None:
        if is_absent(value):
            if required:
                self.error(path, f"Enter {label}")
            return None
        if not isinstance(value, str):
            self.error(path, f"Enter {label} as a date and time, like 2025-10-01T03:20")
            return None
        try:
            instant = parse_timestamp(value.strip())
        except InvalidTimestamp as problem:
            self.error(path, _timestamp_message(problem.problem, label))
            return None
        if instant > now:
            self.error(path, f"{sentence(label)} must be in the past")
            return None
        return instant

    def read_date(self, value: object, *, path: str, label: str, today: date, required: bool = False) -> date | None:
        if is_absent(value):
            if required:
                self.error(path, f"Enter {label}")
            return None
        if not isinstance(value, str):
            self.error(path, f"Enter {label} as a date, like 2025-10-01")
            return None
        try:
            day = parse_iso_date(value.strip())
        except InvalidTimestamp as problem:
            if problem.problem == "not_a_date":
                self.error(path, f"{sentence(label)} must be a real date")
            else:
                self.error(path, f"Enter {label} as a date, like 2025-10-01")
            return None
        if day > today:
            self.error(path, f"{sentence(label)} must be today or in the past")
            return None
        return day


def _timestamp_message(problem: str, label: str) -> str:
    if problem == "not_a_date":
        return f"{sentence(label)} must be a real date and time"
    if problem == "skipped_hour":
        return (
            f"{sentence(label)} is in the hour skipped when the clocks went forward "
            "(1am to 2am UK time does not exist that day). Check the time, or give it with "
            "its UTC offset"
        )
    return f"Enter {label} as a date and time, like 2025-10-01T03:20"
