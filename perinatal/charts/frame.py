"""What every chart shares: the plot area, axes, markers, legend, notes and accessible root.

Layout is fixed in viewBox units (720 wide; the height grows with the legend and notes),
so a chart scales to its container and prints the same. The root is
``<svg role="img" aria-labelledby="… …">`` with ``<title>`` (what the chart is) and
``<desc>`` (what it shows, in plain words); everything is drawn with presentation
attributes, never ``style``, because the pages' CSP allows no inline styles.
"""

from __future__ import annotations

import hashlib
import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from . import palette
from .palette import PointColours
from .scales import DateTick, LinearScale, TimeScale, ValueTicks, date_ticks
from .svg import Element, element, number, render
from .table import ChartTable

__all__ = [
    "CHART_ID_PATTERN",
    "Chart",
    "DIVIDER_DASH",
    "LIMIT_DASH",
    "LegendItem",
    "LineLabel",
    "MARKER_SHAPES",
    "PlotArea",
    "SHAPE_CIRCLE",
    "SHAPE_SQUARE",
    "SHAPE_TRIANGLE_DOWN",
    "SHAPE_TRIANGLE_UP",
    "TARGET_DASH",
    "WIDTH",
    "chart_identifier",
    "check_bounds",
    "clip",
    "date_axis",
    "divider",
    "document",
    "legend",
    "line_labels",
    "line_swatch",
    "marker",
    "marker_group",
    "marker_swatch",
    "notes_block",
    "path_data",
    "plot_area",
    "spread_positions",
    "target_line",
    "text",
    "text_width",
    "time_axis",
    "value_axis",
    "value_x_axis",
]

WIDTH = 720
MARGIN_LEFT = 64
"""Room for y tick labels such as ``1,500.0``."""
MARGIN_RIGHT = 168
"""Room for the direct labels of limit, target and threshold lines."""
PLOT_TOP = 40
PLOT_HEIGHT = 260
PLOT_INSET = 10
"""Points are kept this far inside the plot's left and right edges."""
TICK_LENGTH = 5
DATE_TICK_SPACING = 64
"""At most one date tick per this many units, so two-line labels like ``Sep`` never touch."""
LINE_HEIGHT = 16
LEGEND_ROW_HEIGHT = 22
LABEL_GAP = 14
"""Direct labels of lines are at least this far apart vertically."""
CHARACTER_WIDTH = 0.56
"""Average width of an Arial character in ems; text is measured by estimate, not font metrics."""
CHART_ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")

SHAPE_CIRCLE = "circle"
SHAPE_SQUARE = "square"
SHAPE_TRIANGLE_UP = "triangle_up"
SHAPE_TRIANGLE_DOWN = "triangle_down"
MARKER_SHAPES = (SHAPE_CIRCLE, SHAPE_SQUARE, SHAPE_TRIANGLE_UP, SHAPE_TRIANGLE_DOWN)

