"""Page shaping for outcome signals: tables, charts and words built from stored MOSS results.

The MOSS table on a site's page has the columns ``perinatal moss`` prints, rounded for people by
the one display formatter (:func:`perinatal.core.formatting.decimal`, as the charts' tables and
the page's summary are); the table's CSV download is the command's own output, unrounded
(docs/rules/surveillance.md §1, "Output"), written by the very function the command uses.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from perinatal.charts.cusum import excess_events_chart, moss_cusum_chart
from perinatal.charts.frame import Chart
from perinatal.core import clock
from perinatal.core.formatting import decimal, long_date, month_and_year
from perinatal.stats.funnel import FunnelPlot
from perinatal.stats.months import YearMonth
from perinatal.stats.moss import REFERENCE_YEARS, MonthRate, MossRow, excess_events
from perinatal.stats.spc import SpcChart
from perinatal.surveillance.analyst_files import (
    FUNNEL_COLUMNS,
    MOSS_COLUMNS,
    SPC_COLUMNS,
    AnalystOutput,
    format_csv,
)
from perinatal.surveillance.models import (
    CriticalSafetyCheck,
    ReviewArea,
    SafetyCheckAction,
    SafetyCheckActionUpdate,
    SiteMonthResult,
)
from perinatal.surveillance.selectors.safety_checks import actions_of_checks

MOSS_HEADINGS = {
    "site_code": "Site",
    "month": "Month",
    "events": "Events",
    "expected": "Expected (IC)",
    "k": "k",
    "h1": "Level 1 threshold (h1)",
    "h2": "Level 2 threshold (h2)",
    "cusum": "CUSUM",
    "level": "Level",
    "reset": "Restarted",
}
NUMERIC_MOSS_COLUMNS = frozenset({"events", "expected", "k", "h1", "h2", "cusum", "level"})


# --- the MOSS table: the command's CSV, cell for cell -----------------------------------------------


def moss_row(result: SiteMonthResult) -> MossRow:
    """A stored result as the library's row (what ``perinatal moss`` computes and prints)."""
    return MossRow(
        site_code=result.site.code,
        month=YearMonth.of(result.month),
        events=result.events,
        expected=result.expected,
        k=result.k,
        h1=result.h1,
        h2=result.h2,
        cusum=result.cusum,
        level=result.level,
        reset=result.reset,
        method=result.method,
    )


