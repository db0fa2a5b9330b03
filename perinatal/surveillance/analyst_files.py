"""The analyst commands ``perinatal moss``, ``perinatal spc`` and ``perinatal funnel`` as pure functions.

docs/rules/surveillance.md §1.6 (NHS England's MOSS input files and the output columns),
docs/rules/surveillance.md §2 and §3.
Each function reads CSV files, validates every row, computes with :mod:`.stats` and returns
an :class:`AnalystOutput`; :func:`format_csv` and :func:`format_json` print it with numbers
unrounded, as the shortest decimal that reads back as the same double (``1.4``,
``0.14162380252``). Any malformed input raises :class:`InputFileError` naming the file, the
physical line (the header is line 1) and the column. Options that cannot work (a rebase date
that is not in the file, a ``fix_after`` below 12, …) raise ``ValueError``.

Framework-free: the Django management commands wrap these functions.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from os import PathLike

from perinatal.kernel.tabular_problems import FileRefused, LineProblem
from perinatal.stats.funnel import FUNNEL_PROPORTION, FUNNEL_RATIO, aggregate_groups, funnel_plot
from perinatal.stats.months import YearMonth
from perinatal.stats.moss import SKIP_TOO_FEW_BIRTHS, MonthlyCounts, ReferenceRates, denominators, run_moss
from perinatal.stats.moss_design import METHOD
from perinatal.stats.spc import IMPROVEMENT_INCREASE, SpcPoint, xmr_chart

__all__ = [
    "AnalystOutput",
    "FUNNEL_COLUMNS",
    "InputFileError",
    "MOSS_COLUMNS",
    "MOSS_SITE_NAME_COLUMNS",
    "ReferenceRateRow",
    "SPC_COLUMNS",
    "format_csv",
    "format_json",
    "format_number",
    "funnel_from_file",
    "moss_from_files",
    "read_reference_rate_rows",
    "reference_rates_of",
    "spc_from_file",
]

MOSS_COLUMNS = ("site_code", "month", "events", "expected", "k", "h1", "h2", "cusum", "level", "reset")
"""Output of ``perinatal moss`` (docs/rules/surveillance.md §1.6)."""
MOSS_SITE_NAME_COLUMNS = ("site_name", "trust_name")
"""Appended to :data:`MOSS_COLUMNS` when a sites file gives the names
(docs/rules/surveillance.md §1.6 "names for the output")."""
SPC_COLUMNS = ("date", "value", "mean", "lpl", "upl", "special_cause", "point_type")
FUNNEL_COLUMNS = (
    "group",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "outlier_95",
    "outlier_998",
)

Path = str | PathLike[str]

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_YEAR = re.compile(r"\d{4}")
_REFERENCE_PERIOD = re.compile(r"(\d{4})-(\d{4})")
_REFERENCE_PERIOD_YEARS = 3
# Integral doubles print without ".0" below this size; beyond it repr's exponent form is shorter.
_LARGEST_PLAIN_INTEGER = 1e16


class InputFileError(FileRefused):
    """A file that cannot be used, with where the problem is: the one error of this module.

    A :class:`FileRefused` with its one :class:`LineProblem`, whose message also names the
    file. ``line`` is the physical line number (the header is line 1; ``None`` for the whole
    file); ``column`` the column's name as the spec writes it (``None`` for the whole row).
    """

    def __init__(self, path: Path, line: int | None, column: str | None, message: str) -> None:
        self.path = str(path)
        self.problem = LineProblem(line, column, message)
        super().__init__([self.problem])
        self.args = (self.naming(self.path),)

    @property
    def line(self) -> int | None:
        return self.problem.line

    @property
    def column(self) -> str | None:
        return self.problem.column

    @property
    def message(self) -> str:
        return self.problem.message

    def naming(self, name: str) -> str:
        """The message with the file called ``name`` (an uploaded file's own name, not its temporary copy's)."""
        where = self.problem.location()
        return f"{name}, {where}: {self.message}" if where else f"{name}: {self.message}"


@dataclass(frozen=True)
class AnalystOutput:
    """Rows to print, in column order, plus what the JSON form adds and warnings for stderr."""

    columns: tuple[str, ...]
    rows: tuple[Mapping[str, object], ...]
    summary: Mapping[str, object] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


# --- reading CSV ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    line: int
    fields: Mapping[str, str]


@dataclass(frozen=True)
class _Table:
    path: str
    records: tuple[_Record, ...]


def _read_table(path: Path, *, required: Sequence[str], optional: Sequence[str] = ()) -> _Table:
    """Read a CSV file: UTF-8 with or without byte-order mark, any line ending.

    Column names match the spec's case-insensitively; other columns are ignored; rows whose
    every field is empty are skipped. Values are stripped of surrounding spaces.
    """
    known = {name.lower(): name for name in (*required, *optional)}
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise InputFileError(path, None, None, f"cannot be read ({error.strerror})") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputFileError(path, line, None, "is not UTF-8 text") from error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: dict[int, str] | None = None
    width = 0
    records: list[_Record] = []
    while True:
        # The reader counts physical lines, so a quoted field spanning lines is not miscounted.
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise InputFileError(path, line, None, f"is not valid CSV ({error})") from error
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _header(path, line, cells, known, required)
            width = len(cells)
            continue
        # Trailing empty fields (a spreadsheet's extra commas) are harmless; anything else is not.
        if len(cells) < width or any(cell.strip() for cell in cells[width:]):
            raise InputFileError(path, line, None, f"has {len(cells)} fields but the header has {width}")
        records.append(_Record(line, {name: cells[index].strip() for index, name in header.items()}))
    if header is None:
        raise InputFileError(path, 1, None, "is empty: expected a header row")
    return _Table(str(path), tuple(records))


def _header(
    path: Path, line: int, cells: list[str], known: Mapping[str, str], required: Sequence[str]
) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells):
        name = known.get(cell.strip().lower())
        if name is None:
            continue
        if name in columns.values():
            raise InputFileError(path, line, name, "the column appears more than once")
        columns[index] = name
    for name in required:
        if name not in columns.values():
            raise InputFileError(path, line, name, "missing column")
    return columns


def _text(table: _Table, record: _Record, column: str) -> str:
    value = record.fields.get(column, "")
    if not value:
        raise InputFileError(table.path, record.line, column, "is empty")
    return value


def _number(table: _Table, record: _Record, column: str, *, minimum: float | None = None) -> float:
    text = _text(table, record, column)
    if _DECIMAL.fullmatch(text) is None:
        raise InputFileError(table.path, record.line, column, f"{text!r} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise InputFileError(table.path, record.line, column, f"{text!r} is too large")
    if minimum is not None and value < minimum:
        raise InputFileError(table.path, record.line, column, f"{text} is less than {minimum:g}")
    return value


def _whole_number(table: _Table, record: _Record, column: str) -> int:
    value = _number(table, record, column, minimum=0)
    if value != int(value):
        raise InputFileError(table.path, record.line, column, f"{record.fields[column]} is not a whole number")
    return int(value)


def _date(table: _Table, record: _Record, column: str, *, uk_format: bool = False) -> date:
    """ISO ``YYYY-MM-DD``; also ``DD/MM/YYYY`` where NHS England's files use it (docs/rules/surveillance.md §1.6)."""
    text = _text(table, record, column)
    iso = _ISO_DATE.fullmatch(text)
    uk = _UK_DATE.fullmatch(text) if uk_format else None
    try:
        if iso is not None:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if uk is not None:
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
    except ValueError as error:
        raise InputFileError(table.path, record.line, column, f"{text!r} is not a real date") from error
    expected = "YYYY-MM-DD or DD/MM/YYYY" if uk_format else "YYYY-MM-DD"
    raise InputFileError(table.path, record.line, column, f"{text!r} is not a date written {expected}")


