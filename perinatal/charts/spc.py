"""XmR chart in the Making Data Count style (docs/rules/surveillance.md §2).

Draws an :class:`~perinatal.stats.spc.SpcChart` as computed by the stats
library: per rebase segment a solid mean and dashed process limits; the points joined by a
thin grey line, each coloured by its type (improvement #41B6E6, concern #ED8B00, neutral
#490092, common cause #A6A6A6) and shaped by it (circles for common cause, triangles
pointing the way of a special cause); the target as a dash-dot line; the variation and
assurance icons (:mod:`.icons`) with their names; and the "trial limits" note when a
segment has fewer than 12 points (docs/rules/surveillance.md §2.8).

Where the measure cannot go below ``floor`` (0 for rates and counts), a lower process
limit below it is drawn at the floor and the chart says so; likewise for ``ceiling``.
"""

from __future__ import annotations

from collections.abc import Sequence

from perinatal.stats.spc import (
    IMPROVEMENT_INCREASE,
    POINT_COMMON_CAUSE,
    POINT_CONCERN,
    POINT_IMPROVEMENT,
    POINT_NEUTRAL_HIGH,
    POINT_NEUTRAL_LOW,
    SPECIAL_CAUSE_ABOVE_UPPER_LIMIT,
    SPECIAL_CAUSE_BELOW_LOWER_LIMIT,
    SPECIAL_CAUSE_DIRECTION,
    SPECIAL_CAUSE_SHIFT_ABOVE,
    SPECIAL_CAUSE_SHIFT_BELOW,
    SPECIAL_CAUSE_TREND_DECREASING,
    SPECIAL_CAUSE_TREND_INCREASING,
    SPECIAL_CAUSE_TWO_IN_THREE_ABOVE,
    SPECIAL_CAUSE_TWO_IN_THREE_BELOW,
    TRIAL_LIMITS_BELOW_POINTS,
    SpcChart,
    SpcChartPoint,
)

from . import palette
from .frame import (
    LIMIT_DASH,
    SHAPE_CIRCLE,
    SHAPE_TRIANGLE_DOWN,
    SHAPE_TRIANGLE_UP,
    TARGET_DASH,
    WIDTH,
    Chart,
    LegendItem,
    LineLabel,
    chart_identifier,
    check_bounds,
    clip,
    date_axis,
    divider,
    document,
    line_labels,
    line_swatch,
    marker,
    marker_group,
    marker_swatch,
    path_data,
    plot_area,
    target_line,
    text,
    time_axis,
    value_axis,
)
from .icons import (
    ICON_ASSURANCE_FAIL,
    ICON_ASSURANCE_HIT_OR_MISS,
    ICON_ASSURANCE_PASS,
    ICON_COMMON_CAUSE,
    ICON_CONCERN_HIGH,
    ICON_CONCERN_LOW,
    ICON_IMPROVEMENT_HIGH,
    ICON_IMPROVEMENT_LOW,
    ICON_NEUTRAL_HIGH,
    ICON_NEUTRAL_LOW,
    ICONS,
    assurance_icon_key,
    icon_drawing,
    icon_svg,
    icon_symbols,
    icon_use,
    variation_icon_key,
)
from .palette import PointColours
from .scales import LinearScale, day_label, format_number, month_label, span_label, value_ticks
from .svg import Element, element
from .table import ChartTable, TableColumn

__all__ = [
    "ICON_ASSURANCE_FAIL",
    "ICON_ASSURANCE_HIT_OR_MISS",
    "ICON_ASSURANCE_PASS",
    "ICON_COMMON_CAUSE",
    "ICON_CONCERN_HIGH",
    "ICON_CONCERN_LOW",
    "ICON_IMPROVEMENT_HIGH",
    "ICON_IMPROVEMENT_LOW",
    "ICON_NEUTRAL_HIGH",
    "ICON_NEUTRAL_LOW",
    "ICONS",
    "PLOT_TOP_WITH_ICONS",
    "POINT_COLOURS",
    "SPECIAL_CAUSE_WORDS",
    "assurance_icon_key",
    "icon_svg",
    "icon_symbols",
    "icon_use",
    "point_marker_shape",
    "spc_chart",
    "variation_icon_key",
]

