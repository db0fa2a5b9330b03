"""Loaded reference rates (docs/rules/surveillance.md §1.1, §1.6): load NHS England's ``MOSS_Ref_Rate.csv``,
withdraw a load.

A loaded rate replaces the national rate for its site (or all sites) and period in every later
MOSS run; nothing is deleted (replaced and withdrawn rates are kept, marked). The callers queue
the MOSS run that uses the change.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from perinatal.accounts.models import User
from perinatal.core import audit, clock
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Site
from perinatal.surveillance.analyst_files import InputFileError, ReferenceRateRow, read_reference_rate_rows
from perinatal.surveillance.models import LoadedReferenceRate, ReferenceRateUpload, ReferenceRateWithdrawal
from perinatal.surveillance.selectors.reference_rates import IN_FORCE, rates_in_force_of
from perinatal.surveillance.services.run_lock import lock_runs


@dataclass(frozen=True)
class ReferenceRatesLoaded:
    upload: ReferenceRateUpload
    site_rates: int
    all_sites_rates: int
    replaced: int
    unknown_sites: tuple[str, ...]


def load_reference_rates(
    *, path, by: User | None = None, by_label: str = "", filename: str = "", request=None
) -> ReferenceRatesLoaded:
    """Load NHS England's ``MOSS_Ref_Rate.csv``: the whole file, or nothing.

    Read with the one parser of the format (the one ``perinatal moss`` uses): a malformed file
    raises :class:`InputFileError` naming the file, line and column before anything is stored.
    A rate for a site (or all sites) and period in force is replaced by the new one; the old row
    is kept, marked with the load that replaced it. Site codes not in the register are stored
    (the national file covers sites this platform may not know yet) and reported. ``filename``
    is the name to record when ``path`` is a temporary copy (an upload on the page).
    """
    rows = read_reference_rate_rows(path)
    if not rows:
        raise InputFileError(path, None, None, "has no rows of data")
    _check_storable(path, rows)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _store_reference_rates(
        rows=rows,
        filename=(filename or Path(path).name)[:255],
        sha256=digest,
        by=by,
        by_label=by_label or (by.email if by is not None else "command line"),
        request=request,
    )


#: Site codes as ODS writes them (R0A01, RRK98, ...); the column holds 20 characters.
_SITE_CODE = re.compile(r"[A-Z0-9]{1,20}")
#: A term stillbirth and neonatal death rate is a few per 1,000 term births. A Ref_Rate above
#: this is a file written per 1,000 (3.1 for 0.0031): MOSS would design thresholds for ~1,000
#: times the events, fail, and stop monitoring every site it applies to.
MAX_PLAUSIBLE_REFERENCE_RATE = 0.1


def _check_storable(path, rows: tuple[ReferenceRateRow, ...]) -> None:
    """What the platform must refuse beyond the format: ``perinatal moss`` uses any rate as given
    (docs/rules/surveillance.md §1.6), but a rate loaded here changes every later run for the sites it covers."""
    for row in rows:
        if row.site_code and not _SITE_CODE.fullmatch(row.site_code):
            raise InputFileError(
                path,
                row.line,
                "Site_Code",
                f"{row.site_code[:30]!r} is not a site code (up to 20 capital letters and digits, like R0A01)",
            )
        for column, text in (("Events", row.events), ("Denom", row.denom), ("Source", row.source)):
            if "\x00" in text:
                raise InputFileError(path, row.line, column, "contains a NUL character: is this a CSV text file?")
        if row.rate > MAX_PLAUSIBLE_REFERENCE_RATE:
            raise InputFileError(
                path,
                row.line,
                "Ref_Rate",
                f"{row.rate:g} is {row.rate * 1000:,.0f} per 1,000 term births: Ref_Rate is events per "
                "term birth (e.g. 0.0021 for 2.1 per 1,000)",
            )


@transaction.atomic
def _store_reference_rates(
    *, rows: tuple[ReferenceRateRow, ...], filename: str, sha256: str, by: User | None, by_label: str, request=None
) -> ReferenceRatesLoaded:
    # One load at a time: row locks cannot cover a site and period nobody has loaded yet.
    lock_runs()
    keys = {(row.site_code, row.last_year) for row in rows}
    current = LoadedReferenceRate.objects.select_for_update().filter(IN_FORCE)
    replaced = [rate.pk for rate in current if (rate.site_code, rate.period_end_year) in keys]
    upload = ReferenceRateUpload.objects.create(
        filename=filename,
        sha256=sha256,
        loaded_at=clock.now(),
        loaded_by=by,
        loaded_by_label=by_label,
        rates_loaded=len(rows),
        rates_replaced=len(replaced),
    )
    # Replaced first: the constraint allows one rate in force per site and period.
    LoadedReferenceRate.objects.filter(pk__in=replaced).update(replaced_by=upload)
    LoadedReferenceRate.objects.bulk_create(
        [
            LoadedReferenceRate(
                upload=upload,
                line=row.line,
                site_code=row.site_code,
                period_start_year=row.first_year,
                period_end_year=row.last_year,
                rate=row.rate,
                events=row.events,
                denom=row.denom,
                source=row.source,
            )
            for row in rows
        ]
    )
    codes = {row.site_code for row in rows if row.site_code}
    known = set(Site.objects.filter(code__in=codes).values_list("code", flat=True))
    site_rates = sum(1 for row in rows if row.site_code)
    outcome = ReferenceRatesLoaded(
        upload=upload,
        site_rates=site_rates,
        all_sites_rates=len(rows) - site_rates,
        replaced=len(replaced),
        unknown_sites=tuple(sorted(codes - known)),
    )
    audit.record(
        action=audit.Action.CREATE,
        obj=upload,
        actor=by,
        request=request,
        summary=(
            f"Reference rates load {upload.pk}: {outcome.site_rates} site rates, "
            f"{outcome.all_sites_rates} for all sites, {outcome.replaced} earlier rates replaced"
        ),
    )
    return outcome


WITHDRAWAL_REASON_MAX_LENGTH = 1000


class ReferenceRatesRefused(Refused):
    """A withdrawal of reference rates that cannot be made, naming the form field it concerns."""


@transaction.atomic
def withdraw_reference_rates(
    *, upload: ReferenceRateUpload, reason: str, by: User, request=None
) -> ReferenceRateWithdrawal:
    """Take a load's rates out of force: append a withdrawal (who, when, why) and mark its rates.

    Nothing is deleted. Rates the load had replaced do **not** come back (ADR 0013): for each of
    its site-periods MOSS then uses a rate loaded for all sites if one is in force, else the
    national rate, until another load is in force. The caller queues the MOSS run.
    """
    upload = ReferenceRateUpload.objects.select_for_update().get(pk=upload.pk)
    if ReferenceRateWithdrawal.objects.filter(upload=upload).exists():
        raise ReferenceRatesRefused("__all__", f"The rates loaded from {upload.filename} have already been withdrawn")
    reason = (reason or "").strip()
    if not reason:
        raise ReferenceRatesRefused("reason", "Enter why the rates are being withdrawn")
    if len(reason) > WITHDRAWAL_REASON_MAX_LENGTH:
        raise ReferenceRatesRefused(
            "reason", f"The reason must be {WITHDRAWAL_REASON_MAX_LENGTH:,} characters or fewer"
        )
    in_force = list(rates_in_force_of(upload).select_for_update().values_list("pk", flat=True))
    if not in_force:
        raise ReferenceRatesRefused(
            "__all__", f"None of the rates loaded from {upload.filename} is in force: later loads replaced them all"
        )
    withdrawal = ReferenceRateWithdrawal.objects.create(
        upload=upload,
        at=clock.now(),
        by=by,
        by_label=by.email,
        reason=reason,
        rates_withdrawn=len(in_force),
    )
    LoadedReferenceRate.objects.filter(pk__in=in_force).update(withdrawn_by=withdrawal)
    # The reason is free text: kept on the withdrawal row, not copied into the audit summary.
    audit.record(
        action=audit.Action.DECIDE,
        obj=upload,
        actor=by,
        request=request,
        summary=(
            f"Reference rates load {upload.pk} withdrawn: "
            f"{len(in_force)} rate{'s' if len(in_force) != 1 else ''} no longer in force"
        ),
    )
    return withdrawal
