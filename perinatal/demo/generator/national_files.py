"""Write the six demo datasets (docs/rules/dashboard.md §1) for a period ending on `end`.

Byte-identical output for the same arguments: one seed, split into independent numpy
streams per dataset (`numpy.random.SeedSequence.spawn`), stable ordering of every file and
nothing about the time of generation in the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import parameters as p
from .births import Babies, Deliveries, generate_babies, generate_deliveries, signal_start
from .clock_changes import MINUTES_PER_DAY
from .csv_output import (
    DateFormatter,
    boolean_column,
    code_table,
    number_table,
    numbered_ids,
    optional_boolean_column,
    write_csv,
    write_table,
)
from .inductions import Inductions, generate_inductions
from .neonatal_care import NeonatalCare, generate_neonatal_care
from .period import DemoPeriod, demo_period
from .site_table import SiteTable, site_table
from .survey import SurveyRow, generate_survey
from .unit_status import StatusEpisode, generate_unit_status

UNITS_COLUMNS = (
    "unit_code",
    "site_code",
    "trust_code",
    "unit_type",
    "neonatal_level",
    "opened_on",
    "closed_on",
)
BIRTHS_COLUMNS = (
    "baby_id",
    "mother_id",
    "trust_code",
    "site_code",
    "born_on",
    "gestation_days",
    "birth_weight_g",
    "outcome",
    "termination",
    "neonatal_death_on",
    "blood_loss_ml",
    "multiple_birth",
    "mother_age",
    "ethnic_group",
    "imd_quintile",
    "onset_of_labour",
)
NEONATAL_CARE_COLUMNS = (
    "baby_id",
    "trust_code",
    "site_code",
    "born_on",
    "gestation_days",
    "multiple_birth",
    "antenatal_steroids",
    "antenatal_magnesium",
    "born_in_nicu_site",
    "cord_clamping_seconds",
    "admission_temperature_c",
    "temperature_within_hour",
    "breastmilk_day_1_2",
)
UNIT_STATUS_COLUMNS = ("unit_code", "status", "started_at", "ended_at")
INDUCTIONS_COLUMNS = ("induction_id", "trust_code", "site_code", "admitted_at", "started_at")
SURVEY_COLUMNS = ("trust_code", "survey_year", "question", "responses", "yes")
DATASET_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "units": UNITS_COLUMNS,
    "births": BIRTHS_COLUMNS,
    "neonatal_care": NEONATAL_CARE_COLUMNS,
    "unit_status": UNIT_STATUS_COLUMNS,
    "inductions": INDUCTIONS_COLUMNS,
    "survey": SURVEY_COLUMNS,
}
OUTCOMES = ("live", "stillbirth")
BABY_ID_PREFIX = "B"
MOTHER_ID_PREFIX = "M"
INDUCTION_ID_PREFIX = "I"
# Stream order of SeedSequence(seed).spawn(): never reorder, or every file changes.
STREAMS = ("deliveries", "babies", "neonatal_care", "unit_status", "inductions", "survey")


@dataclass(frozen=True)
class DemoDataSummary:
    period: DemoPeriod
    rows: Mapping[str, int]  # dataset name -> data rows written
    sites: tuple[str, ...]
    signal_sites: tuple[str, ...]  # SIGNAL_SITES present in this run
    signal_from: dt.date  # first birth date of the worse period at the signal sites


def _date_or_empty(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def _write_units(out_dir: Path, sites: SiteTable, period: DemoPeriod) -> int:
    """One row per unit; a merged trust's units name the trust they belong to at the end."""
    site_index = {code: i for i, code in enumerate(sites.codes)}
    rows = [
        (
            u.unit_code,
            u.site_code,
            sites.trust_code_on(site_index[u.site_code], period.end),
            u.unit_type,
            u.neonatal_level,
            u.opened_on.isoformat(),
            _date_or_empty(u.closed_on),
        )
        for u in sites.units
    ]
    columns = [[row[i] for row in rows] for i in range(len(UNITS_COLUMNS))]
    return write_table(out_dir / "units.csv", UNITS_COLUMNS, columns)


