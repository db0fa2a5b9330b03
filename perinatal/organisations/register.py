"""Loading and updating the organisation register (writes).

``load_reference_register`` builds the register from the ODS files shipped in
``reference_data/`` and is idempotent. ``update_register_from_etr`` applies a newer etr
extract (renames, closures, new trusts, ICB moves) without losing history.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from perinatal.core import clock
from perinatal.kernel.tabular_problems import LineProblem
from perinatal.organisations.etr import EtrFileInvalid, EtrRow, read_etr
from perinatal.organisations.models import (
    ENGLAND_CODE,
    OnboardingPhase,
    Organisation,
    OrganisationChange,
    TrustParent,
)

ICBS_BEGAN = date(2022, 7, 1)
ICB_MERGERS = date(2026, 4, 1)


@dataclass(frozen=True)
class Extract:
    filename: str
    in_force_from: date
    label: str


# The extracts and the dates from which each is in force (see ADR 0003).
EXTRACTS = (
    Extract("etr-2025-07.csv", ICBS_BEGAN, "ODS etr July 2025"),
    Extract("etr-2026-07.csv", ICB_MERGERS, "ODS etr July 2026"),
)

NATIONAL_BODIES = {
    "MBRRACE_UK": "MBRRACE-UK",
    "MNSI": "Maternity and Newborn Safety Investigations",
    "NHSR_EN": "NHS Resolution Early Notification scheme",
}

# The five phases of NHS England's letter PRN02113 (16 October 2025).
LETTER_PHASES = (
    (1, "Phase 1: first eight trusts", date(2025, 9, 1), (), ("RYR", "RHQ", "RLT", "RTK", "RNA", "RDU", "R1H", "RQ3")),
    (2, "Phase 2: London", date(2025, 9, 22), ("Y56",), ()),
    (3, "Phase 3: North East and Yorkshire, South West", date(2025, 10, 6), ("Y63", "Y58"), ()),
    (4, "Phase 4: South East, East of England", date(2025, 10, 20), ("Y59", "Y61"), ()),
    (5, "Phase 5: North West, Midlands", date(2025, 11, 3), ("Y62", "Y60"), ()),
)


def reference_path(name: str) -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / name


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(reference_path(name), encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class RegisterSummary:
    created: int = 0
    updated: int = 0
    parents: int = 0
    notes: list[str] = field(default_factory=list)


def _upsert(code: str, summary: RegisterSummary, **values) -> Organisation:
    org, created = Organisation.objects.get_or_create(code=code, defaults=values)
    if created:
        summary.created += 1
        return org
    changed = [key for key, value in values.items() if getattr(org, key) != value]
    if changed:
        for key in changed:
            setattr(org, key, values[key])
        org.save(update_fields=changed)
        summary.updated += 1
    return org


@transaction.atomic
def load_reference_register() -> RegisterSummary:
    """Build or refresh the register from the shipped files. Running it twice changes nothing."""
    summary = RegisterSummary()
    england = _upsert(ENGLAND_CODE, summary, name="England", kind=Organisation.Kind.ENGLAND)
    del england
    for code, name in NATIONAL_BODIES.items():
        _upsert(code, summary, name=name, kind=Organisation.Kind.BODY)

    regions = {
        row["nhser_ods_code"]: _upsert(
            row["nhser_ods_code"], summary, name=row["nhser_name"], kind=Organisation.Kind.REGION
        )
        for row in _read_csv("regions.csv")
    }
    icb_names: dict[str, tuple[str, str]] = {}
    for row in _read_csv("icbs-2025.csv") + _read_csv("icbs-2026.csv"):
        icb_names[row["icb_ods_code"]] = (row["icb_name"], row["nhser_ods_code"])

    extracts = [(extract, read_etr(reference_path(extract.filename))) for extract in EXTRACTS]
    latest: dict[str, EtrRow] = {}
    for _extract, rows in extracts:
        for row in rows:
            if row.is_english:
                latest[row.code] = row

    icbs: dict[str, Organisation] = {}
    icb_codes = {row.icb_code for _e, rows in extracts for row in rows if row.is_english and row.icb_code}
    for code in sorted(icb_codes | set(icb_names)):
        name, region_code = icb_names.get(code, ("", ""))
        if not region_code:
            region_code = next(r.region_code for _e, rows in extracts for r in rows if r.icb_code == code)
        icbs[code] = _upsert(code, summary, name=name, kind=Organisation.Kind.ICB, region=regions.get(region_code))
        if not name:
            summary.notes.append(
                f"ICB {code} has no name in the shipped files: its code is shown until a name is loaded."
            )

    maternity = {row["org_code"]: row for row in _read_csv("trusts-maternity-reference.csv")}
    trusts: dict[str, Organisation] = {}
    for code, row in sorted(latest.items()):
        extra = maternity.get(code, {})
        deliveries = extra.get("msds_2022_23_total_deliveries_rounded") or ""
        trusts[code] = _upsert(
            code,
            summary,
            name=row.name,
            kind=Organisation.Kind.TRUST,
            opened_on=row.opened_on,
            closed_on=row.closed_on,
            postcode=row.postcode,
            provides_births=extra.get("provides_births_evidence") == "True",
            annual_deliveries=int(deliveries) if deliveries else None,
            comparator_group=extra.get("mbrrace_comparator_group", ""),
            neonatal_network=extra.get("neonatal_network_mbrrace", ""),
        )

    periods = _parent_periods(extracts)
    existing = {(p.trust.code, p.valid_from): p for p in TrustParent.objects.select_related("trust")}
    for (code, valid_from), (valid_until, icb_code, region_code, source) in sorted(periods.items()):
        values = dict(
            valid_until=valid_until,
            icb=icbs.get(icb_code),
            region=regions.get(region_code),
            source=source,
        )
        current = existing.get((code, valid_from))
        if current is None:
            TrustParent.objects.create(trust=trusts[code], valid_from=valid_from, **values)
            summary.parents += 1
        elif any(getattr(current, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            current.save()
    seed_letter_phases()
    return summary


def _parent_periods(extracts) -> dict[tuple[str, date], tuple[date | None, str, str, str]]:
    """(trust, valid_from) -> (valid_until, icb, region, source) for every English trust.

    Each extract is in force from its date until the next one's. A trust present in an
    extract takes that extract's ICB for its period. A trust closed before an extract
    comes into force keeps the ICB of the earlier one (the later extract shows today's ICB
    for closed trusts, which is wrong for them). A trust missing from the earlier extract
    but open in its period takes the later extract's ICB, marked as a fallback.
    """
    periods: dict[tuple[str, date], tuple[date | None, str, str, str]] = {}
    for index, (extract, rows) in enumerate(extracts):
        until = extracts[index + 1][0].in_force_from if index + 1 < len(extracts) else None
        for row in rows:
            if not row.is_english:
                continue
            if row.closed_on is not None and row.closed_on <= extract.in_force_from:
                continue  # closed before this extract came into force: keeps the earlier ICB
            periods[(row.code, extract.in_force_from)] = (until, row.icb_code, row.region_code, extract.label)
    # Fallback for trusts open in an earlier extract's period but absent from it.
    for index, (extract, _rows) in enumerate(extracts[:-1]):
        until = extracts[index + 1][0].in_force_from
        for later_extract, later_rows in extracts[index + 1 :]:
            for row in later_rows:
                if not row.is_english or (row.code, extract.in_force_from) in periods:
                    continue
                opened_in_time = row.opened_on is None or row.opened_on < until
                still_open = row.closed_on is None or row.closed_on > extract.in_force_from
                if opened_in_time and still_open:
                    periods[(row.code, extract.in_force_from)] = (
                        until,
                        row.icb_code,
                        row.region_code,
                        f"{later_extract.label} (absent from {extract.label})",
                    )
    return periods


def seed_letter_phases() -> None:
    """The national onboarding schedule of the letter, as data (idempotent)."""
    for number, name, go_live_on, region_codes, trust_codes in LETTER_PHASES:
        phase, _created = OnboardingPhase.objects.update_or_create(
            number=number, defaults={"name": name, "go_live_on": go_live_on, "synthetic": False}
        )
        phase.regions.set(Organisation.objects.filter(kind=Organisation.Kind.REGION, code__in=region_codes))
        named = set(phase.trusts.values_list("code", flat=True))
        missing = set(trust_codes) - named
        if missing:
            phase.trusts.add(*Organisation.objects.filter(kind=Organisation.Kind.TRUST, code__in=missing))


@dataclass
class RegisterUpdate:
    new_trusts: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    icb_moves: list[str] = field(default_factory=list)
    new_icbs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((self.new_trusts, self.renamed, self.closed, self.reopened, self.icb_moves, self.new_icbs))


@transaction.atomic
def update_register_from_etr(*, path: Path, effective_on: date, source: str) -> RegisterUpdate:
    """Apply a newer etr extract. The file is validated whole first (EtrFileInvalid)."""
    rows = [row for row in read_etr(path) if row.is_english]
    update = RegisterUpdate()
    recorded_at = clock.now()
    regions = {org.code: org for org in Organisation.objects.filter(kind=Organisation.Kind.REGION)}
    unknown_regions = sorted({row.region_code for row in rows} - set(regions))
    if unknown_regions:
        bad = [
            LineProblem(row.line, "3 (region)", f"{row.region_code} is not an NHS England region")
            for row in rows
            if row.region_code in unknown_regions
        ]
        raise EtrFileInvalid(bad)

    def note(org: Organisation, field_name: str, old, new) -> None:
        OrganisationChange.objects.create(
            organisation=org,
            field=field_name,
            old_value=str(old or ""),
            new_value=str(new or ""),
            source=source,
            recorded_at=recorded_at,
        )

    for row in rows:
        icb = Organisation.objects.filter(code=row.icb_code, kind=Organisation.Kind.ICB).first()
        if icb is None and row.icb_code:
            icb = Organisation.objects.create(
                code=row.icb_code, name="", kind=Organisation.Kind.ICB, region=regions[row.region_code]
            )
            note(icb, "created", "", row.icb_code)
            update.new_icbs.append(row.icb_code)
        trust = Organisation.objects.filter(code=row.code).first()
        if trust is None:
            trust = Organisation.objects.create(
                code=row.code,
                name=row.name,
                kind=Organisation.Kind.TRUST,
                opened_on=row.opened_on,
                closed_on=row.closed_on,
                postcode=row.postcode,
            )
            note(trust, "created", "", row.name)
            TrustParent.objects.create(
                trust=trust,
                icb=icb,
                region=regions[row.region_code],
                valid_from=max(row.opened_on or effective_on, ICBS_BEGAN),
                source=source,
            )
            update.new_trusts.append(row.code)
            continue
        if trust.name != row.name:
            note(trust, "name", trust.name, row.name)
            trust.name = row.name
            update.renamed.append(row.code)
        if trust.closed_on != row.closed_on:
            note(trust, "closed_on", trust.closed_on, row.closed_on)
            (update.closed if row.closed_on else update.reopened).append(row.code)
            trust.closed_on = row.closed_on
        if trust.postcode != row.postcode:
            note(trust, "postcode", trust.postcode, row.postcode)
            trust.postcode = row.postcode
        trust.save()
        closed_before = row.closed_on is not None and row.closed_on <= effective_on
        current = TrustParent.objects.filter(trust=trust).on(effective_on).first()
        if closed_before or icb is None:
            continue
        if current is None or current.icb_id != icb.pk or current.region_id != regions[row.region_code].pk:
            if current is not None:
                if current.valid_from == effective_on:
                    current.delete()
                else:
                    current.valid_until = effective_on
                    current.save(update_fields=["valid_until"])
            TrustParent.objects.filter(trust=trust, valid_from__gt=effective_on).delete()
            TrustParent.objects.create(
                trust=trust,
                icb=icb,
                region=regions[row.region_code],
                valid_from=effective_on,
                source=source,
            )
            note(trust, "icb", current.icb.code if current and current.icb else "", icb.code)
            update.icb_moves.append(row.code)
    return update


@transaction.atomic
def set_organisation_name(*, code: str, name: str, source: str) -> Organisation:
    org = Organisation.objects.get(code=code)
    OrganisationChange.objects.create(
        organisation=org, field="name", old_value=org.name, new_value=name, source=source, recorded_at=clock.now()
    )
    org.name = name
    org.save(update_fields=["name"])
    return org


def parse_iso_date(raw: str) -> date:
    return datetime.strptime(raw, "%Y-%m-%d").date()
