"""``InvalidInput``: a value a service refuses, with the field it concerns (for a form's error).

Raised by the drafts, acknowledgement, information request, outbox and API token services;
a document that fails validation raises the routing engine's ``DocumentInvalid`` instead.
"""

from __future__ import annotations


class InvalidInput(ValueError):
    """A value a service refuses, with the field it concerns (for a form's error)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)
