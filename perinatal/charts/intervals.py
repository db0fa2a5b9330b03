"""Rates by group with their 95% intervals: a dot-and-whisker chart, one row per group
(docs/rules/equity.md §1: each group's crude rate per 1,000 with its 95% interval, compared
with a reference group).

Groups are rows, so long names (``Black · 1 (most deprived)``) stay readable; the value
axis runs along the bottom from 0. The reference group is a square and its rate a dashed
vertical line, so every other group can be read against it; the total (every group) sits
below a rule. Each row carries its value and interval as text at the right, so nothing
depends on reading a position or a colour. A group with no value (no births, or figures
hidden) says so in its row. An interval reaching far beyond the rates (a small group) would
squash every other row, so the axis stops at three times the highest rate and such an
interval ends in an arrow at the edge, with a note; the table gives its limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import palette
from .frame import (
    LIMIT_DASH,
    MARGIN_RIGHT,
    PLOT_TOP,
    SHAPE_CIRCLE,
    SHAPE_SQUARE,
    WIDTH,
    Chart,
    LegendItem,
    PlotArea,
    chart_identifier,
    check_bounds,
    finish_chart,
    line_swatch,
    marker,
    marker_swatch,
    path_data,
    text,
    text_width,
    value_x_axis,
)
from .palette import PointColours
from .scales import LinearScale, format_count, format_number, value_ticks
from .svg import Element, element
from .table import NO_DATA, ChartTable, TableColumn

__all__ = [
    "CLIPPED_NOTE",
    "GroupInterval",
    "ROLES",
    "ROLE_GROUP",
    "ROLE_REFERENCE",
    "ROLE_TOTAL",
    "interval_chart",
]

ROLE_GROUP = "group"
ROLE_REFERENCE = "reference"
ROLE_TOTAL = "total"
ROLES = (ROLE_GROUP, ROLE_REFERENCE, ROLE_TOTAL)

ROW_HEIGHT = 26
TOTAL_GAP = 12
"""Extra room above the total's row, where the rule separating it from the groups is drawn."""
LABEL_MARGIN_MIN = 64
LABEL_MARGIN_MAX = 250
"""Group names longer than this margin allows are shortened with an ellipsis (the table has them whole)."""
AXIS_REACH = 3
"""The axis runs to at most this many times the highest rate (intervals beyond end in an arrow)."""
CAP = 5
"""Half the height of the short bars at the ends of an interval."""
CLIPPED_NOTE = (
    "An interval with an arrow runs beyond the edge of the chart (a small group, so the "
    "interval is wide); the table gives its limits."
)

_GROUP = PointColours(fill=palette.SERIES, ink=palette.SERIES)
_REFERENCE = PointColours(fill=palette.BACKGROUND, ink=palette.SERIES)
_TOTAL = PointColours(fill=palette.TEXT, ink=palette.TEXT)

Number = int | float | Decimal
Count = int | float | Decimal | str


@dataclass(frozen=True)
class GroupInterval:
    """One group's row: its name, value and 95% interval, and the counts behind them.

    ``role`` is ``group``, ``reference`` (the group the others are compared with; at most
    one) or ``total`` (every group together; at most one, drawn last). ``missing`` says
    why a group has no value ("No births", "Hidden: fewer than 8"); by default "No data".
    """

    label: str
    value: Number | None
    lower: Number | None = None
    upper: Number | None = None
    numerator: Count | None = None
    denominator: Count | None = None
    role: str = ROLE_GROUP
    missing: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {self.role!r}")


def _float(value: Number | None) -> float | None:
    return None if value is None else float(value)