def _site_columns(sites: SiteTable, site: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """trust_code and site_code columns: the trust that the site belonged to on the day."""
    return sites.trust_code_column(site, day), np.array(sites.codes, dtype=object)[site]


def _write_births(
    out_dir: Path, *, sites: SiteTable, deliveries: Deliveries, babies: Babies, dates: DateFormatter
) -> int:
    gestation_text = number_table(400)
    weight_text = number_table(p.MAX_WEIGHT_G)
    blood_loss_text = number_table(p.MAX_BLOOD_LOSS_ML)
    age_text = number_table(99)
    imd_text = code_table(("",) + tuple(str(q) for q in range(1, 6)))  # 0 = unknown -> ""
    ethnic_text = code_table(p.ETHNIC_GROUPS)
    onset_text = code_table(p.ONSET_VALUES)
    outcome_text = code_table(OUTCOMES)

    def columns_for(part: slice) -> list:
        delivery = babies.delivery[part]
        baby_day = babies.day[part]
        trust_code, site_code = _site_columns(sites, babies.site[part], baby_day)
        return [
            numbered_ids(BABY_ID_PREFIX, np.arange(part.start, part.stop) + 1),
            # Deliveries are in birth order and those in the period come first: number them.
            numbered_ids(MOTHER_ID_PREFIX, delivery + 1),
            trust_code,
            site_code,
            dates.dates(baby_day),
            gestation_text[babies.gestation_days[part]],
            weight_text[babies.birth_weight_g[part]],
            outcome_text[babies.stillbirth[part].astype(np.int64)],
            boolean_column(babies.termination[part]),
            dates.dates(babies.death_day[part]),
            blood_loss_text[deliveries.blood_loss_ml[delivery]],
            boolean_column(babies.multiple[part]),
            age_text[deliveries.mother_age[delivery]],
            ethnic_text[deliveries.ethnic_group[delivery]],
            imd_text[deliveries.imd_quintile[delivery]],
            onset_text[deliveries.onset[delivery]],
        ]

    return write_csv(out_dir / "births.csv", BIRTHS_COLUMNS, rows=len(babies), columns_for=columns_for)


def _temperature_table() -> np.ndarray:
    """Tenths of a degree 0..500 -> '36.9'; then ''."""
    return np.array([f"{t // 10}.{t % 10}" for t in range(501)] + [""], dtype=object)


def _write_neonatal_care(
    out_dir: Path, *, sites: SiteTable, babies: Babies, care: NeonatalCare, dates: DateFormatter
) -> int:
    baby = care.baby
    trust_code, site_code = _site_columns(sites, babies.site[baby], babies.day[baby])
    temperature = np.clip(care.admission_temperature_c, 0, 500)
    columns = [
        numbered_ids(BABY_ID_PREFIX, baby + 1),  # the same numbering as births.csv
        trust_code,
        site_code,
        dates.dates(babies.day[baby]),
        number_table(400)[babies.gestation_days[baby]],
        boolean_column(babies.multiple[baby]),
        optional_boolean_column(care.antenatal_steroids, care.steroids_unknown),
        optional_boolean_column(care.antenatal_magnesium, care.magnesium_unknown),
        boolean_column(care.born_in_nicu_site),
        number_table(600)[np.where(care.cord_clamping_unknown, -1, care.cord_clamping_seconds)],
        _temperature_table()[np.where(care.temperature_unknown, -1, temperature)],
        optional_boolean_column(care.temperature_within_hour, care.within_hour_unknown),
        optional_boolean_column(care.breastmilk_day_1_2, care.breastmilk_unknown),
    ]
    return write_table(out_dir / "neonatal_care.csv", NEONATAL_CARE_COLUMNS, columns)


def _write_unit_status(out_dir: Path, *, episodes: Sequence[StatusEpisode], dates: DateFormatter) -> int:
    starts = np.array([e.started_at for e in episodes], dtype=np.int64)
    ends = np.array([e.ended_at if e.ended_at is not None else 0 for e in episodes], dtype=np.int64)
    ongoing = np.array([e.ended_at is None for e in episodes], dtype=bool)
    columns = [
        [e.unit_code for e in episodes],
        [e.status for e in episodes],
        dates.timestamps(starts),
        dates.timestamps(ends, missing=ongoing),
    ]
    return write_table(out_dir / "unit_status.csv", UNIT_STATUS_COLUMNS, columns)


def _write_inductions(out_dir: Path, *, sites: SiteTable, inductions: Inductions, dates: DateFormatter) -> int:
    def columns_for(part: slice) -> list:
        admitted_at = inductions.admitted_at[part]
        trust_code, site_code = _site_columns(sites, inductions.site[part], admitted_at // MINUTES_PER_DAY)
        return [
            numbered_ids(INDUCTION_ID_PREFIX, np.arange(part.start, part.stop) + 1),
            trust_code,
            site_code,
            dates.timestamps(admitted_at),
            dates.timestamps(inductions.started_at[part], missing=inductions.not_started[part]),
        ]

    return write_csv(out_dir / "inductions.csv", INDUCTIONS_COLUMNS, rows=len(inductions), columns_for=columns_for)


def _write_survey(out_dir: Path, rows: Sequence[SurveyRow]) -> int:
    columns = [
        [r.trust_code for r in rows],
        [str(r.survey_year) for r in rows],
        [r.question for r in rows],
        [str(r.responses) for r in rows],
        [str(r.yes) for r in rows],
    ]
    return write_table(out_dir / "survey.csv", SURVEY_COLUMNS, columns)


def generate(
    *,
    years: int,
    end: dt.date,
    seed: int,
    out_dir: Path,
    trusts_rows: Iterable[Mapping[str, str]],
    trust_codes: Sequence[str] | None = None,
) -> DemoDataSummary:
    """Write units.csv, births.csv, neonatal_care.csv, unit_status.csv, inductions.csv and
    survey.csv into `out_dir` for 1 January of (end.year − years + 1) … `end` (see `period`),
    for every births-providing trust open in that range, or only `trust_codes`."""
    period = demo_period(years=years, end=end)
    sites = site_table(trusts_rows=trusts_rows, period=period, trust_codes=trust_codes)
    seeds = np.random.SeedSequence(seed).spawn(len(STREAMS))
    streams = {name: np.random.Generator(np.random.PCG64(s)) for name, s in zip(STREAMS, seeds, strict=True)}
    deliveries = generate_deliveries(streams["deliveries"], sites=sites, period=period)
    babies = generate_babies(streams["babies"], deliveries=deliveries, sites=sites, period=period)
    care = generate_neonatal_care(streams["neonatal_care"], babies=babies, sites=sites)
    episodes = generate_unit_status(streams["unit_status"], units=sites.units, period=period)
    inductions = generate_inductions(streams["inductions"], deliveries=deliveries, sites=sites, period=period)
    survey = generate_survey(streams["survey"], sites=sites, period=period)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    dates = DateFormatter(period)
    rows = {
        "units": _write_units(out_dir, sites, period),
        "births": _write_births(out_dir, sites=sites, deliveries=deliveries, babies=babies, dates=dates),
        "neonatal_care": _write_neonatal_care(out_dir, sites=sites, babies=babies, care=care, dates=dates),
        "unit_status": _write_unit_status(out_dir, episodes=episodes, dates=dates),
        "inductions": _write_inductions(out_dir, sites=sites, inductions=inductions, dates=dates),
        "survey": _write_survey(out_dir, survey),
    }
    return DemoDataSummary(
        period=period,
        rows=rows,
        sites=sites.codes,
        signal_sites=tuple(code for code in p.SIGNAL_SITES if code in sites.codes),
        signal_from=signal_start(period),
    )
