"""The page of one organisation over time, at each of its levels: England's, a region's, an
ICB's and a trust's page share it (organisation.jinja). Every metric's tile, line chart and
SPC chart, and its sub-measures' latest values, from one engine call that counts only the
trusts that can belong to the organisation.

What differs by level is built by that level's builder: a region's and an ICB's series
break where the trusts they hold change (docs/rules/dashboard.md §4), an ICB merged away takes its
region from the register, and a trust's page says where its ICB or region changed and
lists its midwifery-led unit suspensions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from perinatal.charts.scales import format_count
from perinatal.dashboard.engine import OrganisationMap, default_stillbirth_denominator
from perinatal.dashboard.metrics.definitions import MetricDefinition, metric_definitions
from perinatal.dashboard.metrics.rows import LEVEL_ICB, LEVEL_REGION, LEVEL_TRUST, MetricRow
from perinatal.dashboard.models import UnitStatusEpisode
from perinatal.dashboard.selectors import metric_rows, organisations, row_cache, unit_suspensions
from perinatal.dashboard.selectors.births import DataSpan

from ..hierarchy import (
    ENGLAND,
    LEVEL_WORDS,
    OrganisationRef,
    ParentChange,
    breadcrumbs,
    children_of,
    find_organisation,
    parent_changes,
)
from ..series import MetricSeries, SeriesCharts, series_breaks, series_charts, series_rows
from ..tiles import Tile, build_tile, row_period_words
from ..wording import (
    anchor,
    direction_words,
    frequency_words,
    stillbirth_denominator_words,
    unit_phrase,
    value_with_unit,
)

#: How far back a trust page lists its midwifery-led unit suspensions (six fortnights).
MLU_DAYS = 84
#: On a trust's own page these measures are charted by one of their parts:
#: docs/rules/dashboard.md §3.3 makes a single trust's own induction-delay value 100% or 0% (it
#: had a delayed woman in the fortnight or not), so its charts and tile show the share of its
#: women delayed.
TRUST_CHARTS_PART = {"induction_delays": "induction_delays.women"}
TRUST_CHARTS_PART_NOTE = (
    "At one trust this measure can only be 100% (a woman was delayed in the fortnight) or 0% (none "
    "was). The charts and the latest figure show the share of the trust's women delayed instead, "
    "a part of the same measure; the trust's own value of the measure is in the table of its parts."
)


@dataclass(frozen=True)
class SubMeasure:
    definition: MetricDefinition
    row: MetricRow | None
    unit_phrase: str
    period_label: str

    @property
    def value_text(self) -> str:
        return value_with_unit(self.row.value if self.row else None, definition=self.definition)

    @property
    def numerator_text(self) -> str:
        return format_count(self.row.numerator) if self.row else ""

    @property
    def denominator_text(self) -> str:
        return format_count(self.row.denominator) if self.row else ""


@dataclass(frozen=True)
class MetricSection:
    definition: MetricDefinition
    anchor: str
    unit_phrase: str
    direction_words: str
    frequency: str
    charts: SeriesCharts
    tile: Tile
    sub_measures: tuple[SubMeasure, ...]
    charted_note: str | None = None  # why the charts show a part of the measure (TRUST_CHARTS_PART)


@dataclass(frozen=True)
class OrganisationPage:
    org: OrganisationRef
    breadcrumbs: tuple[OrganisationRef, ...]
    children: tuple[OrganisationRef, ...]
    sections: tuple[MetricSection, ...]
    span: DataSpan
    stillbirth_denominator: str
    parent_changes: tuple[ParentChange, ...]
    has_breaks: bool
    rows: tuple[MetricRow, ...]
    midwifery_led: QuerySet[UnitStatusEpisode] | None  # a trust's page only

    @property
    def level_words(self) -> str:
        return LEVEL_WORDS[self.org.level]

    @property
    def stillbirth_words(self) -> str:
        return stillbirth_denominator_words(self.stillbirth_denominator)


def england_page(*, span: DataSpan, now: datetime | None = None) -> OrganisationPage:
    """England over time, with its regions."""
    orgs = organisations.organisation_map()
    return _organisation_page(org=ENGLAND, orgs=orgs, span=span, now=now, children=_children(ENGLAND, orgs, span))


def region_page(*, code: str, span: DataSpan, now: datetime | None = None) -> OrganisationPage | None:
    """A region over time, with its ICBs; None when `code` is not a region's."""
    orgs = organisations.organisation_map()
    org = find_organisation(level=LEVEL_REGION, code=code, orgs=orgs)
    if org is None:
        return None
    return _organisation_page(
        org=org, orgs=orgs, span=span, now=now, children=_children(org, orgs, span), members_on=_members_on(org, orgs)
    )


def icb_page(*, code: str, span: DataSpan, now: datetime | None = None) -> OrganisationPage | None:
    """An ICB over time, with its trusts; None when `code` is not an ICB's."""
    orgs = organisations.organisation_map()
    org = find_organisation(level=LEVEL_ICB, code=code, orgs=orgs)
    if org is None:
        return None
    return _organisation_page(
        org=org,
        orgs=orgs,
        span=span,
        now=now,
        children=_children(org, orgs, span),
        members_on=_members_on(org, orgs),
        icb_region=organisations.region_of_icb(icb_code=org.code),
    )


