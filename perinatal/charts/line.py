"""Line chart of one metric over time, with its 95% interval as a band (docs/rules/dashboard.md §4).

Takes the dashboard's output rows as they are — anything with ``period_start``,
``period_end`` and ``value``, and optionally ``lower_95``, ``upper_95``, ``numerator``,
``denominator``, ``provisional`` and ``series_break`` (a :class:`LinePoint`, or the
dashboard's ``MetricRow``). An empty value is a gap, never a zero (docs/rules/dashboard.md §4: a zero denominator
gives an empty value); provisional values (docs/rules/dashboard.md §2) are drawn hollow and named in the table;
a series break (docs/rules/dashboard.md §4: ICB boundary changes) interrupts the line and is marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from . import palette
from .frame import (
    SHAPE_CIRCLE,
    TARGET_DASH,
    Chart,
    LegendItem,
    LineLabel,
    PlotArea,
    chart_identifier,
    check_bounds,
    clip,
    date_axis,
    divider,
    finish_chart,
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
from .palette import PointColours
from .scales import (
    LinearScale,
    format_count,
    format_number,
    is_whole_month,
    month_label,
    period_label,
    span_label,
    value_ticks,
)
from .svg import Element, element
from .table import NO_DATA, ChartTable, TableColumn

__all__ = [
    "BREAK_NOTE",
    "LineDatum",
    "LinePoint",
    "PROVISIONAL_NOTE",
    "line_chart",
]

PROVISIONAL_NOTE = "Hollow points are provisional: the period is recent and its figures may still change."
BREAK_NOTE = (
    "A dotted vertical line marks a break in the series (the organisation's boundaries "
    "changed): values either side of it are not directly comparable."
)
_SERIES = PointColours(fill=palette.SERIES, ink=palette.SERIES)
_PROVISIONAL = PointColours(fill=palette.BACKGROUND, ink=palette.SERIES)

Number = int | float | Decimal
Count = int | float | Decimal | str


class LineDatum(Protocol):
    """What the line chart reads from each row (the dashboard's ``MetricRow`` fits)."""

    period_start: date
    period_end: date
    value: Number | None


@dataclass(frozen=True)
class LinePoint:
    """One period of a metric: its value, 95% interval and the counts behind it."""

    period_start: date
    period_end: date
    value: Number | None
    lower_95: Number | None = None
    upper_95: Number | None = None
    numerator: Count | None = None
    denominator: Count | None = None
    provisional: bool = False
    series_break: bool = False
    """True on the first point after a break in the series."""


@dataclass(frozen=True)
class _Row:
    start: date
    end: date
    value: float | None
    lower: float | None
    upper: float | None
    numerator: Count | None
    denominator: Count | None
    provisional: bool
    series_break: bool


def _number(value: Number | None) -> float | None:
    return None if value is None else float(value)


def _read(point: LineDatum) -> _Row:
    return _Row(
        start=point.period_start,
        end=point.period_end,
        value=_number(point.value),
        lower=_number(getattr(point, "lower_95", None)),
        upper=_number(getattr(point, "upper_95", None)),
        numerator=getattr(point, "numerator", None),
        denominator=getattr(point, "denominator", None),
        provisional=bool(getattr(point, "provisional", False)),
        series_break=bool(getattr(point, "series_break", False)),
    )


def _runs(rows: Sequence[_Row], xs: Sequence[float], ys: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points with values; a gap or a series break starts a new run."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for row, x, y in zip(rows, xs, ys):
        if y is None or row.series_break:
            if current:
                runs.append(current)
            current = []
        if y is not None:
            current.append((x, y))
    if current:
        runs.append(current)
    return runs


def _band(rows: Sequence[_Row], xs: Sequence[float], scale: LinearScale) -> list[Element]:
    """One polygon per run of points that have both interval bounds."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, row in enumerate(rows):
        complete = row.value is not None and row.lower is not None and row.upper is not None
        if not complete or row.series_break:
            if current:
                runs.append(current)
            current = []
        if complete:
            current.append(index)
    if current:
        runs.append(current)
    polygons = []
    for run in runs:
        if len(run) == 1:  # a lone interval is drawn as a vertical bar
            index = run[0]
            polygons.append(
                element(
                    "line",
                    x1=xs[index],
                    y1=scale(rows[index].lower),
                    x2=xs[index],
                    y2=scale(rows[index].upper),
                    stroke=palette.BAND,
                    stroke_width=6,
                    stroke_opacity=palette.BAND_OPACITY * 2,
                    class_="chart-interval",
                )
            )
            continue
        upper = [(xs[index], scale(rows[index].upper)) for index in run]
        lower = [(xs[index], scale(rows[index].lower)) for index in reversed(run)]
        polygons.append(
            element(
                "path",
                d=path_data([upper + lower]) + " Z",
                fill=palette.BAND,
                fill_opacity=palette.BAND_OPACITY,
                stroke="none",
                class_="chart-interval",
            )
        )
    return polygons


def line_chart(
    *,
    points: Sequence[LineDatum],
    title: str,
    subject: str | None = None,
    value_label: str = "Value",
    decimals: int = 1,
    floor: float | None = 0.0,
    ceiling: float | None = None,
    target: float | None = None,
    numerator_label: str = "Numerator",
    denominator_label: str = "Denominator",
    interval_label: str = "95% confidence interval",
    chart_id: str | None = None,
) -> Chart:
    """A line chart of a metric over time, with its table alternative.

    ``title`` names the measure ("Stillbirth rate per 1,000 births") and ``subject`` the
    organisation; ``value_label`` heads the axis and the value column. ``floor`` and
    ``ceiling`` are the values the metric cannot go beyond (0, and 100 for percentages):
    interval bounds outside them are drawn at them.
    """
    rows = sorted((_read(point) for point in points), key=lambda row: row.start)
    for earlier, later in zip(rows, rows[1:]):
        if earlier.start == later.start:
            raise ValueError(f"two points are given for the period starting {later.start.isoformat()}")
    monthly = bool(rows) and all(is_whole_month(start=row.start, end=row.end) for row in rows)
    rows = [
        replace(
            row,
            lower=clip(row.lower, floor=floor, ceiling=ceiling),
            upper=clip(row.upper, floor=floor, ceiling=ceiling),
        )
        for row in rows
    ]
    full_title = title if subject is None else f"{title}, {subject}"
    labels = [month_label(row.start) if monthly else period_label(start=row.start, end=row.end) for row in rows]
    check_bounds(((label, row.value) for row, label in zip(rows, labels)), floor=floor, ceiling=ceiling)
    with_values = [(row, label) for row, label in zip(rows, labels) if row.value is not None]

    notes: list[str] = []
    if any(row.provisional for row in rows):
        notes.append(PROVISIONAL_NOTE)
    if any(row.series_break for row in rows[1:]):
        notes.append(BREAK_NOTE)

    area = plot_area()
    ticks = value_ticks(
        values=[value for row in rows for value in (row.value, row.lower, row.upper) if value is not None]
        + ([target] if target is not None else []),
        floor=floor,
        ceiling=ceiling,
    )
    y = LinearScale(domain=(ticks.low, ticks.high), range=(area.bottom, area.top))
    body: list[Element] = value_axis(area=area, ticks=ticks, scale=y, title=value_label)
    legend_items: list[LegendItem] = []
    right_labels: list[LineLabel] = []

    if rows:
        scale, date_ticks_ = time_axis(first=rows[0].start, last=rows[-1].start, area=area)
        body += date_axis(area=area, ticks=date_ticks_, scale=scale)
        xs = [scale(row.start) for row in rows]
        body += _breaks(rows, xs, area)
        band = _band(rows, xs, y)
        if band:
            body.append(element("g", *band, class_="chart-intervals"))
            legend_items.append(
                LegendItem(
                    interval_label,
                    element(
                        "rect",
                        x=0,
                        y=-6,
                        width=24,
                        height=12,
                        fill=palette.BAND,
                        fill_opacity=palette.BAND_OPACITY,
                    ),
                )
            )
        if target is not None:
            body.append(target_line(area=area, y=y(target)))
            right_labels.append(
                LineLabel(y(target), f"Target {format_number(target, decimals=decimals)}", palette.TARGET)
            )
            legend_items.append(LegendItem("Target", line_swatch(colour=palette.TARGET, dash=TARGET_DASH)))
        runs = _runs(rows, xs, [None if row.value is None else y(row.value) for row in rows])
        if any(len(run) > 1 for run in runs):
            body.append(
                element(
                    "path",
                    d=path_data(run for run in runs if len(run) > 1),
                    fill="none",
                    stroke=palette.SERIES,
                    stroke_width=2,
                    stroke_linejoin="round",
                    class_="chart-series",
                )
            )
        markers = []
        for row, label, x in zip(rows, labels, xs):
            if row.value is None:
                continue
            shown = format_number(row.value, decimals=decimals)
            tooltip = f"{label}: {shown}" + (" (provisional)" if row.provisional else "")
            markers.append(
                marker(
                    shape=SHAPE_CIRCLE,
                    x=x,
                    y=y(row.value),
                    colours=_PROVISIONAL if row.provisional else _SERIES,
                    size=3.5,
                    tooltip=tooltip,
                    class_="chart-point",
                    inherited=_SERIES,
                )
            )
        body.append(marker_group(*markers, colours=_SERIES, class_="chart-points"))
        legend_items.insert(0, LegendItem(value_label, marker_swatch(shape=SHAPE_CIRCLE, colours=_SERIES, size=3.5)))
        if any(row.provisional for row in rows):
            legend_items.insert(
                1,
                LegendItem("Provisional", marker_swatch(shape=SHAPE_CIRCLE, colours=_PROVISIONAL, size=3.5)),
            )
        body += line_labels(right_labels, area=area)
    if not with_values:
        body.append(
            text(
                "No data for this period",
                x=(area.left + area.right) / 2,
                y=(area.top + area.bottom) / 2,
                anchor="middle",
                colour=palette.TEXT_SECONDARY,
            )
        )

    description = _describe(full_title, rows, labels, with_values, monthly, decimals, target)
    table = _table(full_title, rows, labels, value_label, numerator_label, denominator_label, decimals)
    identifier = chart_identifier(chart_id, "line", full_title, description, table.rows)
    return finish_chart(
        chart_id=identifier,
        title=full_title,
        description=description,
        body=body,
        legend_items=legend_items,
        notes=notes,
        area=area,
        table=table,
        class_="chart-line",
    )


def _breaks(rows: Sequence[_Row], xs: Sequence[float], area: PlotArea) -> list[Element]:
    """A divider half-way between the points either side of each break in the series."""
    parts = []
    for index, row in enumerate(rows):
        if index > 0 and row.series_break:
            x = (xs[index - 1] + xs[index]) / 2
            parts += divider(area=area, x=x, label="Break in series", class_="chart-break")
    return parts


def _describe(
    full_title: str,
    rows: Sequence[_Row],
    labels: Sequence[str],
    with_values: Sequence[tuple[_Row, str]],
    monthly: bool,
    decimals: int,
    target: float | None,
) -> str:
    if not rows:
        return f"{full_title}: no data."
    span = span_label(first_start=rows[0].start, last_start=rows[-1].start, last_end=rows[-1].end, monthly=monthly)
    if not with_values:
        return f"{full_title}, {span}: no data."
    latest, latest_label = with_values[-1]
    parts = [
        f"{full_title}, {span}",
        f"latest {format_number(latest.value, decimals=decimals)} ({latest_label}"
        + (", provisional)" if latest.provisional else ")"),
    ]
    values = [row.value for row, _ in with_values]
    if len(values) > 1:
        parts.append(
            f"lowest {format_number(min(values), decimals=decimals)}, "
            f"highest {format_number(max(values), decimals=decimals)}"
        )
    if target is not None:
        parts.append(f"target {format_number(target, decimals=decimals)}")
    missing = [label for row, label in zip(rows, labels) if row.value is None]
    if missing:
        parts.append(f"no data for {len(missing)} of {len(rows)} periods")
    return "; ".join(parts) + "."


def _table(
    full_title: str,
    rows: Sequence[_Row],
    labels: Sequence[str],
    value_label: str,
    numerator_label: str,
    denominator_label: str,
    decimals: int,
) -> ChartTable:
    has_interval = any(row.lower is not None or row.upper is not None for row in rows)
    has_counts = any(row.numerator is not None or row.denominator is not None for row in rows)
    columns = [TableColumn("Period"), TableColumn(value_label, numeric=True)]
    if has_interval:
        columns += [
            TableColumn("Lower 95% limit", numeric=True),
            TableColumn("Upper 95% limit", numeric=True),
        ]
    if has_counts:
        columns += [TableColumn(numerator_label, numeric=True), TableColumn(denominator_label, numeric=True)]
    table_rows = []
    for row, label in zip(rows, labels):
        period = label + (" (provisional)" if row.provisional else "")
        cells = [period, NO_DATA if row.value is None else format_number(row.value, decimals=decimals)]
        if has_interval:
            cells += [
                "" if bound is None else format_number(bound, decimals=decimals) for bound in (row.lower, row.upper)
            ]
        if has_counts:
            cells += [format_count(row.numerator), format_count(row.denominator)]
        table_rows.append(tuple(cells))
    return ChartTable(caption=full_title, columns=tuple(columns), rows=tuple(table_rows))