def _year(table: _Table, record: _Record, column: str) -> int:
    text = _text(table, record, column)
    if _YEAR.fullmatch(text) is None or int(text) < 1:
        raise InputFileError(table.path, record.line, column, f"{text!r} is not a year written YYYY")
    return int(text)


# --- perinatal moss -------------------------------------------------------------------------------------


def _read_events(path: Path) -> dict[tuple[str, YearMonth], int]:
    table = _read_table(
        path,
        required=("Site_Code", "test_date", "year_month", "event_count"),
        optional=("ods_code", "Site_Name", "Trust_Name", "outcome"),
    )
    events: dict[tuple[str, YearMonth], int] = defaultdict(int)
    for record in table.records:
        site_code = _text(table, record, "Site_Code")
        _date(table, record, "test_date", uk_format=True)
        text = _text(table, record, "year_month")
        try:
            month = YearMonth.parse(text)
        except ValueError as error:
            raise InputFileError(
                table.path, record.line, "year_month", f"{text!r} is not a month written YYYY-MM"
            ) from error
        # Every outcome counts (SB, NND, HIE, …), as in NHS England's code (docs/rules/surveillance.md §1.6).
        events[(site_code, month)] += _whole_number(table, record, "event_count")
    return dict(events)


def _read_denominators(path: Path) -> dict[tuple[str, int], float]:
    table = _read_table(
        path,
        required=("Site_Code", "Period", "Term_Births", "Year"),
        optional=("Term_Live_Births",),
    )
    counts = []
    for record in table.records:
        site_code = _text(table, record, "Site_Code")
        _date(table, record, "Period", uk_format=True)  # validated, otherwise unused (docs/rules/surveillance.md §1.6)
        counts.append(
            MonthlyCounts(
                site_code=site_code,
                year=_year(table, record, "Year"),
                term_births=_number(table, record, "Term_Births", minimum=0),
            )
        )
    return denominators(counts)


