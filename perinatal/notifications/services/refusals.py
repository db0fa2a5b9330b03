"""``InvalidInput``: a value a service refuses, with the field it concerns (for a form's error).

Raised by the drafts, acknowledgement, information request, outbox and API token services;
a document that fails validation raises the routing engine's ``DocumentInvalid`` instead.
"""

from __future__ import annotations

from perinatal.kernel.refusals import Refused


class InvalidInput(Refused):
    """A value a notification service refuses, naming the field it concerns."""