POINT_COLOURS: dict[str, PointColours] = {
    POINT_COMMON_CAUSE: palette.COMMON_CAUSE,
    POINT_IMPROVEMENT: palette.IMPROVEMENT,
    POINT_CONCERN: palette.CONCERN,
    POINT_NEUTRAL_HIGH: palette.NEUTRAL,
    POINT_NEUTRAL_LOW: palette.NEUTRAL,
}
"""Making Data Count point colours by point type (docs/rules/surveillance.md §2.6)."""
POINT_TYPE_WORDS = {
    POINT_COMMON_CAUSE: "Common cause",
    POINT_IMPROVEMENT: "Special cause improvement",
    POINT_CONCERN: "Special cause concern",
    POINT_NEUTRAL_HIGH: "Special cause, higher",
    POINT_NEUTRAL_LOW: "Special cause, lower",
}
SPECIAL_CAUSE_WORDS = {
    SPECIAL_CAUSE_ABOVE_UPPER_LIMIT: "above the upper process limit",
    SPECIAL_CAUSE_BELOW_LOWER_LIMIT: "below the lower process limit",
    SPECIAL_CAUSE_TREND_INCREASING: "part of a run of 7 rising points",
    SPECIAL_CAUSE_TREND_DECREASING: "part of a run of 7 falling points",
    SPECIAL_CAUSE_TWO_IN_THREE_ABOVE: "2 of 3 points close to the upper process limit",
    SPECIAL_CAUSE_TWO_IN_THREE_BELOW: "2 of 3 points close to the lower process limit",
    SPECIAL_CAUSE_SHIFT_ABOVE: "part of a run of 7 points above the mean",
    SPECIAL_CAUSE_SHIFT_BELOW: "part of a run of 7 points below the mean",
}
"""Which of the four rules (docs/rules/surveillance.md §2.5) flagged a point, in words for tables and tooltips."""
_ICON_SIZE = 44
PLOT_TOP_WITH_ICONS = 76
"""Room above the plot for the axis title and the icons with their names."""


def point_marker_shape(point: SpcChartPoint) -> str:
    """Circle for common cause; a triangle pointing up (down) for a special cause above
    the mean or rising (below or falling), so shape separates the types without colour."""
    if point.point_type == POINT_COMMON_CAUSE:
        return SHAPE_CIRCLE
    return SHAPE_TRIANGLE_UP if SPECIAL_CAUSE_DIRECTION[point.special_cause] > 0 else SHAPE_TRIANGLE_DOWN


def _variation_words(point: SpcChartPoint) -> str:
    words = POINT_TYPE_WORDS[point.point_type]
    if point.point_type == POINT_COMMON_CAUSE:
        return words
    return f"{words}: {SPECIAL_CAUSE_WORDS[point.special_cause]}"


