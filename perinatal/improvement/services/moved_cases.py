"""Storing cases moved from the previous programme (docs/rules/improvement.md §3).

The files are read and checked whole by `perinatal.improvement.transfer.read_transfer`; a set
that passed is stored here in one transaction. A case already loaded is replaced, with its
whole history, by the one in the files with the same ``case_id``. A moved case is stored with
the same rows as one opened on the platform (a concern accepted into it, its diagnostic, its
plan's first version, meetings, escalations, exit), marked as moved: the files carry dates,
not the words of a plan or of minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from perinatal.core import audit
from perinatal.improvement.models import (
    Case,
    CaseExit,
    Concern,
    Deescalation,
    DiagnosticRecord,
    Escalation,
    Meeting,
    PlanVersion,
    TriageDecision,
)
from perinatal.improvement.services._common import stamp
from perinatal.improvement.transfer import TransferSet
from perinatal.organisations.models import Organisation

MOVED = "Moved from the Maternity Safety Support Programme"


@dataclass(frozen=True)
class StoredTransfer:
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    meetings: int
    escalations: int


def known_trust_codes() -> frozenset[str]:
    """The trust codes of the organisation register: the only ones a cases file may name."""
    return frozenset(Organisation.objects.filter(kind=Organisation.Kind.TRUST).values_list("code", flat=True))


@transaction.atomic
def store_transfer(*, transfer: TransferSet, by_label: str, by=None) -> StoredTransfer:
    """Store a checked set whole: replace each case of the set that is already loaded."""
    trusts = {
        trust.code: trust for trust in Organisation.objects.filter(code__in={row.trust_code for row in transfer.cases})
    }
    existing = Case.objects.select_for_update().filter(case_id__in=[row.case_id for row in transfer.cases])
    replaced = tuple(sorted(existing.values_list("case_id", flat=True)))
    for case in existing.select_related("trust"):
        audit.record(
            action=audit.Action.DELETE,
            obj=case,
            organisation=case.trust,
            summary=f"Improvement case {case.case_id} replaced with its history by a moved-case file",
            actor=by,
        )
    # Replaced whole, by case_id (docs/rules/improvement.md §3): the concerns accepted into it go too.
    Concern.objects.filter(triage_decisions__case__in=existing).delete()
    existing.delete()
    who = stamp(by, by_label)
    for row in transfer.cases:
        trust = trusts[row.trust_code]
        case = Case.objects.create(
            case_id=row.case_id,
            trust=trust,
            identified_on=row.identified_on,
            source=Case.Source.PREVIOUS_PROGRAMME,
            **who,
        )
        concern = Concern.objects.create(
            trust=trust, concern_type=row.concern_type, identified_on=row.identified_on, summary=MOVED, **who
        )
        TriageDecision.objects.create(
            concern=concern, decision=TriageDecision.Decision.ACCEPT, reason=MOVED, case=case, **who
        )
        if row.diagnostic_completed_on is not None:
            DiagnosticRecord.objects.create(case=case, completed_on=row.diagnostic_completed_on, **who)
        if row.plan_agreed_on is not None:
            PlanVersion.objects.create(
                case=case,
                number=1,
                agreed_on=row.plan_agreed_on,
                agreed_for_board_by="",
                tackling_inequalities="",
                imported=True,
                **who,
            )
        if row.exited_on is not None:
            CaseExit.objects.create(case=case, exited_on=row.exited_on, **who)
        for meeting in transfer.meetings_of(row.case_id):
            Meeting.objects.create(case=case, kind=meeting.kind, held_on=meeting.held_on, imported=True, **who)
        for escalation_row in transfer.escalations_of(row.case_id):
            escalation = Escalation.objects.create(
                case=case,
                level=escalation_row.level,
                escalated_on=escalation_row.escalated_on,
                reason=escalation_row.reason,
                **who,
            )
            if escalation_row.deescalated_on is not None:
                Deescalation.objects.create(escalation=escalation, deescalated_on=escalation_row.deescalated_on, **who)
        audit.record(
            action=audit.Action.CREATE,
            obj=case,
            organisation=trust,
            summary=f"Improvement case {case.case_id} loaded from the previous programme's files",
            actor=by,
        )
    ids = {row.case_id for row in transfer.cases}
    return StoredTransfer(
        added=tuple(sorted(ids - set(replaced))),
        replaced=replaced,
        meetings=len(transfer.meetings),
        escalations=len(transfer.escalations),
    )
