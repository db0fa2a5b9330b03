"""The one error a service raises when it refuses a value or a change: it names the field.

A form shows the message against that field (``"__all__"``: the form as a whole); the API
puts the field in its error body; a command prints both. Services raise it before they
write anything, so a refusal never leaves anything half-stored.
"""

from __future__ import annotations

__all__ = ["Refused"]

WHOLE_FORM = "__all__"


class Refused(ValueError):
    """A value or change refused, naming the field it concerns (``WHOLE_FORM`` for none)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)
