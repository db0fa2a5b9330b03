"""The diagnostic (docs/rules/improvement.md §1, "Diagnostic"): its dates and findings by domain.

Its completion date is what the diagnostic clock reads (docs/rules/improvement.md §2): due 42
days after identification. A new record supersedes the dates of the last one; a completion
date stays in order with the plan and the exit (`check_case_dates`).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from perinatal.core import audit
from perinatal.improvement.models import Case, DiagnosticFinding, DiagnosticRecord, diagnostic_domains
from perinatal.improvement.selectors.cases import dates_of
from perinatal.improvement.services._common import (
    audited,
    check_case_dates,
    lock,
    not_before_identification,
    not_in_future,
    require_not_exited,
    stamp,
    text,
)
from perinatal.kernel.refusals import Refused


@transaction.atomic
def record_diagnostic(
    *, case: Case, started_on: date | None, completed_on: date | None, by, by_label: str | None = None, request=None
) -> DiagnosticRecord:
    """Record the diagnostic's start and completion (empty: not yet)."""
    case = lock(case)
    require_not_exited(case, what="the diagnostic")
    if started_on is None and completed_on is not None:
        raise Refused("started_on", "Enter the date the diagnostic started")
    for day, field, words in (
        (started_on, "started_on", "The date the diagnostic started"),
        (completed_on, "completed_on", "The date the diagnostic was completed"),
    ):
        not_in_future(day, field=field, words=words)
        not_before_identification(case, day, field=field, words=words)
    if started_on is not None and completed_on is not None and completed_on < started_on:
        raise Refused("completed_on", "The date the diagnostic was completed must be on or after the date it started")
    stored = dates_of(case)
    if completed_on is None and stored.plan_agreed_on is not None:
        raise Refused("completed_on", "The plan is agreed: enter the date the diagnostic was completed")
    check_case_dates(case, {"diagnostic_completed_on": "completed_on"}, diagnostic_completed_on=completed_on)
    record = DiagnosticRecord.objects.create(
        case=case, started_on=started_on, completed_on=completed_on, **stamp(by, by_label)
    )
    what = "completed" if completed_on else ("started" if started_on else "dates cleared")
    audited(case=case, action=audit.Action.UPDATE, summary=f"diagnostic {what}", by=by, request=request)
    return record


@transaction.atomic
def record_finding(*, case: Case, domain: str, findings: str, by, request=None) -> DiagnosticFinding:
    """Findings for one domain of the diagnostic; a newer one supersedes, the older is kept."""
    case = lock(case)
    require_not_exited(case, what="diagnostic findings")
    labels = dict(diagnostic_domains())
    if domain not in labels:
        raise Refused("domain", "Choose the domain the findings are about")
    findings = text(
        findings,
        field="findings",
        empty=f"Enter what the diagnostic found about {labels[domain].lower()}",
        words="Findings",
    )
    finding = DiagnosticFinding.objects.create(case=case, domain=domain, findings=findings, **stamp(by))
    audited(
        case=case,
        action=audit.Action.UPDATE,
        summary=f"diagnostic findings recorded for {labels[domain].lower()}",
        by=by,
        request=request,
    )
    return finding
