"""The improvement support part of a board report (docs/rules/board_report.md §1.8): the
trust's case as it stood on the month's last day, from the improvement selectors' summary
(docs/rules/improvement.md §1–§2)."""

from __future__ import annotations

from perinatal.core.formatting import long_date
from perinatal.improvement.models import Case
from perinatal.improvement.presenters import DIAGNOSTIC_WORDS, LEVEL_WORDS, STAGE_WORDS, missed_words, outcome_words
from perinatal.improvement.selectors.summary import case_summary
from perinatal.organisations.models import Organisation
from perinatal.reports.rules import ReportMonth


def improvement_part(*, trust: Organisation, month: ReportMonth) -> dict | None:
    """None when the trust had no case identified by the month's end."""
    case = Case.objects.filter(trust=trust, identified_on__lte=month.last_day).order_by("-identified_on", "-id").first()
    if case is None:
        return None
    summary = case_summary(case, month.last_day)
    clocks = summary.clocks
    months, quarters = missed_words(clocks)
    return {
        "case_id": summary.case_id,
        "identified_on": summary.identified_on.isoformat(),
        "stage": STAGE_WORDS[clocks.stage],
        "diagnostic": f"{DIAGNOSTIC_WORDS[clocks.diagnostic_status]} (due {long_date(clocks.diagnostic_due_on)})",
        "concerns": list(summary.concern_types),
        "plan_version": summary.plan_version,
        "plan_agreed_on": summary.plan_agreed_on.isoformat() if summary.plan_agreed_on else None,
        "actions": summary.actions,
        "actions_by_rag": {("not rated" if key == "" else key): value for key, value in summary.actions_by_rag.items()},
        "actions_completed": summary.actions_completed,
        "actions_overdue": summary.actions_overdue,
        "executive_meetings_missed": clocks.executive_meetings_missed,
        "executive_months_missed": months,
        "quarterly_reviews_missed": clocks.quarterly_reviews_missed,
        "review_quarters_missed": quarters,
        "latest_review_on": summary.latest_review_on.isoformat() if summary.latest_review_on else None,
        "latest_review_outcome": outcome_words(summary.latest_review_outcome),
        "escalation_level": LEVEL_WORDS[clocks.escalation_level],
        "escalations_in_force": [
            {"level": LEVEL_WORDS.get(level, level), "escalated_on": on.isoformat()}
            for level, on in summary.escalations_in_force
        ],
        "exited_on": summary.exited_on.isoformat() if summary.exited_on else None,
    }