def trust_page(*, code: str, span: DataSpan, now: datetime | None = None) -> OrganisationPage | None:
    """A trust over time, with where its ICB or region changed within the data and its
    midwifery-led unit suspensions of the last MLU_DAYS; None when `code` is not a trust's."""
    orgs = organisations.organisation_map()
    org = find_organisation(level=LEVEL_TRUST, code=code, orgs=orgs)
    if org is None:
        return None
    changes = parent_changes(periods=organisations.parent_periods(trust_code=org.code), orgs=orgs, span=span)
    recent = unit_suspensions.recent_period(as_of=span.as_of, days=MLU_DAYS)
    return _organisation_page(
        org=org,
        orgs=orgs,
        span=span,
        now=now,
        children=[],
        changes=changes,
        midwifery_led=unit_suspensions.midwifery_led_suspensions(trust_code=org.code, period=recent),
    )


def every_organisation(*, span: DataSpan) -> list[OrganisationRef]:
    """Every organisation with a page, as the pages list them: England, its regions, their ICBs
    and their listed trusts (each once)."""
    orgs = organisations.organisation_map()
    found: dict[tuple[str, str], OrganisationRef] = {}
    waiting = [ENGLAND]
    while waiting:
        org = waiting.pop(0)
        if (org.level, org.code) not in found:
            found[(org.level, org.code)] = org
            waiting += _children(org, orgs, span)
    return list(found.values())


def organisation_page(*, org: OrganisationRef, span: DataSpan) -> OrganisationPage | None:
    """The page of one organisation of every_organisation(), as its address shows it."""
    if org.level == ENGLAND.level:
        return england_page(span=span)
    build = {LEVEL_REGION: region_page, LEVEL_ICB: icb_page, LEVEL_TRUST: trust_page}[org.level]
    return build(code=org.code, span=span)


def _children(org: OrganisationRef, orgs: OrganisationMap, span: DataSpan) -> list[OrganisationRef]:
    listed = organisations.listed_trusts_on(orgs=orgs, day=span.as_of)
    return children_of(org=org, orgs=orgs, day=span.as_of, trusts_with_data=listed)


def _members_on(org: OrganisationRef, orgs: OrganisationMap) -> Callable[[date], frozenset[str]]:
    """The trusts the roll-up places in a region or an ICB on a day, where its series break.
    Every metric's series asks for the same days, so each day is worked out once."""
    cache: dict[date, frozenset[str]] = {}

    def members_on(day: date) -> frozenset[str]:
        if day not in cache:
            cache[day] = orgs.trusts_under_on(org.level, org.code, day)
        return cache[day]

    return members_on


def _organisation_page(
    *,
    org: OrganisationRef,
    orgs: OrganisationMap,
    span: DataSpan,
    now: datetime | None,
    children: list[OrganisationRef],
    members_on: Callable[[date], frozenset[str]] | None = None,
    icb_region: str | None = None,
    changes: Sequence[ParentChange] = (),
    midwifery_led: QuerySet[UnitStatusEpisode] | None = None,
) -> OrganisationPage:
    """Every metric over time for one organisation: one engine call for every metric and
    sub-measure, fortnightly and monthly, survey by year."""
    denominator = default_stillbirth_denominator()
    rows = metric_rows.organisation_rows(
        level=org.level, code=org.code, span=span, stillbirth_denominator=denominator, orgs=orgs, now=now
    )
    rows = [row for row in rows if row.org_code == org.code]
    # The charts are most of the page's time, and depend on its rows alone: kept like them.
    sections = row_cache.kept(
        "organisation-sections",
        (org, span, denominator),
        lambda: _sections(org=org, rows=rows, denominator=denominator, members_on=members_on),
        now=now,
    )
    return OrganisationPage(
        org=org,
        breadcrumbs=tuple(breadcrumbs(org=org, orgs=orgs, day=span.as_of, icb_region=icb_region)),
        children=tuple(children),
        sections=sections,
        span=span,
        stillbirth_denominator=denominator,
        parent_changes=tuple(changes),
        has_breaks=any(section.charts.series.breaks for section in sections),
        rows=tuple(rows),
        midwifery_led=midwifery_led,
    )


def _sections(
    *,
    org: OrganisationRef,
    rows: Sequence[MetricRow],
    denominator: str,
    members_on: Callable[[date], frozenset[str]] | None,
) -> tuple[MetricSection, ...]:
    """Each metric's section: its series, charts, tile and parts."""
    definitions = metric_definitions(stillbirth_denominator=denominator)
    by_id = {definition.id: definition for definition in definitions}
    sections = []
    for definition in definitions:
        if definition.is_sub_measure:
            continue
        part = TRUST_CHARTS_PART.get(definition.id) if org.level == LEVEL_TRUST else None
        charted = by_id[part] if part else definition
        chosen = series_rows(rows, definition=charted)
        series = MetricSeries(charted, chosen, series_breaks(chosen, members_on=members_on))
        charts = series_charts(
            series, subject=org.name, stillbirth_denominator=denominator, chart_anchor=anchor(definition.id)
        )
        tile = build_tile(series, stillbirth_denominator=denominator, chart=charts.spc_chart)
        subs = []
        # The trust's own value of a measure charted by its part is listed with the parts.
        for sub in ([definition] if part else []) + [d for d in definitions if d.parent_id == definition.id]:
            sub_rows = series_rows(rows, definition=sub)
            latest = sub_rows[-1] if sub_rows else None
            subs.append(SubMeasure(sub, latest, unit_phrase(sub), row_period_words(latest, definition=sub)))
        sections.append(
            MetricSection(
                definition=definition,
                anchor=anchor(definition.id),
                unit_phrase=unit_phrase(definition, stillbirth_denominator=denominator),
                direction_words=direction_words(definition),
                frequency=frequency_words(definition),
                charts=charts,
                tile=tile,
                sub_measures=tuple(subs),
                charted_note=TRUST_CHARTS_PART_NOTE if part else None,
            )
        )
    return tuple(sections)
