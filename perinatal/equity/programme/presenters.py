"""How the equity programme reads on its pages and in its download: tags, tables, words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from urllib.parse import urlencode

from django.urls import reverse

from perinatal.core.formatting import long_date
from perinatal.dashboard.exports import ExportColumn, ExportTable
from perinatal.dashboard.metrics.intervals import round_half_up
from perinatal.equity.breakdowns.rows import METRIC_IDS
from perinatal.equity.models import SurveyReturn, TeamMember
from perinatal.equity.programme import rules
from perinatal.equity.programme.rules import ElementStatus, SiteStatus, TeamGroup, TeamRole
from perinatal.equity.programme.selectors import PLAN_COLUMNS, PlanRow

STATUS_TAGS = {
    SiteStatus.NOT_ALLOCATED: "nhsuk-tag--orange",
    SiteStatus.PLANNED: "nhsuk-tag--grey",
    SiteStatus.ONBOARDING: "nhsuk-tag--yellow",
    SiteStatus.ACTIVE: "nhsuk-tag--blue",
    SiteStatus.COMPLETED: "nhsuk-tag--green",
}
ELEMENT_TAGS = {
    ElementStatus.NOT_STARTED: "nhsuk-tag--grey",
    ElementStatus.IN_PROGRESS: "nhsuk-tag--blue",
    ElementStatus.DONE: "nhsuk-tag--green",
}

PLAN_COLUMN_DESCRIPTIONS = {
    "site_code": "The site's code in the organisation register.",
    "trust_code": "ODS code of the trust that runs the site today.",
    "region_code": "ODS code of the trust's NHS England region today.",
    "intake": "The number of the site's intake; empty when not allocated.",
    "intake_start": "The day the intake starts; empty when not allocated.",
    "status": "planned, onboarding, active, completed or not_allocated (docs/rules/equity.md §3).",
}


def status_tag(status: SiteStatus) -> dict:
    return {"text": status.label, "classes": STATUS_TAGS[status]}


def element_tag(status: ElementStatus) -> dict:
    return {"text": status.label, "classes": ELEMENT_TAGS[status]}


def plan_table(rows: Sequence[PlanRow]) -> ExportTable:
    """The plan as ``perinatal equity-programme plan`` prints it and the plan page downloads it."""
    return ExportTable(
        title="Equity programme plan",
        columns=tuple(ExportColumn(name, PLAN_COLUMN_DESCRIPTIONS[name]) for name in PLAN_COLUMNS),
        rows=[[row.cells[name] for name in PLAN_COLUMNS] for row in rows],
        notes=(
            "One row per site with an open obstetric unit; its neonatal units come with it.",
            "Status from the intake's start date on the day the plan was read (docs/rules/equity.md §3).",
        ),
    )


def status_words(status: SiteStatus, intake_start) -> str:
    """What a site's status means for it, in a sentence."""
    if status is SiteStatus.NOT_ALLOCATED:
        return "Not in an intake yet: the national programme team allocates each site to one intake."
    onboarding = rules.onboarding_starts(intake_start)
    ends = rules.delivery_ends(intake_start)
    return {
        SiteStatus.PLANNED: f"In the plan. Onboarding begins on {long_date(onboarding)}.",
        SiteStatus.ONBOARDING: (
            f"Onboarding: the intake starts on {long_date(intake_start)}. Name the team, record the executive "
            "team's backing and run the survey before."
        ),
        SiteStatus.ACTIVE: f"The intake is running, until {long_date(ends)}.",
        SiteStatus.COMPLETED: f"The intake finished on {long_date(ends)}. Run the survey after, if not done yet.",
    }[status]


@dataclass(frozen=True)
class RoleLine:
    role: TeamRole
    members: tuple[TeamMember, ...]


@dataclass(frozen=True)
class GroupLines:
    group: TeamGroup
    roles: tuple[RoleLine, ...]


def team_groups(members: Iterable[TeamMember]) -> list[GroupLines]:
    """The team by group and role, every role listed (an empty one is a gap to fill)."""
    by_role: dict[str, list[TeamMember]] = {}
    for member in members:
        by_role.setdefault(member.role, []).append(member)
    groups = []
    for group in TeamGroup:
        roles = tuple(
            RoleLine(role=role, members=tuple(by_role.get(role.value, []))) for role in TeamRole if role.group is group
        )
        groups.append(GroupLines(group=group, roles=roles))
    return groups


def percentage(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage rounded half-up to a whole number; None when whole is 0."""
    if not whole:
        return None
    return round_half_up(Fraction(100 * part, whole), 0)


@dataclass(frozen=True)
class SurveyLine:
    key: str
    question: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def survey_lines(before: SurveyReturn | None, after: SurveyReturn | None) -> list[SurveyLine]:
    return [
        SurveyLine(
            key=key,
            question=question,
            before=getattr(before, key) if before else None,
            after=getattr(after, key) if after else None,
        )
        for key, question in rules.HEADLINE_MEASURES
    ]


def survey_words(survey: SurveyReturn | None) -> str:
    if survey is None:
        return "Not recorded yet"
    rate = percentage(survey.responses, survey.invited)
    return f"Closed {long_date(survey.held_on)}: {survey.responses} of {survey.invited} responded" + (
        f" ({rate}%)" if rate is not None else ""
    )


def progress_words(elements_done: int, elements_total: int) -> str:
    return f"{elements_done} of {elements_total} elements done" if elements_total else "No sites yet"


@dataclass(frozen=True)
class EvaluationPeriod:
    """A period of the trust's outcomes by ethnicity and deprivation around the site's intake."""

    label: str
    start: date
    end: date
    href: str


def evaluation_periods(*, trust_code: str, intake_start: date | None, today: date) -> list[EvaluationPeriod]:
    """Links to the trust's equity page (docs/rules/equity.md §1) for the 12 months before the
    intake, its delivery, and the 12 months after (docs/rules/equity.md §3: evaluated before,
    during and after). A period not begun yet is left out; one under way ends today."""
    if intake_start is None:
        return []
    ends = rules.delivery_ends(intake_start)
    spans = (
        ("Before the intake", rules.months_after(intake_start, -12), intake_start - timedelta(days=1)),
        ("During the intake", intake_start, ends - timedelta(days=1)),
        ("After the intake", ends, rules.months_after(ends, 12) - timedelta(days=1)),
    )
    base = reverse("equity_breakdowns:trust", args=[trust_code])
    periods = []
    for label, start, end in spans:
        if start > today:
            continue
        end = min(end, today)
        # The equity page's own choices (perinatal.equity.pages.forms): the period, every measure.
        query: dict[str, object] = {"by": "ethnic_group", "metric": list(METRIC_IDS)}
        for name, day in (("from", start), ("to", end)):
            query.update({f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year})
        href = f"{base}?{urlencode(query, doseq=True)}"
        periods.append(EvaluationPeriod(label=label, start=start, end=end, href=href))
    return periods
