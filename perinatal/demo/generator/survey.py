"""CQC maternity survey rows (docs/rules/dashboard.md §1 `survey.csv`, docs/rules/dashboard.md §3 metric 8).

One row per trust and survey year for the question `considered_complaint`. CQC samples
women who gave birth in February, so a survey year is included when 1 February of that
year falls in the period, for each trust (with sites) open on that day. Responses grow with
the trust's size (100–400); each trust has its own level of "yes" (25–35 %) with small
year-to-year changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from . import parameters as p
from .period import DemoPeriod
from .site_table import SiteTable


@dataclass(frozen=True)
class SurveyRow:
    trust_code: str
    survey_year: int
    question: str
    responses: int
    yes: int


def survey_years(period: DemoPeriod) -> list[int]:
    return [
        year
        for year in range(period.start.year, period.end.year + 1)
        if period.start <= dt.date(year, p.SURVEY_SAMPLE_MONTH, 1) <= period.end
    ]


def generate_survey(rng: np.random.Generator, *, sites: SiteTable, period: DemoPeriod) -> list[SurveyRow]:
    """Rows ordered by trust code then year."""
    codes = sorted(sites.trust_codes)
    yes_level = rng.uniform(*p.SURVEY_YES_RANGE, len(codes))
    rows = []
    for position, code in enumerate(codes):
        trust = sites.trusts[code]
        deliveries = trust.deliveries if trust.deliveries is not None else p.DELIVERIES_WHEN_MISSING
        for year in survey_years(period):
            size = deliveries * p.SURVEY_RESPONSES_PER_DELIVERY * np.exp(rng.normal(0.0, 0.15))
            responses = int(np.clip(round(size), p.SURVEY_MIN_RESPONSES, p.SURVEY_MAX_RESPONSES))
            share = float(np.clip(yes_level[position] + rng.normal(0.0, p.SURVEY_YEAR_SD), 0.0, 1.0))
            yes = int(rng.binomial(responses, share))
            if trust.is_open_on(dt.date(year, p.SURVEY_SAMPLE_MONTH, 1)):
                rows.append(SurveyRow(code, year, p.SURVEY_QUESTION, responses, yes))
    return rows
