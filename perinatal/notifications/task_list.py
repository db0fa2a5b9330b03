"""The reporter's task list, the top of their home page (issue 12): notify an event, the drafts
to continue or delete, the bodies' questions waiting for the trust's answer, and the latest
submissions with where each stands.

For the roles that submit notifications (`SUBMIT_NOTIFICATIONS`: reporters and the Head of
Midwifery, who also reports and is told of the bodies' questions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from perinatal.accounts.scoping import SUBMIT_NOTIFICATIONS, Scope
from perinatal.notifications import selectors
from perinatal.notifications.journey.presenters import DraftSummary, draft_summary
from perinatal.notifications.models import InformationRequest
from perinatal.notifications.presenters import ListRow, list_row
from perinatal.organisations.selectors import Onboarding, onboarding_for

__all__ = ["RECENT", "TaskList", "task_list_for"]

RECENT = 5
QUESTIONS_SHOWN = 20


@dataclass(frozen=True)
class TaskList:
    live: list[Onboarding]  # the trusts the person may notify for today
    not_live: list[Onboarding]  # their trusts that are not live yet (the gate says what to do)
    drafts: list[DraftSummary]
    questions: list[InformationRequest]
    recent: list[ListRow]
    several_trusts: bool


def task_list_for(scope: Scope, *, today: date) -> TaskList | None:
    """None for a person who does not submit notifications."""
    if not scope.has_role(*SUBMIT_NOTIFICATIONS):
        return None
    trusts = list(scope.trusts_for(SUBMIT_NOTIFICATIONS).order_by("name"))
    onboardings = [onboarding_for(trust) for trust in trusts]
    codes = [trust.code for trust in trusts]
    drafts = selectors.drafts_for(scope).filter(trust__code__in=codes)
    recent = selectors.notification_list(selectors.notifications_for(scope), today=today)[:RECENT]
    return TaskList(
        live=[o for o in onboardings if o.is_live],
        not_live=[o for o in onboardings if not o.is_live],
        drafts=[draft_summary(draft) for draft in drafts],
        questions=list(selectors.open_questions_for(scope)[:QUESTIONS_SHOWN]),
        recent=[list_row(notification) for notification in recent],
        several_trusts=len(trusts) > 1,
    )
