"""A case built through the services, as the team would record it (the suite's clock is 27
November 2026): trust R0A (ICB QOP, region Y62), identified on 5 January 2026, the example of
docs/rules/improvement.md §2."""

from __future__ import annotations

from datetime import date

from perinatal.accounts.models import User
from perinatal.improvement.models import Case, Concern
from perinatal.improvement.services.concerns import record_concern, triage_concern
from perinatal.improvement.services.diagnostic import record_diagnostic
from perinatal.improvement.services.plan import ActionTerms, agree_plan_version
from perinatal.organisations.models import Organisation

REGION_LEAD = "region.y62@perinatal.example"
IST = "ist@perinatal.example"
HOM_R0A = "hom.r0a@perinatal.example"
TRUST = "R0A"


def user(email: str) -> User:
    return User.objects.get(email=email)


def concern(
    trust: str = TRUST, identified_on: date = date(2026, 1, 5), concern_type: str = "intelligence", **evidence
) -> Concern:
    return record_concern(
        trust=Organisation.objects.get(code=trust),
        concern_type=concern_type,
        identified_on=identified_on,
        summary="Staff raised concerns about escalation on the labour ward",
        by=user(REGION_LEAD),
        **evidence,
    )


def opened_case(trust: str = TRUST, identified_on: date = date(2026, 1, 5), **triage) -> Case:
    accepted = triage_concern(
        concern=concern(trust, identified_on),
        decision="accept",
        reason="Repeated intelligence, confirmed by the region",
        by=user(REGION_LEAD),
        **triage,
    )
    return accepted.case


def case_with_plan(*, completed_on=date(2026, 2, 10), agreed_on=date(2026, 2, 20)) -> Case:
    case = opened_case()
    record_diagnostic(case=case, started_on=date(2026, 1, 12), completed_on=completed_on, by=user(IST))
    agree_plan_version(
        case=case,
        agreed_on=agreed_on,
        agreed_for_board_by="Chair of the trust board",
        tackling_inequalities="Continuity of carer for women from the most deprived areas first",
        actions=[
            ActionTerms("Review escalation in labour", "Director of Midwifery", date(2026, 6, 30), "stillbirth_rate"),
            ActionTerms("Staff survey on safety culture", "Head of People", date(2026, 9, 30)),
        ],
        by=user(IST),
    )
    return case
