"""MOSS over the platform's births data: monthly counts in, the library's run out (framework-free).

Spec surveillance.md §1.1. The births data gives, per site and month of birth, the term
births (live + still, GA ≥ 259 days, terminations excluded) and the events (term stillbirths
and term neonatal deaths at 0–27 completed days, terminations excluded). From those counts
this module builds exactly what ``perinatal moss`` builds from NHS England's files — the
events by (site, month), the denominators (mean monthly term births of Y − 1) and the
national reference rate of Y − 3…Y − 1 — and calls :func:`stats.moss.run_moss`, so that the
pages and the command line agree. :func:`write_input_files` writes the same counts as NHS
England's input files, for analysts and for the test that proves the agreement.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .stats.months import YearMonth
from .stats.moss import REFERENCE_YEARS, MonthlyCounts, MossRun, ReferenceRates, denominators, reference_rate, run_moss
from .stats.moss_design import METHOD

__all__ = [
    "EVENTS_FILE",
    "BIRTHS_FILE",
    "REFERENCE_NATIONAL",
    "REFERENCE_RATES_FILE",
    "SITES_FILE",
    "MossCalculation",
    "SiteMonthCounts",
    "calculate",
    "fingerprint",
    "national_reference_rates",
    "write_input_files",
]

REFERENCE_NATIONAL = "national"
"""The default reference (§1.1): one national rate per year, the same for every site."""

EVENTS_FILE = "events.csv"
BIRTHS_FILE = "births.csv"
REFERENCE_RATES_FILE = "reference_rates.csv"
SITES_FILE = "sites.csv"
_OUTCOME_STILLBIRTH = "SB"
_OUTCOME_NEONATAL_DEATH = "NND"


@dataclass(frozen=True)
class SiteMonthCounts:
    """One site and month of birth, counted from the births data (§1.1)."""

    site_code: str
    month: YearMonth
    term_births: int
    term_stillbirths: int
    term_neonatal_deaths: int

    @property
    def events(self) -> int:
        return self.term_stillbirths + self.term_neonatal_deaths

    @property
    def term_live_births(self) -> int:
        return self.term_births - self.term_stillbirths


@dataclass(frozen=True)
class MossCalculation:
    """A MOSS run over the platform's data, with the inputs each row was computed from."""

    run: MossRun
    denominators: Mapping[tuple[str, int], float]
    reference_rates: ReferenceRates
    fingerprint: str
    method: str = METHOD
    reference: str = REFERENCE_NATIONAL

    def denominator(self, *, site_code: str, year: int) -> float:
        return self.denominators[(site_code, year)]

    def reference_rate(self, *, site_code: str, year: int) -> float:
        rate = self.reference_rates.for_site(site_code=site_code, year=year)
        if rate is None:
            raise KeyError((site_code, year))
        return rate


def _monthly_counts(counts: Iterable[SiteMonthCounts]) -> list[MonthlyCounts]:
    return [
        MonthlyCounts(site_code=row.site_code, year=row.month.year, term_births=row.term_births, events=row.events)
        for row in counts
    ]


def national_reference_rates(*, counts: Sequence[SiteMonthCounts], years: Iterable[int]) -> dict[int, float]:
    """{Y: events ÷ term births over Y − 3…Y − 1, all sites} for each year that has term births then (§1.1)."""
    monthly = _monthly_counts(counts)
    rates = {}
    for year in sorted(set(years)):
        rate = reference_rate(counts=monthly, year=year)
        if rate is not None:
            rates[year] = rate
    return rates


def fingerprint(*, counts: Iterable[SiteMonthCounts], reference_rates: ReferenceRates, method: str = METHOD) -> str:
    """SHA-256 of everything a run reads: the same data always gives the same fingerprint."""
    document = {
        "method": method,
        "counts": sorted(
            [row.site_code, str(row.month), row.term_births, row.term_stillbirths, row.term_neonatal_deaths]
            for row in counts
        ),
        "national": sorted([year, repr(rate)] for year, rate in reference_rates.national.items()),
        "per_site": sorted([site, year, repr(rate)] for (site, year), rate in reference_rates.per_site.items()),
    }
    return hashlib.sha256(json.dumps(document, separators=(",", ":")).encode()).hexdigest()


def calculate(counts: Sequence[SiteMonthCounts]) -> MossCalculation:
    """MOSS for every site with the national reference rate (§1.1–1.3)."""
    events = {(row.site_code, row.month): row.events for row in counts if row.events}
    site_denominators = denominators(_monthly_counts(counts))
    years = {month.year for (_, month) in events}
    rates = ReferenceRates(national=national_reference_rates(counts=counts, years=years))
    run = run_moss(events=events, denominators=site_denominators, reference_rates=rates)
    return MossCalculation(
        run=run,
        denominators=site_denominators,
        reference_rates=rates,
        fingerprint=fingerprint(counts=counts, reference_rates=rates),
    )


def _month_end(month: YearMonth) -> str:
    return f"{month}-{month.days:02d}"


def write_input_files(
    *,
    directory: Path,
    counts: Sequence[SiteMonthCounts],
    reference_rates: ReferenceRates,
    sites: Mapping[str, tuple[str, str, str]],
) -> dict[str, Path]:
    """Write the counts as NHS England's MOSS input files (§1.6) for ``perinatal moss``.

    ``sites`` maps a site code to (site name, trust code, trust name). Events are one row per
    site, month and outcome (``SB`` term stillbirths, ``NND`` term neonatal deaths), dated the
    first of the month; births one row per site and month; reference rates one national row
    per year (no ``Site_Code`` column: the rate applies to every site), written so that
    ``float`` reads back the very same number.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / name for name in (EVENTS_FILE, BIRTHS_FILE, REFERENCE_RATES_FILE, SITES_FILE)}
    ordered = sorted(counts, key=lambda row: (row.site_code, row.month))

    def names(site_code: str) -> tuple[str, str, str]:
        return sites.get(site_code, ("", "", ""))

    with open(paths[EVENTS_FILE], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["ods_code", "Site_Code", "Site_Name", "Trust_Name", "test_date", "year_month", "event_count", "outcome"])
        for row in ordered:
            site_name, trust_code, trust_name = names(row.site_code)
            for outcome, count in ((_OUTCOME_STILLBIRTH, row.term_stillbirths), (_OUTCOME_NEONATAL_DEATH, row.term_neonatal_deaths)):
                if count:
                    writer.writerow([trust_code, row.site_code, site_name, trust_name, f"{row.month}-01", str(row.month), count, outcome])
    with open(paths[BIRTHS_FILE], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Site_Code", "Period", "Term_Births", "Term_Live_Births", "Year"])
        for row in ordered:
            writer.writerow([row.site_code, _month_end(row.month), row.term_births, row.term_live_births, row.month.year])
    with open(paths[REFERENCE_RATES_FILE], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Year", "Events", "Denom", "Ref_Rate", "Source"])
        for year, rate in sorted(reference_rates.national.items()):
            first, last = year - REFERENCE_YEARS, year - 1
            in_period = [row for row in counts if first <= row.month.year <= last]
            writer.writerow([
                f"{first}-{last}", sum(row.events for row in in_period), sum(row.term_births for row in in_period),
                repr(rate), REFERENCE_NATIONAL,
            ])
    with open(paths[SITES_FILE], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Site_Code", "Site_Name", "Trust_Code", "Trust_Name"])
        for site_code in sorted({row.site_code for row in counts}):
            site_name, trust_code, trust_name = names(site_code)
            writer.writerow([site_code, site_name, trust_code, trust_name])
    return paths