def spc_chart(
    *,
    chart: SpcChart,
    title: str,
    subject: str | None = None,
    value_label: str = "Value",
    decimals: int = 1,
    floor: float | None = 0.0,
    ceiling: float | None = None,
    chart_id: str | None = None,
) -> Chart:
    """The XmR chart of ``chart`` (from ``xmr_chart``), with its icons and table.

    ``title`` names the measure, ``subject`` the organisation; ``value_label`` heads the
    axis and the value column; ``floor``/``ceiling`` bound what the measure can be (use
    ``floor=None`` for a measure that can be negative).
    """
    points = chart.points
    monthly = all(point.date.day == 1 for point in points)
    label_of = month_label if monthly else day_label
    full_title = title if subject is None else f"{title}, {subject}"
    variation_key = variation_icon_key(variation=chart.variation, improvement=chart.improvement)
    assurance_key = assurance_icon_key(chart.assurance)
    icon_keys = (variation_key,) + ((assurance_key,) if assurance_key else ())

    def shown(value: float) -> float:
        return clip(value, floor=floor, ceiling=ceiling)

    check_bounds(((label_of(point.date), point.value) for point in points), floor=floor, ceiling=ceiling)

    area = plot_area(top=PLOT_TOP_WITH_ICONS)
    limit_values = [
        shown(value)
        for segment in chart.segments
        for value in (segment.limits.lpl, segment.limits.upl, segment.limits.mean)
    ]
    ticks = value_ticks(
        values=[point.value for point in points] + limit_values + ([chart.target] if chart.target is not None else []),
        floor=floor,
        ceiling=ceiling,
    )
    y = LinearScale(domain=(ticks.low, ticks.high), range=(area.bottom, area.top))
    scale, date_ticks_ = time_axis(first=points[0].date, last=points[-1].date, area=area)
    body: list[Element] = value_axis(area=area, ticks=ticks, scale=y, title=value_label)
    body += date_axis(area=area, ticks=date_ticks_, scale=scale)
    body += _icons(icon_keys)

    limit_lines: list[Element] = []
    for index, segment in enumerate(chart.segments):
        x1, x2 = scale(segment.start), scale(segment.end)
        limits = segment.limits
        limit_lines.append(_horizontal(x1, x2, y(shown(limits.mean)), palette.LIMIT, None, "chart-mean"))
        for value, name in ((limits.upl, "chart-upper-limit"), (limits.lpl, "chart-lower-limit")):
            limit_lines.append(_horizontal(x1, x2, y(shown(value)), palette.LIMIT, LIMIT_DASH, name))
        if index > 0:
            x = (scale(chart.segments[index - 1].end) + x1) / 2
            limit_lines += divider(area=area, x=x, label="Rebased", class_="chart-rebase")
    body.append(element("g", *limit_lines, class_="chart-limits"))

    last = chart.segments[-1].limits
    right_labels = [
        LineLabel(
            y(shown(last.upl)),
            f"Upper limit {format_number(shown(last.upl), decimals=decimals)}",
            palette.LIMIT,
        ),
        LineLabel(y(shown(last.mean)), f"Mean {format_number(shown(last.mean), decimals=decimals)}", palette.LIMIT),
        LineLabel(
            y(shown(last.lpl)),
            f"Lower limit {format_number(shown(last.lpl), decimals=decimals)}",
            palette.LIMIT,
        ),
    ]
    if chart.target is not None:
        target_y = y(shown(chart.target))
        body.append(target_line(area=area, y=target_y))
        right_labels.append(
            LineLabel(target_y, f"Target {format_number(chart.target, decimals=decimals)}", palette.TARGET)
        )

    xs = [scale(point.date) for point in points]
    if len(points) > 1:
        body.append(
            element(
                "path",
                d=path_data([[(x, y(point.value)) for x, point in zip(xs, points)]]),
                fill="none",
                stroke=palette.SERIES_LINE,
                stroke_width=1.5,
                stroke_linejoin="round",
                class_="chart-series",
            )
        )
    body.append(
        marker_group(
            *[
                marker(
                    shape=point_marker_shape(point),
                    x=x,
                    y=y(point.value),
                    colours=POINT_COLOURS[point.point_type],
                    size=4 if point.point_type == POINT_COMMON_CAUSE else 5,
                    tooltip=(
                        f"{label_of(point.date)}: {format_number(point.value, decimals=decimals)}. "
                        f"{_variation_words(point)}"
                    ),
                    class_=f"chart-point chart-point--{point.point_type.replace('_', '-')}",
                    inherited=POINT_COLOURS[POINT_COMMON_CAUSE],
                )
                for x, point in zip(xs, points)
            ],
            colours=POINT_COLOURS[POINT_COMMON_CAUSE],
            class_="chart-points",
        )
    )
    body += line_labels(right_labels, area=area)

    notes = _notes(chart, floor, ceiling, label_of)
    description = _describe(chart, full_title, monthly, label_of, decimals, variation_key, assurance_key, shown)
    table = _table(chart, full_title, value_label, label_of, decimals, shown)
    identifier = chart_identifier(chart_id, "spc", full_title, description, table.rows)
    svg = document(
        chart_id=identifier,
        title=full_title,
        description=description,
        body=body,
        legend_items=_legend(chart),
        notes=notes,
        content_bottom=area.bottom + 44,
        class_="chart-spc",
    )
    return Chart(svg=svg, table=table, title=full_title, description=description, notes=tuple(notes), icons=icon_keys)


