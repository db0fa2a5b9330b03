"""Onboarding rules for the notification service (NHS England letter PRN02113).

Framework-free: plain dates and times in, plain answers out.

- GO_LIVE_TIME: a trust goes live at 08:00 Europe/London on its phase's go-live date.
- NOMINATION_DEADLINE: the Head of Midwifery's list of nominated users is due by 12:00
  on the Monday of the week before go-live; if that Monday is an England bank holiday,
  12:00 on the working day before it.
- Trust phase: the phase that names the trust; otherwise the phase of the trust's region,
  unless the trust opened after that phase went live (then none until an admin names it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from perinatal.kernel.london_time import LONDON
from perinatal.kernel.working_days import is_working_day, previous_working_day

GO_LIVE_TIME = time(8, 0)
NOMINATION_DEADLINE_TIME = time(12, 0)


def go_live_at(go_live_on: date) -> datetime:
    """The instant a trust goes live: 08:00 London time on the go-live date."""
    return datetime.combine(go_live_on, GO_LIVE_TIME, tzinfo=LONDON)


def nomination_deadline(go_live_on: date) -> datetime:
    """12:00 on the Monday of the week before go-live (the working day before, if a bank holiday)."""
    monday_this_week = go_live_on - timedelta(days=go_live_on.weekday())
    deadline_day = monday_this_week - timedelta(days=7)
    if not is_working_day(deadline_day):
        deadline_day = previous_working_day(deadline_day)
    return datetime.combine(deadline_day, NOMINATION_DEADLINE_TIME, tzinfo=LONDON)


class OnboardingStatus(str, Enum):
    NO_PHASE = "no_phase"
    NOMINATIONS_OPEN = "nominations_open"
    PREPARING = "preparing"
    LIVE = "live"

    @property
    def label(self) -> str:
        return {
            "no_phase": "Not yet scheduled",
            "nominations_open": "Nominations open",
            "preparing": "Preparing to go live",
            "live": "Live",
        }[self.value]


def onboarding_status(*, go_live_on: date | None, now: datetime) -> OnboardingStatus:
    if go_live_on is None:
        return OnboardingStatus.NO_PHASE
    if now >= go_live_at(go_live_on):
        return OnboardingStatus.LIVE
    if now < nomination_deadline(go_live_on):
        return OnboardingStatus.NOMINATIONS_OPEN
    return OnboardingStatus.PREPARING


@dataclass(frozen=True)
class PhaseFacts:
    number: int
    go_live_on: date
    trust_codes: frozenset[str]
    region_codes: frozenset[str]


def phase_for_trust(
    *, trust_code: str, region_code: str | None, opened_on: date | None, phases: list[PhaseFacts]
) -> PhaseFacts | None:
    """Which phase a trust belongs to (see module docstring)."""
    for phase in sorted(phases, key=lambda p: (p.go_live_on, p.number)):
        if trust_code in phase.trust_codes:
            return phase
    for phase in sorted(phases, key=lambda p: (p.go_live_on, p.number)):
        if region_code and region_code in phase.region_codes:
            if opened_on is not None and opened_on > phase.go_live_on:
                return None
            return phase
    return None
