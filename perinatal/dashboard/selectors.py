"""Reads of the dashboard for pages, downloads and the API (dashboard.md §3–§5).

Aggregates (every organisation's metric values) are published statistics that every
signed-in user may read (§5); the pages read them through the metric engine
(engine.compute_rows: counting in SQL, past periods from the tally cache), never by
counting records here. Record-level data (uploads, their rows and errors) are read only
through a Scope: `uploads_visible_to(scope)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Min, QuerySet

from perinatal.core.scoping import READ_DASHBOARD_UPLOADS, Scope
from perinatal.dashboard.metrics.rows import (
    LEVEL_ICB,
    LEVEL_NATIONAL,
    LEVEL_REGION,
    LEVEL_TRUST,
    NATIONAL_CODE,
    NATIONAL_NAME,
)
from perinatal.dashboard.models import BirthRecord, Upload
from perinatal.organisations.models import Organisation

KIND_TO_LEVEL = {
    Organisation.Kind.ENGLAND: LEVEL_NATIONAL,
    Organisation.Kind.REGION: LEVEL_REGION,
    Organisation.Kind.ICB: LEVEL_ICB,
    Organisation.Kind.TRUST: LEVEL_TRUST,
}


# --- Organisations and data span -----------------------------------------------------------
@dataclass(frozen=True)
class OrgRef:
    level: str
    code: str
    name: str


def organisation(code: str) -> OrgRef | None:
    """England, a region, an ICB or a trust by ODS code; None for anything else."""
    if code == NATIONAL_CODE:
        return OrgRef(LEVEL_NATIONAL, NATIONAL_CODE, NATIONAL_NAME)
    org = Organisation.objects.filter(code=code, kind__in=list(KIND_TO_LEVEL)).first()
    return None if org is None else OrgRef(KIND_TO_LEVEL[org.kind], org.code, org.display_name)


def data_start() -> date | None:
    return BirthRecord.objects.aggregate(first=Min("born_on"))["first"]


def data_end() -> date | None:
    """The last birth date loaded: the "as of" date of tiles and series."""
    return BirthRecord.objects.aggregate(last=Max("born_on"))["last"]


# --- Record-level data (scoped) ------------------------------------------------------------
def uploads_visible_to(scope: Scope) -> QuerySet[Upload]:
    """Uploads the user may read (§5): their own trust's, or every upload for national admins."""
    queryset = Upload.objects.select_related("organisation", "uploaded_by")
    return scope.restrict(queryset, trust_field="organisation", purpose=READ_DASHBOARD_UPLOADS)