def moss_output(rows: list[MossRow]) -> AnalystOutput:
    """Rows in the shape ``moss_from_files`` returns, for the same formatter."""
    return AnalystOutput(
        columns=MOSS_COLUMNS,
        rows=tuple(
            {
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
            for row in rows
        ),
    )


def moss_csv(rows: list[MossRow]) -> str:
    return format_csv(moss_output(rows))


@dataclass(frozen=True)
class TextTable:
    """A table of already formatted text: header cells, rows, which columns are numeric."""

    caption: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


def csv_table(*, text: str, caption: str, headings: dict[str, str], numeric_columns: frozenset[str]) -> TextTable:
    """A page table whose cells are exactly the cells of a command's CSV output."""
    records = list(csv.reader(io.StringIO(text)))
    columns = records[0]
    return TextTable(
        caption=caption,
        headings=tuple(headings.get(column, column) for column in columns),
        rows=tuple(tuple(record) for record in records[1:]),
        numeric=tuple(column in numeric_columns for column in columns),
    )


def moss_table(*, rows: list[MossRow], caption: str) -> TextTable:
    """The command's columns for people: months in words, counts as whole numbers, measures
    rounded by :func:`decimal` (the CSV download keeps them unrounded)."""
    columns = MOSS_COLUMNS
    return TextTable(
        caption=caption,
        headings=tuple(MOSS_HEADINGS.get(column, column) for column in columns),
        rows=tuple(
            (
                row.site_code,
                month_and_year(row.month.first_day),
                f"{row.events:,}",
                decimal(row.expected),
                decimal(row.k),
                decimal(row.h1),
                decimal(row.h2),
                decimal(row.cusum),
                str(row.level),
                "Yes" if row.reset else "No",
            )
            for row in rows
        ),
        numeric=tuple(column in NUMERIC_MOSS_COLUMNS for column in columns),
    )


def spc_table(*, chart: SpcChart, caption: str) -> TextTable:
    """An SPC chart's points as ``perinatal spc`` prints them (for pages that show XmR charts)."""
    output = AnalystOutput(
        columns=SPC_COLUMNS,
        rows=tuple(
            {
                "date": p.date.isoformat(),
                "value": p.value,
                "mean": p.mean,
                "lpl": p.lpl,
                "upl": p.upl,
                "special_cause": p.special_cause,
                "point_type": p.point_type,
            }
            for p in chart.points
        ),
    )
    return csv_table(
        text=format_csv(output),
        caption=caption,
        headings={},
        numeric_columns=frozenset({"value", "mean", "lpl", "upl"}),
    )


def funnel_table(*, plot: FunnelPlot, caption: str) -> TextTable:
    """A funnel plot's groups as ``perinatal funnel`` prints them (for pages that show funnel plots)."""
    output = AnalystOutput(
        columns=FUNNEL_COLUMNS,
        rows=tuple(
            {
                "group": p.group,
                "numerator": p.numerator,
                "denominator": p.denominator,
                "value": p.value,
                "lower_95": p.limits.lower_95,
                "upper_95": p.limits.upper_95,
                "lower_998": p.limits.lower_998,
                "upper_998": p.limits.upper_998,
                "outlier_95": int(p.outlier_95),
                "outlier_998": int(p.outlier_998),
            }
            for p in plot.points
        ),
    )
    return csv_table(
        text=format_csv(output), caption=caption, headings={}, numeric_columns=frozenset(FUNNEL_COLUMNS) - {"group"}
    )


# --- a site's page ------------------------------------------------------------------------------------


def cusum_chart(*, rows: list[MossRow], site_label: str) -> Chart:
    return moss_cusum_chart(rows=rows, subject=site_label, chart_id="moss-cusum")


def excess_chart(*, results: list[SiteMonthResult], daily_events: dict[date, int], site_label: str) -> Chart:
    """The excess-events chart over the site's evaluated months (docs/rules/surveillance.md §1.4)."""
    months = [
        MonthRate(
            month=YearMonth.of(result.month), denominator=result.denominator, reference_rate=result.reference_rate
        )
        for result in results
    ]
    days = excess_events(months=months, daily_events=daily_events)
    return excess_events_chart(days=days, subject=site_label, chart_id="moss-excess")


def per_thousand(rate: float) -> str:
    """A rate per term birth as "3.1" (per 1,000), to 2 decimal places without trailing zeros."""
    return decimal(rate * 1000, trim=True)


def reference_rate_words(result: SiteMonthResult) -> str:
    """Which reference rate a site-year used, and where it came from (docs/rules/surveillance.md §1.1).

    Read from the stored result (a ``select_related("loaded_reference_rate__upload")`` one), so
    the page says what the run used even after newer rates are loaded.
    """
    year = result.month.year
    period = f"{year - REFERENCE_YEARS}–{year - 1}"
    rate = f"{per_thousand(result.reference_rate)} per 1,000 term births, {period}"
    loaded = result.loaded_reference_rate
    if result.reference_source == SiteMonthResult.ReferenceSource.NATIONAL or loaded is None:
        return f"National rate {rate} (all sites' births data)"
    which = "Site rate" if result.reference_source == SiteMonthResult.ReferenceSource.SITE else "Rate for all sites"
    source = f"; source: {loaded.source}" if loaded.source else ""
    return (
        f"{which} {rate}, loaded from {loaded.upload.filename} on "
        f"{long_date(clock.london(loaded.upload.loaded_at))}{source}"
    )


@dataclass(frozen=True)
class NotifiedMonth:
    month: date
    births_data_events: int
    notified: int
    missing: int


def notified_by_month(*, results: list[SiteMonthResult], deaths) -> list[NotifiedMonth]:
    """Per evaluated month: events in the births data beside notified term deaths, and how many are missing."""
    by_month: dict[date, list] = {}
    for death in deaths:
        by_month.setdefault(death.month, []).append(death)
    rows = []
    for result in results:
        notified = by_month.get(result.month, [])
        rows.append(
            NotifiedMonth(
                month=result.month,
                births_data_events=result.events,
                notified=len(notified),
                missing=sum(1 for death in notified if not death.in_births_data),
            )
        )
    return [row for row in rows if row.notified or row.births_data_events]


# --- safety checks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckStatus:
    text: str
    tag_class: str


def check_status(check: CriticalSafetyCheck, *, today: date) -> CheckStatus:
    """Open / overdue / completed (late), as a tag."""
    if check.is_open:
        if check.is_overdue_on(today):
            return CheckStatus("Overdue", "nhsuk-tag--red")
        return CheckStatus("Open", "nhsuk-tag--blue")
    if check.was_completed_late():
        return CheckStatus("Completed late", "nhsuk-tag--orange")
    return CheckStatus("Completed", "nhsuk-tag--green")


def due_words(check: CriticalSafetyCheck, *, today: date) -> str:
    if not check.is_open:
        return f"Was due {long_date(check.due_on)}"
    days = (check.due_on - today).days
    if days < 0:
        return f"Was due {long_date(check.due_on)} ({-days} day{'s' if days != -1 else ''} overdue)"
    if days == 0:
        return f"Due today, {long_date(check.due_on)}"
    return f"Due {long_date(check.due_on)}"


@dataclass(frozen=True)
class AreaFindings:
    area: str
    label: str
    finding: object | None  # SafetyCheckFinding


def areas_with_findings(latest: dict[str, object]) -> list[AreaFindings]:
    return [AreaFindings(area=area.value, label=area.label, finding=latest.get(area.value)) for area in ReviewArea]


# --- a check's actions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionState:
    """An action as the check page shows it: its current status, whether overdue, and its history."""

    action: SafetyCheckAction
    number: int
    updates: tuple  # SafetyCheckActionUpdate rows, oldest first
    overdue: bool

    @property
    def latest(self) -> SafetyCheckActionUpdate | None:
        return self.updates[-1] if self.updates else None

    @property
    def is_done(self) -> bool:
        return self.latest is not None and self.latest.status == SafetyCheckActionUpdate.Status.DONE

    @property
    def history(self) -> list[tuple[SafetyCheckActionUpdate, str]]:
        """Each update with what it did: marked done, progress noted, opened again, noted again as done."""
        entries = []
        was_done = False
        for update in self.updates:
            done = update.status == SafetyCheckActionUpdate.Status.DONE
            if done:
                words = "noted again as done" if was_done else "marked done"
            else:
                words = "opened again" if was_done else "progress noted"
            entries.append((update, words))
            was_done = done
        return entries

    @property
    def history_newest_first(self) -> list[tuple[SafetyCheckActionUpdate, str]]:
        """The history as the pages show every history: newest first (:func:`check_history`)."""
        return self.history[::-1]

    @property
    def status(self) -> CheckStatus:
        if self.is_done:
            return CheckStatus("Done", "nhsuk-tag--green")
        if self.overdue:
            return CheckStatus("Overdue", "nhsuk-tag--red")
        return CheckStatus("Open", "nhsuk-tag--blue")


def action_states(actions: list[SafetyCheckAction], *, today: date) -> list[ActionState]:
    """Actions (from ``selectors.safety_checks.actions_with_updates``) numbered in the order they were added.

    Overdue: not done and its due date has passed (the due date itself is still in time, as for checks).
    """
    states = []
    for number, action in enumerate(actions, start=1):
        updates = tuple(sorted(action.updates.all(), key=lambda update: (update.at, update.id)))
        done = bool(updates) and updates[-1].status == SafetyCheckActionUpdate.Status.DONE
        states.append(
            ActionState(action=action, number=number, updates=updates, overdue=not done and today > action.due_on)
        )
    return states


@dataclass(frozen=True)
class ActionCounts:
    total: int
    open: int
    overdue: int

    @property
    def words(self) -> str:
        if not self.total:
            return "No actions"
        parts = [f"{self.open} of {self.total} open" if self.open else f"All {self.total} done"]
        if self.overdue:
            parts.append(f"{self.overdue} overdue")
        return ", ".join(parts)


def action_counts(states: list[ActionState]) -> ActionCounts:
    return ActionCounts(
        total=len(states),
        open=sum(1 for state in states if not state.is_done),
        overdue=sum(1 for state in states if state.overdue),
    )


@dataclass(frozen=True)
class CheckRow:
    """A check in a table of checks: its status, due words and its actions' counts."""

    check: CriticalSafetyCheck
    status: CheckStatus
    due: str
    actions: ActionCounts


def check_rows(checks: list[CriticalSafetyCheck], *, today: date) -> list[CheckRow]:
    """Rows for the checks tables; open and overdue actions show, also on completed checks (ADR 0013)."""

    actions = actions_of_checks(check.pk for check in checks)
    return [
        CheckRow(
            check=check,
            status=check_status(check, today=today),
            due=due_words(check, today=today),
            actions=action_counts(action_states(actions.get(check.pk, []), today=today)),
        )
        for check in checks
    ]


# --- a check's history ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    words: str


def _who(actor, label: str) -> str:
    return actor.display_name if actor is not None else label


def _notice_words(notice) -> str:
    if notice.status == "sent":
        count = len(notice.recipients)
        return f"contacts told by {notice.backend} ({count} recipient{'s' if count != 1 else ''})"
    return f"contacts not told yet: {notice.last_error or 'waiting to send'}"


def check_history(*, check: CriticalSafetyCheck, actions: list[ActionState], notices, findings) -> list[HistoryEntry]:
    """Everything that happened to a check in one list, newest first: opened and completed, the
    contacts told, actions added and updated, findings recorded (issue 12: the page listed each
    kind in turn, so the history read out of time order).

    At the same instant, the later step of the workflow comes first (a check is opened before its
    contacts are told, in the same run).
    """
    entries: list[tuple[datetime, int, int, str]] = []
    for record in check.status_records.select_related("actor"):
        what = "opened" if record.status == CriticalSafetyCheck.Status.OPEN else "completed"
        note = f" ({record.note})" if record.note else ""
        entries.append((record.at, 0, record.pk, f"{what} by {_who(record.actor, record.actor_label)}{note}"))
    for notice in notices:
        entries.append((notice.created_at, 1, notice.pk, _notice_words(notice)))
    for finding in findings:
        entries.append(
            (
                finding.recorded_at,
                2,
                finding.pk,
                f"findings for {finding.get_area_display().lower()} recorded by {finding.recorded_by.display_name}",
            )
        )
    for state in actions:
        action = state.action
        entries.append(
            (action.recorded_at, 3, action.pk, f"action {state.number} added by {action.recorded_by.display_name}")
        )
        for update, words in state.history:
            entries.append(
                (update.at, 4, update.pk, f"action {state.number} {words} by {_who(update.actor, update.actor_label)}")
            )
    entries.sort(key=lambda entry: entry[:3], reverse=True)
    return [HistoryEntry(at=at, words=words) for at, _rank, _pk, words in entries]
