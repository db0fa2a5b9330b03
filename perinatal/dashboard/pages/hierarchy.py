"""Where an organisation sits, as the pages link it: England → NHS England region → ICB →
trust, by the ICB and region in force on a day (docs/rules/dashboard.md §4: the ODS extract in force
on the period's end date), and where a trust's ICB or region changed within the data (the
ICB mergers of 1 April 2026)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from perinatal.dashboard.engine import OrganisationMap
from perinatal.dashboard.metrics.rows import (
    LEVEL_ICB,
    LEVEL_NATIONAL,
    LEVEL_REGION,
    LEVEL_TRUST,
    NATIONAL_CODE,
    NATIONAL_NAME,
)
from perinatal.dashboard.selectors.births import DataSpan
from perinatal.organisations.models import Organisation

LEVEL_WORDS = {
    LEVEL_NATIONAL: "England",
    LEVEL_REGION: "NHS England region",
    LEVEL_ICB: "Integrated care board",
    LEVEL_TRUST: "NHS trust",
}
ORG_KIND_OF_LEVEL = {
    LEVEL_REGION: Organisation.Kind.REGION,
    LEVEL_ICB: Organisation.Kind.ICB,
    LEVEL_TRUST: Organisation.Kind.TRUST,
}


@dataclass(frozen=True)
class OrganisationRef:
    level: str
    code: str
    name: str

    @property
    def url_args(self) -> tuple[str, ...]:
        return () if self.level == LEVEL_NATIONAL else (self.code,)

    @property
    def url_name(self) -> str:
        return {
            LEVEL_NATIONAL: "dashboard:england",
            LEVEL_REGION: "dashboard:region",
            LEVEL_ICB: "dashboard:icb",
            LEVEL_TRUST: "dashboard:trust",
        }[self.level]


ENGLAND = OrganisationRef(LEVEL_NATIONAL, NATIONAL_CODE, NATIONAL_NAME)


def find_organisation(*, level: str, code: str, orgs: OrganisationMap) -> OrganisationRef | None:
    """The organisation of a page's address, or None when the code is not one of that level."""
    if level == LEVEL_NATIONAL:
        return ENGLAND
    code = (code or "").strip().upper()
    if orgs.kinds.get(code) != ORG_KIND_OF_LEVEL.get(level):
        return None
    return OrganisationRef(level, code, orgs.name(level, code))


def _region_of_icb(orgs: OrganisationMap, icb: str, day: date, *, register_region: str | None) -> str | None:
    """The region of the ICB's trusts on `day`; for an ICB that no longer holds trusts then
    (merged on 1 April 2026), the region the register gives it."""
    trusts = sorted(orgs.trusts_under_on(LEVEL_ICB, icb, day))
    if trusts:
        return orgs.parent_on(trusts[0], day)[1]
    return register_region


def breadcrumbs(
    *, org: OrganisationRef, orgs: OrganisationMap, day: date, icb_region: str | None = None
) -> list[OrganisationRef]:
    """England → region → ICB above the organisation, by the ICB and region in force on
    `day`. `icb_region`: the register's region of an ICB page's ICB, for an ICB that holds
    no trusts on `day`."""
    if org.level == LEVEL_NATIONAL:
        return []
    crumbs = [ENGLAND]
    if org.level == LEVEL_TRUST:
        icb, region = orgs.parent_on(org.code, day)
    elif org.level == LEVEL_ICB:
        icb, region = None, _region_of_icb(orgs, org.code, day, register_region=icb_region)
    else:
        icb, region = None, None
    if region:
        crumbs.append(OrganisationRef(LEVEL_REGION, region, orgs.name(LEVEL_REGION, region)))
    if icb:
        crumbs.append(OrganisationRef(LEVEL_ICB, icb, orgs.name(LEVEL_ICB, icb)))
    return crumbs


def children_of(
    *, org: OrganisationRef, orgs: OrganisationMap, day: date, trusts_with_data: set[str]
) -> list[OrganisationRef]:
    """The organisations one level down on `day`, by name: regions of England, ICBs of a
    region, trusts of an ICB; only those holding a trust of `trusts_with_data` (the listed
    trusts: selectors.organisations.listed_trusts_on)."""
    if org.level == LEVEL_TRUST:
        return []
    if org.level == LEVEL_ICB:
        codes = {t for t in orgs.trusts_under_on(LEVEL_ICB, org.code, day) if t in trusts_with_data}
        level = LEVEL_TRUST
    else:
        members = (
            trusts_with_data
            if org.level == LEVEL_NATIONAL
            else (orgs.trusts_under_on(LEVEL_REGION, org.code, day) & trusts_with_data)
        )
        position, level = (1, LEVEL_REGION) if org.level == LEVEL_NATIONAL else (0, LEVEL_ICB)
        codes = {orgs.parent_on(trust, day)[position] for trust in members} - {None}
    return sorted((OrganisationRef(level, code, orgs.name(level, code)) for code in codes), key=lambda o: o.name)


@dataclass(frozen=True)
class ParentChange:
    """A trust's ICB or region changing within the data (the ICB mergers of April 2026)."""

    on: date
    before: OrganisationRef
    after: OrganisationRef


def parent_changes(
    *, periods: Sequence[tuple[date, str | None, str | None]], orgs: OrganisationMap, span: DataSpan
) -> list[ParentChange]:
    """Where a trust's ICB or region changed within the data: `periods` are the register's
    (valid_from, ICB, region) of the trust, oldest first."""
    changes: list[ParentChange] = []
    for (_, *before), (valid_from, *after) in zip(periods, periods[1:]):
        if not span.first < valid_from <= span.last:
            continue
        for position, level in ((0, LEVEL_ICB), (1, LEVEL_REGION)):
            if before[position] and after[position] and before[position] != after[position]:
                changes.append(
                    ParentChange(
                        on=valid_from,
                        before=OrganisationRef(level, before[position], orgs.name(level, before[position])),
                        after=OrganisationRef(level, after[position], orgs.name(level, after[position])),
                    )
                )
    return changes
