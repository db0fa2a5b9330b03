"""The rules of the Perinatal Equity and Anti-Discrimination Programme (docs/rules/equity.md §3).

Framework-free: plain dates and values in, plain answers out, so that the programme team can
read and test them on their own. The services refuse what these rules refuse; the pages, the
``perinatal equity-programme`` command and the board report's selectors use the same answers.

**The programme's window.** An intake may start on or after the programme's start and before
the day 18 months after it (:func:`months_after`): for a programme starting 1 April 2026 the
last possible start is 30 September 2027, and an intake starting 1 October 2027 is refused.
"18 months after" a day is the same day of the month 18 months later, or the last day of that
month when it has no such day (31 August 2026 + 18 months = 28 February 2028).

**Which sites the plan covers.** Every site with an obstetric unit open on the day the plan
is read (opened on or before it, not closed on or before it), in the region of the trust that
runs the site on that day. Its neonatal units come with it: the plan is by site.

**A site's status** on a day ``today`` (the service clock's date), from the start ``S`` of the
intake it is allocated to:

- ``not_allocated``: the site is in no intake of the programme (or, with ``--months`` shorter
  than the programme's window on the command line, in none starting within that window);
- ``planned``: ``today`` is more than 12 weeks before ``S`` (``today < S - 84 days``);
- ``onboarding``: ``today`` is in the 12 weeks before ``S`` (``S - 84 days <= today < S``):
  the trust forms its team, confirms executive backing and runs the survey before;
- ``active``: the intake has started and its 12 months of delivery have not ended
  (``S <= today < S + 12 months``);
- ``completed``: 12 months or more after ``S`` (``today >= S + 12 months``).

The 12 weeks of onboarding and the 12 months of delivery are **policy** (the letter gives the
18-month window only); they are the constants :data:`ONBOARDING_WEEKS` and
:data:`DELIVERY_MONTHS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from perinatal.core.formatting import long_date
from perinatal.stats.months import YearMonth

PROGRAMME_MONTHS = 18
"""Every intake starts within this many months of the programme's start (docs/rules/equity.md §3)."""
ONBOARDING_WEEKS = 12
"""**Policy**: a site is onboarding in the weeks before its intake starts."""
DELIVERY_MONTHS = 12
"""**Policy**: an intake delivers the five elements over this many months from its start."""


def months_after(day: date, months: int) -> date:
    """The same day of the month ``months`` later (the month's last day when it is shorter)."""
    target = YearMonth.of(day).shifted(months)
    return date(target.year, target.month, min(day.day, target.days))


def last_intake_start(programme_start: date, *, months: int = PROGRAMME_MONTHS) -> date:
    """The last day an intake of a programme starting on ``programme_start`` may start."""
    return months_after(programme_start, months) - timedelta(days=1)


def intake_start_problem(*, programme_start: date, intake_start: date, months: int = PROGRAMME_MONTHS) -> str | None:
    """Why an intake may not start on ``intake_start``, in words naming the limit; None when it may."""
    if intake_start < programme_start:
        return f"must be on or after {long_date(programme_start)}, when the programme starts"
    last = last_intake_start(programme_start, months=months)
    if intake_start > last:
        return f"must be within {months} months of the programme's start: on or before {long_date(last)}"
    return None


def within_window(*, programme_start: date, intake_start: date, months: int = PROGRAMME_MONTHS) -> bool:
    return intake_start_problem(programme_start=programme_start, intake_start=intake_start, months=months) is None


class SiteStatus(str, Enum):
    PLANNED = "planned"
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    COMPLETED = "completed"
    NOT_ALLOCATED = "not_allocated"

    @property
    def label(self) -> str:
        return {
            "planned": "Planned",
            "onboarding": "Onboarding",
            "active": "Active",
            "completed": "Completed",
            "not_allocated": "Not allocated",
        }[self.value]


def onboarding_starts(intake_start: date) -> date:
    return intake_start - timedelta(weeks=ONBOARDING_WEEKS)


