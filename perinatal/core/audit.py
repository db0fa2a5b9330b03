"""The audit service. Views and services call ``record`` explicitly for every create,
change, delete, decision and every view of an identifiable record.

Summaries must never contain identifiable data (NHS numbers, names, postcodes): they
name the record by its reference or database id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string

from perinatal.core import clock
from perinatal.core.client_address import client_address
from perinatal.core.models import AuditEvent

Action = AuditEvent.Action


def _client_ip(request) -> str | None:
    return client_address(request) if request is not None else None


def _acting_organisation(request):
    """The organisation the signed-in person acts for. Memberships are accounts' knowledge,
    which sits above core, so core asks through the function the setting names."""
    return import_string(settings.PERINATAL_ACTING_ORGANISATION)(request)


def record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    organisation=None,
    summary: str,
    request=None,
    actor=None,
) -> AuditEvent:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    actor_org = None
    if request is not None and actor is not None:
        actor_org = _acting_organisation(request)
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=actor,
        actor_label=(actor.email if actor is not None else "anonymous"),
        actor_organisation=actor_org,
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        organisation=organisation,
        summary=summary[:300],
        ip_address=_client_ip(request),
    )
