"""The national page: England's 8 metrics as tiles, and its regions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from perinatal.dashboard.engine import default_stillbirth_denominator
from perinatal.dashboard.metrics.definitions import metric_definitions
from perinatal.dashboard.metrics.rows import LEVEL_NATIONAL, NATIONAL_CODE, MetricRow
from perinatal.dashboard.selectors import metric_rows, organisations
from perinatal.dashboard.selectors.births import DataSpan

from ..hierarchy import ENGLAND, OrganisationRef, children_of
from ..series import MetricSeries, series_rows
from ..tiles import Tile, build_tile
from ..wording import stillbirth_denominator_words


@dataclass(frozen=True)
class NationalPage:
    span: DataSpan
    tiles: tuple[Tile, ...]
    regions: tuple[OrganisationRef, ...]
    stillbirth_denominator: str
    rows: tuple[MetricRow, ...]

    @property
    def stillbirth_words(self) -> str:
        return stillbirth_denominator_words(self.stillbirth_denominator)


def national_page(*, span: DataSpan, now: datetime | None = None) -> NationalPage:
    """The 8 metrics for England: one engine call for every series (fortnights, whole months,
    survey years), then a tile per metric."""
    orgs = organisations.organisation_map()
    denominator = default_stillbirth_denominator()
    rows = metric_rows.organisation_rows(
        level=LEVEL_NATIONAL, code=NATIONAL_CODE, span=span, stillbirth_denominator=denominator, orgs=orgs, now=now
    )
    tiles = []
    for definition in metric_definitions(stillbirth_denominator=denominator):
        if definition.is_sub_measure:
            continue
        series = MetricSeries(definition, series_rows(rows, definition=definition), frozenset())
        tiles.append(build_tile(series, stillbirth_denominator=denominator))
    listed = organisations.listed_trusts_on(orgs=orgs, day=span.as_of)
    regions = children_of(org=ENGLAND, orgs=orgs, day=span.as_of, trusts_with_data=listed)
    return NationalPage(
        span=span, tiles=tuple(tiles), regions=tuple(regions), stillbirth_denominator=denominator, rows=tuple(rows)
    )
