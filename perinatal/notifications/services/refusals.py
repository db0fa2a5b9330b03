"""``InvalidInput``: a value a service refuses, with the field it concerns (for a form's error);
``VersionConflict``: an amendment or withdrawal made from a version that is no longer current.

Raised by the drafts, acknowledgement, information request, outbox, held, withdrawal and API
token services; a document that fails validation raises the routing engine's
``DocumentInvalid`` instead.
"""

from __future__ import annotations

from perinatal.kernel.refusals import Refused


class InvalidInput(Refused):
    """A value a notification service refuses, naming the field it concerns."""


class VersionConflict(Refused):
    """The notification moved on since the person started: someone else's amendment was sent
    first (docs/rules/routing.md §10). Nothing was stored; `current` is the version now."""

    def __init__(self, current):
        self.current = current
        who = current.created_by.display_name if current.created_by else "the trust's system (API)"
        super().__init__(
            "version",
            f"Version {current.number} of this notification was sent by {who} while you were working on it. "
            "Nothing of yours has been sent",
        )
