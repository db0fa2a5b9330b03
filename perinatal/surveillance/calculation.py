"""MOSS over the platform's births data: monthly counts in, the library's run out (framework-free).

docs/rules/surveillance.md §1.1. The births data gives, per site and month of birth, the term
births (live + still, GA ≥ 259 days, terminations excluded) and the events (term stillbirths
and term neonatal deaths at 0–27 completed days, terminations excluded). From those counts
this module builds exactly what ``perinatal moss`` builds from NHS England's files — the
events by (site, month), the denominators (mean monthly term births of Y − 1) and the
national reference rate of Y − 3…Y − 1, or the rates loaded from NHS England's
``MOSS_Ref_Rate.csv`` where there are some — and calls :func:`stats.moss.run_moss`, so that the
pages and the command line agree. :func:`write_input_files` writes the same counts as NHS
England's input files, for analysts and for the test that proves the agreement.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from perinatal.stats.months import YearMonth
from perinatal.stats.moss import (
    REFERENCE_YEARS,
    MonthlyCounts,
    MossRun,
    ReferenceRates,
    denominators,
    reference_rate,
    run_moss,
)
from perinatal.stats.moss_design import METHOD

__all__ = [
    "EVENTS_FILE",
    "BIRTHS_FILE",
    "REFERENCE_NATIONAL",
    "REFERENCE_RATES_FILE",
    "SITES_FILE",
    "SOURCE_ALL_SITES",
    "SOURCE_NATIONAL",
    "SOURCE_SITE",
    "LoadedRate",
    "MossCalculation",
    "RateSource",
    "SiteMonthCounts",
    "calculate",
    "fingerprint",
    "national_reference_rates",
    "reference_words",
    "write_input_files",
]

REFERENCE_NATIONAL = "national"
"""The default reference (docs/rules/surveillance.md §1.1): one national rate per year, the same for every site."""
SOURCE_NATIONAL = "national"
SOURCE_SITE = "site"
SOURCE_ALL_SITES = "all_sites"
"""Where a site-year's reference rate came from: the national rate computed from the births
data, a rate loaded for the site, or a rate loaded for every site (a file without Site_Code)."""

EVENTS_FILE = "events.csv"
BIRTHS_FILE = "births.csv"
REFERENCE_RATES_FILE = "reference_rates.csv"
SITES_FILE = "sites.csv"
_OUTCOME_STILLBIRTH = "SB"
_OUTCOME_NEONATAL_DEATH = "NND"


@dataclass(frozen=True)
class SiteMonthCounts:
    """One site and month of birth, counted from the births data (docs/rules/surveillance.md §1.1)."""

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
class LoadedRate:
    """A reference rate loaded into the platform (NHS England's ``MOSS_Ref_Rate.csv``, docs/rules/surveillance.md §1.1).

    ``site_code`` empty: the rate applies to every site. ``year`` is the year of the events
    it is used for (the 3-year period's last year + 1). ``origin`` identifies the stored row,
    so a result can say which loaded rate it used.
    """

    site_code: str
    year: int
    rate: float
    origin: object = None


@dataclass(frozen=True)
class RateSource:
    kind: str  # SOURCE_NATIONAL, SOURCE_SITE or SOURCE_ALL_SITES
    origin: object = None  # the LoadedRate's origin when loaded


@dataclass(frozen=True)
class MossCalculation:
    """A MOSS run over the platform's data, with the inputs each row was computed from."""

    run: MossRun
    denominators: Mapping[tuple[str, int], float]
    reference_rates: ReferenceRates
    fingerprint: str
    method: str = METHOD
    reference: str = REFERENCE_NATIONAL
    loaded_per_site: Mapping[tuple[str, int], LoadedRate] = field(default_factory=dict)
    loaded_all_sites: Mapping[int, LoadedRate] = field(default_factory=dict)

    def denominator(self, *, site_code: str, year: int) -> float:
        return self.denominators[(site_code, year)]

    def reference_rate(self, *, site_code: str, year: int) -> float:
        rate = self.reference_rates.for_site(site_code=site_code, year=year)
        if rate is None:
            raise KeyError((site_code, year))
        return rate

    def reference_source(self, *, site_code: str, year: int) -> RateSource:
        """Which rate a site-year used: loaded for the site, else loaded for all sites, else national."""
        loaded = self.loaded_per_site.get((site_code, year))
        if loaded is not None:
            return RateSource(SOURCE_SITE, loaded.origin)
        loaded = self.loaded_all_sites.get(year)
        if loaded is not None:
            return RateSource(SOURCE_ALL_SITES, loaded.origin)
        return RateSource(SOURCE_NATIONAL)


def _monthly_counts(counts: Iterable[SiteMonthCounts]) -> list[MonthlyCounts]:
    return [
        MonthlyCounts(site_code=row.site_code, year=row.month.year, term_births=row.term_births, events=row.events)
        for row in counts
    ]


def national_reference_rates(*, counts: Sequence[SiteMonthCounts], years: Iterable[int]) -> dict[int, float]:
    """{Y: events ÷ term births over Y − 3…Y − 1, all sites} for each year that has term births then
    (docs/rules/surveillance.md §1.1)."""
    monthly = _monthly_counts(counts)
    rates = {}
    for year in sorted(set(years)):
        rate = reference_rate(counts=monthly, year=year)
        if rate is not None:
            rates[year] = rate
    return rates


def fingerprint(
    *,
    counts: Iterable[SiteMonthCounts],
    reference_rates: ReferenceRates,
    method: str = METHOD,
    loaded: Iterable[LoadedRate] = (),
) -> str:
    """SHA-256 of everything a run reads: the same data always gives the same fingerprint.

    Loaded rates add which stored rows were used, so that loading a file again (new rows, same
    numbers) stores a run whose results name the rows now in force.
    """
    document = {
        "method": method,
        "counts": sorted(
            [row.site_code, str(row.month), row.term_births, row.term_stillbirths, row.term_neonatal_deaths]
            for row in counts
        ),
        "national": sorted([year, repr(rate)] for year, rate in reference_rates.national.items()),
        "per_site": sorted([site, year, repr(rate)] for (site, year), rate in reference_rates.per_site.items()),
    }
    origins = sorted([rate.site_code, rate.year, str(rate.origin)] for rate in loaded)
    if origins:  # absent without loaded rates, so fingerprints of national-only runs are as before
        document["loaded"] = origins
    return hashlib.sha256(json.dumps(document, separators=(",", ":")).encode()).hexdigest()


def reference_words(sources: Mapping[tuple[str, int], RateSource]) -> str:
    """What a run used, for MossRun.reference: "national", "per site (2 sites), national for the others", …

    ``sources`` maps each monitored (site, year) to the source of its rate.
    """
    kinds = {source.kind for source in sources.values()}
    sites = {site for (site, _), source in sources.items() if source.kind == SOURCE_SITE}
    others = [
        words
        for kind, words in ((SOURCE_NATIONAL, "national"), (SOURCE_ALL_SITES, "loaded for all sites"))
        if kind in kinds
    ]
    if not sites:
        return " and ".join(others) or REFERENCE_NATIONAL
    per_site = f"per site ({len(sites)} site{'s' if len(sites) != 1 else ''})"
    return per_site + (", " + " and ".join(others) + " for the others" if others else "")


def calculate(counts: Sequence[SiteMonthCounts], *, loaded: Iterable[LoadedRate] = ()) -> MossCalculation:
    """MOSS for every site (docs/rules/surveillance.md §1.1–1.3): the national reference rate, or a loaded one where
    there is one.

    A rate loaded for a site wins for that site-year; a rate loaded for every site (a file
    without Site_Code) stands in for the national rate of its year; otherwise the national rate
    computed from the births data. Only loaded rates for the sites and years of this run are
    read, so a rate loaded for another year changes nothing.
    """
    events = {(row.site_code, row.month): row.events for row in counts if row.events}
    site_denominators = denominators(_monthly_counts(counts))
    years = {month.year for (_, month) in events}
    sites = {row.site_code for row in counts}
    used = [rate for rate in loaded if rate.year in years and (not rate.site_code or rate.site_code in sites)]
    loaded_per_site = {(rate.site_code, rate.year): rate for rate in used if rate.site_code}
    loaded_all_sites = {rate.year: rate for rate in used if not rate.site_code}
    national = national_reference_rates(counts=counts, years=years)
    national.update({year: rate.rate for year, rate in loaded_all_sites.items()})
    rates = ReferenceRates(national=national, per_site={key: rate.rate for key, rate in loaded_per_site.items()})
    run = run_moss(events=events, denominators=site_denominators, reference_rates=rates)
    calculation = MossCalculation(
        run=run,
        denominators=site_denominators,
        reference_rates=rates,
        fingerprint=fingerprint(counts=counts, reference_rates=rates, loaded=used),
        loaded_per_site=loaded_per_site,
        loaded_all_sites=loaded_all_sites,
    )
    sources = {
        (row.site_code, row.month.year): calculation.reference_source(site_code=row.site_code, year=row.month.year)
        for row in run.rows
    }
    return replace(calculation, reference=reference_words(sources))


def _month_end(month: YearMonth) -> str:
    return f"{month}-{month.days:02d}"


def write_input_files(
    *,
    directory: Path,
    counts: Sequence[SiteMonthCounts],
    reference_rates: ReferenceRates,
    sites: Mapping[str, tuple[str, str, str]],
) -> dict[str, Path]:
    """Write the counts as NHS England's MOSS input files (docs/rules/surveillance.md §1.6) for ``perinatal moss``.

    ``sites`` maps a site code to (site name, trust code, trust name). Events are one row per
    site, month and outcome (``SB`` term stillbirths, ``NND`` term neonatal deaths), dated the
    first of the month; births one row per site and month; reference rates one national row
    per year (no ``Site_Code`` column: the rate applies to every site), written so that
    ``float`` reads back the very same number. When per-site rates were used, the file gets a
    ``Site_Code`` column: the national rows leave it empty (every other site) and each per-site
    rate is a row of its own (Events and Denom empty: the rate was loaded, not computed here).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / name for name in (EVENTS_FILE, BIRTHS_FILE, REFERENCE_RATES_FILE, SITES_FILE)}
    ordered = sorted(counts, key=lambda row: (row.site_code, row.month))

    def names(site_code: str) -> tuple[str, str, str]:
        return sites.get(site_code, ("", "", ""))

    with open(paths[EVENTS_FILE], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["ods_code", "Site_Code", "Site_Name", "Trust_Name", "test_date", "year_month", "event_count", "outcome"]
        )
        for row in ordered:
            site_name, trust_code, trust_name = names(row.site_code)
            for outcome, count in (
                (_OUTCOME_STILLBIRTH, row.term_stillbirths),
                (_OUTCOME_NEONATAL_DEATH, row.term_neonatal_deaths),
            ):
                if count:
                    writer.writerow(
                        [
                            trust_code,
                            row.site_code,
                            site_name,
                            trust_name,
                            f"{row.month}-01",
                            str(row.month),
                            count,
                            outcome,
                        ]
                    )
    with open(paths[BIRTHS_FILE], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Site_Code", "Period", "Term_Births", "Term_Live_Births", "Year"])
        for row in ordered:
            writer.writerow(
                [row.site_code, _month_end(row.month), row.term_births, row.term_live_births, row.month.year]
            )
    with open(paths[REFERENCE_RATES_FILE], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        per_site = bool(reference_rates.per_site)
        writer.writerow((["Site_Code"] if per_site else []) + ["Year", "Events", "Denom", "Ref_Rate", "Source"])
        for year, rate in sorted(reference_rates.national.items()):
            first, last = year - REFERENCE_YEARS, year - 1
            in_period = [row for row in counts if first <= row.month.year <= last]
            writer.writerow(
                ([""] if per_site else [])
                + [
                    f"{first}-{last}",
                    sum(row.events for row in in_period),
                    sum(row.term_births for row in in_period),
                    repr(rate),
                    REFERENCE_NATIONAL,
                ]
            )
        for (site_code, year), rate in sorted(reference_rates.per_site.items()):
            writer.writerow([site_code, f"{year - REFERENCE_YEARS}-{year - 1}", "", "", repr(rate), "loaded per site"])
    with open(paths[SITES_FILE], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Site_Code", "Site_Name", "Trust_Code", "Trust_Name"])
        for site_code in sorted({row.site_code for row in counts}):
            site_name, trust_code, trust_name = names(site_code)
            writer.writerow([site_code, site_name, trust_code, trust_name])
    return paths
