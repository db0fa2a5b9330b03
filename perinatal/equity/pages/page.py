"""The equity page of one organisation — England, a region, an ICB or a trust — for a period,
a dimension and measures (docs/rules/equity.md §1): its rows, read through
perinatal.equity.selectors, and what the page shows of them (presenters).

The organisation's place (breadcrumbs up to its own dashboard page) is the dashboard's: the
ICB and region in force on the period's last day (docs/rules/dashboard.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from perinatal.dashboard.engine import default_stillbirth_denominator
from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.metrics.rows import LEVEL_ICB
from perinatal.dashboard.pages.hierarchy import LEVEL_WORDS, OrganisationRef, breadcrumbs, find_organisation
from perinatal.dashboard.pages.reporting_periods import period_words
from perinatal.dashboard.pages.wording import stillbirth_denominator_words
from perinatal.dashboard.selectors import births, organisations
from perinatal.equity.breakdowns.rows import EquityRow
from perinatal.equity.selectors import equity_rows

from .forms import EquityChoice
from .presenters import MetricBreakdown, metric_breakdowns
from .wording import DIMENSION_WORDS


@dataclass(frozen=True)
class EquityPage:
    org: OrganisationRef
    breadcrumbs: tuple[OrganisationRef, ...]
    choice: EquityChoice
    rows: tuple[EquityRow, ...]
    breakdowns: tuple[MetricBreakdown, ...]
    stillbirth_denominator: str
    #: The span of the data loaded, offered when the chosen period has no births.
    period_with_data: Period | None

    @property
    def level_words(self) -> str:
        return LEVEL_WORDS[self.org.level]

    @property
    def period_words(self) -> str:
        return period_words(Period(self.choice.date_from, self.choice.date_to))

    @property
    def dimension_words(self) -> str:
        return DIMENSION_WORDS[self.choice.by]

    @property
    def stillbirth_words(self) -> str:
        return stillbirth_denominator_words(self.stillbirth_denominator)

    @property
    def has_births(self) -> bool:
        return any(breakdown.has_births for breakdown in self.breakdowns)


def find(*, level: str, code: str = "") -> OrganisationRef | None:
    """The organisation of a page's address, or None when the code is not one of that level."""
    return find_organisation(level=level, code=code, orgs=organisations.organisation_map())


def place(*, org: OrganisationRef, day: date, orgs=None) -> tuple[OrganisationRef, ...]:
    """England → region → ICB above the organisation on `day`, as its dashboard page shows them."""
    orgs = orgs or organisations.organisation_map()
    icb_region = organisations.region_of_icb(icb_code=org.code) if org.level == LEVEL_ICB else None
    return tuple(breadcrumbs(org=org, orgs=orgs, day=day, icb_region=icb_region))


def equity_page(*, org: OrganisationRef, choice: EquityChoice) -> EquityPage:
    orgs = organisations.organisation_map()
    denominator = default_stillbirth_denominator()
    rows = equity_rows(
        date_from=choice.date_from,
        date_to=choice.date_to,
        by=choice.by,
        metric_ids=choice.metric_ids,
        levels=(org.level,),
        organisation=(org.level, org.code),
        stillbirth_denominator=denominator,
        organisations=orgs,
    )
    rows = [row for row in rows if row.org_code == org.code]
    subject = f"{org.name}, {period_words(Period(choice.date_from, choice.date_to))}"
    breakdowns = tuple(metric_breakdowns(rows, by=choice.by, subject=subject, stillbirth_denominator=denominator))
    return EquityPage(
        org=org,
        breadcrumbs=place(org=org, day=choice.date_to, orgs=orgs),
        choice=choice,
        rows=tuple(rows),
        breakdowns=breakdowns,
        stillbirth_denominator=denominator,
        period_with_data=None if any(b.has_births for b in breakdowns) else _data_period(),
    )


def _data_period() -> Period | None:
    """The whole span of the births loaded: what a page with no births in its period offers."""
    span = births.data_span()
    return None if span is None else Period(span.first, span.last)
