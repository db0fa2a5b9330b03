"""What the equity page shows for each metric (docs/rules/equity.md §1), from the rows of one
organisation and period: the share of records where the group is recorded, the table (every
group with its counts, rate and 95% interval, rate ratio and rate difference against the
reference group; `Not stated` always shown; the total last), the chart of rates with their
intervals, and the plain-language reading.

Figures are shown as the engine rounded them (half-up, 2 decimals), never re-rounded. The
share recorded is 1 − (the `Not stated` denominator / the total denominator), for each
dimension broken down (breakdowns.blocks.stated_share).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from perinatal.charts import Chart, GroupInterval, interval_chart
from perinatal.charts.intervals import ROLE_GROUP, ROLE_REFERENCE, ROLE_TOTAL
from perinatal.charts.scales import format_count, format_number
from perinatal.dashboard.metrics.definitions import metric_definitions
from perinatal.dashboard.pages.wording import anchor, axis_label, count_labels, unit_phrase
from perinatal.equity.breakdowns.blocks import stated_share
from perinatal.equity.breakdowns.rows import (
    DIMENSION_ETHNIC_GROUP,
    DIMENSION_IMD_QUINTILE,
    METRIC_IDS,
    NOT_STATED,
    EquityRow,
)
from perinatal.kernel.text import sentence

from .reading import Reading, reading_for
from .wording import DIMENSION_WORDS, group_key, group_label, is_not_stated, reference_key

DECIMALS = 2
NO_DATA = "No data"
REFERENCE = "Reference"
NOT_COMPARED = "Not compared"
NOT_CALCULABLE = "Not calculable"
HIDDEN = "Hidden: small numbers"
KIND_GROUP = "group"
KIND_REFERENCE = "reference"
KIND_NOT_STATED = "not_stated"
KIND_TOTAL = "total"


def _number(value: Decimal | None) -> str:
    return "" if value is None else format_number(value, decimals=DECIMALS)


def _with_interval(value: Decimal | None, lower: Decimal | None, upper: Decimal | None) -> str:
    """ "2.00 (1.03 to 3.90)"; the value alone when there is no interval."""
    if value is None:
        return ""
    if lower is None or upper is None:
        return _number(value)
    return f"{_number(value)} ({_number(lower)} to {_number(upper)})"


@dataclass(frozen=True)
class GroupLine:
    """One row of a metric's table, as text."""

    row: EquityRow
    label: str
    kind: str

    @property
    def numerator_text(self) -> str:
        return format_count(self.row.numerator)

    @property
    def denominator_text(self) -> str:
        return format_count(self.row.denominator)

    @property
    def rate_text(self) -> str:
        if self.row.value is None:
            return HIDDEN if self.row.suppressed else NO_DATA
        return _with_interval(self.row.value, self.row.lower_95, self.row.upper_95)

    def _comparison(self, value, lower, upper) -> str:
        if self.kind == KIND_REFERENCE:
            return REFERENCE
        if self.kind in (KIND_NOT_STATED, KIND_TOTAL):
            return NOT_COMPARED
        if value is None:
            return HIDDEN if self.row.suppressed else NOT_CALCULABLE
        return _with_interval(value, lower, upper)

    @property
    def ratio_text(self) -> str:
        row = self.row
        return self._comparison(row.rate_ratio, row.rate_ratio_lower_95, row.rate_ratio_upper_95)

    @property
    def difference_text(self) -> str:
        row = self.row
        return self._comparison(row.rate_difference, row.rate_difference_lower_95, row.rate_difference_upper_95)


@dataclass(frozen=True)
class RecordedShare:
    """How many of the metric's denominator have the dimension recorded (not `Not stated`)."""

    what: str  # "Ethnic group", "Deprivation quintile"
    percent: Decimal | None  # breakdowns.blocks.stated_share: None when there are no births
    recorded: int | None  # None when a count is hidden (public outputs)
    total: int | None
    denominator_words: str

    @property
    def words(self) -> str:
        if self.recorded is None:
            return f"{self.what}: the share recorded cannot be given, as some counts are too small to show."
        if self.percent is None:
            return f"{self.what}: there are no {self.denominator_words} in this period."
        return (
            f"{self.what} is recorded for {format_number(self.percent, decimals=DECIMALS)}% of "
            f"{self.denominator_words} ({format_count(self.recorded)} of {format_count(self.total)})."
        )


@dataclass(frozen=True)
class MetricBreakdown:
    metric_id: str
    title: str
    anchor: str
    unit_phrase: str
    numerator_label: str
    denominator_label: str
    group_heading: str
    lines: tuple[GroupLine, ...]
    recorded: tuple[RecordedShare, ...]
    chart: Chart
    reading: Reading

    @property
    def total(self) -> GroupLine | None:
        return next((line for line in self.lines if line.kind == KIND_TOTAL), None)

    @property
    def has_births(self) -> bool:
        total = self.total
        return total is not None and total.row.denominator not in (0, None)


