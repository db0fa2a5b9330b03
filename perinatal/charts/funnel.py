"""Funnel plot: one period, every organisation against its peers (docs/rules/surveillance.md §3).

Draws a :class:`~perinatal.stats.funnel.FunnelPlot`: each group's value
against its denominator, the target (θ0) as a line, and the 95% and 99.8% limits as lines
across the denominators. The limit lines are evaluated by the stats library itself on a
grid of denominators (with the plot's own target and τ²), so the lines and the outlier
flags can never disagree. Outliers are highlighted by shape and size as well as colour:
a triangle pointing the way the group lies outside, larger and darker beyond 99.8%.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from perinatal.stats import funnel as funnel_stats
from perinatal.stats.funnel import (
    FUNNEL_PROPORTION,
    FunnelGroup,
    FunnelLimits,
    FunnelPlot,
    FunnelPoint,
)
from perinatal.stats.spc import IMPROVEMENT_DIRECTIONS, IMPROVEMENT_INCREASE, IMPROVEMENT_NEUTRAL

from . import palette
from .frame import (
    LIMIT_DASH,
    SHAPE_CIRCLE,
    SHAPE_TRIANGLE_DOWN,
    SHAPE_TRIANGLE_UP,
    TARGET_DASH,
    Chart,
    LegendItem,
    LineLabel,
    chart_identifier,
    document,
    line_labels,
    line_swatch,
    marker,
    marker_swatch,
    path_data,
    plot_area,
    target_line,
    text,
    value_axis,
    value_x_axis,
)
from .palette import PointColours
from .scales import LinearScale, ValueTicks, format_count, format_number, nice_ticks, value_ticks
from .svg import Element, element
from .table import ChartTable, TableColumn

__all__ = [
    "ABOVE_95",
    "ABOVE_998",
    "BELOW_95",
    "BELOW_998",
    "GRID_POINTS",
    "POSITION_WORDS",
    "WITHIN_LIMITS",
    "funnel_chart",
    "funnel_limit_curve",
    "funnel_limits_at",
    "funnel_position",
]

WITHIN_LIMITS = "within"
ABOVE_95 = "above_95"
BELOW_95 = "below_95"
ABOVE_998 = "above_998"
BELOW_998 = "below_998"
POSITION_WORDS = {
    WITHIN_LIMITS: "Within the limits",
    ABOVE_95: "Above the 95% limit",
    BELOW_95: "Below the 95% limit",
    ABOVE_998: "Above the 99.8% limit",
    BELOW_998: "Below the 99.8% limit",
}
GRID_POINTS = 40
"""Denominators at which each limit line is evaluated (geometrically spaced)."""
GRID_START = 0.8
GRID_END = 1.05
"""The limit lines run from 0.8 × the smallest denominator to 1.05 × the largest."""
_HIGHLIGHT_RING = 11


def funnel_position(point: FunnelPoint) -> str:
    """Where a group lies: within, or above/below the 95% or 99.8% limits (strictly, docs/rules/surveillance.md §3)."""
    if point.outlier_998:
        return ABOVE_998 if point.value > point.limits.upper_998 else BELOW_998
    if point.outlier_95:
        return ABOVE_95 if point.value > point.limits.upper_95 else BELOW_95
    return WITHIN_LIMITS


def funnel_limits_at(*, plot: FunnelPlot, denominator: float) -> FunnelLimits:
    """The plot's limits for a group of size ``denominator`` (its target, and τ² if adjusted)."""
    # The stats library keeps its per-group limit formulas private; calling them (rather
    # than copying them here) keeps the drawn lines identical to the outlier test.
    group = FunnelGroup(group="", numerator=0, denominator=denominator)
    if plot.adjusted:
        return funnel_stats._adjusted_limits(group, plot.kind, plot.target, plot.overdispersion.tau2)
    return funnel_stats._unadjusted_limits(group, plot.kind, plot.target)