def _horizontal(x1: float, x2: float, y: float, colour: str, dash: str | None, class_: str) -> Element:
    return element(
        "line",
        x1=x1,
        y1=y,
        x2=x2,
        y2=y,
        stroke=colour,
        stroke_width=1.5,
        stroke_dasharray=dash,
        class_=class_,
    )


def _icons(keys: Sequence[str]) -> list[Element]:
    """The icons at the top right (variation, then assurance), their names to their left."""
    parts = []
    right = WIDTH - 8
    first_x = right - len(keys) * _ICON_SIZE - (len(keys) - 1) * 8
    for index, key in enumerate(keys):
        parts.append(
            element(
                "svg",
                *icon_drawing(key),
                x=first_x + index * (_ICON_SIZE + 8),
                y=6,
                width=_ICON_SIZE,
                height=_ICON_SIZE,
                viewBox="0 0 100 100",
                class_=f"mdc-icon mdc-icon--{key.replace('_', '-')}",
            )
        )
    names_right = first_x - 8
    for index, key in enumerate(keys):
        spec = ICONS[key]
        kind = "Variation" if spec.kind == "variation" else "Assurance"
        parts.append(
            text(
                f"{kind}: {spec.label}",
                x=names_right,
                y=22 + index * 18,
                anchor="end",
                size=palette.FONT_SIZE_SMALL,
                class_="chart-icon-name",
            )
        )
    return parts


def _legend(chart: SpcChart) -> list[LegendItem]:
    present = {point.point_type for point in chart.points}
    higher_is_better = chart.improvement == IMPROVEMENT_INCREASE
    entries = [
        (POINT_COMMON_CAUSE, SHAPE_CIRCLE, "Common cause"),
        (
            POINT_IMPROVEMENT,
            SHAPE_TRIANGLE_UP if higher_is_better else SHAPE_TRIANGLE_DOWN,
            "Special cause improvement",
        ),
        (
            POINT_CONCERN,
            SHAPE_TRIANGLE_DOWN if higher_is_better else SHAPE_TRIANGLE_UP,
            "Special cause concern",
        ),
        (POINT_NEUTRAL_HIGH, SHAPE_TRIANGLE_UP, "Special cause, higher"),
        (POINT_NEUTRAL_LOW, SHAPE_TRIANGLE_DOWN, "Special cause, lower"),
    ]
    items = [
        LegendItem(label, marker_swatch(shape=shape, colours=POINT_COLOURS[point_type], size=4.5))
        for point_type, shape, label in entries
        if point_type in present
    ]
    items.append(LegendItem("Mean", line_swatch(colour=palette.LIMIT, width=1.5)))
    items.append(LegendItem("Process limits", line_swatch(colour=palette.LIMIT, dash=LIMIT_DASH, width=1.5)))
    if chart.target is not None:
        items.append(LegendItem("Target", line_swatch(colour=palette.TARGET, dash=TARGET_DASH, width=1.5)))
    return items


