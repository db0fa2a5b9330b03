"""Reading ODS "etr" (NHS Trusts) extracts. Framework-free.

ODS close dates are the last day an organisation operated (successors open the day
after); the register stores ``closed_on`` as the first day closed, so it is the ODS date
plus one day.

The file has no header row; every field is quoted. Columns used: 0 ODS code, 1 name,
2 NHS England region, 3 ICB, 9 postcode, 10 open date (YYYYMMDD), 11 close date.
A malformed file is refused as a whole with every bad line named.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from perinatal.kernel.tabular_problems import FileRefused, LineProblem

ODS_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
MIN_COLUMNS = 12


@dataclass(frozen=True)
class EtrRow:
    line: int
    code: str
    name: str
    region_code: str
    icb_code: str
    postcode: str
    opened_on: date | None
    last_open_on: date | None  # the ODS close date: the last day the trust operated

    @property
    def closed_on(self) -> date | None:
        """The first day closed (the register's convention for every closing date)."""
        return self.last_open_on + timedelta(days=1) if self.last_open_on else None

    @property
    def is_english(self) -> bool:
        return self.region_code.startswith("Y")


class EtrFileInvalid(FileRefused):
    """An etr extract refused whole, naming every bad line."""


def _parse_date(raw: str) -> date:
    return datetime.strptime(raw, "%Y%m%d").date()


def read_etr(source: Path | str | io.TextIOBase) -> list[EtrRow]:
    """Parse a whole etr extract, or raise EtrFileInvalid naming every bad line."""
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            return read_etr(handle)
    rows: list[EtrRow] = []
    problems: list[LineProblem] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(csv.reader(source), start=1):
        if not any(field.strip() for field in record):
            continue
        if len(record) < MIN_COLUMNS:
            problems.append(
                LineProblem(line, None, f"has {len(record)} columns; an etr extract has at least {MIN_COLUMNS}")
            )
            continue
        code = record[0].strip().upper()
        name = record[1].strip()
        row_problems = []
        if not ODS_CODE.match(code):
            row_problems.append(LineProblem(line, "1 (ODS code)", f"'{record[0]}' is not an ODS organisation code"))
        elif code in seen:
            row_problems.append(
                LineProblem(line, "1 (ODS code)", f"{code} is listed twice (also on line {seen[code]})")
            )
        if not name:
            row_problems.append(LineProblem(line, "2 (name)", "is empty"))
        dates = {}
        for index, label in ((10, "11 (open date)"), (11, "12 (close date)")):
            raw = record[index].strip()
            if not raw:
                dates[index] = None
                continue
            try:
                dates[index] = _parse_date(raw)
            except ValueError:
                row_problems.append(LineProblem(line, label, f"'{raw}' is not a date in the form YYYYMMDD"))
        if dates.get(10) and dates.get(11) and dates[11] < dates[10]:
            row_problems.append(LineProblem(line, "12 (close date)", "is before the open date"))
        if row_problems:
            problems.extend(row_problems)
            continue
        seen[code] = line
        rows.append(
            EtrRow(
                line=line,
                code=code,
                name=name,
                region_code=record[2].strip().upper(),
                icb_code=record[3].strip().upper(),
                postcode=record[9].strip().upper(),
                opened_on=dates[10],
                last_open_on=dates[11],
            )
        )
    if not rows and not problems:
        problems.append(LineProblem(None, None, "the file is empty"))
    if problems:
        raise EtrFileInvalid(problems)
    return rows