LIMIT_DASH = "6 4"
"""Process limits and 95% funnel limits are dashed; dash patterns, not colour, tell lines apart."""
TARGET_DASH = "8 3 2 3"
"""Targets are dash-dot in every chart."""
DIVIDER_DASH = "2 3"
"""Dotted vertical lines mark events on the time axis: a rebase, a series break, a restart."""


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the SVG, its table alternative and the words around it.

    ``notes`` are sentences the page shows beside the chart as well (trial limits, clipped
    limits, "a signal is not a verdict"); ``icons`` are the Making Data Count icon keys an
    SPC chart shows. ``{{ chart }}`` in a Jinja template writes the SVG (``__html__``).
    """

    svg: str
    table: ChartTable
    title: str
    description: str
    notes: tuple[str, ...] = ()
    icons: tuple[str, ...] = ()

    def __html__(self) -> str:
        return self.svg


@dataclass(frozen=True)
class PlotArea:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def inner(self) -> tuple[float, float]:
        """The horizontal range points are placed in (inset from the edges)."""
        return (self.left + PLOT_INSET, self.right - PLOT_INSET)


def plot_area(*, top: float = PLOT_TOP, height: float = PLOT_HEIGHT) -> PlotArea:
    return PlotArea(left=MARGIN_LEFT, top=top, right=WIDTH - MARGIN_RIGHT, bottom=top + height)


def text_width(content: str, *, font_size: float = palette.FONT_SIZE) -> float:
    return len(content) * font_size * CHARACTER_WIDTH


def text(
    content: str,
    *,
    x: float,
    y: float,
    anchor: str = "start",
    size: float = palette.FONT_SIZE,
    colour: str = palette.TEXT,
    bold: bool = False,
    class_: str | None = None,
) -> Element:
    return element(
        "text",
        content,
        x=x,
        y=y,
        text_anchor=None if anchor == "start" else anchor,
        font_size=size,
        font_weight="bold" if bold else None,
        fill=colour,
        class_=class_,
    )


def chart_identifier(chart_id: str | None, *parts: object) -> str:
    """``chart_id`` if given (checked), else one derived from the content, so it is stable."""
    if chart_id is not None:
        if not CHART_ID_PATTERN.fullmatch(chart_id):
            raise ValueError("chart_id must start with a letter and hold only letters, digits, - and _ (64 at most)")
        return chart_id
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"chart-{digest[:12]}"


# --- bounds -----------------------------------------------------------------------------------


def clip(value: float | None, *, floor: float | None, ceiling: float | None) -> float | None:
    """``value`` moved inside [floor, ceiling] (either may be None); None stays None."""
    if value is None:
        return None
    if floor is not None:
        value = max(value, floor)
    if ceiling is not None:
        value = min(value, ceiling)
    return value


def check_bounds(values: Iterable[tuple[str, float | None]], *, floor: float | None, ceiling: float | None) -> None:
    """Refuse a value outside the bounds the caller says the measure has.

    Limits and intervals beyond a bound are drawn at it; a *value* beyond it means the
    bound is wrong for this measure, and drawing it clipped would misstate it.
    """
    for label, value in values:
        if value is None:
            continue
        if floor is not None and value < floor:
            raise ValueError(
                f"the value for {label} ({value}) is below the floor {floor}; "
                "pass floor=None for a measure that can be lower"
            )
        if ceiling is not None and value > ceiling:
            raise ValueError(
                f"the value for {label} ({value}) is above the ceiling {ceiling}; "
                "pass ceiling=None for a measure that can be higher"
            )


# --- paths and markers -------------------------------------------------------------------------


def path_data(runs: Iterable[Sequence[tuple[float, float]]]) -> str:
    """``M … L …`` for each run of points; separate runs leave gaps between them."""
    parts = []
    for run in runs:
        for index, (x, y) in enumerate(run):
            parts.append(f"{'M' if index == 0 else 'L'}{number(x)} {number(y)}")
    return " ".join(parts)


def marker(
    *,
    shape: str,
    x: float,
    y: float,
    colours: PointColours,
    size: float = 4.5,
    tooltip: str | None = None,
    class_: str | None = None,
    inherited: PointColours | None = None,
) -> Element:
    """A point marker: shape and colour both carry its meaning, the ink outline its contrast.

    `inherited`: the colours its group sets (marker_group); a marker in those colours leaves
    them to the group, so that a series of a hundred points does not repeat them a hundred
    times (issue 12: a trust's page weighed 940 KB)."""
    tip = element("title", tooltip) if tooltip else None
    if inherited is not None and colours == inherited:
        common = {"class_": class_}
    else:
        common = {"fill": colours.fill, "stroke": colours.ink, "stroke_width": 1.5, "class_": class_}
    if shape == SHAPE_CIRCLE:
        return element("circle", tip, cx=x, cy=y, r=size, **common)
    if shape == SHAPE_SQUARE:
        side = size * 1.7
        return element("rect", tip, x=x - side / 2, y=y - side / 2, width=side, height=side, **common)
    if shape in (SHAPE_TRIANGLE_UP, SHAPE_TRIANGLE_DOWN):
        reach = size * 1.45
        sign = -1 if shape == SHAPE_TRIANGLE_UP else 1
        apex = y + sign * reach
        base = y - sign * reach * 0.75
        d = path_data([[(x, apex), (x + reach, base), (x - reach, base)]]) + " Z"
        return element("path", tip, d=d, **common)
    raise ValueError(f"unknown marker shape {shape!r}; expected one of {', '.join(MARKER_SHAPES)}")


def marker_group(*markers: Element, colours: PointColours, class_: str) -> Element:
    """A group of markers drawn with `marker(..., inherited=colours)`: the group sets those colours."""
    return element("g", *markers, fill=colours.fill, stroke=colours.ink, stroke_width=1.5, class_=class_)


def target_line(*, area: PlotArea, y: float) -> Element:
    """The target across the whole plot, dash-dot in the target colour."""
    return element(
        "line",
        x1=area.left,
        y1=y,
        x2=area.right,
        y2=y,
        stroke=palette.TARGET,
        stroke_width=1.5,
        stroke_dasharray=TARGET_DASH,
        class_="chart-target",
    )


def divider(*, area: PlotArea, x: float, label: str | None, class_: str) -> list[Element]:
    """A dotted vertical line across the plot at ``x``, labelled at its top if ``label``."""
    parts = [
        element(
            "line",
            x1=x,
            y1=area.top,
            x2=x,
            y2=area.bottom,
            stroke=palette.AXIS,
            stroke_width=1.5,
            stroke_dasharray=DIVIDER_DASH,
            class_=class_,
        )
    ]
    if label:
        parts.append(text(label, x=x + 4, y=area.top + 12, size=palette.FONT_SIZE_SMALL, colour=palette.TEXT_SECONDARY))
    return parts


# --- axes ---------------------------------------------------------------------------------------


def value_axis(*, area: PlotArea, ticks: ValueTicks, scale: LinearScale, title: str) -> list[Element]:
    """Horizontal gridlines with labelled ticks on the left, and the axis title above them."""
    parts: list[Element] = []
    for value in ticks.values:
        y = scale(value)
        parts.append(element("line", x1=area.left, y1=y, x2=area.right, y2=y, stroke=palette.GRID, stroke_width=1))
        parts.append(
            text(
                ticks.label(value),
                x=area.left - 8,
                y=y + 4,
                anchor="end",
                size=palette.FONT_SIZE_SMALL,
                class_="chart-y-tick",
            )
        )
    parts.append(text(title, x=8, y=area.top - 16, bold=True, class_="chart-axis-title"))
    parts.append(
        element(
            "line",
            x1=area.left,
            y1=area.bottom,
            x2=area.right,
            y2=area.bottom,
            stroke=palette.AXIS,
            stroke_width=1,
        )
    )
    return parts


def time_axis(*, first: date, last: date, area: PlotArea) -> tuple[TimeScale, tuple[DateTick, ...]]:
    """The time scale across the plot's inner width and its ticks."""
    left, right = area.inner
    scale = TimeScale(start=first, end=last, range=(left, right))
    ticks = date_ticks(start=first, end=last, max_ticks=max(1, int((right - left) / DATE_TICK_SPACING)))
    return scale, ticks


def date_axis(*, area: PlotArea, ticks: Sequence[DateTick], scale: TimeScale) -> list[Element]:
    """Tick marks under the plot with one- or two-line date labels."""
    parts: list[Element] = []
    for tick in ticks:
        x = scale(tick.day)
        parts.append(
            element(
                "line",
                x1=x,
                y1=area.bottom,
                x2=x,
                y2=area.bottom + TICK_LENGTH,
                stroke=palette.AXIS,
                stroke_width=1,
            )
        )
        for index, line in enumerate(tick.lines):
            parts.append(
                text(
                    line,
                    x=x,
                    y=area.bottom + 20 + index * LINE_HEIGHT,
                    anchor="middle",
                    size=palette.FONT_SIZE_SMALL,
                    class_="chart-x-tick",
                )
            )
    return parts


def value_x_axis(*, area: PlotArea, ticks: ValueTicks, scale: LinearScale, title: str) -> list[Element]:
    """A numeric x axis (the funnel's denominator): ticks, labels and a title under them."""
    parts: list[Element] = []
    for value in ticks.values:
        x = scale(value)
        parts.append(
            element(
                "line",
                x1=x,
                y1=area.bottom,
                x2=x,
                y2=area.bottom + TICK_LENGTH,
                stroke=palette.AXIS,
                stroke_width=1,
            )
        )
        parts.append(
            text(
                ticks.label(value),
                x=x,
                y=area.bottom + 20,
                anchor="middle",
                size=palette.FONT_SIZE_SMALL,
                class_="chart-x-tick",
            )
        )
    parts.append(
        text(
            title,
            x=(area.left + area.right) / 2,
            y=area.bottom + 20 + LINE_HEIGHT,
            anchor="middle",
            bold=True,
            class_="chart-axis-title",
        )
    )
    return parts


# --- direct labels ------------------------------------------------------------------------------


def spread_positions(positions: Sequence[float], *, gap: float, low: float, high: float) -> list[float]:
    """Move label positions apart to at least ``gap``, within [low, high], keeping their order."""
    if not positions:
        return []
    order = sorted(range(len(positions)), key=lambda index: (positions[index], index))
    placed = [min(max(positions[index], low), high) for index in order]
    for index in range(1, len(placed)):
        placed[index] = max(placed[index], placed[index - 1] + gap)
    if placed[-1] > high:
        placed[-1] = high
        for index in range(len(placed) - 2, -1, -1):
            placed[index] = min(placed[index], placed[index + 1] - gap)
    result = [0.0] * len(positions)
    for rank, index in enumerate(order):
        result[index] = placed[rank]
    return result


@dataclass(frozen=True)
class LineLabel:
    """A label written to the right of the plot, level with the line it names."""

    y: float
    text: str
    colour: str


def line_labels(labels: Sequence[LineLabel], *, area: PlotArea) -> list[Element]:
    positions = spread_positions([label.y for label in labels], gap=LABEL_GAP, low=area.top - 8, high=area.bottom + 8)
    return [
        text(
            label.text,
            x=area.right + 8,
            y=y + 4,
            size=palette.FONT_SIZE_SMALL,
            colour=label.colour,
            class_="chart-line-label",
        )
        for label, y in zip(labels, positions)
    ]


# --- legend and notes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendItem:
    """A swatch (drawn centred on y = 0, 24 units wide from x = 0) and what it means."""

    label: str
    swatch: Element


def marker_swatch(*, shape: str, colours: PointColours, size: float = 4.5) -> Element:
    return marker(shape=shape, x=12, y=0, colours=colours, size=size)


def line_swatch(*, colour: str, dash: str | None = None, width: float = 2) -> Element:
    return element("line", x1=0, y1=0, x2=24, y2=0, stroke=colour, stroke_width=width, stroke_dasharray=dash)


def legend(items: Sequence[LegendItem], *, top: float) -> tuple[list[Element], float]:
    """Items flowing left to right, wrapping at the chart's width; returns parts and height."""
    if not items:
        return [], 0.0
    parts: list[Element] = []
    x, row = 8.0, 0
    for item in items:
        width = 24 + 6 + text_width(item.label, font_size=palette.FONT_SIZE_SMALL) + 18
        if x > 8 and x + width > WIDTH - 8:
            x, row = 8.0, row + 1
        y = top + row * LEGEND_ROW_HEIGHT + 8
        parts.append(
            element(
                "g",
                element("g", item.swatch, transform=f"translate({number(x)} {number(y)})"),
                text(item.label, x=x + 30, y=y + 4, size=palette.FONT_SIZE_SMALL),
                class_="chart-legend-item",
            )
        )
        x += width
    return parts, (row + 1) * LEGEND_ROW_HEIGHT


def notes_block(notes: Sequence[str], *, top: float) -> tuple[list[Element], float]:
    """Notes as wrapped lines of text under the legend; returns parts and height."""
    characters = int((WIDTH - 16) / (palette.FONT_SIZE_SMALL * CHARACTER_WIDTH))
    parts: list[Element] = []
    line = 0
    for note in notes:
        for wrapped in textwrap.wrap(note, width=characters) or [""]:
            parts.append(
                text(
                    wrapped,
                    x=8,
                    y=top + 12 + line * LINE_HEIGHT,
                    size=palette.FONT_SIZE_SMALL,
                    colour=palette.TEXT_SECONDARY,
                    class_="chart-note",
                )
            )
            line += 1
    return parts, line * LINE_HEIGHT + (6 if line else 0)


# --- the document -------------------------------------------------------------------------------


def document(
    *,
    chart_id: str,
    title: str,
    description: str,
    body: Sequence[Element],
    legend_items: Sequence[LegendItem],
    notes: Sequence[str],
    content_bottom: float,
    class_: str,
) -> str:
    """The accessible root: background, body, legend and notes below ``content_bottom``."""
    legend_parts, legend_height = legend(legend_items, top=content_bottom + 8)
    notes_top = content_bottom + 8 + legend_height
    note_parts, notes_height = notes_block(notes, top=notes_top)
    height = math.ceil(notes_top + notes_height + 8)
    root = element(
        "svg",
        element("title", title, id=f"{chart_id}-title"),
        element("desc", description, id=f"{chart_id}-desc"),
        element("rect", x=0, y=0, width=WIDTH, height=height, fill=palette.BACKGROUND),
        *body,
        element("g", *legend_parts, class_="chart-legend") if legend_parts else None,
        element("g", *note_parts, class_="chart-notes") if note_parts else None,
        xmlns="http://www.w3.org/2000/svg",
        id=chart_id,
        class_=f"chart {class_}",
        viewBox=f"0 0 {WIDTH} {height}",
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        font_family=palette.FONT_FAMILY,
        font_size=palette.FONT_SIZE,
    )
    return render(root)


def finish_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    body: Sequence[Element],
    legend_items: Sequence[LegendItem],
    notes: list[str],
    area: PlotArea,
    table,
    class_: str,
) -> Chart:
    """Wrap a plotted body in the accessible SVG document and return the Chart with its table."""
    svg = document(
        chart_id=chart_id,
        title=title,
        description=description,
        body=body,
        legend_items=legend_items,
        notes=notes,
        content_bottom=area.bottom + 44,
        class_=class_,
    )
    return Chart(svg=svg, table=table, title=title, description=description, notes=tuple(notes))