def _notes(chart: SpcChart, floor: float | None, ceiling: float | None, label_of) -> list[str]:
    notes = []
    if chart.trial_limits:
        short = [segment for segment in chart.segments if segment.trial_limits]
        starts = ", ".join(label_of(segment.start) for segment in short)
        if len(chart.segments) == 1:
            which = "the series has"
        elif len(short) == 1:
            which = f"the segment starting {starts} has"
        else:
            which = f"the segments starting {starts} have"
        notes.append(
            f"Trial limits: {which} fewer than {TRIAL_LIMITS_BELOW_POINTS} points, so the limits "
            "may change as more data arrive."
        )
    for segment in chart.segments[1:]:
        notes.append(f"Rebased: the mean and limits were recalculated from {label_of(segment.start)}.")
    if floor is not None and any(segment.limits.lpl < floor for segment in chart.segments):
        notes.append(
            f"A lower process limit below {format_number(floor, decimals=0)} is shown at "
            f"{format_number(floor, decimals=0)}, the lowest value this measure can take."
        )
    if ceiling is not None and any(segment.limits.upl > ceiling for segment in chart.segments):
        notes.append(
            f"An upper process limit above {format_number(ceiling, decimals=0)} is shown at "
            f"{format_number(ceiling, decimals=0)}, the highest value this measure can take."
        )
    return notes


_VARIATION_SENTENCE = {
    ICON_COMMON_CAUSE: "common cause variation",
    ICON_IMPROVEMENT_HIGH: "special cause improvement (higher values)",
    ICON_IMPROVEMENT_LOW: "special cause improvement (lower values)",
    ICON_CONCERN_HIGH: "special cause concern (higher values)",
    ICON_CONCERN_LOW: "special cause concern (lower values)",
    ICON_NEUTRAL_HIGH: "special cause variation, neither improvement nor concern (higher values)",
    ICON_NEUTRAL_LOW: "special cause variation, neither improvement nor concern (lower values)",
}
_ASSURANCE_SENTENCE = {
    ICON_ASSURANCE_PASS: "expected to consistently pass the target",
    ICON_ASSURANCE_FAIL: "expected to consistently fail the target",
    ICON_ASSURANCE_HIT_OR_MISS: "may pass or fail the target by random variation",
}


def _describe(chart, full_title, monthly, label_of, decimals, variation_key, assurance_key, shown) -> str:
    points = chart.points
    latest = points[-1]
    span = span_label(first_start=points[0].date, last_start=latest.date, monthly=monthly)
    limits = chart.segments[-1].limits
    parts = [
        f"{full_title}, {span}",
        f"latest {format_number(latest.value, decimals=decimals)} ({label_of(latest.date)})",
        _VARIATION_SENTENCE[variation_key],
        f"mean {format_number(shown(limits.mean), decimals=decimals)}, process limits "
        f"{format_number(shown(limits.lpl), decimals=decimals)} to "
        f"{format_number(shown(limits.upl), decimals=decimals)}",
    ]
    if chart.target is not None:
        target = f"target {format_number(chart.target, decimals=decimals)}"
        parts.append(f"{target}: {_ASSURANCE_SENTENCE[assurance_key]}" if assurance_key else target)
    special = sum(point.point_type != POINT_COMMON_CAUSE for point in points)
    parts.append(f"{special} of {len(points)} points show special cause variation")
    if chart.trial_limits:
        parts.append("trial limits")
    if len(chart.segments) > 1:
        rebases = len(chart.segments) - 1
        parts.append("rebased once" if rebases == 1 else f"rebased {rebases} times")
    return "; ".join(parts) + "."


def _table(chart, full_title, value_label, label_of, decimals, shown) -> ChartTable:
    columns = (
        TableColumn("Date"),
        TableColumn(value_label, numeric=True),
        TableColumn("Mean", numeric=True),
        TableColumn("Lower process limit", numeric=True),
        TableColumn("Upper process limit", numeric=True),
        TableColumn("Variation"),
    )
    rows = tuple(
        (
            label_of(point.date),
            format_number(point.value, decimals=decimals),
            format_number(shown(point.mean), decimals=decimals),
            format_number(shown(point.lpl), decimals=decimals),
            format_number(shown(point.upl), decimals=decimals),
            _variation_words(point),
        )
        for point in chart.points
    )
    return ChartTable(caption=full_title, columns=columns, rows=rows)
