"""Reads of the organisation register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet

from perinatal.core import clock
from perinatal.organisations import onboarding_rules as rules
from perinatal.organisations.models import (
    OnboardingPhase,
    Organisation,
    Site,
    SiteOwnership,
    TrustParent,
)


class UnknownOrganisation(LookupError):
    def __init__(self, code: str, kind: str = "organisation"):
        self.code = code
        super().__init__(f"{code} is not an ODS code of any {kind} in the register")


def trusts() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.TRUST)


def get_trust(code: str) -> Organisation:
    try:
        return trusts().get(code=(code or "").strip().upper())
    except Organisation.DoesNotExist:
        raise UnknownOrganisation((code or "").strip().upper(), "NHS trust") from None


def parent_on(trust: Organisation, day: date) -> TrustParent | None:
    """The ICB and region of a trust on a day.

    A trust closed before an extract came into force keeps the ICB it had last, so a day
    after every period falls back to the latest period that began before it.
    """
    periods = list(TrustParent.objects.filter(trust=trust).select_related("icb", "region").order_by("valid_from"))
    for period in periods:
        if period.valid_from <= day and (period.valid_until is None or day < period.valid_until):
            return period
    earlier = [p for p in periods if p.valid_from <= day]
    return earlier[-1] if earlier else None


def trusts_in(org: Organisation, day: date) -> QuerySet[Organisation]:
    """The trusts under an ICB or region on a day (every trust for England)."""
    if org.kind == Organisation.Kind.ENGLAND:
        return trusts()
    if org.kind == Organisation.Kind.TRUST:
        return trusts().filter(pk=org.pk)
    periods = TrustParent.objects.on(day)
    periods = periods.filter(icb=org) if org.kind == Organisation.Kind.ICB else periods.filter(region=org)
    return trusts().filter(pk__in=periods.values("trust_id"))


def region_codes_on(day: date) -> dict[int, str]:
    """trust id -> region code on a day, in one query (closed trusts keep their last region)."""
    result: dict[int, str] = {}
    for trust_id, region_code in (
        TrustParent.objects.filter(valid_from__lte=day)
        .order_by("trust_id", "valid_from")
        .values_list("trust_id", "region__code")
    ):
        result[trust_id] = region_code  # later periods overwrite earlier ones
    return result


def site_trust_on(site: Site, day: date) -> Organisation | None:
    ownership = SiteOwnership.objects.filter(site=site).on(day).select_related("trust").first()
    return ownership.trust if ownership else None


def sites_of(trust: Organisation, day: date) -> QuerySet[Site]:
    return Site.objects.filter(pk__in=SiteOwnership.objects.filter(trust=trust).on(day).values("site_id"))


def _phase_facts() -> list[tuple[rules.PhaseFacts, OnboardingPhase]]:
    result = []
    for phase in OnboardingPhase.objects.prefetch_related("trusts", "regions"):
        facts = rules.PhaseFacts(
            number=phase.number,
            go_live_on=phase.go_live_on,
            trust_codes=frozenset(t.code for t in phase.trusts.all()),
            region_codes=frozenset(r.code for r in phase.regions.all()),
        )
        result.append((facts, phase))
    return result


def _phases_naming_sql() -> str:
    """One statement for `_phase_facts_naming`, written by hand: the same question through the
    ORM (two `Exists` and two `Subquery`) cost about 3 ms of query building a submission."""
    phase = OnboardingPhase._meta.db_table
    named_trusts = OnboardingPhase.trusts.through._meta.db_table
    named_regions = OnboardingPhase.regions.through._meta.db_table
    columns = ", ".join(f"p.{f.column}" for f in OnboardingPhase._meta.concrete_fields)
    return f"""
        WITH region AS (
            SELECT region_id AS id FROM {TrustParent._meta.db_table}
            WHERE trust_id = %(trust)s AND valid_from <= %(day)s ORDER BY valid_from DESC LIMIT 1
        )
        SELECT * FROM (
            SELECT {columns},
                EXISTS (SELECT 1 FROM {named_trusts} t
                        WHERE t.onboardingphase_id = p.id AND t.organisation_id = %(trust)s) AS names_trust,
                EXISTS (SELECT 1 FROM {named_regions} r
                        WHERE r.onboardingphase_id = p.id AND r.organisation_id IN (SELECT id FROM region))
                    AS names_region,
                (SELECT code FROM {Organisation._meta.db_table} WHERE id IN (SELECT id FROM region)) AS region_code
            FROM {phase} p
        ) named
        WHERE names_trust OR names_region
    """


def _phase_facts_naming(trust: Organisation, day: date) -> tuple[list[tuple[rules.PhaseFacts, OnboardingPhase]], str]:
    """The phases that name the trust or its region on `day` (the region as `region_codes_on`
    reads it: the latest period begun by then), each with only those names, and the region's
    code: all that `rules.phase_for_trust` looks at for this trust, in one query instead of
    every phase with all its trusts and regions (issue 13: each API submission asks whether its
    trust is live)."""
    found = list(OnboardingPhase.objects.raw(_phases_naming_sql(), {"trust": trust.pk, "day": day}))
    # No phase names the trust or its region: the region cannot matter to the rules.
    region_code = found[0].region_code if found else None
    return [
        (
            rules.PhaseFacts(
                number=phase.number,
                go_live_on=phase.go_live_on,
                trust_codes=frozenset([trust.code] if phase.names_trust else []),
                region_codes=frozenset([region_code] if phase.names_region and region_code else []),
            ),
            phase,
        )
        for phase in found
    ], region_code


@dataclass(frozen=True)
class Onboarding:
    trust: Organisation
    phase: OnboardingPhase | None
    status: rules.OnboardingStatus
    go_live_at: datetime | None
    nomination_deadline: datetime | None

    @property
    def is_live(self) -> bool:
        return self.status is rules.OnboardingStatus.LIVE


_NOT_GIVEN = object()


def onboarding_for(
    trust: Organisation, *, now: datetime | None = None, phases=None, region_code=_NOT_GIVEN
) -> Onboarding:
    now = now or clock.now()
    if phases is None:
        if region_code is not _NOT_GIVEN:
            raise TypeError("onboarding_for: give region_code only with the phases it was read with")
        phases, region_code = _phase_facts_naming(trust, now.date())
    elif region_code is _NOT_GIVEN:
        region_code = region_codes_on(now.date()).get(trust.pk)
    facts = rules.phase_for_trust(
        trust_code=trust.code,
        region_code=region_code,
        opened_on=trust.opened_on,
        phases=[f for f, _p in phases],
    )
    phase = next((p for f, p in phases if facts is not None and f.number == facts.number), None)
    go_live_on = phase.go_live_on if phase else None
    return Onboarding(
        trust=trust,
        phase=phase,
        status=rules.onboarding_status(go_live_on=go_live_on, now=now),
        go_live_at=rules.go_live_at(go_live_on) if go_live_on else None,
        nomination_deadline=rules.nomination_deadline(go_live_on) if go_live_on else None,
    )


def onboarding_schedule(*, now: datetime | None = None, region_code: str | None = None) -> list[Onboarding]:
    """Every open English trust that provides maternity services, with its phase, status and
    deadline. Mental health, community and ambulance trusts notify no perinatal events: they are
    left out (issue 12), unless the letter's schedule names them; so are trusts closed or not
    yet open."""
    now = now or clock.now()
    phases = _phase_facts()
    queryset = (
        _open_on(trusts(), now.date())
        .filter(Q(provides_births=True) | Q(named_in_phases__isnull=False))
        .distinct()
        .order_by("name")
    )
    regions = region_codes_on(now.date())
    result = [onboarding_for(trust, now=now, phases=phases, region_code=regions.get(trust.pk)) for trust in queryset]
    if region_code:
        codes = set(trusts_in(Organisation.objects.get(code=region_code), now.date()).values_list("code", flat=True))
        result = [item for item in result if item.trust.code in codes]
    return result


@dataclass(frozen=True)
class TrustMatch:
    """A trust found by the words someone typed: its code, its name, or a hospital of it (``sites``)."""

    trust: Organisation
    sites: tuple[str, ...] = ()


def _open_on(queryset: QuerySet[Organisation], day: date) -> QuerySet[Organisation]:
    return queryset.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )


def search_trusts(text: str, day: date, *, limit: int = 20) -> list[TrustMatch]:
    """Open NHS trusts that match `text` on `day`, for people who do not know their ODS code:
    an exact trust or site code; otherwise every word in the trust's name, or in the name of a
    site the trust runs that day ("Royal Oldham" finds its trust). By name; at most `limit`."""
    text = " ".join((text or "").split())
    if not text:
        return []
    code = text.upper()
    exact = _open_on(trusts().filter(code=code), day).first()
    if exact is not None:
        return [TrustMatch(exact)]
    ownership = SiteOwnership.objects.on(day).filter(site__code=code).select_related("trust", "site").first()
    if ownership is not None and ownership.trust.is_open_on(day):
        return [TrustMatch(ownership.trust, (ownership.site.name,))]
    words = text.split()
    by_name = trusts()
    for word in words:
        by_name = by_name.filter(name__icontains=word)
    found: dict[int, TrustMatch] = {trust.pk: TrustMatch(trust) for trust in _open_on(by_name, day)[: limit + 1]}
    sites = SiteOwnership.objects.on(day).select_related("trust", "site")
    for word in words:
        sites = sites.filter(site__name__icontains=word)
    for ownership in sites.order_by("site__name")[: 5 * limit]:
        trust = ownership.trust
        if not trust.is_open_on(day) or trust.kind != Organisation.Kind.TRUST:
            continue
        earlier = found.get(trust.pk)
        if earlier is not None and not earlier.sites:
            continue  # found by its own name: its hospitals need not be listed
        found[trust.pk] = TrustMatch(trust, (earlier.sites if earlier else ()) + (ownership.site.name,))
    return sorted(found.values(), key=lambda match: (match.trust.display_name, match.trust.code))[:limit]
