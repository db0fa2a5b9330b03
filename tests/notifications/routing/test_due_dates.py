"""Due dates (docs/rules/routing.md §6): the dated policy table (England working days: tests/kernel)."""

from __future__ import annotations

from datetime import date

import pytest

from perinatal.notifications.routing import (
    DUE_DATE_POLICIES,
    DUE_DATE_POLICY_VERSION,
    RULES,
    Body,
    Category,
    due_date_for,
    due_date_policy_for,
    due_dates,
    event_date_for,
    route,
)
from perinatal.notifications.routing.due_dates import Counting, DueDatePolicy

from .builders import baby_event, maternal_event, parse, signs


def test_a_deadline_of_zero_working_days_is_refused_by_the_table() -> None:
    # The counting accepts 0 (kernel.working_days: day 0 is the start); no source sets a
    # deadline of zero days, so a table row saying so is refused.
    with pytest.raises(ValueError, match="period of 1 day or more"):
        DueDatePolicy(
            body=Body.MNSI,
            categories=frozenset({Category.STILLBIRTH}),
            period=0,
            counting=Counting.WORKING_DAYS,
            runs_from="the event",
            source="-",
            checked_on=date(2025, 10, 1),
        )


@pytest.mark.parametrize("category", [Category.LATE_FETAL_LOSS, Category.STILLBIRTH, Category.NEONATAL_DEATH])
def test_mbrrace_perinatal_deaths_within_7_working_days(category: Category) -> None:
    assert due_date_for(body=Body.MBRRACE_UK, category=category, event_date=date(2025, 12, 19)) == date(2026, 1, 2)
    # Awareness does not move a perinatal deadline.
    assert due_date_for(
        body=Body.MBRRACE_UK, category=category, event_date=date(2025, 12, 19), aware_on=date(2025, 12, 22)
    ) == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("aware_on", "due"),
    [
        (None, date(2025, 10, 27)),
        (date(2025, 10, 20), date(2025, 10, 27)),
        (date(2025, 10, 22), date(2025, 10, 29)),
        (date(2025, 10, 18), date(2025, 10, 27)),
    ],
)
def test_mbrrace_maternal_deaths_within_one_week_of_death_or_awareness(aware_on: date | None, due: date) -> None:
    assert (
        due_date_for(
            body=Body.MBRRACE_UK, category=Category.MATERNAL_DEATH, event_date=date(2025, 10, 20), aware_on=aware_on
        )
        == due
    )


def test_nhs_resolution_within_30_days() -> None:
    assert due_date_for(
        body=Body.NHSR_EN, category=Category.SEVERE_BRAIN_INJURY, event_date=date(2025, 12, 10)
    ) == date(2026, 1, 9)


@pytest.mark.parametrize(
    "category",
    [
        Category.INTRAPARTUM_STILLBIRTH,
        Category.EARLY_NEONATAL_DEATH,
        Category.SEVERE_BRAIN_INJURY,
        Category.MATERNAL_DEATH,
    ],
)
def test_mnsi_has_no_published_deadline(category: Category) -> None:
    assert due_date_for(body=Body.MNSI, category=category, event_date=date(2025, 10, 1)) is None


def test_every_destination_a_rule_can_produce_has_exactly_one_policy_row() -> None:
    pairs = {(rule.body, rule.category) for rule in RULES if rule.category is not None}
    for body, category in pairs:
        rows = [row for row in DUE_DATE_POLICIES if row.body == body and category in row.categories]
        assert len(rows) == 1, (body, category)
        assert due_date_policy_for(body=body, category=category) is rows[0]


def test_every_row_is_dated_and_sourced() -> None:
    assert DUE_DATE_POLICY_VERSION == "2025-10"
    for row in DUE_DATE_POLICIES:
        assert row.source and row.runs_from and isinstance(row.checked_on, date)
    perinatal = due_date_policy_for(body=Body.MBRRACE_UK, category=Category.STILLBIRTH)
    assert "Maternity Incentive Scheme" in perinatal.source and perinatal.caveat


def test_no_policy_for_an_impossible_pair() -> None:
    with pytest.raises(ValueError):
        due_date_policy_for(body=Body.NHSR_EN, category=Category.STILLBIRTH)


@pytest.mark.parametrize(
    ("data", "body", "day"),
    [
        # Date of death in England: 00:30 BST on 3 October is 23:30 UTC on 2 October.
        (baby_event(born_at="2025-10-01T10:00", died_at="2025-10-03T00:30"), Body.MBRRACE_UK, date(2025, 10, 3)),
        (baby_event(born_at="2025-10-01T00:30", died_at="2025-10-03T00:30"), Body.NHSR_EN, date(2025, 10, 1)),
        (baby_event(born_at="2025-10-01T00:30", born_alive=False), Body.MBRRACE_UK, date(2025, 10, 1)),
        (baby_event(born_at="2025-10-01T00:30"), Body.MNSI, date(2025, 10, 1)),
        (maternal_event(died_at="2025-10-20T00:30"), Body.MBRRACE_UK, date(2025, 10, 20)),
    ],
)
def test_event_date_for(data: dict, body: Body, day: date) -> None:
    assert event_date_for(body=body, document=parse(data)) == day


def test_due_dates_for_a_routed_notification() -> None:
    document = parse(
        baby_event(
            gestation=(40, 1),
            born_at="2025-12-10T08:00",
            died_at="2025-12-19T10:00",
            brain_injury=signs(therapeutic_hypothermia=True),
        )
    )
    found = {str(d.body): d.due_on for d in due_dates(document=document, result=route(document))}
    assert found == {"MBRRACE_UK": date(2026, 1, 2), "MNSI": None, "NHSR_EN": date(2026, 1, 9)}


def test_due_dates_for_a_maternal_death_with_late_awareness() -> None:
    document = parse(maternal_event(died_at="2025-10-20T09:00"))
    found = {
        str(d.body): d.due_on for d in due_dates(document=document, result=route(document), aware_on=date(2025, 10, 23))
    }
    assert found == {"MBRRACE_UK": date(2025, 10, 30), "MNSI": None}