@dataclass(frozen=True)
class ReferenceRateRow:
    """One row of NHS England's ``MOSS_Ref_Rate.csv`` (docs/rules/surveillance.md §1.6), as read and checked.

    ``site_code`` is empty when the row applies to every site (a file without a ``Site_Code``
    column, or a row that leaves it empty). ``events``, ``denom`` and ``source`` are kept as
    written: they are informational and never a reason to refuse the file.
    """

    line: int
    site_code: str
    period: str
    first_year: int
    last_year: int
    rate: float
    events: str = ""
    denom: str = ""
    source: str = ""

    @property
    def year(self) -> int:
        """The year of the events the rate is used for: the period's last year + 1."""
        return self.last_year + 1


def read_reference_rate_rows(path: Path) -> tuple[ReferenceRateRow, ...]:
    """Read and check a reference-rates file; :class:`InputFileError` names file, line and column.

    The one reader of this format: ``perinatal moss`` and ``perinatal load_reference_rates`` both
    use it. A second rate for the same site (or all sites) and period is refused.
    """
    table = _read_table(path, required=("Year", "Ref_Rate"), optional=("Site_Code", "Events", "Denom", "Source"))
    rows: list[ReferenceRateRow] = []
    first_line: dict[tuple[str, int], int] = {}
    for record in table.records:
        text = _text(table, record, "Year")
        period = _REFERENCE_PERIOD.fullmatch(text)
        if period is None or int(period.group(2)) - int(period.group(1)) != _REFERENCE_PERIOD_YEARS - 1:
            raise InputFileError(
                table.path,
                record.line,
                "Year",
                f"{text!r} is not a 3-year period written YYYY-YYYY (e.g. 2022-2024)",
            )
        # Used as given, as NHS England's code joins it; Events and Denom are not checked
        # (docs/rules/surveillance.md §1.6).
        rate = _number(table, record, "Ref_Rate", minimum=0)
        site_code = record.fields.get("Site_Code", "")
        key = (site_code, int(period.group(2)))
        if key in first_line:
            where = f"site {site_code}" if site_code else "all sites"
            raise InputFileError(
                table.path,
                record.line,
                "Year",
                f"a second rate for {where} and {text} (the first is on line {first_line[key]})",
            )
        first_line[key] = record.line
        rows.append(
            ReferenceRateRow(
                line=record.line,
                site_code=site_code,
                period=text,
                first_year=int(period.group(1)),
                last_year=int(period.group(2)),
                rate=rate,
                events=record.fields.get("Events", ""),
                denom=record.fields.get("Denom", ""),
                source=record.fields.get("Source", ""),
            )
        )
    return tuple(rows)


def reference_rates_of(rows: Iterable[ReferenceRateRow]) -> ReferenceRates:
    """Rows as the library's rates: a row without a site applies to every site (docs/rules/surveillance.md §1.6)."""
    national: dict[int, float] = {}
    per_site: dict[tuple[str, int], float] = {}
    for row in rows:
        if row.site_code:
            per_site[(row.site_code, row.year)] = row.rate
        else:
            national[row.year] = row.rate
    return ReferenceRates(national=national, per_site=per_site)


def _read_reference_rates(path: Path) -> ReferenceRates:
    return reference_rates_of(read_reference_rate_rows(path))


