"""The plain-language reading of one metric's breakdown (docs/rules/equity.md §1), written
from the figures: each group's rate ratio against the reference group in words, with its
95% interval, said carefully when the interval includes 1, and small numbers noted.

**policy** (the reading's wording): a comparison is called clear only when its 95% interval
lies wholly above or below 1 — an interval that includes 1 (even touching it, as the
figures are rounded) is read as "could be due to chance". A rate resting on fewer than
SMALL_COUNT events in the group or the reference is noted as uncertain. With both
dimensions (up to 25 comparisons) only the clear comparisons get a sentence each; the rest
are counted. Every reading ends by saying the rates are crude (docs/rules/equity.md §1);
the mortality readings point to MBRRACE-UK's adjusted rates, which cover stillbirths and
neonatal deaths, not haemorrhage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from perinatal.charts.scales import format_count, format_number
from perinatal.equity.breakdowns.rows import DIMENSION_ETHNIC_GROUP, DIMENSION_IMD_QUINTILE, EquityRow

from .wording import ABOUT_BABIES, RATE_NAMES, group_key, is_not_stated, people, reference_key

SMALL_COUNT = 10
DECIMALS = 2
ONE = Decimal(1)
#: What each metric counts, singular and plural, as the sentences say it.
EVENT_WORDS = {
    "stillbirth_rate": ("stillbirth", "stillbirths"),
    "neonatal_mortality_rate": ("neonatal death", "neonatal deaths"),
    "pph_1500_rate": ("haemorrhage of 1,500 ml or more", "haemorrhages of 1,500 ml or more"),
}
_SINGULAR = {
    "total births": "total birth",
    "live births": "live birth",
    "women giving birth": "woman giving birth",
}
CRUDE_WORDS = (
    "These are crude rates: they are not adjusted for the mother's age, the baby's gestation or other "
    "factors that differ between groups, so part of a difference may come from those factors."
)
MBRRACE_REPORTS_URL = "https://www.npeu.ox.ac.uk/mbrrace-uk/reports"
#: The pointer to MBRRACE-UK's adjusted rates: the link's words, then the rest of the sentence.
MBRRACE_LINK_WORDS = "MBRRACE-UK's Perinatal Mortality Surveillance reports"
MBRRACE_WORDS = "give stillbirth and neonatal death rates by ethnicity and deprivation adjusted for such factors."


@dataclass(frozen=True)
class Reading:
    sentences: tuple[str, ...]
    crude: str = CRUDE_WORDS
    #: Point to MBRRACE-UK's adjusted rates (the mortality metrics).
    points_to_mbrrace: bool = False


def _counted(count: int, words: tuple[str, str]) -> str:
    return f"{format_count(count)} {words[0] if count == 1 else words[1]}"


def _denominator_words(label: str) -> tuple[str, str]:
    plural = label.lower()
    return (_SINGULAR.get(plural, plural), plural)


def _number(value: Decimal) -> str:
    return format_number(value, decimals=DECIMALS)


def _is_clear(row: EquityRow) -> bool:
    return row.rate_ratio_lower_95 > ONE or row.rate_ratio_upper_95 < ONE


def _hidden(row: EquityRow) -> bool:
    return isinstance(row.numerator, str) or isinstance(row.denominator, str)


def reading_for(
    *,
    metric_id: str,
    rows: Sequence[EquityRow],
    by: tuple[str, ...],
    denominator_label: str,
    unit_phrase: str,
) -> Reading:
    """The reading of one metric's rows (one organisation and period, the groups of `by`)."""
    events = EVENT_WORDS[metric_id]
    births = _denominator_words(denominator_label)
    rate_name = RATE_NAMES[metric_id]
    closing = {"points_to_mbrrace": metric_id in ABOUT_BABIES}
    by_key = {group_key(row): row for row in rows}
    ref_key = reference_key(by)
    reference = by_key.get(ref_key)
    ref_people = people(metric_id, *ref_key)

    if reference is None or _hidden(reference):
        return Reading(
            (f"The figures for {ref_people}, the reference group, are too small to show, so no group is compared.",),
            **closing,
        )
    if reference.denominator == 0:
        return Reading(
            (f"There were no {births[1]} for {ref_people}, the reference group, so no group can be compared.",),
            **closing,
        )
    sentences = [
        f"The reference group is {ref_people}: {_number(reference.value)} {unit_phrase} "
        f"({_counted(reference.numerator, events)} among {_counted(reference.denominator, births)})."
    ]
    if reference.numerator == 0:
        sentences.append(f"With no {events[1]} in the reference group, no rate ratio can be worked out.")
        return Reading(tuple(sentences), **closing)
    if reference.numerator < SMALL_COUNT:
        sentences.append(
            f"The reference group had only {_counted(reference.numerator, events)}, "
            "so every comparison with it is uncertain."
        )

    compared = [
        row for row in rows if not row.is_total and group_key(row) != ref_key and not is_not_stated(group_key(row))
    ]
    both = DIMENSION_ETHNIC_GROUP in by and DIMENSION_IMD_QUINTILE in by
    unclear, no_births, no_events, hidden = [], [], [], []
    for row in compared:
        who = people(metric_id, row.ethnic_group, row.imd_quintile)
        if _hidden(row):
            hidden.append(who)
            continue
        if row.denominator == 0:
            no_births.append(who)
            continue
        if row.rate_ratio is None:
            no_events.append(f"{who} ({_counted(row.denominator, births)})")
            continue
        clear = _is_clear(row)
        if both and not clear:
            unclear.append(who)
            continue
        sentence = (
            f"The {rate_name} for {who} was {_number(row.rate_ratio)} times the rate for {ref_people} "
            f"(95% interval {_number(row.rate_ratio_lower_95)} to {_number(row.rate_ratio_upper_95)})."
        )
        if not clear:
            sentence += " The interval includes 1, so the difference could be due to chance."
        if row.numerator < SMALL_COUNT:
            sentence += f" It rests on only {_counted(row.numerator, events)}, so it is uncertain."
        sentences.append(sentence)
    if unclear:
        count = len(unclear)
        sentences.append(
            f"For the other {count} group{'' if count == 1 else 's'} compared, the 95% interval includes 1: "
            f"these figures do not show a clear difference from {ref_people}."
        )
    if no_events:
        sentences.append(f"There were no {events[1]} among {_listed(no_events)}, so no rate ratio can be worked out.")
    if no_births:
        sentences.append(f"There were no {births[1]} for {_listed(no_births)}.")
    if hidden:
        sentences.append(f"The figures for {_listed(hidden)} are too small to show.")
    sentences.append("Records where the group is not stated are shown in the table but not compared.")
    return Reading(tuple(sentences), **closing)


def _listed(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