def delivery_ends(intake_start: date) -> date:
    """The first day after the intake's delivery (its sites are completed from this day)."""
    return months_after(intake_start, DELIVERY_MONTHS)


def site_status(*, intake_start: date | None, today: date) -> SiteStatus:
    """A site's status on ``today`` (see the module docstring)."""
    if intake_start is None:
        return SiteStatus.NOT_ALLOCATED
    if today < onboarding_starts(intake_start):
        return SiteStatus.PLANNED
    if today < intake_start:
        return SiteStatus.ONBOARDING
    if today < delivery_ends(intake_start):
        return SiteStatus.ACTIVE
    return SiteStatus.COMPLETED


def capacity_problem(*, capacity: int, allocated: int, adding: int) -> str | None:
    """Why ``adding`` more sites do not fit an intake of ``capacity`` holding ``allocated``."""
    room = capacity - allocated
    if adding <= room:
        return None
    if room <= 0:
        return f"The intake is full: it takes {capacity} site{'s' if capacity != 1 else ''}"
    return f"The intake has room for {room} more site{'s' if room != 1 else ''}: you selected {adding}"


# --- Teams ---------------------------------------------------------------------------------


class TeamGroup(str, Enum):
    QUAD = "quad"
    CLINICAL_LEADERS = "clinical_leaders"
    SPONSOR = "sponsor"
    BOARD_CHAMPIONS = "board_champions"
    CULTURE_COACH = "culture_coach"

    @property
    def label(self) -> str:
        return {
            "quad": "Perinatal quad",
            "clinical_leaders": "Clinical leaders",
            "sponsor": "Sponsor executive",
            "board_champions": "Board safety champions",
            "culture_coach": "Culture coach",
        }[self.value]


class TeamRole(str, Enum):
    """The roles of a site's team (docs/rules/equity.md §3), in the order the pages list them."""

    HEAD_OF_MIDWIFERY = "head_of_midwifery"
    OBSTETRIC_CLINICAL_DIRECTOR = "obstetric_clinical_director"
    NEONATAL_CLINICAL_DIRECTOR = "neonatal_clinical_director"
    OPERATIONAL_LEAD = "operational_lead"
    LABOUR_WARD_COORDINATOR = "labour_ward_coordinator"
    RESIDENT_OBSTETRICIAN = "resident_obstetrician"
    RESIDENT_NEONATOLOGIST = "resident_neonatologist"
    LEAD_NEONATAL_NURSE = "lead_neonatal_nurse"
    POLICY_GOVERNANCE_LEAD = "policy_governance_lead"
    SPONSOR_EXECUTIVE = "sponsor_executive"
    BOARD_SAFETY_CHAMPION = "board_safety_champion"
    CULTURE_COACH = "culture_coach"

    @property
    def label(self) -> str:
        return _ROLE_FACTS[self][0]

    @property
    def group(self) -> TeamGroup:
        return _ROLE_FACTS[self][1]

    @property
    def single(self) -> bool:
        """Held by one person at a time (a second is refused until the first leaves the team)."""
        return _ROLE_FACTS[self][2]


_ROLE_FACTS: dict[TeamRole, tuple[str, TeamGroup, bool]] = {
    TeamRole.HEAD_OF_MIDWIFERY: ("Director or head of midwifery", TeamGroup.QUAD, True),
    TeamRole.OBSTETRIC_CLINICAL_DIRECTOR: ("Clinical director for obstetrics", TeamGroup.QUAD, True),
    TeamRole.NEONATAL_CLINICAL_DIRECTOR: ("Clinical director for neonatology", TeamGroup.QUAD, True),
    TeamRole.OPERATIONAL_LEAD: ("Operational lead", TeamGroup.QUAD, True),
    TeamRole.LABOUR_WARD_COORDINATOR: ("Labour ward coordinator", TeamGroup.CLINICAL_LEADERS, False),
    TeamRole.RESIDENT_OBSTETRICIAN: ("Resident obstetrician", TeamGroup.CLINICAL_LEADERS, False),
    TeamRole.RESIDENT_NEONATOLOGIST: ("Resident neonatologist", TeamGroup.CLINICAL_LEADERS, False),
    TeamRole.LEAD_NEONATAL_NURSE: ("Lead neonatal nurse", TeamGroup.CLINICAL_LEADERS, False),
    TeamRole.POLICY_GOVERNANCE_LEAD: ("Policy and governance lead", TeamGroup.CLINICAL_LEADERS, False),
    TeamRole.SPONSOR_EXECUTIVE: ("Sponsor executive", TeamGroup.SPONSOR, True),
    TeamRole.BOARD_SAFETY_CHAMPION: ("Board safety champion", TeamGroup.BOARD_CHAMPIONS, False),
    TeamRole.CULTURE_COACH: ("Culture coach", TeamGroup.CULTURE_COACH, True),
}


