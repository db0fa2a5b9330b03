"""Validation errors for the notification document (docs/rules/routing.md §2: "each failure is a clear
message naming the field; nothing is stored")."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DocumentInvalid", "FieldError"]


class FieldError(NamedTuple):
    """One problem with one field.

    A named tuple so that it is also the plain pair ``(field, message)``: `field` is a dotted
    path into the document ("baby.gestation.weeks"), `message` is written in GOV.UK style for
    an error summary and the field itself.
    """

    field: str
    message: str


class DocumentInvalid(ValueError):
    """Every problem found in a document, in document order (never only the first)."""

    def __init__(self, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        if not errors:
            raise ValueError("DocumentInvalid needs at least one error")
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in self.errors))

    @property
    def fields(self) -> tuple[str, ...]:
        """The paths of the fields in error, in document order, without repeats."""
        return tuple(dict.fromkeys(error.field for error in self.errors))

    def messages_for(self, field: str) -> tuple[str, ...]:
        return tuple(error.message for error in self.errors if error.field == field)