def interval_chart(
    *,
    groups: Sequence[GroupInterval],
    title: str,
    subject: str | None = None,
    value_label: str = "Rate per 1,000",
    group_label: str = "Group",
    numerator_label: str = "Numerator",
    denominator_label: str = "Denominator",
    value_heading: str = "Rate (95% interval)",
    decimals: int = 2,
    floor: float | None = 0.0,
    chart_id: str | None = None,
) -> Chart:
    """Each group's value with its 95% interval, against the reference group's value.

    ``title`` names the measure and the breakdown ("Stillbirth rate per 1,000 total births
    by ethnic group") and ``subject`` the organisation and period; ``value_label`` titles
    the axis and the value column, and ``value_heading`` heads the values written at the
    right of each row. Values below ``floor`` are refused (a rate cannot be
    negative); an interval's lower limit below it is drawn at it.
    """
    groups = list(groups)
    for role in (ROLE_REFERENCE, ROLE_TOTAL):
        if sum(1 for group in groups if group.role == role) > 1:
            raise ValueError(f"at most one group can have the role {role!r}")
    # The total goes last, below its rule, wherever the caller put it.
    groups = [g for g in groups if g.role != ROLE_TOTAL] + [g for g in groups if g.role == ROLE_TOTAL]
    check_bounds(((group.label, _float(group.value)) for group in groups), floor=floor, ceiling=None)
    full_title = title if subject is None else f"{title}, {subject}"
    reference = next((group for group in groups if group.role == ROLE_REFERENCE), None)

    def shown(value: Number | None) -> str:
        return "" if value is None else format_number(value, decimals=decimals)

    def interval_words(group: GroupInterval) -> str:
        if group.lower is None or group.upper is None:
            return ""
        return f"{shown(group.lower)} to {shown(group.upper)}"

    values = [_float(group.value) for group in groups if group.value is not None]
    uppers = [_float(group.upper) for group in groups if group.value is not None and group.upper is not None]
    highest = max(values, default=0.0)
    reach = max([*values, *uppers], default=0.0)
    if highest > 0:
        reach = min(reach, highest * AXIS_REACH)
    ticks = value_ticks(values=[*values, reach], floor=floor)

    label_width = max((text_width(group.label) for group in groups), default=0.0) + 16
    left = min(max(LABEL_MARGIN_MIN, label_width), LABEL_MARGIN_MAX)
    has_total = bool(groups) and groups[-1].role == ROLE_TOTAL
    height = max(len(groups), 1) * ROW_HEIGHT + (TOTAL_GAP if has_total else 0)
    area = PlotArea(left=left, top=PLOT_TOP, right=WIDTH - MARGIN_RIGHT, bottom=PLOT_TOP + height)
    inner_left, inner_right = area.inner
    x = LinearScale(domain=(ticks.low, ticks.high), range=(inner_left, inner_right))

    body: list[Element] = [
        element("line", x1=x(value), y1=area.top, x2=x(value), y2=area.bottom, stroke=palette.GRID, stroke_width=1)
        for value in ticks.values
    ]
    body += value_x_axis(area=area, ticks=ticks, scale=x, title=value_label)
    body.append(
        element(
            "line", x1=area.left, y1=area.bottom, x2=area.right, y2=area.bottom, stroke=palette.AXIS, stroke_width=1
        )
    )
    body.append(text(group_label, x=8, y=area.top - 16, bold=True, class_="chart-axis-title"))
    body.append(text(value_heading, x=area.right + 8, y=area.top - 16, bold=True, class_="chart-axis-title"))
    if reference is not None and reference.value is not None:
        reference_x = x(_float(reference.value))
        body.append(
            element(
                "line",
                x1=reference_x,
                y1=area.top - 6,
                x2=reference_x,
                y2=area.bottom,
                stroke=palette.AXIS,
                stroke_width=1.5,
                stroke_dasharray=LIMIT_DASH,
                class_="chart-reference-line",
            )
        )

    rows: list[Element] = []
    clipped = False
    for index, group in enumerate(groups):
        row_top = area.top + index * ROW_HEIGHT + (TOTAL_GAP if group.role == ROLE_TOTAL else 0)
        cy = row_top + ROW_HEIGHT / 2
        parts: list[Element] = [
            text(
                _fit(group.label, left - 16),
                x=left - 8,
                y=cy + 4,
                anchor="end",
                size=palette.FONT_SIZE_SMALL,
                bold=group.role != ROLE_GROUP,
                class_="chart-group-label",
            )
        ]
        if group.role == ROLE_TOTAL:
            parts.append(
                element(
                    "line",
                    x1=8,
                    y1=row_top - TOTAL_GAP / 2,
                    x2=WIDTH - 8,
                    y2=row_top - TOTAL_GAP / 2,
                    stroke=palette.AXIS,
                    stroke_width=1,
                    class_="chart-total-rule",
                )
            )
        if group.value is None:
            parts.append(
                text(
                    group.missing or NO_DATA,
                    x=inner_left,
                    y=cy + 4,
                    size=palette.FONT_SIZE_SMALL,
                    colour=palette.TEXT_SECONDARY,
                    class_="chart-missing",
                )
            )
            rows.append(element("g", *parts, class_="chart-row"))
            continue
        colours = {ROLE_GROUP: _GROUP, ROLE_REFERENCE: _REFERENCE, ROLE_TOTAL: _TOTAL}[group.role]
        if group.lower is not None and group.upper is not None:
            low = max(_float(group.lower), ticks.low)
            high = _float(group.upper)
            beyond = high > ticks.high
            clipped = clipped or beyond
            x_low, x_high = x(low), x(min(high, ticks.high))
            whisker = path_data([[(x_low, cy), (x_high, cy)]])
            whisker += " " + path_data([[(x_low, cy - CAP), (x_low, cy + CAP)]])
            if beyond:
                whisker += " " + path_data([[(x_high - 7, cy - CAP), (x_high, cy), (x_high - 7, cy + CAP)]])
            else:
                whisker += " " + path_data([[(x_high, cy - CAP), (x_high, cy + CAP)]])
            parts.append(
                element(
                    "path",
                    d=whisker,
                    fill="none",
                    stroke=colours.ink,
                    stroke_width=2,
                    class_="chart-interval" + (" chart-interval--clipped" if beyond else ""),
                )
            )
        interval = interval_words(group)
        counts = (
            f", {format_count(group.numerator)} of {format_count(group.denominator)}"
            if group.numerator is not None and group.denominator is not None
            else ""
        )
        parts.append(
            marker(
                shape=SHAPE_SQUARE if group.role == ROLE_REFERENCE else SHAPE_CIRCLE,
                x=x(_float(group.value)),
                y=cy,
                colours=colours,
                size=4.5,
                tooltip=f"{group.label}: {shown(group.value)}"
                + (f" (95% interval {interval})" if interval else "")
                + counts,
                class_=f"chart-point chart-point--{group.role}",
            )
        )
        parts.append(
            text(
                shown(group.value) + (f" ({interval})" if interval else ""),
                x=area.right + 8,
                y=cy + 4,
                size=palette.FONT_SIZE_SMALL,
                class_="chart-value-label",
            )
        )
        rows.append(element("g", *parts, class_="chart-row"))
    body.append(element("g", *rows, class_="chart-rows"))
    if not groups:
        body.append(
            text(
                "No data for this period",
                x=(area.left + area.right) / 2,
                y=(area.top + area.bottom) / 2 + 4,
                anchor="middle",
                colour=palette.TEXT_SECONDARY,
            )
        )

    notes = [CLIPPED_NOTE] if clipped else []
    description = _describe(full_title, groups, reference, shown)
    table = _table(
        full_title, groups, shown, interval_words, group_label, numerator_label, denominator_label, value_label
    )
    identifier = chart_identifier(chart_id, "intervals", full_title, description, table.rows)
    return finish_chart(
        chart_id=identifier,
        title=full_title,
        description=description,
        body=body,
        legend_items=_legend(groups, reference),
        notes=notes,
        area=area,
        table=table,
        class_="chart-intervals",
    )


