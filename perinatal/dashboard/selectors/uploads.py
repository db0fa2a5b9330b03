"""Uploads: record-level data, read only through a Scope for READ_DASHBOARD_UPLOADS
(docs/rules/dashboard.md §5: a trust's own uploads, or every upload for national admins)."""

from __future__ import annotations

from django.db.models import QuerySet

from perinatal.accounts.scoping import READ_DASHBOARD_UPLOADS, Scope
from perinatal.dashboard.models import Upload


def _uploads() -> QuerySet[Upload]:
    return Upload.objects.select_related("organisation", "uploaded_by")


def uploads_visible_to(scope: Scope) -> QuerySet[Upload]:
    """Uploads the user may read: their own trust's, or every upload for national admins."""
    return scope.restrict(_uploads(), trust_field="organisation", purpose=READ_DASHBOARD_UPLOADS)


def upload_visible_to(scope: Scope, *, pk: int) -> Upload:
    """One upload the user may read; Http404 for any other (never saying it exists)."""
    return scope.get_or_404(_uploads(), trust_field="organisation", purpose=READ_DASHBOARD_UPLOADS, pk=pk)