def missing_roles(held: Iterable[str]) -> list[TeamRole]:
    """The roles a team still needs: every role of the team at least once (in page order).

    A team is complete when its quad, one of each of the clinical leaders, its sponsor
    executive, at least one board safety champion and its culture coach are named.
    """
    present = set(held)
    return [role for role in TeamRole if role.value not in present]


def second_holder_problem(*, role: TeamRole, held: Iterable[str]) -> str | None:
    if role.single and role.value in set(held):
        return f"The team already has a {role.label.lower()}: remove them from the team first"
    return None


# --- The five elements -------------------------------------------------------------------------


class ElementStatus(str, Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"not_started": "Not started", "in_progress": "In progress", "done": "Done"}[self.value]


@dataclass(frozen=True)
class Element:
    number: int
    title: str
    delivery: str
    evidence: tuple[tuple[str, str], ...]
    """(key, what the evidence shows) — the things a team records as done for this element."""

    @property
    def evidence_labels(self) -> dict[str, str]:
        return dict(self.evidence)


ELEMENTS: tuple[Element, ...] = (
    Element(
        1,
        "Tackling racism and discrimination",
        "Webinars",
        (("webinars_attended", "The team took part in the webinars"),),
    ),
    Element(
        2,
        "Identifying local challenges",
        "With the Maternity and Neonatal Voices Partnership (MNVP)",
        (
            ("mnvp_findings", "The MNVP's findings are recorded"),
            ("improvement_plan_actions", "Actions are in the trust's improvement plan"),
        ),
    ),
    Element(
        3,
        "Engaging leadership",
        "Face-to-face development",
        (
            ("face_to_face_development", "The leaders took part in face-to-face development"),
            ("anti_racist_policies", "Anti-racist policies and guidelines are co-produced"),
        ),
    ),
    Element(
        4,
        "Empowering clinical leadership",
        "Face-to-face development, trauma-informed, with psychological support",
        (
            ("face_to_face_development", "The clinical leaders took part in face-to-face development"),
            ("trauma_informed", "The development was trauma-informed"),
            ("psychological_support", "Psychological support is in place"),
        ),
    ),
    Element(
        5,
        "Creating and sustaining cultural change",
        "Local challenges and actions, progress reported to the trust board",
        (
            ("local_actions", "Local challenges and actions are agreed"),
            ("board_report", "Progress is reported to the trust board"),
        ),
    ),
)
ELEMENT_NUMBERS = tuple(element.number for element in ELEMENTS)


def element(number: int) -> Element:
    for candidate in ELEMENTS:
        if candidate.number == number:
            return candidate
    raise KeyError(f"there is no element {number}: the elements are 1 to {len(ELEMENTS)}")


