"""Organisations as the dashboard reads them: by ODS code (the API's `org`), the register as
the metric engine holds it, the trusts with dashboard data, and the register's parents of
a trust or an ICB."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from perinatal.dashboard.engine import OrganisationMap
from perinatal.dashboard.engine.queries import trusts_with_births, trusts_with_records
from perinatal.dashboard.metrics.rows import (
    LEVEL_ICB,
    LEVEL_NATIONAL,
    LEVEL_REGION,
    LEVEL_TRUST,
    NATIONAL_CODE,
    NATIONAL_NAME,
)
from perinatal.organisations.models import Organisation, TrustParent

KIND_TO_LEVEL = {
    Organisation.Kind.ENGLAND: LEVEL_NATIONAL,
    Organisation.Kind.REGION: LEVEL_REGION,
    Organisation.Kind.ICB: LEVEL_ICB,
    Organisation.Kind.TRUST: LEVEL_TRUST,
}


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


def organisations_with_rows(*, levels: Collection[str], organisation: tuple[str, str] | None) -> int:
    """At most how many organisations the metric engine gives rows to (at most two queries):
    the one asked for, or England, the register's regions and ICBs, and the trusts in any
    stored record (those that get rows), of the levels asked for."""
    if organisation is not None:
        return 1 if organisation[0] in levels else 0
    counted = dict.fromkeys(levels, 0)
    if LEVEL_NATIONAL in counted:
        counted[LEVEL_NATIONAL] = 1
    if LEVEL_TRUST in counted:
        counted[LEVEL_TRUST] = len(trusts_with_records(None))
    areas = {LEVEL_REGION, LEVEL_ICB} & set(levels)
    area_kinds = {kind: level for kind, level in KIND_TO_LEVEL.items() if level in areas}
    if area_kinds:
        for kind, number in (
            Organisation.objects.filter(kind__in=list(area_kinds))
            .order_by()
            .values_list("kind")
            .annotate(number=Count("id"))
        ):
            counted[area_kinds[kind]] = number
    return sum(counted.values())


def organisation_map() -> OrganisationMap:
    """The register as the engine reads it (names, kinds, every trust's ICB and region over
    time). A page reads it once and hands it to the engine, which would read it again."""
    return OrganisationMap()


def trusts_with_data(*, orgs: OrganisationMap) -> set[str]:
    """Codes of the trusts that appear in any dashboard dataset (one query)."""
    return {orgs.trust_codes[pk] for pk in trusts_with_records(None) if pk in orgs.trust_codes}


def listed_trusts_on(*, orgs: OrganisationMap, day: date) -> set[str]:
    """The trusts the pages list as an area's members on `day` (two queries): those with any
    dashboard data that are open that day and either provide maternity services or have births
    data (OrganisationMap.listed). A trust closed by then, or a mental health, community or
    ambulance trust without births, is left out."""
    with_births = {orgs.trust_codes[pk] for pk in trusts_with_births() if pk in orgs.trust_codes}
    return {
        code
        for code in trusts_with_data(orgs=orgs)
        if orgs.open_during(code, day, day) and (code in orgs.maternity or code in with_births)
    }


def parent_periods(*, trust_code: str) -> list[tuple]:
    """The register's (valid_from, ICB code, region code) of a trust, oldest first."""
    return list(
        TrustParent.objects.filter(trust__code=trust_code)
        .order_by("valid_from")
        .values_list("valid_from", "icb__code", "region__code")
    )


def region_of_icb(*, icb_code: str) -> str | None:
    """The register's region of an ICB."""
    return (
        Organisation.objects.filter(code=icb_code, kind=Organisation.Kind.ICB)
        .values_list("region__code", flat=True)
        .first()
    )
