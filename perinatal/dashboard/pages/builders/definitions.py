"""The definitions page: every metric as the metric module defines it (so the page always
says what the dashboard computes), each followed by its sub-measures."""

from __future__ import annotations

from dataclasses import dataclass

from perinatal.dashboard.engine import default_stillbirth_denominator
from perinatal.dashboard.metrics.definitions import MetricDefinition, metric_definitions
from perinatal.dashboard.metrics.periods import PERIOD_FORTNIGHT, PERIOD_OUTCOME, PERIOD_SURVEY

from ..wording import anchor, direction_words, frequency_words, stillbirth_denominator_words, unit_phrase

MBRRACE_URL = "https://timms.le.ac.uk/mbrrace-uk-perinatal-mortality/surveillance/"
PERIOD_KIND_WORDS = {
    PERIOD_FORTNIGHT: (
        "A fortnight: 14 days from 00:00 on its first day to 00:00 after its last, UK time. The "
        "pages show fortnights ending on the latest date with data, and every 14 days before it."
    ),
    PERIOD_OUTCOME: (
        "Any range of dates of birth: the pages show calendar months, quarters, calendar years and 12 months."
    ),
    PERIOD_SURVEY: "The survey year: a survey row covers 1 January to 31 December of its year.",
}
INTERVAL_WORDS = {
    "wilson": "Wilson score interval, for a proportion (α = 0.05)",
    "garwood": "Exact Poisson (Garwood) interval on the count of events (α = 0.05)",
    "none": "None: the value is a count",
}


@dataclass(frozen=True)
class DefinitionSection:
    definition: MetricDefinition
    anchor: str
    unit_phrase: str
    direction_words: str
    frequency: str
    sub_measures: tuple[MetricDefinition, ...]


@dataclass(frozen=True)
class DefinitionsPage:
    sections: tuple[DefinitionSection, ...]
    stillbirth_denominator: str
    unit_phrases: dict[str, str]  # every metric's and sub-measure's unit in words, by id

    @property
    def stillbirth_words(self) -> str:
        return stillbirth_denominator_words(self.stillbirth_denominator)


def definitions_page() -> DefinitionsPage:
    """Every metric with the stillbirth denominator setting applied (docs/rules/dashboard.md §3.4)."""
    denominator = default_stillbirth_denominator()
    definitions = metric_definitions(stillbirth_denominator=denominator)
    sections = tuple(
        DefinitionSection(
            definition=d,
            anchor=anchor(d.id),
            unit_phrase=unit_phrase(d, stillbirth_denominator=denominator),
            direction_words=direction_words(d),
            frequency=frequency_words(d),
            sub_measures=tuple(s for s in definitions if s.parent_id == d.id),
        )
        for d in definitions
        if not d.is_sub_measure
    )
    return DefinitionsPage(
        sections=sections,
        stillbirth_denominator=denominator,
        unit_phrases={d.id: unit_phrase(d, stillbirth_denominator=denominator) for d in definitions},
    )