def element_problems(
    *,
    status: ElementStatus,
    started_on: date | None,
    completed_on: date | None,
    evidence: Iterable[str],
    notes: str,
    element_number: int,
    programme_start: date,
    today: date,
) -> list[tuple[str, str]]:
    """What is wrong with an element's update, as (field, message) pairs; empty when nothing.

    In progress needs the day the team started; done needs that and the day it was done,
    and evidence (a box ticked or a note). Dates are on or after the programme's start and
    not in the future; done is not before started.
    """
    problems: list[tuple[str, str]] = []
    known = element(element_number).evidence_labels
    unknown = [key for key in evidence if key not in known]
    if unknown:
        problems.append(("evidence", "Select evidence from the list for this element"))
    for field, day, what in (
        ("started_on", started_on, "The date the team started"),
        ("completed_on", completed_on, "The date the element was done"),
    ):
        if day is None:
            continue
        if day > today:
            problems.append((field, f"{what} must be today or in the past"))
        elif day < programme_start:
            problems.append(
                (field, f"{what} must be on or after {long_date(programme_start)}, when the programme started")
            )
    if status is ElementStatus.NOT_STARTED:
        if started_on is not None:
            problems.append(("started_on", "Leave the start date empty for an element not started"))
        if completed_on is not None:
            problems.append(("completed_on", "Leave the date done empty for an element not started"))
    else:
        if started_on is None:
            problems.append(("started_on", "Enter the date the team started this element"))
        if status is ElementStatus.IN_PROGRESS and completed_on is not None:
            problems.append(("completed_on", "Leave the date done empty, or select Done"))
        if status is ElementStatus.DONE:
            if completed_on is None:
                problems.append(("completed_on", "Enter the date the element was done"))
            elif started_on is not None and completed_on < started_on:
                problems.append(("completed_on", "The date the element was done must be on or after the date started"))
            if not list(evidence) and not (notes or "").strip():
                problems.append(("evidence", "Select the evidence, or describe it in the notes, to mark it done"))
    return problems


# --- Evaluation surveys --------------------------------------------------------------------------


class SurveyRound(str, Enum):
    BEFORE = "before"
    AFTER = "after"

    @property
    def label(self) -> str:
        return {"before": "Before the intake", "after": "After the intake"}[self.value]


HEADLINE_MEASURES: tuple[tuple[str, str], ...] = (
    ("safe_to_speak_up", "feel safe to speak up about racism and discrimination"),
    ("treated_fairly", "say colleagues and families are treated fairly whatever their ethnicity"),
    ("confident_to_challenge", "feel confident to challenge discriminatory behaviour"),
)
"""The headline questions of the participant survey: each score is the percentage of
respondents who agree (a whole number, 0 to 100), as the team enters it from its survey."""
HEADLINE_KEYS = tuple(key for key, _question in HEADLINE_MEASURES)


def survey_problems(
    *,
    round_: SurveyRound,
    held_on: date | None,
    invited: int | None,
    responses: int | None,
    scores: Mapping[str, int | None],
    other_round_held_on: date | None,
    today: date,
) -> list[tuple[str, str]]:
    """What is wrong with a survey round's figures, as (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    if held_on is None:
        problems.append(("held_on", "Enter the date the survey closed"))
    elif held_on > today:
        problems.append(("held_on", "The date the survey closed must be today or in the past"))
    elif other_round_held_on is not None:
        if round_ is SurveyRound.AFTER and held_on <= other_round_held_on:
            problems.append(
                ("held_on", f"The survey after must close after the survey before ({long_date(other_round_held_on)})")
            )
        if round_ is SurveyRound.BEFORE and held_on >= other_round_held_on:
            problems.append(
                ("held_on", f"The survey before must close before the survey after ({long_date(other_round_held_on)})")
            )
    if invited is None:
        problems.append(("invited", "Enter how many participants were invited"))
    elif invited < 1:
        problems.append(("invited", "The number invited must be 1 or more"))
    if responses is None:
        problems.append(("responses", "Enter how many participants responded"))
    elif responses < 0:
        problems.append(("responses", "The number of responses must be 0 or more"))
    elif invited is not None and invited >= 1 and responses > invited:
        problems.append(("responses", f"The number of responses must be no more than the {invited} invited"))
    for key, question in HEADLINE_MEASURES:
        score = scores.get(key)
        if responses == 0 and score is not None:
            problems.append((key, "Leave the scores empty when nobody responded"))
        elif responses and score is None:
            problems.append((key, f"Enter the percentage of respondents who {question}"))
        elif score is not None and not 0 <= score <= 100:
            problems.append((key, "The percentage must be between 0 and 100"))
    return problems
