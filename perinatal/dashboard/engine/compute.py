"""Every metric for a date range, every level: SQL counts per trust, rolled up in Python.

docs/rules/dashboard.md §2–§4: operational metrics (1–3) give one row per whole fortnight ending on
`to`, `to − 14`, …; outcome and survey metrics one row per organisation for `[from, to]`,
or per month / quarter. Each trust's numerator and denominator are counted by the
database (queries.py); ICBs, regions and England are sums of their trusts' numerators and
denominators (never averages of rates), with each trust placed by the ICB and region in
force on the period's end date. Values, intervals and rounding: metrics.rows.build_row.
The equity breakdowns (perinatal.equity.engine) roll up the same way through the public
helpers here (trust_filter, trusts_with_rows, wanted_keys, placement, england_always).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings

from perinatal.core import clock
from perinatal.dashboard.metrics.definitions import (
    STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS,
    STILLBIRTH_DENOMINATORS,
    MetricDefinition,
    metric_definitions,
)
from perinatal.dashboard.metrics.disclosure import apply_disclosure
from perinatal.dashboard.metrics.periods import (
    PERIOD_FORTNIGHT,
    PERIOD_SURVEY,
    Period,
    fortnight_series,
    is_provisional,
    outcome_periods,
)
from perinatal.dashboard.metrics.rows import (
    LEVEL_ICB,
    LEVEL_NATIONAL,
    LEVEL_REGION,
    LEVEL_TRUST,
    NATIONAL_CODE,
    ORG_LEVELS,
    MetricRow,
    build_row,
    sort_rows,
)
from perinatal.kernel.london_time import LONDON, to_utc

from . import queries, tally_cache
from .organisations import OrganisationMap

#: The named setting of docs/rules/dashboard.md §3.4 (**policy**): total births (MBRRACE-UK) unless set otherwise.
STILLBIRTH_DENOMINATOR_SETTING = "DASHBOARD_STILLBIRTH_DENOMINATOR"

OUTCOME_METRICS_FROM_BIRTHS = ("stillbirth_rate", "neonatal_mortality_rate", "pph_1500_rate")


class UnknownMetric(ValueError):
    pass


def default_stillbirth_denominator() -> str:
    """settings.DASHBOARD_STILLBIRTH_DENOMINATOR, else the environment variable of that
    name, else total births."""
    value = (
        getattr(settings, STILLBIRTH_DENOMINATOR_SETTING, None)
        or os.environ.get(STILLBIRTH_DENOMINATOR_SETTING)
        or STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS
    )
    if value not in STILLBIRTH_DENOMINATORS:
        raise ValueError(f"{STILLBIRTH_DENOMINATOR_SETTING} must be one of {', '.join(STILLBIRTH_DENOMINATORS)}")
    return value


@dataclass(frozen=True)
class MetricRequest:
    """What to compute. `organisation` = (level, code) keeps only that organisation's rows
    (and counts only the trusts that can belong to it)."""

    date_from: date
    date_to: date
    metric_ids: tuple[str, ...] | None = None  # None: every metric and sub-measure
    levels: tuple[str, ...] = ORG_LEVELS
    by: str | None = None  # None, "month" or "quarter" (outcome and survey metrics)
    stillbirth_denominator: str | None = None  # None: the setting
    public: bool = False
    organisation: tuple[str, str] | None = None
    now: datetime | None = None  # None: the service clock
    survey_by_year: bool = False  # survey metric: one row per calendar year in the range

    def definitions(self) -> tuple[MetricDefinition, ...]:
        chosen = metric_definitions(stillbirth_denominator=self.resolved_stillbirth_denominator)
        if self.metric_ids is None:
            return chosen
        known = {d.id for d in chosen}
        unknown = [m for m in self.metric_ids if m not in known]
        if unknown:
            raise UnknownMetric(f"unknown metric {', '.join(unknown)}: use one of {', '.join(sorted(known))}")
        return tuple(d for d in chosen if d.id in self.metric_ids)

    @property
    def resolved_stillbirth_denominator(self) -> str:
        return self.stillbirth_denominator or default_stillbirth_denominator()


@dataclass
class _Totals:
    per_org: dict[tuple[str, str], list] = field(default_factory=dict)

    def add(self, key: tuple[str, str], numerator, denominator) -> None:
        cell = self.per_org.setdefault(key, [0, 0])
        cell[0] += numerator
        cell[1] += denominator


def compute_rows(request: MetricRequest, *, organisations: OrganisationMap | None = None) -> list[MetricRow]:
    """The docs/rules/dashboard.md §4 rows for `request`, in the docs/rules/dashboard.md §4 order."""
    for level in request.levels:
        if level not in ORG_LEVELS:
            raise ValueError(f"unknown level {level!r}: use one of {', '.join(ORG_LEVELS)}")
    definitions = request.definitions()
    now = request.now or clock.now()
    today = to_utc(now).astimezone(LONDON).date()
    orgs = organisations or OrganisationMap()
    trust_ids = trust_filter(request, orgs)
    trusts = trusts_with_rows(trust_ids, orgs=orgs)

    fortnights = fortnight_series(date_from=request.date_from, date_to=request.date_to)
    outcomes = outcome_periods(date_from=request.date_from, date_to=request.date_to, by=request.by)
    surveys = _survey_periods(request) if request.survey_by_year else outcomes
    tallies = _count(
        definitions,
        request=request,
        now=now,
        fortnights=fortnights,
        outcomes=outcomes,
        surveys=surveys,
        trust_ids=trust_ids,
    )

    wanted = wanted_keys(request)
    placed: dict[date, dict[str, list[tuple[str, str]]]] = {}
    rows: list[MetricRow] = []
    for definition in definitions:
        periods = (
            fortnights
            if definition.period_kind == PERIOD_FORTNIGHT
            else surveys
            if definition.period_kind == PERIOD_SURVEY
            else outcomes
        )
        counted = tallies.get(definition.id, {})
        for index, period in enumerate(periods):
            if period.end not in placed:
                placed[period.end] = placement(trusts, orgs=orgs, day=period.end, wanted=wanted)
            per_trust = {orgs.trust_codes[pk]: cell for pk, cell in counted.get(index, {}).items()}
            rows.extend(
                _roll_up(
                    definition=definition,
                    period=period,
                    per_trust=per_trust,
                    placement=placed[period.end],
                    orgs=orgs,
                    request=request,
                    provisional=is_provisional(
                        period_end=period.end, today=today, provisional_days=definition.provisional_days
                    ),
                )
            )
    if request.public:
        by_id = {d.id: d for d in definitions}
        rows = [apply_disclosure(row, definition=by_id[row.metric_id]) for row in rows]
    return sort_rows(rows)


def rows_per_organisation(request: MetricRequest) -> int:
    """How many rows each wanted organisation gets: the periods of every metric and
    sub-measure asked for (fortnights for the operational ones). Pure arithmetic on the
    request, nothing counted: the API bounds an answer's size with it before computing."""
    fortnights = len(fortnight_series(date_from=request.date_from, date_to=request.date_to))
    outcomes = len(outcome_periods(date_from=request.date_from, date_to=request.date_to, by=request.by))
    surveys = len(_survey_periods(request)) if request.survey_by_year else outcomes
    per_kind = {PERIOD_FORTNIGHT: fortnights, PERIOD_SURVEY: surveys}
    return sum(per_kind.get(definition.period_kind, outcomes) for definition in request.definitions())


