"""The table alternative of every chart (WCAG 2.2 1.1.1: the same facts as text).

A :class:`ChartTable` is plain data — a caption, columns and rows of text — that a page
renders with the NHS.UK table macro (:meth:`ChartTable.nhsuk_params` gives its parameters)
or, where no template is at hand (the board report, an e-mail), with :func:`table_html`,
which writes the same NHS.UK classes. Cells are already formatted text: the chart decided
the rounding, so page, board report and export all show the same figures.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = [
    "COMPACT_TABLE_CLASS",
    "ChartTable",
    "CompactTable",
    "NO_DATA",
    "TableColumn",
    "compact_table_html",
    "table_html",
]

NO_DATA = "No data"
"""What a gap in a series says in a table: an empty cell is silent to a screen reader."""
COMPACT_TABLE_CLASS = "app-data-table"
"""The class of a compact table: the page's stylesheet styles its cells (numbers right-aligned,
text cells marked ``app-text``), so that a cell carries no classes of its own."""


@dataclass(frozen=True)
class TableColumn:
    heading: str
    numeric: bool = False
    """Numeric columns are right-aligned (NHS.UK ``format: "numeric"``)."""


@dataclass(frozen=True)
class ChartTable:
    """A caption, columns and rows of text; the first cell of each row heads that row."""

    caption: str
    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError("a table needs at least one column")
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(f"row {number} has {len(row)} cells but the table has {len(self.columns)} columns")
            for cell in row:
                if not isinstance(cell, str):
                    raise TypeError(f"row {number}: cells must be text, not {type(cell).__name__}")

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(column.heading for column in self.columns)

    def nhsuk_params(self) -> dict:
        """Parameters for ``nhsukTable`` (nhsuk-frontend-jinja): caption, head, rows.

        Cells are given as ``text`` (never ``html``), so the template escapes them.
        """
        head = [
            {"text": column.heading, **({"format": "numeric"} if column.numeric else {})} for column in self.columns
        ]
        rows = [
            [
                {"text": cell, **({"format": "numeric"} if column.numeric else {})}
                for cell, column in zip(row, self.columns)
            ]
            for row in self.rows
        ]
        return {"caption": self.caption, "firstCellIsHeader": True, "head": head, "rows": rows}

    def __html__(self) -> str:
        """Jinja (and Django's ``conditional_escape``) render the table itself."""
        return table_html(self)

    @property
    def compact(self) -> CompactTable:
        """The same table in compact markup, for pages that show many long tables."""
        return CompactTable(self)


@dataclass(frozen=True)
class CompactTable:
    table: ChartTable

    def __html__(self) -> str:
        return compact_table_html(self.table)


def _cell(tag: str, text: str, *, numeric: bool, scope: str | None) -> str:
    base = "nhsuk-table__header" if tag == "th" else "nhsuk-table__cell"
    classes = f"{base} {base}--numeric" if numeric else base
    scope_attribute = f' scope="{scope}"' if scope else ""
    return f'<{tag} class="{classes}"{scope_attribute}>{html.escape(text)}</{tag}>'


def table_html(table: ChartTable) -> str:
    """The table as HTML with NHS.UK classes, every text escaped; no inline styles."""
    lines = ['<table class="nhsuk-table">']
    lines.append(f'<caption class="nhsuk-table__caption">{html.escape(table.caption)}</caption>')
    lines.append('<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">')
    lines.extend(_cell("th", column.heading, numeric=column.numeric, scope="col") for column in table.columns)
    lines.append("</tr></thead>")
    lines.append('<tbody class="nhsuk-table__body">')
    for row in table.rows:
        cells = [
            _cell(
                "th" if index == 0 else "td",
                text,
                numeric=column.numeric,
                scope="row" if index == 0 else None,
            )
            for index, (text, column) in enumerate(zip(row, table.columns))
        ]
        lines.append('<tr class="nhsuk-table__row">' + "".join(cells) + "</tr>")
    lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


def compact_table_html(table: ChartTable) -> str:
    """The table with the same cells, headings and scopes as :func:`table_html`, but classes only
    where the stylesheet needs them (the table's, and ``app-text`` on text cells of a mostly
    numeric table): a page of eight metrics over five years was mostly repeated cell classes
    (issue 12: 940 KB of HTML)."""

    def cell(tag: str, text: str, column: TableColumn, scope: str | None) -> str:
        scope_attribute = f' scope="{scope}"' if scope else ""
        text_class = ' class="app-text"' if not column.numeric and tag == "td" else ""
        return f"<{tag}{scope_attribute}{text_class}>{html.escape(text)}</{tag}>"

    text_heading = ' class="app-text"'
    head = "".join(
        f'<th scope="col"{"" if column.numeric or index == 0 else text_heading}>{html.escape(column.heading)}</th>'
        for index, column in enumerate(table.columns)
    )
    lines = [
        f'<table class="nhsuk-table {COMPACT_TABLE_CLASS}">',
        f'<caption class="nhsuk-table__caption">{html.escape(table.caption)}</caption>',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
    ]
    for row in table.rows:
        cells = [
            cell("th" if index == 0 else "td", text, column, "row" if index == 0 else None)
            for index, (text, column) in enumerate(zip(row, table.columns))
        ]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)
