"""Page shaping for improvement cases: words, tags, the sortable case list and a case's page.

The case list's figures are the export's rows (`selectors.listing.case_list_rows`, built by
`transfer.export_rows`), so the page and ``perinatal improvement export`` cannot disagree
(docs/rules/improvement.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.urls import reverse

from perinatal.core.formatting import long_date, month_and_year
from perinatal.dashboard.metrics.definitions import metric_by_id
from perinatal.improvement import clocks as c
from perinatal.improvement.models import (
    ActionStatus,
    Case,
    Concern,
    CriterionResult,
    EscalationLevel,
    MeetingKind,
    PersonRole,
    Rag,
    ReviewOutcome,
)
from perinatal.improvement.selectors.listing import CaseListRow
from perinatal.improvement.transfer import ExportRow

STAGE_WORDS = {
    c.STAGE_DIAGNOSTIC: "Diagnostic",
    c.STAGE_PLANNING: "Planning",
    c.STAGE_IMPROVEMENT: "Improvement",
    c.STAGE_EXITED: "Exited",
}
DIAGNOSTIC_WORDS = {
    c.OVERDUE: "Overdue",
    c.DUE_SOON: "Due soon",
    c.ON_TRACK: "On track",
    c.COMPLETED_LATE: "Completed late",
    c.COMPLETED_ON_TIME: "Completed on time",
}
DIAGNOSTIC_TAGS = {
    c.OVERDUE: "nhsuk-tag--red",
    c.DUE_SOON: "nhsuk-tag--yellow",
    c.ON_TRACK: "nhsuk-tag--blue",
    c.COMPLETED_LATE: "nhsuk-tag--orange",
    c.COMPLETED_ON_TIME: "nhsuk-tag--green",
}
LEVEL_WORDS = {c.LEVEL_TRUST: "Trust (not escalated)", **{level.value: level.label for level in EscalationLevel}}
RAG_TAGS = {Rag.RED: "nhsuk-tag--red", Rag.AMBER: "nhsuk-tag--orange", Rag.GREEN: "nhsuk-tag--green"}


@dataclass(frozen=True)
class Tag:
    text: str
    tag_class: str


def diagnostic_tag(status: str) -> Tag:
    return Tag(DIAGNOSTIC_WORDS[status], DIAGNOSTIC_TAGS[status])


def rag_tag(rag: str) -> Tag:
    return Tag(Rag(rag).label, RAG_TAGS[rag]) if rag else Tag("Not rated", "nhsuk-tag--grey")


# --- the case list --------------------------------------------------------------------------------

#: The list's columns: (key, heading, numeric). The keys are the export's columns.
LIST_COLUMNS = (
    ("case_id", "Case", False),
    ("trust_code", "Trust", False),
    ("region_code", "Region", False),
    ("stage", "Stage", False),
    ("identified_on", "Identified", False),
    ("diagnostic_due_on", "Diagnostic due", False),
    ("diagnostic_status", "Diagnostic", False),
    ("plan_agreed_on", "Plan agreed", False),
    ("executive_meetings_missed", "Executive meetings missed", True),
    ("quarterly_reviews_missed", "Reviews missed", True),
    ("escalation_level", "Escalation", False),
    ("exited_on", "Exited", False),
)
SORT_PRIORITY = "priority"
_DIAGNOSTIC_RANK = {c.OVERDUE: 0, c.DUE_SOON: 1, c.ON_TRACK: 2, c.COMPLETED_LATE: 3, c.COMPLETED_ON_TIME: 3}
FILTERS = ("stage", "diagnostic_status", "escalation_level", "region_code")


def _priority(row: ExportRow) -> tuple:
    """Overdue diagnostics first, then due soon; then the most missed meetings, the highest escalation."""
    return (
        _DIAGNOSTIC_RANK[row.diagnostic_status],
        -row.executive_meetings_missed,
        -row.quarterly_reviews_missed,
        -c.LEVELS.index(row.escalation_level),
        row.case_id,
    )


def _column_key(column: str):
    def key(row: ExportRow) -> tuple:
        value = getattr(row, column)
        if column == "escalation_level":
            value = c.LEVELS.index(value)
        elif column == "stage":
            value = c.STAGES.index(value)
        elif column == "diagnostic_status":
            value = _DIAGNOSTIC_RANK[value]
        # An empty date sorts after every date, whichever the direction.
        return (value is None, value if value is not None else date.min, row.case_id)

    return key


@dataclass(frozen=True)
class Heading:
    text: str
    href: str
    numeric: bool
    aria_sort: str  # "ascending", "descending" or "none"


@dataclass(frozen=True)
class CaseList:
    rows: list[CaseListRow]
    headings: list[Heading]
    filters: dict[str, str]
    choices: dict[str, list[tuple[str, str]]]
    sort: str
    direction: str
    total: int


def case_list(rows: list[CaseListRow], query) -> CaseList:
    """Filter and sort the rows by the query string (``sort``, ``dir``, and the `FILTERS`)."""
    filters = {name: (query.get(name) or "").strip() for name in FILTERS}
    choices = {
        "stage": [(stage, STAGE_WORDS[stage]) for stage in c.STAGES],
        "diagnostic_status": [(status, DIAGNOSTIC_WORDS[status]) for status in DIAGNOSTIC_WORDS],
        "escalation_level": [(level, LEVEL_WORDS[level]) for level in c.LEVELS],
        "region_code": [(code, code) for code in sorted({row.row.region_code for row in rows if row.row.region_code})],
    }
    shown = [
        row
        for row in rows
        if all(not wanted or str(getattr(row.row, name)) == wanted for name, wanted in filters.items())
    ]
    sort = query.get("sort") or SORT_PRIORITY
    if sort not in {key for key, _heading, _numeric in LIST_COLUMNS}:
        sort = SORT_PRIORITY
    direction = "desc" if query.get("dir") == "desc" else "asc"
    if sort == SORT_PRIORITY:
        shown.sort(key=lambda row: _priority(row.row))
    else:
        key = _column_key(sort)
        shown.sort(key=lambda row: key(row.row), reverse=direction == "desc")
        if direction == "desc":  # keep empty values last
            shown.sort(key=lambda row: getattr(row.row, sort) is None)
    kept = {name: value for name, value in filters.items() if value}
    headings = []
    for key, heading, numeric in LIST_COLUMNS:
        current = key == sort
        next_direction = "desc" if current and direction == "asc" else "asc"
        href = "?" + urlencode({**kept, "sort": key, "dir": next_direction})
        aria = ("ascending" if direction == "asc" else "descending") if current else "none"
        headings.append(Heading(heading, href, numeric, aria))
    return CaseList(shown, headings, filters, choices, sort, direction, len(rows))


def list_cells(row: ExportRow) -> dict[str, object]:
    """The export's values as the page shows them: dates in words, codes in words, counts as numbers."""
    return {
        "stage": STAGE_WORDS[row.stage],
        "identified_on": long_date(row.identified_on),
        "diagnostic_due_on": long_date(row.diagnostic_due_on),
        "diagnostic": diagnostic_tag(row.diagnostic_status),
        "plan_agreed_on": long_date(row.plan_agreed_on) or "Not yet",
        "executive_meetings_missed": row.executive_meetings_missed,
        "quarterly_reviews_missed": row.quarterly_reviews_missed,
        "escalation_level": LEVEL_WORDS[row.escalation_level],
        "exited_on": long_date(row.exited_on) or "",
    }


