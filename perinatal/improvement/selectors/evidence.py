"""The evidence pack of a quarterly improvement review (docs/rules/improvement.md §1,
"Meetings"): what the platform's outcome signals and dashboard say of the trust in the quarter.

The board report (a later part of the platform) will add its own pages to the pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from perinatal.improvement.models import Case
from perinatal.stats.months import YearQuarter
from perinatal.stats.moss_design import METHOD
from perinatal.surveillance.models import CriticalSafetyCheck, Signal


@dataclass(frozen=True)
class EvidencePack:
    quarter: YearQuarter
    as_of: date
    signals: tuple[Signal, ...]  # first seen in the quarter, up to as_of, at the trust's sites
    checks_opened: tuple[CriticalSafetyCheck, ...]  # opened in the quarter, up to as_of
    checks_overdue: tuple[CriticalSafetyCheck, ...]  # open after their due date on as_of

    @property
    def empty(self) -> bool:
        return not (self.signals or self.checks_opened or self.checks_overdue)


def evidence_pack(case: Case, *, as_of: date) -> EvidencePack:
    """The pack for the review of the quarter ``as_of`` falls in, as it stands on ``as_of``."""
    quarter = YearQuarter.of(as_of)
    first = quarter.first_day
    signals = Signal.objects.filter(
        trust=case.trust, method=METHOD, first_seen_on__gte=first, first_seen_on__lte=as_of
    ).select_related("site")
    checks = CriticalSafetyCheck.objects.filter(trust=case.trust).select_related("site")
    return EvidencePack(
        quarter=quarter,
        as_of=as_of,
        signals=tuple(signals.order_by("month", "site__code", "level")),
        checks_opened=tuple(checks.filter(opened_on__gte=first, opened_on__lte=as_of).order_by("opened_on", "id")),
        checks_overdue=tuple(
            checks.filter(status=CriticalSafetyCheck.Status.OPEN, due_on__lt=as_of).order_by("due_on", "id")
        ),
    )
