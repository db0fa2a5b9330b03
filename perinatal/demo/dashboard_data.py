"""Load the national demo data: generate the six CSVs and import them (issue 4, item 5).

`make run` loads "the four complete calendar years before --end's year plus that year to
date", ending on the last day of the previous month (the generator's default). With
`small` (tests) only the small-demo trusts and the year of the end date are generated.

Idempotent: the generator arguments (and a hash of the generator's code) are recorded in
DemoLoad; a second `perinatal setup --demo` with the same arguments neither regenerates nor
reimports. When the arguments change (a new month), the rows of earlier demo uploads are
deleted before the new files are loaded, so that no stale demo record is left behind.

The files go through the same import service as any upload; the big ones are checked in
two processes at once (services.import_dataset `workers`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from perinatal.core import clock
from perinatal.dashboard.datasets.schema import DATASET_NAMES
from perinatal.dashboard.models import (
    BirthRecord,
    DemoLoad,
    InductionRecord,
    NeonatalCareRecord,
    SurveyResult,
    UnitStatusEpisode,
    Upload,
)
from perinatal.dashboard.services import import_dataset
from perinatal.demo import generator
from perinatal.demo.organisations import demo_end_date
from perinatal.organisations.sites import trust_reference_rows

#: issue 4: "the four complete calendar years before --end's year plus that year to date".
NATIONAL_YEARS = 5
SMALL_YEARS = 1
#: The small demo of the tests (the brief's list; the register's small fixture also has RVJ).
SMALL_TRUSTS = ("R0A", "RRK", "RYR", "RA7", "RJ1")
DEMO_SEED = 1


class DemoDataRefused(RuntimeError):
    """A generated demo file failed its checks: a bug in the generator or the checks."""


@dataclass(frozen=True)
class DemoLoadSummary:
    loaded: bool  # False: the same demo data were already loaded
    arguments: dict
    rows: dict[str, int]


def demo_arguments(*, small: bool, today: date | None = None) -> dict:
    end = demo_end_date(today)
    return {
        "years": SMALL_YEARS if small else NATIONAL_YEARS,
        "end": end.isoformat(),
        "seed": DEMO_SEED,
        "trusts": list(SMALL_TRUSTS) if small else None,
        "generator": generator_fingerprint(),
    }


def generator_fingerprint() -> str:
    """A hash of the generator's source: changed code means different demo files."""
    digest = hashlib.sha256()
    package = Path(generator.__file__).parent
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(arguments: dict) -> str:
    return json.dumps(arguments, sort_keys=True, separators=(",", ":"))[:200]


def load_demo_data(
    *, small: bool, stdout=None, today: date | None = None, workers: int | None = None
) -> DemoLoadSummary:
    arguments = demo_arguments(small=small, today=today)
    key = _key(arguments)
    existing = DemoLoad.objects.filter(key=key).first()
    if existing is not None:
        _say(stdout, f"Dashboard demo data already loaded ({arguments['years']} year(s) to {arguments['end']}).")
        return DemoLoadSummary(False, arguments, dict(existing.rows))
    workers = workers if workers is not None else (1 if small else min(2, os.cpu_count() or 1))
    with tempfile.TemporaryDirectory(prefix="perinatal-demo-") as folder:
        out = Path(folder)
        generator.generate(
            years=arguments["years"],
            end=date.fromisoformat(arguments["end"]),
            seed=arguments["seed"],
            out_dir=out,
            trusts_rows=trust_reference_rows(),
            trust_codes=arguments["trusts"],
        )
        files_hash = _files_hash(out)
        _delete_earlier_demo_rows()
        rows = _import_all(out, workers=workers, stdout=stdout)
    DemoLoad.objects.create(key=key, arguments=arguments, files_sha256=files_hash, rows=rows, finished_at=clock.now())
    _say(stdout, "Dashboard demo data loaded: " + ", ".join(f"{n} {rows[n]}" for n in DATASET_NAMES) + " rows.")
    return DemoLoadSummary(True, arguments, rows)


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _files_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in DATASET_NAMES:
        with open(folder / f"{name}.csv", "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def _delete_earlier_demo_rows() -> None:
    for model in (BirthRecord, NeonatalCareRecord, UnitStatusEpisode, InductionRecord, SurveyResult):
        model.objects.filter(upload__source=Upload.Source.DEMO).delete()
    DemoLoad.objects.all().delete()


def _import_all(folder: Path, *, workers: int, stdout) -> dict[str, int]:
    rows: dict[str, int] = {}
    for name in DATASET_NAMES:  # units first: it adds the sites and units the others name
        upload = _check_loaded(
            import_dataset(dataset=name, path=folder / f"{name}.csv", source=Upload.Source.DEMO, workers=workers)
        )
        rows[name] = upload.rows
        _say(stdout, f"  {name}: {upload.rows} rows loaded")
    return rows


def _check_loaded(upload: Upload) -> Upload:
    if upload.status != Upload.Status.LOADED:
        first = upload.errors[0]["message"] if upload.errors else upload.get_status_display()
        raise DemoDataRefused(f"demo {upload.dataset}.csv was not loaded ({upload.error_count} errors; first: {first})")
    return upload
