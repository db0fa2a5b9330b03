"""Shaping loaded MOSS reference rates for the reference rates pages (docs/rules/surveillance.md §1.1).

Rates are aggregate figures (a rate per site and period), not record-level data: every
signed-in user who reads the signals pages reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from perinatal.organisations.models import Site
from perinatal.stats.moss import REFERENCE_YEARS
from perinatal.surveillance.models import LoadedReferenceRate, ReferenceRateUpload
from perinatal.surveillance.presenters import per_thousand

ALL_SITES = "All sites"
NATIONAL_WORDS = "National rate from the births data"


def period_words(rate: LoadedReferenceRate) -> str:
    return f"{rate.period_start_year}–{rate.period_end_year}"


def rate_words(rate: float) -> str:
    return f"{per_thousand(rate)} per 1,000 term births"


def loaded_by_words(upload: ReferenceRateUpload) -> str:
    """The person's name where the account still exists, else the label kept with the load."""
    return upload.loaded_by.display_name if upload.loaded_by is not None else upload.loaded_by_label


@dataclass(frozen=True)
class RateRow:
    """One loaded rate in force, as the page lists it."""

    rate: LoadedReferenceRate
    applies_to: str
    site_known: bool
    period: str
    per_thousand: str
    events_year: int

    @property
    def upload(self) -> ReferenceRateUpload:
        return self.rate.upload


def _applies_to(rate: LoadedReferenceRate, sites: dict[str, Site]) -> tuple[str, bool]:
    if rate.applies_to_every_site:
        return ALL_SITES, True
    site = sites.get(rate.site_code)
    if site is None:
        return f"{rate.site_code} (not in the register)", False
    return f"{site.name} ({site.code})", True


def rate_rows(rates: Iterable[LoadedReferenceRate], sites: dict[str, Site]) -> list[RateRow]:
    """Rates for all sites first, then by site code; each site's periods newest first."""
    rows = []
    for rate in rates:
        applies_to, known = _applies_to(rate, sites)
        rows.append(
            RateRow(
                rate=rate,
                applies_to=applies_to,
                site_known=known,
                period=period_words(rate),
                per_thousand=per_thousand(rate.rate),
                events_year=rate.events_year,
            )
        )
    return sorted(rows, key=lambda row: (bool(row.rate.site_code), row.rate.site_code, -row.rate.period_end_year))


def unknown_site_codes(rows: Iterable[RateRow]) -> list[str]:
    return sorted({row.rate.site_code for row in rows if not row.site_known})


@dataclass(frozen=True)
class UploadRow:
    """One load in the history: what it loaded and where its rates stand now."""

    upload: ReferenceRateUpload
    status: str
    tag_class: str
    in_force: int
    withdrawable: bool

    @property
    def withdrawal(self):
        return getattr(self.upload, "withdrawal", None)


def upload_rows(uploads: Iterable[ReferenceRateUpload]) -> list[UploadRow]:
    """Uploads annotated with ``rates_in_force`` (selectors.reference_rates.reference_rate_uploads)."""
    rows = []
    for upload in uploads:
        in_force = upload.rates_in_force
        if getattr(upload, "withdrawal", None) is not None:
            status, tag = "Withdrawn", "nhsuk-tag--grey"
        elif in_force == upload.rates_loaded:
            status, tag = "In force", "nhsuk-tag--green"
        elif in_force:
            status, tag = f"{in_force} of {upload.rates_loaded} in force", "nhsuk-tag--blue"
        else:
            status, tag = "Replaced by later loads", "nhsuk-tag--grey"
        rows.append(
            UploadRow(
                upload=upload,
                status=status,
                tag_class=tag,
                in_force=in_force,
                withdrawable=in_force > 0 and status != "Withdrawn",
            )
        )
    return rows


@dataclass(frozen=True)
class WithdrawnRate:
    """A rate a withdrawal takes out of force, and what MOSS uses instead for its site and period."""

    row: RateRow
    instead: str


def after_withdrawal(*, withdrawn: list[RateRow], in_force: Iterable[LoadedReferenceRate]) -> list[WithdrawnRate]:
    """What applies once these rates are withdrawn (ADR 0013): rates they replaced do not come back.

    A site's rate gives way to a rate for all sites loaded by another load and in force for
    the same period, else to the national rate; a rate for all sites gives way to the national
    rate for every site without a rate of its own.
    """
    leaving = {row.rate.pk for row in withdrawn}
    all_sites = {
        rate.period_end_year: rate for rate in in_force if rate.applies_to_every_site and rate.pk not in leaving
    }
    result = []
    for row in withdrawn:
        other = all_sites.get(row.rate.period_end_year) if row.rate.site_code else None
        if other is not None:
            instead = f"Rate for all sites, {rate_words(other.rate)} (loaded from {other.upload.filename})"
        elif row.rate.site_code:
            instead = NATIONAL_WORDS
        else:
            instead = f"{NATIONAL_WORDS}, for every site without a loaded rate of its own"
        result.append(WithdrawnRate(row=row, instead=instead))
    return result


def national_rate_words(rates: dict[int, float]) -> list[str]:
    """The national rates a run used, per year of events: "2025: 2 per 1,000 term births (2022–2024)"."""
    return [f"{year}: {rate_words(rate)} ({year - REFERENCE_YEARS}–{year - 1})" for year, rate in rates.items()]


def loaded_words(*, rates_loaded: int, site_rates: int, all_sites_rates: int, replaced: int, filename: str) -> str:
    """The success message after a load, as the command prints it."""
    return (
        f"Loaded {rates_loaded} reference rate{'s' if rates_loaded != 1 else ''} from {filename}: "
        f"{site_rates} for single sites, {all_sites_rates} for every site; "
        f"{replaced} earlier rate{'s' if replaced != 1 else ''} replaced."
    )