# --- a case's page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    text: str
    href: str = ""


def concern_evidence(concern: Concern) -> list[Evidence]:
    """The evidence a concern links, each with a link into the platform where there is a page."""
    evidence = []
    if concern.signal_id:
        signal = concern.signal
        evidence.append(
            Evidence(
                f"MOSS level {signal.level} signal at {signal.site.code} in {month_and_year(signal.month)}",
                reverse("surveillance:site", args=[signal.site.code]),
            )
        )
    if concern.safety_check_id:
        check = concern.safety_check
        evidence.append(
            Evidence(
                f"Critical safety check {check.reference} at {check.site.code}, due {long_date(check.due_on)}",
                reverse("surveillance:check", args=[check.pk]),
            )
        )
    if concern.metric_id:
        try:
            title = metric_by_id(concern.metric_id).title
        except KeyError:
            title = concern.metric_id
        organisation = concern.metric_organisation
        evidence.append(
            Evidence(
                f"{title}, {organisation.display_name if organisation else ''}, {month_and_year(concern.metric_month)}",
                reverse("dashboard:trust", args=[organisation.code])
                if organisation is not None and organisation.kind == "trust"
                else "",
            )
        )
    if concern.mnsi_case_id:
        evidence.append(Evidence(f"MNSI case {concern.mnsi_case.body_reference}"))
    if concern.cqc_rating or concern.cqc_warning_notice:
        words = [f"CQC rating: {concern.get_cqc_rating_display()}"] if concern.cqc_rating else []
        if concern.cqc_warning_notice:
            words.append("CQC warning notice")
        if concern.cqc_published_on:
            words.append(f"published {long_date(concern.cqc_published_on)}")
        evidence.append(Evidence(", ".join(words)))
    if concern.document:
        evidence.append(Evidence(f"Document: {concern.document}"))
    return evidence


def suggestion_evidence(suggestion) -> list[Evidence]:
    """A suggested concern's evidence, shown as a recorded concern's is."""
    evidence = suggestion.evidence
    concern = Concern(
        trust=suggestion.trust,
        signal=evidence.get("signal"),
        safety_check=evidence.get("safety_check"),
        metric_id=evidence.get("metric_id", ""),
        metric_organisation=suggestion.trust if evidence.get("metric_id") else None,
        metric_month=evidence.get("metric_month"),
    )
    return concern_evidence(concern)


