"""Read a dataset CSV keeping each record's physical line number (the header is line 1).

Spec: docs/rules/dashboard.md §1 ("every bad row is reported with its physical line number"). A
quoted cell may hold a line break, so a record's line is where it starts, counted by the
csv module, not its index.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

_BOM = "\ufeff"


@dataclass(frozen=True)
class CsvRow:
    """One CSV record and the physical line it starts on."""

    line: int
    cells: tuple[str, ...]


def read_csv(stream: TextIO) -> tuple[list[str], Iterator[CsvRow]]:
    """The header row and an iterator of the records after it.

    Open files with `newline=""` (as the csv module asks) and `encoding="utf-8-sig"`; a
    byte-order mark left on the first header cell is removed here too. An empty file gives
    an empty header. csv.Error from a malformed file surfaces while iterating.
    """
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        return [], iter(())
    if header and header[0].startswith(_BOM):
        header[0] = header[0][len(_BOM) :]

    def records() -> Iterator[CsvRow]:
        previous_end = reader.line_num
        for cells in reader:
            yield CsvRow(previous_end + 1, tuple(cells))
            previous_end = reader.line_num

    return header, records()
