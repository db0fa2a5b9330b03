"""A metric's latest figures as an NHS.UK card (the national page, the top of every
organisation's page): the latest period against the previous one of the same length
(docs/rules/dashboard.md §5), whether that is better or worse, and the Making Data Count variation
icon of the series."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from perinatal.charts import ICONS, icon_svg, variation_icon_key
from perinatal.charts.scales import format_count
from perinatal.dashboard.metrics.definitions import MetricDefinition
from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT, PERIOD_OUTCOME, PERIOD_SURVEY, Period
from perinatal.dashboard.metrics.rows import MetricRow
from perinatal.stats.spc import SpcChart

from .reporting_periods import period_words
from .series import MetricSeries, spc_of
from .wording import anchor, count_labels, format_interval, format_value, improvement_of, unit_phrase

TREND_UP = "up"
TREND_DOWN = "down"
TREND_SAME = "same"
ASSESSMENT_BETTER = "better"
ASSESSMENT_WORSE = "worse"
ASSESSMENT_NO_CHANGE = "no_change"
PREVIOUS_PERIOD_WORDS = {
    PERIOD_FORTNIGHT: "previous fortnight",
    PERIOD_OUTCOME: "previous month",
    PERIOD_SURVEY: "previous survey year",
}


@dataclass(frozen=True)
class Trend:
    """How the latest value compares with the previous period's: the direction, and whether
    that is better or worse given the metric's direction of improvement (docs/rules/dashboard.md §3)."""

    direction: str  # up | down | same
    assessment: str  # better | worse | no_change
    words: str


def trend_between(*, latest: Decimal | None, previous: Decimal | None, definition: MetricDefinition) -> Trend | None:
    """None when either value is missing (a zero denominator is no value, never 0)."""
    if latest is None or previous is None:
        return None
    compared = PREVIOUS_PERIOD_WORDS[definition.period_kind]
    if latest == previous:
        return Trend(TREND_SAME, ASSESSMENT_NO_CHANGE, f"The same as the {compared}")
    direction = TREND_UP if latest > previous else TREND_DOWN
    better = (direction == TREND_DOWN) == (improvement_of(definition) == "decrease")
    assessment = ASSESSMENT_BETTER if better else ASSESSMENT_WORSE
    word = "Higher" if direction == TREND_UP else "Lower"
    return Trend(direction, assessment, f"{word} than the {compared}: {assessment}")


@dataclass(frozen=True)
class Tile:
    """One metric's latest figures as an NHS.UK card."""

    definition: MetricDefinition
    anchor: str
    unit_phrase: str
    latest: MetricRow | None
    latest_label: str
    previous: MetricRow | None
    previous_label: str
    trend: Trend | None
    variation_icon: str | None
    assurance_icon: str | None
    spc_points: int
    trial_limits: bool
    numerator_label: str
    denominator_label: str

    @property
    def value_text(self) -> str:
        return format_value(self.latest.value if self.latest else None, unit=self.definition.unit)

    @property
    def previous_text(self) -> str:
        return format_value(self.previous.value if self.previous else None, unit=self.definition.unit)

    @property
    def interval_text(self) -> str:
        if self.latest is None:
            return ""
        return format_interval(self.latest.lower_95, self.latest.upper_95, unit=self.definition.unit)

    @property
    def numerator_text(self) -> str:
        return format_count(self.latest.numerator) if self.latest else ""

    @property
    def denominator_text(self) -> str:
        return format_count(self.latest.denominator) if self.latest else ""

    @property
    def provisional(self) -> bool:
        return bool(self.latest and self.latest.provisional)

    @property
    def variation_svg(self) -> Markup | None:
        return Markup(icon_svg(key=self.variation_icon, size=48)) if self.variation_icon else None

    @property
    def variation_label(self) -> str:
        return ICONS[self.variation_icon].label if self.variation_icon else ""


def row_period_words(row: MetricRow | None, *, definition: MetricDefinition) -> str:
    if row is None:
        return ""
    if definition.period_kind == PERIOD_SURVEY:
        return f"{row.period_start.year} survey"
    kind = "fortnight" if definition.period_kind == PERIOD_FORTNIGHT else None
    return period_words(Period(row.period_start, row.period_end), kind=kind)


def build_tile(series: MetricSeries, *, stillbirth_denominator: str | None, chart: SpcChart | None = None) -> Tile:
    """The latest period against the previous one of the same length (docs/rules/dashboard.md §5), with the Making
    Data Count variation icon of the series (no target is set, so no assurance icon).
    `chart`: the series' SPC chart where the page has made it already."""
    definition = series.definition
    rows = list(series.rows)
    if definition.period_kind == PERIOD_SURVEY:
        # A survey is published once a year: the latest survey is the latest year with one.
        while rows and rows[-1].value is None:
            rows.pop()
    latest = rows[-1] if rows else None
    previous = rows[-2] if len(rows) > 1 else None
    chart = chart if chart is not None else spc_of(series)
    numerator_label, denominator_label = count_labels(definition, stillbirth_denominator=stillbirth_denominator)
    return Tile(
        definition=definition,
        anchor=anchor(definition.id),
        unit_phrase=unit_phrase(definition, stillbirth_denominator=stillbirth_denominator),
        latest=latest,
        latest_label=row_period_words(latest, definition=definition),
        previous=previous,
        previous_label=row_period_words(previous, definition=definition),
        trend=trend_between(
            latest=latest.value if latest else None,
            previous=previous.value if previous else None,
            definition=definition,
        ),
        variation_icon=(
            variation_icon_key(variation=chart.variation, improvement=chart.improvement) if chart is not None else None
        ),
        assurance_icon=None,
        spc_points=len(chart.points) if chart is not None else 0,
        trial_limits=bool(chart is not None and chart.trial_limits),
        numerator_label=numerator_label,
        denominator_label=denominator_label,
    )
