"""Reads of the dashboard for pages and downloads (dashboard.md §3–§5).

Aggregates (every organisation's metric values) are published statistics that every
signed-in user may read (§5); the functions here that return them take no request.
Record-level data (uploads, their rows and errors) are read only through a Scope:
`uploads_visible_to(scope)`.

Every value comes from the metric engine (engine.compute_rows: counting in SQL, past
periods from the tally cache); nothing here counts records itself.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, Min, QuerySet

from perinatal.accounts.scoping import READ_DASHBOARD_UPLOADS, Scope
from perinatal.dashboard.engine import MetricRequest, OrganisationMap, compute_rows, default_stillbirth_denominator
from perinatal.dashboard.engine.queries import trusts_with_records
from perinatal.dashboard.exports import ExportColumn, ExportTable, metric_definition_notes, metric_row_cells
from perinatal.dashboard.exports import METRIC_COLUMN_DESCRIPTIONS, METRIC_ROW_COLUMNS
from perinatal.dashboard.metrics.definitions import (
    HIGHER_IS_BETTER,
    MetricDefinition,
    metric_definitions,
)
from perinatal.dashboard.metrics.periods import (
    BY_MONTH,
    PERIOD_FORTNIGHT,
    PERIOD_SURVEY,
    Period,
    fortnight_ending,
)
from perinatal.dashboard.metrics.rows import (
    LEVEL_ICB,
    LEVEL_NATIONAL,
    LEVEL_REGION,
    LEVEL_TRUST,
    NATIONAL_CODE,
    NATIONAL_NAME,
    MetricRow,
)
from perinatal.dashboard.models import BirthRecord, SurveyResult, Upload
from perinatal.organisations.models import Organisation

#: Tiles compare the latest period with the one before it, of the same length (§5).
OUTCOME_TILE_MONTHS = 12
KIND_TO_LEVEL = {
    Organisation.Kind.ENGLAND: LEVEL_NATIONAL,
    Organisation.Kind.REGION: LEVEL_REGION,
    Organisation.Kind.ICB: LEVEL_ICB,
    Organisation.Kind.TRUST: LEVEL_TRUST,
}


# --- Definitions ---------------------------------------------------------------------------
def stillbirth_denominator() -> str:
    """The named setting of §3.4: total_births (default) or live_births; pages say which."""
    return default_stillbirth_denominator()


def definitions() -> tuple[MetricDefinition, ...]:
    """Every metric and sub-measure, in §4 order, with the stillbirth setting applied."""
    return metric_definitions(stillbirth_denominator=stillbirth_denominator())


def headline_definitions() -> tuple[MetricDefinition, ...]:
    return tuple(d for d in definitions() if not d.is_sub_measure)


def definition(metric_id: str) -> MetricDefinition:
    """Raises KeyError for an unknown metric_id."""
    for candidate in definitions():
        if candidate.id == metric_id:
            return candidate
    raise KeyError(metric_id)


# --- Organisations and data span -----------------------------------------------------------
@dataclass(frozen=True)
class OrgRef:
    level: str
    code: str
    name: str


def organisation(code: str) -> OrgRef | None:
    """England, a region, an ICB or a trust by ODS code; None for anything else."""
    if code == NATIONAL_CODE:
        return OrgRef(LEVEL_NATIONAL, NATIONAL_CODE, NATIONAL_NAME)
    org = Organisation.objects.filter(code=code, kind__in=list(KIND_TO_LEVEL)).first()
    return None if org is None else OrgRef(KIND_TO_LEVEL[org.kind], org.code, org.display_name)


def regions() -> list[OrgRef]:
    return [OrgRef(LEVEL_REGION, o.code, o.display_name)
            for o in Organisation.objects.filter(kind=Organisation.Kind.REGION).order_by("name")]


def icbs(*, region: str | None = None, on: date | None = None) -> list[OrgRef]:
    """ICBs (of a region, on a date: the extract in force then; default the data's last day)."""
    orgs = OrganisationMap()
    day = on or data_end() or date.today()
    codes = set()
    for trust in orgs.trust_ids:
        icb, trust_region = orgs.parent_on(trust, day)
        if icb is not None and (region is None or trust_region == region):
            codes.add(icb)
    return sorted((OrgRef(LEVEL_ICB, code, orgs.name(LEVEL_ICB, code)) for code in codes), key=lambda o: o.name)


def trusts_with_data() -> list[OrgRef]:
    orgs = OrganisationMap()
    codes = {orgs.trust_codes[pk] for pk in trusts_with_records(None)}
    return sorted((OrgRef(LEVEL_TRUST, code, orgs.name(LEVEL_TRUST, code)) for code in codes), key=lambda o: o.name)


def data_start() -> date | None:
    return BirthRecord.objects.aggregate(first=Min("born_on"))["first"]


def data_end() -> date | None:
    """The last birth date loaded: the "as of" date of tiles and series."""
    return BirthRecord.objects.aggregate(last=Max("born_on"))["last"]


# --- Values --------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricComparison:
    """A tile: the latest period and the one before it, of the same length (§5)."""

    definition: MetricDefinition
    current: MetricRow | None
    previous: MetricRow | None

    @property
    def change(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        if self.current.value is None or self.previous.value is None:
            return None
        return self.current.value - self.previous.value

    @property
    def improved(self) -> bool | None:
        """True when the value moved the better way, False the worse way, None if unchanged or unknown."""
        change = self.change
        if not change:
            return None
        return (change > 0) == (self.definition.direction == HIGHER_IS_BETTER)


def tile_periods(*, definition: MetricDefinition, as_of: date, latest_survey_year: int | None = None) -> tuple[Period, Period]:
    """(current, previous) of a tile: the fortnight ending on `as_of` and the one before;
    the 12 months ending on `as_of` and the 12 before; or the latest survey year and the
    year before."""
    if definition.period_kind == PERIOD_FORTNIGHT:
        current = fortnight_ending(as_of)
        return current, fortnight_ending(current.start - timedelta(days=1))
    if definition.period_kind == PERIOD_SURVEY:
        year = latest_survey_year or as_of.year
        return Period(date(year, 1, 1), date(year, 12, 31)), Period(date(year - 1, 1, 1), date(year - 1, 12, 31))
    start = _shift_months(as_of + timedelta(days=1), -OUTCOME_TILE_MONTHS)
    previous_end = start - timedelta(days=1)
    return Period(start, as_of), Period(_shift_months(start, -OUTCOME_TILE_MONTHS), previous_end)


def _shift_months(day: date, months: int) -> date:
    """The same day of the month `months` months away (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_values(*, level: str, code: str, as_of: date | None = None,
                  metric_ids: tuple[str, ...] | None = None) -> list[MetricComparison]:
    """Each headline metric (or `metric_ids`) of one organisation: the latest period and the
    one before it."""
    as_of = as_of or data_end()
    chosen = [d for d in definitions() if (d.id in metric_ids if metric_ids else not d.is_sub_measure)]
    if as_of is None:
        return [MetricComparison(d, None, None) for d in chosen]
    survey_year = SurveyResult.objects.filter(survey_year__lte=as_of.year).aggregate(y=Max("survey_year"))["y"]
    orgs = OrganisationMap()
    comparisons = []
    by_periods: dict[tuple[Period, Period], list[MetricDefinition]] = {}
    for d in chosen:
        by_periods.setdefault(tile_periods(definition=d, as_of=as_of, latest_survey_year=survey_year), []).append(d)
    found: dict[tuple[str, date], MetricRow] = {}
    for (current, previous), group in by_periods.items():
        for period in (current, previous):
            for row in _rows(period.start, period.end, metric_ids=tuple(d.id for d in group), level=level, code=code,
                             orgs=orgs):
                found[(row.metric_id, row.period_start)] = row
    for d in chosen:
        current, previous = tile_periods(definition=d, as_of=as_of, latest_survey_year=survey_year)
        comparisons.append(MetricComparison(d, found.get((d.id, current.start)), found.get((d.id, previous.start))))
    return comparisons


def _rows(date_from: date, date_to: date, *, metric_ids, level: str, code: str, orgs: OrganisationMap,
          by: str | None = None, survey_by_year: bool = False) -> list[MetricRow]:
    request = MetricRequest(
        date_from=date_from, date_to=date_to, metric_ids=tuple(metric_ids) if metric_ids else None,
        levels=(level,), organisation=(level, code), by=by, survey_by_year=survey_by_year,
        stillbirth_denominator=stillbirth_denominator(),
    )
    return compute_rows(request, organisations=orgs)


@dataclass(frozen=True)
class SeriesPoint:
    row: MetricRow
    break_before: bool  # the organisation's trusts changed since the previous point (§4)


@dataclass(frozen=True)
class MetricSeries:
    definition: MetricDefinition
    org: OrgRef
    points: tuple[SeriesPoint, ...]


def metric_series(*, level: str, code: str, metric_id: str, date_from: date | None = None,
                  date_to: date | None = None, by: str = BY_MONTH) -> MetricSeries | None:
    """One metric of one organisation over time: fortnights (operational), months or
    quarters (`by`, outcome) or calendar years (survey); None for an unknown organisation."""
    org = organisation(code)
    if org is None or org.level != level:
        return None
    chosen = definition(metric_id)
    date_to = date_to or data_end() or date.today()
    date_from = date_from or (data_start() or date_to).replace(day=1)
    orgs = OrganisationMap()
    rows = _rows(date_from, date_to, metric_ids=(metric_id,), level=level, code=code, orgs=orgs,
                 by=None if chosen.period_kind == PERIOD_FORTNIGHT else by, survey_by_year=True)
    points, previous_members = [], None
    for row in rows:
        members = orgs.trusts_under_on(level, code, row.period_end) if level in (LEVEL_ICB, LEVEL_REGION) else None
        points.append(SeriesPoint(row, previous_members is not None and members != previous_members))
        previous_members = members
    return MetricSeries(chosen, org, tuple(points))


@dataclass(frozen=True)
class TrustTableRow:
    row: MetricRow
    icb: OrgRef | None
    region: OrgRef | None


@dataclass(frozen=True)
class TrustTable:
    definition: MetricDefinition
    period: Period
    england: MetricRow | None
    rows: tuple[TrustTableRow, ...]

    def export_table(self) -> ExportTable:
        """The table for a CSV or XLSX download (exports.download_response)."""
        columns = (*(ExportColumn(name, METRIC_COLUMN_DESCRIPTIONS[name]) for name in METRIC_ROW_COLUMNS),
                   ExportColumn("icb_code", "ODS code of the trust's ICB on the period's last day."),
                   ExportColumn("region_code", "ODS code of the trust's NHS England region on the period's last day."))
        cells = [[*metric_row_cells(line.row), line.icb.code if line.icb else None,
                  line.region.code if line.region else None] for line in self.rows]
        title = f"{self.definition.title} by trust, {self.period.start} to {self.period.end}"
        return ExportTable(title=title, columns=columns, rows=cells,
                           notes=metric_definition_notes([self.definition]))


def trust_table(*, metric_id: str, date_from: date | None = None, date_to: date | None = None,
                region: str | None = None, icb: str | None = None) -> TrustTable:
    """Every trust's value of one metric for one period (the fortnight ending on `date_to`
    for operational metrics), filtered by the region or ICB the trust was in on the period's
    last day, with England's value for comparison."""
    chosen = definition(metric_id)
    date_to = date_to or data_end() or date.today()
    if chosen.period_kind == PERIOD_FORTNIGHT:
        period = fortnight_ending(date_to)
    elif date_from is None:
        period = tile_periods(definition=chosen, as_of=date_to, latest_survey_year=date_to.year)[0]
    else:
        period = Period(date_from, date_to)
    orgs = OrganisationMap()
    rows = compute_rows(MetricRequest(
        date_from=period.start, date_to=period.end, metric_ids=(metric_id,), levels=(LEVEL_NATIONAL, LEVEL_TRUST),
        stillbirth_denominator=stillbirth_denominator()), organisations=orgs)
    england = next((row for row in rows if row.org_level == LEVEL_NATIONAL), None)
    lines = []
    for row in rows:
        if row.org_level != LEVEL_TRUST:
            continue
        icb_code, region_code = orgs.parent_on(row.org_code, period.end)
        if (region and region_code != region) or (icb and icb_code != icb):
            continue
        lines.append(TrustTableRow(
            row, OrgRef(LEVEL_ICB, icb_code, orgs.name(LEVEL_ICB, icb_code)) if icb_code else None,
            OrgRef(LEVEL_REGION, region_code, orgs.name(LEVEL_REGION, region_code)) if region_code else None))
    return TrustTable(chosen, period, england, tuple(lines))


# --- Record-level data (scoped) ------------------------------------------------------------
def uploads_visible_to(scope: Scope) -> QuerySet[Upload]:
    """Uploads the user may read (§5): their own trust's, or every upload for national admins."""
    queryset = Upload.objects.select_related("organisation", "uploaded_by")
    return scope.restrict(queryset, trust_field="organisation", purpose=READ_DASHBOARD_UPLOADS)