def _read_sites(path: Path) -> dict[str, tuple[str, str]]:
    table = _read_table(path, required=("Site_Code", "Site_Name"), optional=("Trust_Code", "Trust_Name"))
    sites: dict[str, tuple[str, str]] = {}
    lines: dict[str, int] = {}
    for record in table.records:
        site_code = _text(table, record, "Site_Code")
        if site_code in sites:
            raise InputFileError(
                table.path,
                record.line,
                "Site_Code",
                f"{site_code} is also on line {lines[site_code]}",
            )
        lines[site_code] = record.line
        sites[site_code] = (record.fields.get("Site_Name", ""), record.fields.get("Trust_Name", ""))
    return sites


def moss_from_files(
    *,
    events_path: Path,
    births_path: Path,
    reference_rates_path: Path,
    sites_path: Path | None = None,
) -> AnalystOutput:
    """``perinatal moss``: NHS England's MOSS files in, one row per site and evaluated month out.

    Rows are ordered by site then month (docs/rules/surveillance.md §1.6). Site-years without a denominator for Y − 1
    or a reference rate, whose design fails, or whose IC rounds to 0.00 ("too few births
    to monitor") are left out and described in ``warnings``.
    """
    events = _read_events(events_path)
    site_denominators = _read_denominators(births_path)
    rates = _read_reference_rates(reference_rates_path)
    sites = _read_sites(sites_path) if sites_path is not None else None
    run = run_moss(events=events, denominators=site_denominators, reference_rates=rates)
    columns = MOSS_COLUMNS + (MOSS_SITE_NAME_COLUMNS if sites is not None else ())
    rows = []
    for row in run.rows:
        values: dict[str, object] = {
            "site_code": row.site_code,
            "month": str(row.month),
            "events": row.events,
            "expected": row.expected,
            "k": row.k,
            "h1": row.h1,
            "h2": row.h2,
            "cusum": row.cusum,
            "level": row.level,
            "reset": row.reset,
        }
        if sites is not None:
            values["site_name"], values["trust_name"] = sites.get(row.site_code, ("", ""))
        rows.append(values)
    warnings = []
    for skipped in run.skipped:
        name = sites.get(skipped.site_code, ("", ""))[0] if sites is not None else ""
        label = f"{skipped.site_code} ({name})" if name else skipped.site_code
        consequence = (
            "listed as too few births to monitor" if skipped.reason == SKIP_TOO_FEW_BIRTHS else "not monitored"
        )
        warnings.append(f"site {label}, {skipped.year}: {skipped.message}; {consequence}")
    return AnalystOutput(
        columns=columns,
        rows=tuple(rows),
        summary={"method": METHOD},
        warnings=tuple(warnings),
    )


# --- perinatal spc ---------------------------------------------------------------------------------------


def _as_date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"the rebase date {value!r} is not written YYYY-MM-DD")
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def spc_from_file(
    *,
    path: Path,
    improvement: str = IMPROVEMENT_INCREASE,
    target: float | None = None,
    fix_after: int | None = None,
    rebase: Iterable[date | str] = (),
    screen_outliers: bool = True,
) -> AnalystOutput:
    """``perinatal spc``: a ``date,value`` file in, the XmR chart's points out (docs/rules/surveillance.md §2).

    The JSON form adds the variation and assurance icons, whether any segment has trial
    limits, and each segment's limits.
    """
    table = _read_table(path, required=("date", "value"))
    points = []
    lines: dict[date, int] = {}
    for record in table.records:
        day = _date(table, record, "date")
        if day in lines:
            raise InputFileError(table.path, record.line, "date", f"{day.isoformat()} is also on line {lines[day]}")
        lines[day] = record.line
        points.append(SpcPoint(date=day, value=_number(table, record, "value")))
    if not points:
        raise InputFileError(table.path, None, None, "has no rows of data")
    chart = xmr_chart(
        points=points,
        improvement=improvement,
        target=target,
        fix_after_n_points=fix_after,
        rebase_dates=[_as_date(value) for value in rebase],
        screen_outliers=screen_outliers,
    )
    rows = tuple(
        {
            "date": point.date.isoformat(),
            "value": point.value,
            "mean": point.mean,
            "lpl": point.lpl,
            "upl": point.upl,
            "special_cause": point.special_cause,
            "point_type": point.point_type,
        }
        for point in chart.points
    )
    summary = {
        "improvement": chart.improvement,
        "target": chart.target,
        "variation": chart.variation,
        "assurance": chart.assurance,
        "trial_limits": chart.trial_limits,
        "segments": [
            {
                "start": segment.start.isoformat(),
                "end": segment.end.isoformat(),
                "points": segment.points,
                "baseline_points": segment.baseline_points,
                "mean": segment.limits.mean,
                "lpl": segment.limits.lpl,
                "upl": segment.limits.upl,
                "near_lpl": segment.limits.nlpl,
                "near_upl": segment.limits.nupl,
                "trial_limits": segment.trial_limits,
            }
            for segment in chart.segments
        ],
    }
    return AnalystOutput(columns=SPC_COLUMNS, rows=rows, summary=summary)


