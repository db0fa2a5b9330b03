"""Accessible static SVG charts for the dashboard, the MOSS pages and the board report.

Framework-free: each chart function takes the stats library's result objects (or plain
rows) and returns a :class:`Chart` — ``svg`` (a string to inline in a page; byte-identical
for the same input; presentation attributes only, so it passes a CSP without inline
styles) and ``table`` (the same facts as a :class:`ChartTable` for an NHS.UK table).

- :func:`line_chart` — a metric over time with its 95% interval (docs/rules/dashboard.md §4)
- :func:`spc_chart` — Making Data Count XmR chart with icons (docs/rules/surveillance.md §2)
- :func:`funnel_chart` — funnel plot with 95% and 99.8% limits (docs/rules/surveillance.md §3)
- :func:`interval_chart` — rates by group with 95% intervals against a reference group (docs/rules/equity.md §1)
- :func:`moss_cusum_chart`, :func:`excess_events_chart` — MOSS (docs/rules/surveillance.md §1.3, §1.4)
- :func:`icon_svg`, :func:`icon_symbols`, :func:`icon_use` — Making Data Count icons
- :func:`table_html` — the plain HTML fallback of a chart's table
"""

from .cusum import excess_events_chart, moss_cusum_chart
from .frame import Chart
from .funnel import funnel_chart, funnel_position
from .icons import (
    ASSURANCE_ICON_KEYS,
    ICONS,
    VARIATION_ICON_KEYS,
    IconSpec,
    assurance_icon_key,
    icon_svg,
    icon_symbols,
    icon_use,
    variation_icon_key,
)
from .intervals import GroupInterval, interval_chart
from .line import LinePoint, line_chart
from .spc import spc_chart
from .table import ChartTable, TableColumn, table_html

__all__ = [
    "ASSURANCE_ICON_KEYS",
    "Chart",
    "ChartTable",
    "ICONS",
    "GroupInterval",
    "IconSpec",
    "LinePoint",
    "TableColumn",
    "VARIATION_ICON_KEYS",
    "assurance_icon_key",
    "excess_events_chart",
    "funnel_chart",
    "funnel_position",
    "icon_svg",
    "icon_symbols",
    "icon_use",
    "interval_chart",
    "line_chart",
    "moss_cusum_chart",
    "spc_chart",
    "table_html",
    "variation_icon_key",
]
