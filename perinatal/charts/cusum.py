"""MOSS charts: the Poisson CUSUM with its thresholds, and the excess-events running sum
(docs/rules/surveillance.md §1.3, §1.4).

The CUSUM chart takes one site's rows as the stats library gives them (``MossRow`` from
``run_moss``, or anything with ``month``, ``events``, ``cusum``, ``level``, ``reset``,
``h1`` and ``h2``). The level-1 and level-2 thresholds are step lines, because they are set
per calendar year (docs/rules/surveillance.md §1.2), stepping between December and January; signals are marked by
shape and a number as well as colour, and the months where the statistic restarted after a
level-2 month (docs/rules/surveillance.md §1.3) by a dotted line.
Only evaluated months have points (docs/rules/surveillance.md §1.1: months with an event somewhere); the time axis
keeps real spacing, so a month that was not evaluated shows as a longer step.

Every MOSS page says a signal is not a verdict of unsafe care (spec, introduction); the
charts carry that sentence as a note too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from perinatal.stats.months import YearMonth
from perinatal.stats.moss import LEVEL_1, LEVEL_2, ExcessEventsDay

from . import palette
from .frame import (
    DIVIDER_DASH,
    SHAPE_CIRCLE,
    SHAPE_SQUARE,
    SHAPE_TRIANGLE_UP,
    Chart,
    LegendItem,
    LineLabel,
    chart_identifier,
    date_axis,
    divider,
    document,
    finish_chart,
    line_labels,
    line_swatch,
    marker,
    marker_swatch,
    path_data,
    plot_area,
    text,
    time_axis,
    value_axis,
)
from .palette import PointColours
from .scales import LinearScale, day_label, format_number, month_label, plural, span_label, value_ticks
from .svg import Element, element
from .table import ChartTable, TableColumn

__all__ = [
    "EXCESS_NOTE",
    "LEVEL_1_DASH",
    "LEVEL_2_DASH",
    "MossChartMonth",
    "NOT_EVALUATED_NOTE",
    "SIGNAL_NOTE",
    "SIGNAL_WORDS",
    "THRESHOLD_NOTE",
    "excess_events_chart",
    "moss_cusum_chart",
    "step_path",
]

SIGNAL_NOTE = "A signal is a prompt for a safety check, not a verdict of unsafe care."
THRESHOLD_NOTE = "The thresholds are set for each calendar year from the site's births in the year before."
NOT_EVALUATED_NOTE = (
    "Only months in which a term stillbirth or neonatal death happened somewhere are "
    "evaluated, as in NHS England's MOSS; the others have no point."
)
EXCESS_NOTE = (
    "The line rises by one at each death and falls steadily by the deaths expected each "
    "day; it is never reset. A rise is a prompt to look, not a verdict of unsafe care."
)
SIGNAL_WORDS = {0: "None", LEVEL_1: "Level 1", LEVEL_2: "Level 2"}
LEVEL_1_DASH = "6 4"
LEVEL_2_DASH = "14 4"
_NO_SIGNAL = PointColours(fill=palette.SERIES, ink=palette.SERIES)
_MARKERS = {
    0: (SHAPE_CIRCLE, _NO_SIGNAL, 3.5),
    LEVEL_1: (SHAPE_TRIANGLE_UP, palette.LEVEL_1, 5.5),
    LEVEL_2: (SHAPE_SQUARE, palette.LEVEL_2, 5.5),
}


class MossChartMonth(Protocol):
    """What the CUSUM chart reads from each month (``MossRow`` fits; ``expected`` optional)."""

    month: YearMonth
    events: int
    cusum: float
    level: int
    reset: int
    h1: float
    h2: float


def step_path(points: Sequence[tuple[float, float]], *, boundaries: Sequence[float] | None = None) -> str:
    """A step line through (x, y) points.

    The level changes at ``boundaries[i]`` between point i and i + 1 (by default half-way
    between them).
    """
    if not points:
        return ""
    if boundaries is not None and len(boundaries) != len(points) - 1:
        raise ValueError("there must be one boundary between each pair of points")
    run = [points[0]]
    for index, ((x0, y0), (x1, y1)) in enumerate(zip(points, points[1:])):
        if y1 != y0:
            middle = (x0 + x1) / 2 if boundaries is None else boundaries[index]
            run += [(middle, y0), (middle, y1)]
    run.append(points[-1])
    return path_data([run])


def _year_boundaries(rows: Sequence[MossChartMonth], scale) -> list[float]:
    """Where each threshold step goes: between December and January of the new year.

    Months are drawn at their first day, so the year changes half-way between the points
    of 1 December and 1 January, whichever months were evaluated either side.
    """
    boundaries = []
    for earlier, later in zip(rows, rows[1:]):
        if later.month.year == earlier.month.year:
            boundaries.append(scale(later.month.first_day))  # no step within a year
            continue
        january = date(later.month.year, 1, 1)
        december = date(later.month.year - 1, 12, 1)
        boundaries.append((scale(december) + scale(january)) / 2)
    return boundaries


def _signed(value: float, decimals: int) -> str:
    text_value = format_number(value, decimals=decimals)
    return text_value if text_value.startswith("-") or text_value.strip("0.,") == "" else f"+{text_value}"


def _empty_chart(
    *, full_title: str, chart_id: str | None, kind: str, value_label: str, table: ChartTable, notes: list[str]
) -> Chart:
    area = plot_area()
    ticks = value_ticks(values=[], floor=0.0)
    y = LinearScale(domain=(ticks.low, ticks.high), range=(area.bottom, area.top))
    body = value_axis(area=area, ticks=ticks, scale=y, title=value_label)
    body.append(
        text(
            "No months to show",
            x=(area.left + area.right) / 2,
            y=(area.top + area.bottom) / 2,
            anchor="middle",
            colour=palette.TEXT_SECONDARY,
        )
    )
    description = f"{full_title}: no months to show."
    identifier = chart_identifier(chart_id, kind, full_title, description)
    svg = document(
        chart_id=identifier,
        title=full_title,
        description=description,
        body=body,
        legend_items=[],
        notes=notes,
        content_bottom=area.bottom + 44,
        class_=f"chart-{kind}",
    )
    return Chart(svg=svg, table=table, title=full_title, description=description, notes=tuple(notes))


# --- the CUSUM ----------------------------------------------------------------------------------


def moss_cusum_chart(
    *,
    rows: Sequence[MossChartMonth],
    title: str = "MOSS CUSUM: term stillbirths and neonatal deaths",
    subject: str | None = None,
    decimals: int = 2,
    chart_id: str | None = None,
) -> Chart:
    """One site's MOSS CUSUM (docs/rules/surveillance.md §1.3) with level-1 and level-2 thresholds per year
    (docs/rules/surveillance.md §1.2)."""
    ordered = sorted(rows, key=lambda row: row.month)
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.month == later.month:
            raise ValueError(f"two rows are given for {later.month}; chart one site at a time")
    full_title = title if subject is None else f"{title}, {subject}"
    notes = [SIGNAL_NOTE, THRESHOLD_NOTE]
    table = _cusum_table(ordered, full_title, decimals)
    if not ordered:
        return _empty_chart(
            full_title=full_title,
            chart_id=chart_id,
            kind="moss",
            value_label="CUSUM",
            table=table,
            notes=notes,
        )
    months = [row.month for row in ordered]
    if any(later != earlier.shifted(1) for earlier, later in zip(months, months[1:])):
        notes.append(NOT_EVALUATED_NOTE)
    description = _cusum_description(ordered, full_title, decimals)
    identifier = chart_identifier(chart_id, "moss", full_title, description, table.rows)

    area = plot_area()
    ticks = value_ticks(values=[value for row in ordered for value in (row.cusum, row.h1, row.h2)], floor=0.0)
    y = LinearScale(domain=(ticks.low, ticks.high), range=(area.bottom, area.top))
    scale, date_ticks_ = time_axis(first=months[0].first_day, last=months[-1].first_day, area=area)
    xs = [scale(month.first_day) for month in months]
    boundaries = _year_boundaries(ordered, scale)
    body: list[Element] = value_axis(area=area, ticks=ticks, scale=y, title="CUSUM")
    body += date_axis(area=area, ticks=date_ticks_, scale=scale)
    for x, row in zip(xs, ordered):
        if row.reset:
            body += divider(area=area, x=x, label=None, class_="chart-reset")
    body.append(
        element(
            "path",
            d=step_path([(x, y(row.h1)) for x, row in zip(xs, ordered)], boundaries=boundaries),
            fill="none",
            stroke=palette.LEVEL_1.ink,
            stroke_width=1.5,
            stroke_dasharray=LEVEL_1_DASH,
            class_="chart-threshold chart-threshold--level-1",
        )
    )
    body.append(
        element(
            "path",
            d=step_path([(x, y(row.h2)) for x, row in zip(xs, ordered)], boundaries=boundaries),
            fill="none",
            stroke=palette.LEVEL_2.ink,
            stroke_width=2,
            stroke_dasharray=LEVEL_2_DASH,
            class_="chart-threshold chart-threshold--level-2",
        )
    )
    if len(ordered) > 1:
        body.append(
            element(
                "path",
                d=path_data([[(x, y(row.cusum)) for x, row in zip(xs, ordered)]]),
                fill="none",
                stroke=palette.SERIES,
                stroke_width=2,
                stroke_linejoin="round",
                class_="chart-series",
            )
        )
    markers = []
    for x, row in zip(xs, ordered):
        shape, colours, size = _MARKERS[row.level]
        tooltip = (
            f"{month_label(row.month.first_day)}: CUSUM {format_number(row.cusum, decimals=decimals)}, "
            f"{plural(row.events, 'event')}"
            + (f", level {row.level} signal" if row.level else "")
            + (", restarted" if row.reset else "")
        )
        markers.append(
            marker(
                shape=shape,
                x=x,
                y=y(row.cusum),
                colours=colours,
                size=size,
                tooltip=tooltip,
                class_=f"chart-point chart-point--level-{row.level}",
            )
        )
        if row.level:
            markers.append(
                text(
                    str(row.level),
                    x=x,
                    y=y(row.cusum) - 11,
                    anchor="middle",
                    size=palette.FONT_SIZE_SMALL,
                    colour=colours.ink,
                    bold=True,
                )
            )
    body.append(element("g", *markers, class_="chart-points"))
    last = ordered[-1]
    body += line_labels(
        [
            LineLabel(
                y(last.h2),
                f"Level 2 threshold {format_number(last.h2, decimals=decimals)}",
                palette.LEVEL_2.ink,
            ),
            LineLabel(
                y(last.h1),
                f"Level 1 threshold {format_number(last.h1, decimals=decimals)}",
                palette.LEVEL_1.ink,
            ),
        ],
        area=area,
    )
    levels = {row.level for row in ordered}
    legend_items = [LegendItem("CUSUM, no signal", marker_swatch(shape=SHAPE_CIRCLE, colours=_NO_SIGNAL, size=3.5))]
    for level in (LEVEL_1, LEVEL_2):
        if level in levels:
            shape, colours, size = _MARKERS[level]
            legend_items.append(
                LegendItem(f"Level {level} signal", marker_swatch(shape=shape, colours=colours, size=size))
            )
    legend_items.append(
        LegendItem("Level 1 threshold", line_swatch(colour=palette.LEVEL_1.ink, dash=LEVEL_1_DASH, width=1.5))
    )
    legend_items.append(LegendItem("Level 2 threshold", line_swatch(colour=palette.LEVEL_2.ink, dash=LEVEL_2_DASH)))
    if any(row.reset for row in ordered):
        legend_items.append(
            LegendItem(
                "Restart after a level 2 signal",
                line_swatch(colour=palette.AXIS, dash=DIVIDER_DASH, width=1.5),
            )
        )
    return finish_chart(
        chart_id=identifier,
        title=full_title,
        description=description,
        body=body,
        legend_items=legend_items,
        notes=notes,
        area=area,
        table=table,
        class_="chart-moss",
    )


def _cusum_description(rows: Sequence[MossChartMonth], full_title: str, decimals: int) -> str:
    months = [row.month.first_day for row in rows]
    latest = rows[-1]
    level_1 = sum(row.level == LEVEL_1 for row in rows)
    level_2 = sum(row.level == LEVEL_2 for row in rows)
    restarts = sum(bool(row.reset) for row in rows)
    latest_signal = f"level {latest.level} signal" if latest.level else "no signal"
    parts = [
        f"{full_title}, {span_label(first_start=months[0], last_start=months[-1], monthly=True)}",
        f"latest CUSUM {format_number(latest.cusum, decimals=decimals)} ({month_label(months[-1])}), {latest_signal}",
        f"level 1 signals in {plural(level_1, 'month')}, level 2 in {plural(level_2, 'month')}",
    ]
    if restarts:
        parts.append(plural(restarts, "restart"))
    parts.append(
        f"thresholds for {latest.month.year}: level 1 {format_number(latest.h1, decimals=decimals)}, "
        f"level 2 {format_number(latest.h2, decimals=decimals)}"
    )
    return "; ".join(parts) + "."


def _cusum_table(rows: Sequence[MossChartMonth], full_title: str, decimals: int) -> ChartTable:
    has_expected = any(getattr(row, "expected", None) is not None for row in rows)
    columns = [TableColumn("Month"), TableColumn("Events", numeric=True)]
    if has_expected:
        columns.append(TableColumn("Expected events", numeric=True))
    columns += [
        TableColumn("CUSUM", numeric=True),
        TableColumn("Level 1 threshold", numeric=True),
        TableColumn("Level 2 threshold", numeric=True),
        TableColumn("Signal"),
        TableColumn("Restarted"),
    ]
    table_rows = []
    for row in rows:
        cells = [month_label(row.month.first_day), f"{row.events:,}"]
        if has_expected:
            expected = getattr(row, "expected", None)
            cells.append("" if expected is None else format_number(expected, decimals=decimals))
        cells += [
            format_number(row.cusum, decimals=decimals),
            format_number(row.h1, decimals=decimals),
            format_number(row.h2, decimals=decimals),
            SIGNAL_WORDS[row.level],
            "Yes" if row.reset else "No",
        ]
        table_rows.append(tuple(cells))
    return ChartTable(caption=full_title, columns=tuple(columns), rows=tuple(table_rows))


# --- excess events (VLAD) ------------------------------------------------------------------------


def excess_events_chart(
    *,
    days: Sequence[ExcessEventsDay],
    title: str = "Excess term stillbirths and neonatal deaths",
    subject: str | None = None,
    decimals: int = 1,
    chart_id: str | None = None,
) -> Chart:
    """The running sum of observed − expected events, day by day, never reset (docs/rules/surveillance.md §1.4).

    Days that are not consecutive (a month that was not evaluated) break the line.
    """
    ordered = sorted(days, key=lambda day: day.day)
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.day == later.day:
            raise ValueError(f"two rows are given for {later.day.isoformat()}")
    full_title = title if subject is None else f"{title}, {subject}"
    notes = [EXCESS_NOTE]
    table = _excess_table(ordered, full_title, decimals)
    if not ordered:
        return _empty_chart(
            full_title=full_title,
            chart_id=chart_id,
            kind="excess",
            value_label="Excess deaths",
            table=table,
            notes=notes,
        )
    description = _excess_description(ordered, full_title, decimals)
    identifier = chart_identifier(chart_id, "excess", full_title, description, table.rows)

    area = plot_area()
    ticks = value_ticks(values=[day.cumulative_excess for day in ordered] + [0.0])
    y = LinearScale(domain=(ticks.low, ticks.high), range=(area.bottom, area.top))
    scale, date_ticks_ = time_axis(first=ordered[0].day, last=ordered[-1].day, area=area)
    body: list[Element] = value_axis(area=area, ticks=ticks, scale=y, title="Excess deaths (running total)")
    body += date_axis(area=area, ticks=date_ticks_, scale=scale)
    zero = y(0.0)
    body.append(
        element(
            "line",
            x1=area.left,
            y1=zero,
            x2=area.right,
            y2=zero,
            stroke=palette.AXIS,
            stroke_width=1.5,
            class_="chart-zero",
        )
    )
    runs: list[list[tuple[float, float]]] = [[]]
    previous: date | None = None
    for day in ordered:
        if previous is not None and (day.day - previous).days > 1:
            runs.append([])
        runs[-1].append((scale(day.day), y(day.cumulative_excess)))
        previous = day.day
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
    singles = [run[0] for run in runs if len(run) == 1]
    markers = [
        marker(
            shape=SHAPE_CIRCLE,
            x=scale(day.day),
            y=y(day.cumulative_excess),
            colours=palette.LEVEL_1,
            size=4,
            tooltip=(
                f"{day_label(day.day)}: {plural(day.events, 'death')}; "
                f"running excess {_signed(day.cumulative_excess, decimals)}"
            ),
            class_="chart-point chart-point--event",
        )
        for day in ordered
        if day.events > 0
    ]
    markers += [element("circle", cx=x, cy=y_, r=2, fill=palette.SERIES, class_="chart-lone-day") for x, y_ in singles]
    body.append(element("g", *markers, class_="chart-points"))
    body += line_labels([LineLabel(zero, "As expected", palette.AXIS)], area=area)
    legend_items = [
        LegendItem("Running total of excess deaths", line_swatch(colour=palette.SERIES)),
        LegendItem("Day with a death", marker_swatch(shape=SHAPE_CIRCLE, colours=palette.LEVEL_1, size=4)),
        LegendItem("As expected (no excess)", line_swatch(colour=palette.AXIS, width=1.5)),
    ]
    return finish_chart(
        chart_id=identifier,
        title=full_title,
        description=description,
        body=body,
        legend_items=legend_items,
        notes=notes,
        area=area,
        table=table,
        class_="chart-excess",
    )


def _excess_description(days: Sequence[ExcessEventsDay], full_title: str, decimals: int) -> str:
    events = sum(day.events for day in days)
    expected = sum(day.expected for day in days)
    latest = days[-1]
    highest = max(days, key=lambda day: (day.cumulative_excess, -day.day.toordinal()))
    parts = [
        f"{full_title}, {span_label(first_start=days[0].day, last_start=latest.day, monthly=False)}",
        f"{plural(events, 'death')} against {format_number(expected, decimals=decimals)} expected",
        f"running excess on {day_label(latest.day)} {_signed(latest.cumulative_excess, decimals)}",
        f"highest {_signed(highest.cumulative_excess, decimals)} on {day_label(highest.day)}",
    ]
    return "; ".join(parts) + "."


def _excess_table(days: Sequence[ExcessEventsDay], full_title: str, decimals: int) -> ChartTable:
    """One row per month: a daily table would be hundreds of rows of mostly nothing."""
    by_month: dict[YearMonth, list[ExcessEventsDay]] = defaultdict(list)
    for day in days:
        by_month[YearMonth.of(day.day)].append(day)
    columns = (
        TableColumn("Month"),
        TableColumn("Deaths", numeric=True),
        TableColumn("Expected deaths", numeric=True),
        TableColumn("Excess in the month", numeric=True),
        TableColumn("Running excess at month end", numeric=True),
    )
    rows = []
    for month in sorted(by_month):
        members = by_month[month]
        events = sum(day.events for day in members)
        expected = sum(day.expected for day in members)
        rows.append(
            (
                month_label(month.first_day),
                f"{events:,}",
                format_number(expected, decimals=decimals),
                _signed(events - expected, decimals),
                _signed(members[-1].cumulative_excess, decimals),
            )
        )
    return ChartTable(caption=full_title + ", by month", columns=columns, rows=tuple(rows))
