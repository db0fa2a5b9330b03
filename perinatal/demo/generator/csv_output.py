"""Fast, byte-stable CSV writing of columns of strings (docs/rules/dashboard.md §1 formats).

Values are codes, numbers, dates and timestamps, never commas or quotes, so no quoting is
needed; each column is turned into strings by indexing a lookup table (the last entry of
every table is "" so that index −1 writes an empty cell). Lines end with LF; UTF-8.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .period import DemoPeriod

CHUNK_ROWS = 200_000
MINUTES_PER_DAY = 1440
# Day indices in the date tables run from −DATE_MARGIN to period.days + DATE_MARGIN − 1.
DATE_MARGIN = 400


def number_table(maximum: int) -> np.ndarray:
    """str(i) for i in 0..maximum, then "" (index −1)."""
    return np.array([str(i) for i in range(maximum + 1)] + [""], dtype=object)


def code_table(values: Sequence[str]) -> np.ndarray:
    return np.array(list(values) + [""], dtype=object)


def boolean_column(values: np.ndarray) -> np.ndarray:
    return code_table(("0", "1"))[values.astype(np.int64)]


def optional_boolean_column(values: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    """1/0, "" where unknown."""
    return code_table(("0", "1"))[np.where(unknown, -1, values.astype(np.int64))]


def numbered_ids(prefix: str, numbers: np.ndarray) -> list[str]:
    """prefix + 8-digit number, e.g. B00000001 for 1."""
    return [f"{prefix}{number:08d}" for number in numbers.tolist()]


class DateFormatter:
    """Day indices (0 = period.start) and minutes since period.start 00:00 -> ISO text."""

    def __init__(self, period: DemoPeriod) -> None:
        first = period.start - dt.timedelta(days=DATE_MARGIN)
        count = period.days + 2 * DATE_MARGIN
        self._dates = np.array([(first + dt.timedelta(days=i)).isoformat() for i in range(count)] + [""], dtype=object)
        self._date_t = np.array([d + "T" for d in self._dates[:-1]], dtype=object)
        self._times = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(MINUTES_PER_DAY)], dtype=object)

    def dates(self, day_index: np.ndarray) -> np.ndarray:
        """ISO dates; index −1 gives ""."""
        day_index = np.asarray(day_index, dtype=np.int64)
        return self._dates[np.where(day_index < 0, -1, day_index + DATE_MARGIN)]

    def timestamps(self, minutes: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
        """`YYYY-MM-DDTHH:MM` local time; "" where `missing`."""
        minutes = np.asarray(minutes, dtype=np.int64)
        text = self._date_t[minutes // MINUTES_PER_DAY + DATE_MARGIN] + self._times[minutes % MINUTES_PER_DAY]
        if missing is not None:
            text[missing] = ""
        return text


ColumnsFor = Callable[[slice], Sequence[Sequence[str] | np.ndarray]]


def write_csv(path: Path, header: Sequence[str], *, rows: int, columns_for: ColumnsFor) -> int:
    """Write the header, then `rows` rows built CHUNK_ROWS at a time by `columns_for(slice)`
    (one sequence of strings per column), so memory stays flat; returns the row count."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(",".join(header) + "\n")
        for start in range(0, rows, CHUNK_ROWS):
            part = slice(start, min(start + CHUNK_ROWS, rows))
            chunk = [c.tolist() if isinstance(c, np.ndarray) else list(c) for c in columns_for(part)]
            if len(chunk) != len(header) or any(len(c) != part.stop - part.start for c in chunk):
                raise ValueError(f"{path.name}: columns do not match the header and rows")
            out.write("\n".join(map(",".join, zip(*chunk, strict=True))))
            out.write("\n")
    return rows


def write_table(path: Path, header: Sequence[str], columns: Sequence[Sequence[str] | np.ndarray]) -> int:
    """Write columns already built in full (small datasets)."""
    rows = len(columns[0])
    return write_csv(path, header, rows=rows, columns_for=lambda part: [column[part] for column in columns])