# --- perinatal funnel -----------------------------------------------------------------------------------


def funnel_from_file(
    *,
    path: Path,
    funnel_type: str = FUNNEL_PROPORTION,
    overdispersion: bool = False,
    target: float | None = None,
) -> AnalystOutput:
    """``perinatal funnel``: a ``group,numerator,denominator`` file in, limits and outliers out
    (docs/rules/surveillance.md §3).

    Rows of the same group are summed; groups keep the order in which they first appear.
    For proportions both counts are whole numbers and numerator ≤ denominator on every row;
    for ratios the numerator is observed and the denominator expected events.
    """
    if funnel_type not in (FUNNEL_PROPORTION, FUNNEL_RATIO):
        raise ValueError(f"the funnel type must be proportion or ratio, not {funnel_type!r}")
    table = _read_table(path, required=("group", "numerator", "denominator"))
    rows: list[tuple[str, float, float]] = []
    first_line: dict[str, int] = {}
    for record in table.records:
        group = _text(table, record, "group")
        if funnel_type == FUNNEL_PROPORTION:
            numerator: float = _whole_number(table, record, "numerator")
            denominator: float = _whole_number(table, record, "denominator")
            if numerator > denominator:
                raise InputFileError(table.path, record.line, "numerator", "is more than the denominator")
        else:
            numerator = _number(table, record, "numerator", minimum=0)
            denominator = _number(table, record, "denominator", minimum=0)
        first_line.setdefault(group, record.line)
        rows.append((group, numerator, denominator))
    groups = aggregate_groups(rows)
    if not groups:
        raise InputFileError(table.path, None, None, "has no rows of data")
    for group in groups:
        if group.denominator <= 0:
            raise InputFileError(
                table.path, first_line[group.group], "denominator", f"group {group.group!r} adds up to 0"
            )
    plot = funnel_plot(groups=groups, kind=funnel_type, target=target, overdispersion=overdispersion)
    output_rows = tuple(
        {
            "group": point.group,
            "numerator": point.numerator,
            "denominator": point.denominator,
            "value": point.value,
            "lower_95": point.limits.lower_95,
            "upper_95": point.limits.upper_95,
            "lower_998": point.limits.lower_998,
            "upper_998": point.limits.upper_998,
            "outlier_95": int(point.outlier_95),
            "outlier_998": int(point.outlier_998),
        }
        for point in plot.points
    )
    estimate = plot.overdispersion
    summary = {
        "type": plot.kind,
        "target": plot.target,
        "overdispersion_requested": overdispersion,
        "overdispersion_adjusted": plot.adjusted,
        "phi": estimate.phi if estimate is not None else None,
        "tau2": estimate.tau2 if estimate is not None else None,
        "groups_in_estimate": estimate.groups_used if estimate is not None else None,
    }
    return AnalystOutput(columns=FUNNEL_COLUMNS, rows=output_rows, summary=summary)


# --- printing ---------------------------------------------------------------------------------------------


def format_number(value: int | float) -> str:
    """The shortest decimal that reads back as the same number: ``1.4``, ``0.14162380252``, ``2``."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"{value} cannot be printed as a number")
    if value == int(value) and abs(value) < _LARGEST_PLAIN_INTEGER:
        return str(int(value))
    return repr(value)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value)


def format_csv(output: AnalystOutput) -> str:
    """The rows as CSV with a header, ``\\n`` line endings, numbers unrounded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(output.columns)
    for row in output.rows:
        writer.writerow([_cell(row.get(column)) for column in output.columns])
    return buffer.getvalue()


def _json_value(value: object) -> object:
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} cannot be written as JSON")
        # json writes floats with repr, which is already the shortest round-trip form.
        return int(value) if value == int(value) and abs(value) < _LARGEST_PLAIN_INTEGER else value
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    return str(value)


def format_json(output: AnalystOutput) -> str:
    """``{"rows": [...], ...summary}`` with numbers unrounded; warnings are not included."""
    document = {
        "rows": [{column: row.get(column) for column in output.columns} for row in output.rows],
        **output.summary,
    }
    return json.dumps(_json_value(document), indent=2, ensure_ascii=False) + "\n"