def _fit(label: str, width: float) -> str:
    """The label, shortened with an ellipsis if it is wider than ``width``."""
    if text_width(label, font_size=palette.FONT_SIZE_SMALL) <= width:
        return label
    keep = label
    while keep and text_width(keep + "…", font_size=palette.FONT_SIZE_SMALL) > width:
        keep = keep[:-1]
    return keep.rstrip() + "…"


def _legend(groups: Sequence[GroupInterval], reference: GroupInterval | None) -> list[LegendItem]:
    roles = {group.role for group in groups if group.value is not None}
    items = []
    if ROLE_GROUP in roles:
        items.append(LegendItem("Group's rate", marker_swatch(shape=SHAPE_CIRCLE, colours=_GROUP)))
    if reference is not None and ROLE_REFERENCE in roles:
        items.append(
            LegendItem(f"Reference group ({reference.label})", marker_swatch(shape=SHAPE_SQUARE, colours=_REFERENCE))
        )
        items.append(LegendItem("Reference group's rate", line_swatch(colour=palette.AXIS, dash=LIMIT_DASH, width=1.5)))
    if ROLE_TOTAL in roles:
        items.append(LegendItem("All groups", marker_swatch(shape=SHAPE_CIRCLE, colours=_TOTAL)))
    if any(group.lower is not None and group.value is not None for group in groups):
        items.append(LegendItem("95% interval", line_swatch(colour=palette.SERIES, width=2)))
    return items


def _describe(full_title: str, groups: Sequence[GroupInterval], reference: GroupInterval | None, shown) -> str:
    compared = [group for group in groups if group.role != ROLE_TOTAL]
    with_values = [group for group in compared if group.value is not None]
    count = len(compared)
    parts = [f"{full_title}: {count} group" + ("" if count == 1 else "s") + ", each with its 95% interval"]
    if with_values:
        high = max(with_values, key=lambda group: _float(group.value))
        low = min(with_values, key=lambda group: _float(group.value))
        parts.append(f"highest {high.label} {shown(high.value)}")
        parts.append(f"lowest {low.label} {shown(low.value)}")
    if reference is not None:
        parts.append(
            f"reference group {reference.label}"
            + (f" {shown(reference.value)}" if reference.value is not None else " (no value)")
        )
    total = next((group for group in groups if group.role == ROLE_TOTAL), None)
    if total is not None and total.value is not None:
        parts.append(f"{total.label} {shown(total.value)}")
    without = len(compared) - len(with_values)
    if without:
        parts.append(f"{without} group" + (" has" if without == 1 else "s have") + " no value")
    return "; ".join(parts) + "."


def _table(
    full_title: str,
    groups: Sequence[GroupInterval],
    shown,
    interval_words,
    group_label: str,
    numerator_label: str,
    denominator_label: str,
    value_label: str,
) -> ChartTable:
    columns = (
        TableColumn(group_label),
        TableColumn(numerator_label, numeric=True),
        TableColumn(denominator_label, numeric=True),
        TableColumn(value_label, numeric=True),
        TableColumn("95% interval", numeric=True),
    )
    rows = tuple(
        (
            group.label + (" (reference)" if group.role == ROLE_REFERENCE else ""),
            format_count(group.numerator),
            format_count(group.denominator),
            shown(group.value) if group.value is not None else (group.missing or NO_DATA),
            interval_words(group),
        )
        for group in groups
    )
    return ChartTable(caption=full_title, columns=columns, rows=rows)
