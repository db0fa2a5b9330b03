"""What every improvement service does: lock the case, stamp who and when, refuse by field."""

from __future__ import annotations

from datetime import date

from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.improvement.clocks import case_date_problems
from perinatal.improvement.models import Case
from perinatal.improvement.selectors.cases import dates_of
from perinatal.kernel.refusals import Refused


def stamp(by, by_label: str | None = None) -> dict:
    """The who-and-when fields of a new row."""
    label = by_label or (by.email if by is not None else "")
    if not label:
        raise ValueError("a change to a case names who made it")
    return {"recorded_at": clock.now(), "recorded_by": by, "recorded_by_label": label}


def lock(case: Case) -> Case:
    """The case, locked for this transaction: one change of a case at a time."""
    # No join in the locking query: PostgreSQL cannot lock the nullable side of an outer join (the ICB).
    return Case.objects.select_for_update().get(pk=case.pk)


def text(value: str | None, *, field: str, empty: str, words: str = "The text", max_length: int = 10_000) -> str:
    """Stripped text, refused when empty (the message ``empty``) or longer than ``max_length``."""
    value = (value or "").strip()
    if not value:
        raise Refused(field, empty)
    if len(value) > max_length:
        raise Refused(field, f"{words} must be {max_length:,} characters or fewer")
    return value


def optional_text(value: str | None, *, field: str, words: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise Refused(field, f"{words} must be {max_length:,} characters or fewer")
    return value


def not_in_future(day: date | None, *, field: str, words: str) -> None:
    if day is not None and day > clock.today():
        raise Refused(field, f"{words} must be today or in the past")


def not_before_identification(case: Case, day: date | None, *, field: str, words: str) -> None:
    if day is not None and day < case.identified_on:
        raise Refused(
            field, f"{words} must be on or after {long_date(case.identified_on)}, when the concern was identified"
        )


def check_case_dates(case: Case, fields: dict[str, str] | None = None, **changed: date | None) -> None:
    """The case's dates with ``changed`` ones in place keep their order (the policy of
    docs/rules/improvement.md §2). ``fields`` maps a date's name to the form field that gave it."""
    stored = dates_of(case)
    dates = {
        "identified_on": case.identified_on,
        "diagnostic_completed_on": stored.diagnostic_completed_on,
        "plan_agreed_on": stored.plan_agreed_on,
        "exited_on": stored.exited_on,
    }
    dates.update(changed)
    for problem in case_date_problems(**dates):
        if problem.field in changed:
            field = (fields or {}).get(problem.field, problem.field)
            raise Refused(field, problem.message[0].upper() + problem.message[1:])
    # A problem between stored dates only (none of them changed) is not this change's fault.


def require_not_exited(case: Case, *, what: str) -> None:
    exited_on = dates_of(case).exited_on
    if exited_on is not None:
        raise Refused("__all__", f"This case exited on {long_date(exited_on)}: {what} can no longer be recorded")


def audited(*, case: Case, action: str, summary: str, by, request=None) -> None:
    """An audit event on the case (the summary names the case by its reference, never a person)."""
    audit.record(
        action=action,
        obj=case,
        organisation=case.trust,
        summary=f"Improvement case {case.case_id}: {summary}",
        request=request,
        actor=by,
    )