def _survey_periods(request: MetricRequest) -> tuple[Period, ...]:
    return tuple(
        Period(max(request.date_from, date(year, 1, 1)), min(request.date_to, date(year, 12, 31)))
        for year in range(request.date_from.year, request.date_to.year + 1)
    )


def trusts_with_rows(trust_ids: frozenset[int] | None, *, orgs: OrganisationMap) -> set[str]:
    """The codes of the trusts that get rows: those in any stored record (even with nothing counted)."""
    return {orgs.trust_codes[pk] for pk in queries.trusts_with_records(trust_ids)}


def england_always(request: MetricRequest) -> bool:
    """England has a row even when no trust has any (when its rows are wanted)."""
    return (request.organisation is None or request.organisation[0] == LEVEL_NATIONAL) and (
        LEVEL_NATIONAL in request.levels
    )


def trust_filter(request: MetricRequest, orgs: OrganisationMap) -> frozenset[int] | None:
    """The ids of the trusts to count (None: every trust); with `organisation`, only the
    trusts that can belong to it."""
    if request.organisation is None:
        return None
    level, code = request.organisation
    if level == LEVEL_NATIONAL:
        return None
    codes = {code} if level == LEVEL_TRUST else orgs.trusts_ever_under(level, code)
    return frozenset(orgs.trust_ids[c] for c in codes if c in orgs.trust_ids)


