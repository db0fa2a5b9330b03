"""Due dates (spec §6): the dated policy table and England working days."""

from __future__ import annotations

from datetime import date

import pytest

from perinatal.notifications.routing import (
    DUE_DATE_POLICIES,
    DUE_DATE_POLICY_VERSION,
    RULES,
    Body,
    Category,
    add_england_working_days,
    due_date_for,
    due_date_policy_for,
    due_dates,
    event_date_for,
    is_england_working_day,
    route,
)

from .builders import baby_event, maternal_event, parse, signs


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 10, 1), True),  # Wednesday
        (date(2025, 10, 4), False),  # Saturday
        (date(2025, 10, 5), False),  # Sunday
        (date(2025, 12, 25), False),
        (date(2025, 12, 26), False),
        (date(2026, 1, 1), False),
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # early May bank holiday
        (date(2026, 8, 31), False),  # summer bank holiday (England, not Scotland's)
        (date(2026, 8, 3), True),  # Scotland's summer bank holiday is a working day in England
        (date(2026, 3, 17), True),  # St Patrick's Day: Northern Ireland only
        (date(2026, 12, 28), False),  # Boxing Day substitute
    ],
)
def test_england_working_days(day: date, working: bool) -> None:
    assert is_england_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2025, 10, 1), 1, date(2025, 10, 2)),
        (date(2025, 10, 1), 7, date(2025, 10, 10)),  # Wednesday -> Friday of the next week
        (date(2025, 10, 3), 7, date(2025, 10, 14)),  # Friday
        (date(2025, 10, 4), 7, date(2025, 10, 14)),  # a Saturday death: Monday is day 1
        (date(2025, 12, 19), 7, date(2026, 1, 2)),  # over Christmas and New Year
        (date(2026, 4, 1), 7, date(2026, 4, 14)),  # over Easter
    ],
)
def test_add_england_working_days(start: date, days: int, due: date) -> None:
    assert add_england_working_days(start=start, days=days) == due


def test_add_working_days_needs_a_positive_count() -> None:
    with pytest.raises(ValueError):
        add_england_working_days(start=date(2025, 10, 1), days=0)


@pytest.mark.parametrize("category", [Category.LATE_FETAL_LOSS, Category.STILLBIRTH, Category.NEONATAL_DEATH])
def test_mbrrace_perinatal_deaths_within_7_working_days(category: Category) -> None:
    assert due_date_for(body=Body.MBRRACE_UK, category=category, event_date=date(2025, 12, 19)) == date(2026, 1, 2)
    # Awareness does not move a perinatal deadline.
    assert due_date_for(
        body=Body.MBRRACE_UK, category=category, event_date=date(2025, 12, 19), aware_on=date(2025, 12, 22)
    ) == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("aware_on", "due"),
    [(None, date(2025, 10, 27)), (date(2025, 10, 20), date(2025, 10, 27)),
     (date(2025, 10, 22), date(2025, 10, 29)), (date(2025, 10, 18), date(2025, 10, 27))],
)
def test_mbrrace_maternal_deaths_within_one_week_of_death_or_awareness(aware_on: date | None, due: date) -> None:
    assert due_date_for(
        body=Body.MBRRACE_UK, category=Category.MATERNAL_DEATH, event_date=date(2025, 10, 20), aware_on=aware_on
    ) == due


def test_nhs_resolution_within_30_days() -> None:
    assert due_date_for(body=Body.NHSR_EN, category=Category.SEVERE_BRAIN_INJURY, event_date=date(2025, 12, 10)) == date(2026, 1, 9)


@pytest.mark.parametrize(
    "category",
    [Category.INTRAPARTUM_STILLBIRTH, Category.EARLY_NEONATAL_DEATH, Category.SEVERE_BRAIN_INJURY, Category.MATERNAL_DEATH],
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
        baby_event(gestation=(40, 1), born_at="2025-12-10T08:00", died_at="2025-12-19T10:00",
                   brain_injury=signs(therapeutic_hypothermia=True))
    )
    found = {str(d.body): d.due_on for d in due_dates(document=document, result=route(document))}
    assert found == {"MBRRACE_UK": date(2026, 1, 2), "MNSI": None, "NHSR_EN": date(2026, 1, 9)}


def test_due_dates_for_a_maternal_death_with_late_awareness() -> None:
    document = parse(maternal_event(died_at="2025-10-20T09:00"))
    found = {str(d.body): d.due_on for d in due_dates(document=document, result=route(document), aware_on=date(2025, 10, 23))}
    assert found == {"MBRRACE_UK": date(2025, 10, 30), "MNSI": None}
