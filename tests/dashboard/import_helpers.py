"""Writing dataset CSVs from typed records, importing them, and an independent org_of,
for the dashboard's database tests (imports, engine, CLI, API)."""

from __future__ import annotations

import csv
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from perinatal.dashboard.datasets import validate_csv
from perinatal.dashboard.datasets.schema import SCHEMAS
from perinatal.dashboard.models import (
    BirthRecord,
    InductionRecord,
    NeonatalCareRecord,
    SurveyResult,
    TallyCache,
    UnitListing,
    UnitStatusEpisode,
)
from perinatal.dashboard.services import import_dataset
from perinatal.kernel.london_time import LONDON
from perinatal.organisations.models import Organisation, SiteOwnership, TrustParent

RECORD_MODELS = (BirthRecord, NeonatalCareRecord, UnitStatusEpisode, InductionRecord, SurveyResult, UnitListing)
DATASET_ORDER = ("units", "births", "neonatal_care", "unit_status", "inductions", "survey")


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def write_records(path: Path, dataset: str, records) -> Path:
    """A CSV of `dataset` with the records (dataclasses of perinatal.dashboard.datasets)."""
    columns = SCHEMAS[dataset].column_names
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            values = {f.name: getattr(record, f.name) for f in fields(record)}
            writer.writerow([cell(values[name]) for name in columns])
    return path


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def import_records(tmp_path: Path, dataset: str, records, *, name: str | None = None, **options):
    path = write_records(tmp_path / (name or f"{dataset}.csv"), dataset, records)
    return import_dataset(dataset=dataset, path=path, **options)


def clear_dashboard_data() -> None:
    """Remove every dashboard record (the test database holds the small demo), inside the
    test's transaction."""
    for model in RECORD_MODELS:
        model.objects.all().delete()
    TallyCache.objects.all().delete()


def site_codes_of(trust: str) -> list[str]:
    return sorted(SiteOwnership.objects.filter(trust__code=trust).values_list("site__code", flat=True))


def register_org_of():
    """The ICB and region of a trust on a day, straight from the register's parent periods
    (organisations.selectors.parent_on; before the first extract, the earliest one)."""
    periods: dict[str, list] = {}
    for parent in TrustParent.objects.select_related("trust", "icb", "region").order_by("valid_from"):
        periods.setdefault(parent.trust.code, []).append(parent)

    def org_of(trust: str, day: date) -> tuple[str, str]:
        mine = periods[trust]
        holding = [p for p in mine if p.valid_from <= day and (p.valid_until is None or day < p.valid_until)]
        earlier = [p for p in mine if p.valid_from <= day]
        chosen = holding[-1] if holding else earlier[-1] if earlier else mine[0]
        return chosen.icb.code, chosen.region.code

    return org_of


def org_names():
    names = {o.code: o.display_name for o in Organisation.objects.all()}
    return lambda level, code: names.get(code, code)


def read_records(folder: Path, dataset: str, *, known_units=None):
    """The records of a CSV, read by the validator (for the reference implementation)."""
    trusts = set(Organisation.objects.filter(kind="trust").values_list("code", flat=True))
    sites: dict[str, set[str]] = {}
    for site, trust in SiteOwnership.objects.values_list("site__code", "trust__code"):
        sites.setdefault(site, set()).add(trust)
    with open(folder / f"{dataset}.csv", encoding="utf-8-sig", newline="") as handle:
        validation = validate_csv(dataset, handle, known_trusts=trusts, known_sites=sites, known_units=known_units)
        records = validation.records()
    assert validation.ok, [str(e) for e in validation.errors[:5]]
    return records