def _count(
    definitions: Sequence[MetricDefinition],
    *,
    request: MetricRequest,
    now: datetime,
    fortnights: Sequence[Period],
    outcomes: Sequence[Period],
    surveys: Sequence[Period],
    trust_ids: frozenset[int] | None,
) -> queries.Tallies:
    """The SQL counts of every family of metrics the definitions need, past periods from
    the tally cache (tally_cache.py)."""
    wanted = {d.id.split(".")[0] for d in definitions}
    store = tally_cache.TallyStore() if tally_cache.enabled() else tally_cache.NoStore()
    now_us = queries.microseconds(now)
    tallies: queries.Tallies = {}

    def merge(counts: dict[int, tally_cache.PeriodCounts]) -> None:
        for index, period_counts in counts.items():
            tally_cache.merge_into(tallies, index, period_counts)

    fortnight_bounds = [queries.Bounds.of(i, p, now) for i, p in enumerate(fortnights)]
    outcome_bounds = [queries.Bounds.of(i, p, now) for i, p in enumerate(outcomes)]
    if wanted & {"obstetric_unit_suspensions", "neonatal_unit_suspensions", "induction_delays"}:

        def count_units(bounds):
            unit_tallies, obstetric = queries.tally_units(fortnights=bounds, trust_ids=trust_ids)
            counts = tally_cache.split_tallies(unit_tallies, [b.index for b in bounds])
            for index, trusts in obstetric.items():
                counts[index].obstetric_trusts = trusts
            return counts

        units = store.counts(
            family="units",
            bounds=fortnight_bounds,
            trust_ids=trust_ids,
            count=count_units,
            now_us=now_us,
            now_dependent=True,
        )
        merge(units)
        if "induction_delays" in wanted:

            def count_inductions(bounds):
                obstetric = {b.index: units[b.index].obstetric_trusts for b in bounds}
                return tally_cache.split_tallies(
                    queries.tally_inductions(
                        fortnights=bounds, now=now, obstetric_trusts=obstetric, trust_ids=trust_ids
                    ),
                    [b.index for b in bounds],
                )

            merge(
                store.counts(
                    family="inductions",
                    bounds=fortnight_bounds,
                    trust_ids=trust_ids,
                    count=count_inductions,
                    now_us=now_us,
                    now_dependent=True,
                )
            )
    if wanted & set(OUTCOME_METRICS_FROM_BIRTHS):
        denominator = request.resolved_stillbirth_denominator
        merge(
            store.counts(
                family="births",
                variant=denominator,
                bounds=outcome_bounds,
                trust_ids=trust_ids,
                now_us=now_us,
                now_dependent=False,
                count=lambda bounds: tally_cache.split_tallies(
                    queries.tally_births(periods=bounds, trust_ids=trust_ids, stillbirth_denominator=denominator),
                    [b.index for b in bounds],
                ),
            )
        )
    if "optimal_perinatal_care" in wanted:
        merge(
            store.counts(
                family="neonatal_care",
                bounds=outcome_bounds,
                trust_ids=trust_ids,
                now_us=now_us,
                now_dependent=False,
                count=lambda bounds: tally_cache.split_tallies(
                    queries.tally_neonatal_care(periods=bounds, trust_ids=trust_ids), [b.index for b in bounds]
                ),
            )
        )
    if "considered_complaint" in wanted:
        survey_bounds = [queries.Bounds.of(i, p, now) for i, p in enumerate(surveys)]
        merge(
            store.counts(
                family="survey",
                bounds=survey_bounds,
                trust_ids=trust_ids,
                now_us=now_us,
                now_dependent=False,
                count=lambda bounds: tally_cache.split_tallies(
                    queries.tally_survey(periods=bounds, trust_ids=trust_ids), [b.index for b in bounds]
                ),
            )
        )
    return tallies


def wanted_keys(request: MetricRequest):
    """A test for (level, code): is that organisation's row wanted?"""
    if request.organisation is not None:
        only = _normalised(request.organisation)
        return lambda key: key == only and key[0] in request.levels
    return lambda key: key[0] in request.levels


def placement(trusts: Iterable[str], *, orgs: OrganisationMap, day: date, wanted) -> dict[str, list[tuple[str, str]]]:
    """trust -> the wanted organisations its counts add to on `day` (itself, its ICB and
    region then, England)."""
    placed = {}
    for trust in trusts:
        icb, region = orgs.parent_on(trust, day)
        keys = [(LEVEL_TRUST, trust), (LEVEL_ICB, icb), (LEVEL_REGION, region), (LEVEL_NATIONAL, NATIONAL_CODE)]
        placed[trust] = [key for key in keys if key[1] is not None and wanted(key)]
    return placed


def _roll_up(
    *,
    definition: MetricDefinition,
    period: Period,
    per_trust: dict[str, list],
    placement: dict[str, list[tuple[str, str]]],
    orgs: OrganisationMap,
    request: MetricRequest,
    provisional: bool,
) -> list[MetricRow]:
    totals = _Totals()
    if england_always(request):
        totals.add((LEVEL_NATIONAL, NATIONAL_CODE), 0, 0)  # England has a row even with no trust
    for trust, keys in placement.items():
        numerator, denominator = per_trust.get(trust, (0, 0))
        for key in keys:
            totals.add(key, numerator, denominator)
    return [
        build_row(
            definition=definition,
            org_level=level,
            org_code=code,
            org_name=orgs.name(level, code),
            period=period,
            numerator=numerator,
            denominator=denominator,
            provisional=provisional,
        )
        for (level, code), (numerator, denominator) in totals.per_org.items()
    ]


def _normalised(organisation: tuple[str, str]) -> tuple[str, str]:
    level, code = organisation
    return (level, NATIONAL_CODE) if level == LEVEL_NATIONAL else (level, code)