def funnel_limit_curve(*, plot: FunnelPlot, points: int = GRID_POINTS) -> list[tuple[float, FunnelLimits]]:
    """The limits at ``points`` denominators spanning the plot's groups (whole numbers for
    proportions, whose exact binomial limits need a whole n)."""
    denominators = [point.denominator for point in plot.points]
    low, high = max(min(denominators) * GRID_START, 1.0), max(denominators) * GRID_END
    grid = [low * (high / low) ** (index / (points - 1)) for index in range(points)] if points > 1 else [low]
    if plot.kind == FUNNEL_PROPORTION:
        grid = sorted({max(1, round(value)) for value in grid})
    return [(denominator, funnel_limits_at(plot=plot, denominator=denominator)) for denominator in grid]


def funnel_value_ticks(*, plot: FunnelPlot, value_scale: float = 1.0) -> ValueTicks:
    """The value axis, chosen from the data (issue 12: an axis from 0 to the widest limit of the
    smallest organisation squashed every point into a band): every point, the target, and the
    99.8% limits at the median denominator, so that the funnel's shape shows where most
    organisations are. The limit lines are cut where they leave it (clip_runs); no point ever is.
    Never below 0, nor above 100% for a proportion."""
    denominators = sorted(point.denominator for point in plot.points)
    middle = funnel_limits_at(plot=plot, denominator=denominators[len(denominators) // 2])
    values = [point.value for point in plot.points] + [plot.target, middle.lower_998, middle.upper_998]
    ceiling = value_scale if plot.kind == FUNNEL_PROPORTION else None
    return value_ticks(
        values=[value * value_scale for value in values], floor=0.0, ceiling=ceiling, include_floor=False
    )


def clip_runs(run: Sequence[tuple[float, float]], *, top: float, bottom: float) -> list[list[tuple[float, float]]]:
    """A polyline in SVG coordinates cut to the band top ≤ y ≤ bottom: the pieces inside it, each
    ending where it crosses the band's edge."""
    pieces: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []

    def inside(point):
        return top <= point[1] <= bottom

    def crossing(a, b, edge):
        share = (edge - a[1]) / (b[1] - a[1])
        return (a[0] + share * (b[0] - a[0]), edge)

    for index, point in enumerate(run):
        previous = run[index - 1] if index else None
        if inside(point):
            if previous is not None and not inside(previous):
                current = [crossing(previous, point, top if previous[1] < top else bottom)]
            current.append(point)
        elif previous is not None and inside(previous):
            current.append(crossing(previous, point, top if point[1] < top else bottom))
            pieces.append(current)
            current = []
        elif previous is not None and (previous[1] < top) != (point[1] < top):
            # Straight across the band between two grid points.
            pieces.append([crossing(previous, point, top), crossing(previous, point, bottom)])
    if current:
        pieces.append(current)
    return [piece for piece in pieces if len(piece) > 1]


def _colours(position: str, improvement: str) -> PointColours:
    if position == WITHIN_LIMITS:
        return palette.COMMON_CAUSE
    if improvement == IMPROVEMENT_NEUTRAL:
        return palette.NEUTRAL
    above = position in (ABOVE_95, ABOVE_998)
    good = above == (improvement == IMPROVEMENT_INCREASE)
    return palette.IMPROVEMENT if good else palette.CONCERN


def _marker_style(position: str, improvement: str) -> tuple[str, float, PointColours]:
    """Shape, size and colours: beyond 99.8% the triangle is larger and filled with the ink."""
    colours = _colours(position, improvement)
    if position == WITHIN_LIMITS:
        return SHAPE_CIRCLE, 4.0, colours
    shape = SHAPE_TRIANGLE_UP if position in (ABOVE_95, ABOVE_998) else SHAPE_TRIANGLE_DOWN
    if position in (ABOVE_998, BELOW_998):
        return shape, 6.5, PointColours(fill=colours.ink, ink=colours.ink)
    return shape, 5.0, colours


def funnel_chart(
    *,
    plot: FunnelPlot,
    title: str,
    value_label: str = "Value",
    value_scale: float = 1.0,
    decimals: int = 1,
    numerator_label: str = "Numerator",
    denominator_label: str = "Denominator",
    group_label: str = "Organisation",
    names: Mapping[str, str] | None = None,
    highlight: str | None = None,
    improvement: str = IMPROVEMENT_NEUTRAL,
    target_label: str = "Target",
    chart_id: str | None = None,
) -> Chart:
    """The funnel plot of ``plot`` (from ``funnel_plot``), with its table.

    ``value_scale`` turns the stats library's proportion into the metric's unit (100 for
    %, 1000 per 1,000); ``names`` maps group codes to the names shown; ``highlight`` is the
    group to pick out (the viewer's own trust); ``improvement`` (increase, decrease or
    neutral) decides whether an outlier is coloured as improvement or concern.
    """
    if improvement not in IMPROVEMENT_DIRECTIONS:
        raise ValueError(f"improvement must be one of {', '.join(IMPROVEMENT_DIRECTIONS)}, not {improvement!r}")
    groups = {point.group for point in plot.points}
    if highlight is not None and highlight not in groups:
        raise ValueError(f"the group to highlight, {highlight!r}, is not in the plot")
    names = names or {}

    def name(group: str) -> str:
        return names.get(group, group)

    positions = [funnel_position(point) for point in plot.points]
    curve = funnel_limit_curve(plot=plot)
    notes = _notes(plot)
    description = _describe(plot, title, positions, name, highlight, value_scale, decimals, target_label)
    table = _table(
        plot,
        title,
        positions,
        name,
        value_label,
        value_scale,
        decimals,
        numerator_label,
        denominator_label,
        group_label,
    )
    identifier = chart_identifier(chart_id, "funnel", title, description, table.rows)

    area = plot_area()
    ticks = funnel_value_ticks(plot=plot, value_scale=value_scale)
    y = LinearScale(domain=(ticks.low, ticks.high), range=(area.bottom, area.top))
    x_ticks = nice_ticks(low=0.0, high=max(denominator for denominator, _ in curve), floor=0.0)
    left, right = area.inner
    x = LinearScale(domain=(x_ticks.low, x_ticks.high), range=(left, right))

    body: list[Element] = value_axis(area=area, ticks=ticks, scale=y, title=value_label)
    body += value_x_axis(area=area, ticks=x_ticks, scale=x, title=denominator_label)
    target_y = y(plot.target * value_scale)
    body.append(target_line(area=area, y=target_y))
    lines = []
    right_labels = [
        LineLabel(
            target_y,
            f"{target_label} {format_number(plot.target * value_scale, decimals=decimals)}",
            palette.TARGET,
        )
    ]
    for attribute, dash, label, class_ in (
        ("upper_998", None, "Upper 99.8% limit", "chart-limit-998"),
        ("upper_95", LIMIT_DASH, "Upper 95% limit", "chart-limit-95"),
        ("lower_95", LIMIT_DASH, "Lower 95% limit", "chart-limit-95"),
        ("lower_998", None, "Lower 99.8% limit", "chart-limit-998"),
    ):
        run = [(x(denominator), y(getattr(limits, attribute) * value_scale)) for denominator, limits in curve]
        lines.append(
            element(
                "path",
                d=path_data(clip_runs(run, top=area.top, bottom=area.bottom)),
                fill="none",
                stroke=palette.LIMIT,
                stroke_width=1.5,
                stroke_dasharray=dash,
                class_=class_,
            )
        )
        right_labels.append(LineLabel(min(max(run[-1][1], area.top), area.bottom), label, palette.LIMIT))
    body.append(element("g", *lines, class_="chart-limits"))

    markers = []
    highlighted: list[Element] = []
    for point, position in zip(plot.points, positions):
        px, py = x(point.denominator), y(point.value * value_scale)
        shape, size, colours = _marker_style(position, improvement)
        tooltip = (
            f"{name(point.group)}: {format_number(point.value * value_scale, decimals=decimals)} "
            f"({format_count(point.numerator)} of {format_count(point.denominator)}). "
            f"{POSITION_WORDS[position]}"
        )
        markers.append(
            marker(
                shape=shape,
                x=px,
                y=py,
                colours=colours,
                size=size,
                tooltip=tooltip,
                class_=f"chart-point chart-point--{position.replace('_', '-')}",
            )
        )
        if point.group == highlight:
            highlighted.append(
                element(
                    "circle",
                    cx=px,
                    cy=py,
                    r=_HIGHLIGHT_RING,
                    fill="none",
                    stroke=palette.TEXT,
                    stroke_width=2,
                    class_="chart-highlight",
                )
            )
            highlighted.append(
                text(
                    name(point.group),
                    x=px + _HIGHLIGHT_RING + 4,
                    y=py - _HIGHLIGHT_RING,
                    bold=True,
                    class_="chart-highlight-label",
                )
            )
    body.append(element("g", *markers, class_="chart-points"))
    body += highlighted
    body += line_labels(right_labels, area=area)

    svg = document(
        chart_id=identifier,
        title=title,
        description=description,
        body=body,
        legend_items=_legend(positions, improvement, highlight, name, target_label),
        notes=notes,
        content_bottom=area.bottom + 44,
        class_="chart-funnel",
    )
    return Chart(svg=svg, table=table, title=title, description=description, notes=tuple(notes))


def _legend(
    positions: Sequence[str], improvement: str, highlight: str | None, name, target_label: str
) -> list[LegendItem]:
    items = []
    for position in (WITHIN_LIMITS, ABOVE_95, ABOVE_998, BELOW_95, BELOW_998):
        if position not in positions:
            continue
        shape, size, colours = _marker_style(position, improvement)
        items.append(LegendItem(POSITION_WORDS[position], marker_swatch(shape=shape, colours=colours, size=size)))
    items.append(LegendItem(target_label, line_swatch(colour=palette.TARGET, dash=TARGET_DASH, width=1.5)))
    items.append(LegendItem("95% limits", line_swatch(colour=palette.LIMIT, dash=LIMIT_DASH, width=1.5)))
    items.append(LegendItem("99.8% limits", line_swatch(colour=palette.LIMIT, width=1.5)))
    if highlight is not None:
        items.append(
            LegendItem(
                name(highlight),
                element("circle", cx=12, cy=0, r=7, fill="none", stroke=palette.TEXT, stroke_width=2),
            )
        )
    return items


def _notes(plot: FunnelPlot) -> list[str]:
    if plot.adjusted:
        return ["The limits are widened to allow for real differences between organisations (overdispersion)."]
    if plot.overdispersion is not None:
        return ["Overdispersion was checked for and not found, so the limits are not adjusted."]
    return []


def _describe(plot, title, positions, name, highlight, value_scale, decimals, target_label) -> str:
    count = len(plot.points)
    parts = [
        f"{title}: {count} organisation" + ("" if count == 1 else "s"),
        f"{target_label} {format_number(plot.target * value_scale, decimals=decimals)}",
        f"outside the 95% limits: {positions.count(ABOVE_95) + positions.count(ABOVE_998)} above, "
        f"{positions.count(BELOW_95) + positions.count(BELOW_998)} below",
        f"outside the 99.8% limits: {positions.count(ABOVE_998)} above, {positions.count(BELOW_998)} below",
    ]
    if highlight is not None:
        point, position = next((p, q) for p, q in zip(plot.points, positions) if p.group == highlight)
        parts.append(
            f"{name(highlight)} {format_number(point.value * value_scale, decimals=decimals)}, "
            f"{POSITION_WORDS[position][0].lower()}{POSITION_WORDS[position][1:]}"
        )
    return "; ".join(parts) + "."


def _table(
    plot,
    title,
    positions,
    name,
    value_label,
    value_scale,
    decimals,
    numerator_label,
    denominator_label,
    group_label,
) -> ChartTable:
    def bounds(low: float, high: float) -> str:
        shown_low = format_number(low * value_scale, decimals=decimals)
        return f"{shown_low} to {format_number(high * value_scale, decimals=decimals)}"

    columns = (
        TableColumn(group_label),
        TableColumn(numerator_label, numeric=True),
        TableColumn(denominator_label, numeric=True),
        TableColumn(value_label, numeric=True),
        TableColumn("95% limits", numeric=True),
        TableColumn("99.8% limits", numeric=True),
        TableColumn("Compared with the limits"),
    )
    rows = tuple(
        (
            name(point.group),
            format_count(point.numerator),
            format_count(point.denominator),
            format_number(point.value * value_scale, decimals=decimals),
            bounds(point.limits.lower_95, point.limits.upper_95),
            bounds(point.limits.lower_998, point.limits.upper_998),
            POSITION_WORDS[position],
        )
        for point, position in zip(plot.points, positions)
    )
    return ChartTable(caption=title, columns=columns, rows=rows)