def _kind(row: EquityRow, by: tuple[str, ...]) -> str:
    key = group_key(row)
    if row.is_total:
        return KIND_TOTAL
    if key == reference_key(by):
        return KIND_REFERENCE
    if is_not_stated(key):
        return KIND_NOT_STATED
    return KIND_GROUP


def _recorded(rows: Sequence[EquityRow], *, by: tuple[str, ...], denominator_words: str) -> tuple[RecordedShare, ...]:
    """The share of the denominator whose group is recorded, per dimension broken down:
    1 − Not stated / total (docs/rules/equity.md §1), as breakdowns.blocks.stated_share gives it."""
    total_row = next((row for row in rows if row.is_total), None)
    hidden = total_row is None or any(row.suppressed or isinstance(row.denominator, str) for row in rows)
    shares = []
    for dimension, what in ((DIMENSION_ETHNIC_GROUP, "Ethnic group"), (DIMENSION_IMD_QUINTILE, "Deprivation quintile")):
        if dimension not in by:
            continue
        if hidden:
            shares.append(RecordedShare(what, None, None, None, denominator_words))
            continue
        not_stated = sum(row.denominator for row in rows if not row.is_total and getattr(row, dimension) == NOT_STATED)
        shares.append(
            RecordedShare(
                what=what,
                percent=stated_share(rows, dimension=dimension),
                recorded=total_row.denominator - not_stated,
                total=total_row.denominator,
                denominator_words=denominator_words,
            )
        )
    return tuple(shares)


def _chart_groups(lines: Sequence[GroupLine], *, denominator_label: str) -> list[GroupInterval]:
    roles = {KIND_REFERENCE: ROLE_REFERENCE, KIND_TOTAL: ROLE_TOTAL}
    groups = []
    for line in lines:
        row = line.row
        if row.value is None:
            missing = HIDDEN if row.suppressed else f"No {denominator_label.lower()}"
        else:
            missing = None
        groups.append(
            GroupInterval(
                label=line.label,
                value=row.value,
                lower=row.lower_95,
                upper=row.upper_95,
                numerator=row.numerator,
                denominator=row.denominator,
                role=roles.get(line.kind, ROLE_GROUP),
                missing=missing,
            )
        )
    return groups


def metric_breakdowns(
    rows: Sequence[EquityRow],
    *,
    by: tuple[str, ...],
    subject: str,
    stillbirth_denominator: str | None = None,
) -> list[MetricBreakdown]:
    """One breakdown per metric present in `rows` (one organisation and period), in the
    order of docs/rules/equity.md §1. `subject` names the organisation and period in the
    chart's title ("Trust A, 2025")."""
    definitions = {
        d.id: d
        for d in metric_definitions(
            **({"stillbirth_denominator": stillbirth_denominator} if stillbirth_denominator else {})
        )
    }
    dimension = DIMENSION_WORDS[by]
    result = []
    for metric_id in METRIC_IDS:
        metric_rows = [row for row in rows if row.metric_id == metric_id]
        if not metric_rows:
            continue
        definition = definitions[metric_id]
        numerator_label, denominator_label = count_labels(definition, stillbirth_denominator=stillbirth_denominator)
        phrase = unit_phrase(definition, stillbirth_denominator=stillbirth_denominator)
        lines = tuple(
            GroupLine(row=row, label=group_label(row.ethnic_group, row.imd_quintile), kind=_kind(row, by))
            for row in metric_rows
        )
        title = f"{definition.title} by {dimension}"
        chart = interval_chart(
            groups=_chart_groups(lines, denominator_label=denominator_label),
            title=title,
            subject=subject,
            value_label=axis_label(definition, stillbirth_denominator=stillbirth_denominator),
            group_label=sentence(dimension),
            numerator_label=numerator_label,
            denominator_label=denominator_label,
            chart_id=f"equity-{anchor(metric_id)}",
        )
        result.append(
            MetricBreakdown(
                metric_id=metric_id,
                title=definition.title,
                anchor=anchor(metric_id),
                unit_phrase=phrase,
                numerator_label=numerator_label,
                denominator_label=denominator_label,
                group_heading=sentence(dimension),
                lines=lines,
                recorded=_recorded(metric_rows, by=by, denominator_words=denominator_label.lower()),
                chart=chart,
                reading=reading_for(
                    metric_id=metric_id,
                    rows=metric_rows,
                    by=by,
                    denominator_label=denominator_label,
                    unit_phrase=phrase,
                ),
            )
        )
    return result