def missed_words(clocks: c.CaseClocks) -> tuple[str, str]:
    """The missed months and quarters in words: "April 2026, June 2026"; "April to June 2026"."""
    months = ", ".join(month_and_year(month.first_day) for month in clocks.executive_months_missed)
    quarters = ", ".join(quarter_words(quarter) for quarter in clocks.review_quarters_missed)
    return months, quarters


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    what: str


def _who(row) -> str:
    return row.recorded_by.display_name if row.recorded_by_id and row.recorded_by else row.recorded_by_label


def history(case: Case) -> list[HistoryEntry]:
    """Every row of the case with who wrote it and when, newest first (nothing is overwritten)."""
    entries: list[HistoryEntry] = [
        HistoryEntry(
            case.recorded_at,
            _who(case),
            "Case opened" if not case.imported else "Case moved from the previous programme",
        )
    ]

    def add(rows, words):
        for row in rows:
            entries.append(HistoryEntry(row.recorded_at, _who(row), words(row)))

    add(
        case.triage_decisions.select_related("recorded_by", "concern"),
        lambda r: f"Concern {r.concern_id} triaged: {r.get_decision_display().split(':')[0].lower()}",
    )
    add(case.people.select_related("recorded_by"), lambda r: f"{PersonRole(r.role).label} added: {r.name}")
    add(
        [person.end for person in case.people.filter(end__isnull=False).select_related("end__recorded_by")],
        lambda r: f"{r.person.name} no longer in their role from {long_date(r.ended_on)}",
    )
    add(
        case.diagnostic_records.select_related("recorded_by"),
        lambda r: (
            "Diagnostic dates recorded: "
            + ", ".join(
                part
                for part in (
                    f"started {long_date(r.started_on)}" if r.started_on else "",
                    f"completed {long_date(r.completed_on)}" if r.completed_on else "not completed",
                )
                if part
            )
        ),
    )
    add(
        case.diagnostic_findings.select_related("recorded_by"),
        lambda r: f"Diagnostic findings recorded: {r.domain.replace('_', ' ')}",
    )
    add(
        case.plan_versions.select_related("recorded_by"),
        lambda r: f"Plan version {r.number} agreed on {long_date(r.agreed_on)}",
    )
    add(case.plan_actions.select_related("recorded_by"), lambda r: f"Action {r.number} added")
    for action in case.plan_actions.prefetch_related("updates__recorded_by"):
        add(
            action.updates.all(),
            lambda r, n=action.number: f"Action {n}: {ActionStatus(r.status).label.lower()}, {r.rag}",
        )
    add(
        case.feedback.select_related("recorded_by"),
        lambda r: f"Service-user feedback recorded (heard {long_date(r.heard_on)})",
    )
    for item in case.feedback.prefetch_related("responses__recorded_by"):
        add(item.responses.all(), lambda r: "Response to service-user feedback recorded")
    add(
        case.meetings.select_related("recorded_by"),
        lambda r: f"{MeetingKind(r.kind).label} of {long_date(r.held_on)} recorded",
    )
    for escalation in case.escalations.select_related("recorded_by"):
        add([escalation], lambda r: f"Escalated to {EscalationLevel(r.level).label} on {long_date(r.escalated_on)}")
        add(escalation.responses.select_related("recorded_by"), lambda r: "Response to an escalation recorded")
        if hasattr(escalation, "deescalation"):
            add([escalation.deescalation], lambda r: f"De-escalated on {long_date(r.deescalated_on)}")
    add(case.exit_criteria.select_related("recorded_by"), lambda r: f"Exit criteria version {r.number} agreed")
    add(
        case.exit_assessments.select_related("recorded_by"),
        lambda r: f"Exit assessed: {r.get_recommendation_display().lower()}",
    )
    add(
        case.exit_decisions.select_related("recorded_by"),
        lambda r: f"National decision: {r.get_decision_display().lower()}",
    )
    if hasattr(case, "exit"):
        add([case.exit], lambda r: f"Formal exit on {long_date(r.exited_on)}")
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


@dataclass
class Assessment:
    assessed_on: date
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # criterion, result in words, evidence
    recommendation: str = ""
    note: str = ""


def assessment_rows(assessment) -> Assessment:
    return Assessment(
        assessment.assessed_on,
        [(row["criterion"], CriterionResult(row["result"]).label, row["evidence"]) for row in assessment.results],
        assessment.get_recommendation_display(),
        assessment.note,
    )


def linked_metric_words(linked: str) -> str:
    """A dashboard metric id as its title; any other data item as written."""
    try:
        return metric_by_id(linked).title
    except KeyError:
        return linked


def quarter_words(quarter) -> str:
    """``April to June 2026``."""
    return f"{month_and_year(quarter.first_day).split()[0]} to {month_and_year(quarter.last_day)}"


def outcome_words(outcome: str) -> str:
    return ReviewOutcome(outcome).label if outcome else ""
