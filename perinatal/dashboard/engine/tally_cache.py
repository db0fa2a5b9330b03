"""Counts of past periods, kept until the data change (the TallyCache table).

The SQL counts of a period depend only on the stored records, except for "now" in the
operational metrics (an ongoing episode is measured up to now; an induction counts once
its 24-hour point has passed), which matters only for a fortnight not yet over. So the
counts of every births, neonatal care and survey period, and of every fortnight that ended
before now, are stored per trust under the current data version (the latest loaded
upload) and reused by any later request for the same period, whatever its level or
organisation. A new load changes the version, and older entries are deleted.

The cache holds counts only: values, intervals, provisional flags and disclosure control are
always computed afresh (compute.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db.models import Max

from perinatal.dashboard.models import TallyCache, Upload

from .queries import MICROSECONDS, Bounds, Tallies

#: settings.DASHBOARD_TALLY_CACHE = False turns the cache off (every request counts afresh).
CACHE_SETTING = "DASHBOARD_TALLY_CACHE"
ALL_TRUSTS = "all"


@dataclass
class PeriodCounts:
    """One family's counts for one period: metric_id -> trust id -> [numerator, denominator],
    and (units family) the trusts with an obstetric unit open."""

    metrics: dict[str, dict[int, list]] = field(default_factory=dict)
    obstetric_trusts: set[int] = field(default_factory=set)

    def to_json(self) -> dict:
        return {
            "metrics": {
                metric: {str(trust): [_number_json(n), d] for trust, (n, d) in cells.items()}
                for metric, cells in self.metrics.items()
            },
            "obstetric_trusts": sorted(self.obstetric_trusts),
        }

    @classmethod
    def from_json(cls, data: dict, *, trust_ids: Collection[int] | None = None) -> PeriodCounts:
        keep = None if trust_ids is None else set(trust_ids)
        return cls(
            metrics={
                metric: {
                    int(trust): [_number(n), d] for trust, (n, d) in cells.items() if keep is None or int(trust) in keep
                }
                for metric, cells in data["metrics"].items()
            },
            obstetric_trusts={t for t in data["obstetric_trusts"] if keep is None or t in keep},
        )


def _number_json(value) -> int | str:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    return int(value)


def _number(value) -> int | Fraction:
    return Fraction(value) if isinstance(value, str) else value


def split_tallies(tallies: Tallies, indices: Collection[int]) -> dict[int, PeriodCounts]:
    counts = {index: PeriodCounts() for index in indices}
    for metric, per_period in tallies.items():
        for index, cells in per_period.items():
            counts.setdefault(index, PeriodCounts()).metrics[metric] = dict(cells)
    return counts


def merge_into(tallies: Tallies, index: int, counts: PeriodCounts) -> None:
    for metric, cells in counts.metrics.items():
        tallies.setdefault(metric, {})[index] = cells


def enabled() -> bool:
    return bool(getattr(settings, CACHE_SETTING, True))


def data_version() -> str:
    """The latest loaded upload: any new load (or reload) changes it."""
    latest = Upload.objects.filter(status=Upload.Status.LOADED).aggregate(latest=Max("pk"))["latest"]
    return f"u{latest or 0}"


def _trusts_key(trust_ids: Collection[int] | None) -> str:
    if trust_ids is None:
        return ALL_TRUSTS
    joined = ",".join(str(pk) for pk in sorted(trust_ids))
    return hashlib.sha1(joined.encode()).hexdigest()[:16]


class TallyStore:
    def __init__(self, version: str | None = None) -> None:
        self.version = version or data_version()

    def key(self, *, family: str, variant: str, bounds: Bounds, trusts: str) -> str:
        return f"{self.version}|{family}|{variant}|{bounds.first_day}|{bounds.last_day}|{trusts}"

    def counts(
        self,
        *,
        family: str,
        bounds: Sequence[Bounds],
        trust_ids: Collection[int] | None,
        count: Callable[[Sequence[Bounds]], dict[int, PeriodCounts]],
        now_us: int,
        now_dependent: bool,
        variant: str = "",
    ) -> dict[int, PeriodCounts]:
        """Counts of every period in `bounds`: from the cache where kept, else by `count`
        (one SQL query for all the missing periods), then kept when they can be."""
        if not bounds:
            return {}
        cacheable = {b.index for b in bounds if not now_dependent or b.end_s * MICROSECONDS <= now_us}
        exact = _trusts_key(trust_ids)
        wanted = {}
        for b in bounds:
            if b.index in cacheable:
                wanted[self.key(family=family, variant=variant, bounds=b, trusts=exact)] = (b.index, None)
                if exact != ALL_TRUSTS:  # counts of every trust hold those of any subset
                    wanted.setdefault(
                        self.key(family=family, variant=variant, bounds=b, trusts=ALL_TRUSTS), (b.index, trust_ids)
                    )
        found: dict[int, PeriodCounts] = {}
        for key, payload in TallyCache.objects.filter(key__in=list(wanted)).values_list("key", "payload"):
            index, subset = wanted[key]
            if index not in found or subset is None:
                found[index] = PeriodCounts.from_json(payload, trust_ids=subset)
        missing = [b for b in bounds if b.index not in found]
        if missing:
            fresh = count(missing)
            for b in missing:
                found[b.index] = fresh.get(b.index, PeriodCounts())
            self._keep(
                {
                    self.key(family=family, variant=variant, bounds=b, trusts=exact): found[b.index]
                    for b in missing
                    if b.index in cacheable
                }
            )
        return found

    def _keep(self, entries: dict[str, PeriodCounts]) -> None:
        if not entries:
            return
        TallyCache.objects.exclude(data_version=self.version).delete()
        TallyCache.objects.bulk_create(
            [
                TallyCache(key=key, data_version=self.version, payload=counts.to_json())
                for key, counts in entries.items()
            ],
            ignore_conflicts=True,
        )


class NoStore(TallyStore):
    """The cache turned off: every period is counted."""

    def __init__(self) -> None:
        self.version = ""

    def counts(self, *, bounds, count, **_) -> dict[int, PeriodCounts]:
        if not bounds:
            return {}
        fresh = count(bounds)
        return {b.index: fresh.get(b.index, PeriodCounts()) for b in bounds}
