"""The audit service. Views and services call ``record`` explicitly for every create,
change, delete, decision and every view of an identifiable record.

Summaries must never contain identifiable data (NHS numbers, names, postcodes): they
name the record by its reference or database id.
"""

from __future__ import annotations

from django.db import models

from perinatal.core import clock
from perinatal.core.models import AuditEvent

Action = AuditEvent.Action


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


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
        from perinatal.core.scoping import scope_for

        actor_org = scope_for(request).primary_organisation
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
