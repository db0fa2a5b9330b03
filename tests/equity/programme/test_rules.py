"""The programme's rules (docs/rules/equity.md §3), on hand-worked dates: no database."""

from datetime import date

import pytest

from perinatal.equity.programme import rules
from perinatal.equity.programme.rules import ElementStatus, SiteStatus, SurveyRound, TeamRole

START = date(2026, 4, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 4, 1), 18, date(2027, 10, 1)),
        (date(2026, 8, 31), 18, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_months_after_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert rules.months_after(day, months) == expected


def test_the_last_intake_start_is_the_day_before_18_months_after_the_start():
    assert rules.last_intake_start(START) == date(2027, 9, 30)


@pytest.mark.parametrize(
    ("intake_start", "problem"),
    [
        (date(2026, 4, 1), None),
        (date(2027, 9, 30), None),
        (date(2027, 10, 1), "must be within 18 months of the programme's start: on or before 30 September 2027"),
        (date(2026, 3, 31), "must be on or after 1 April 2026, when the programme starts"),
    ],
)
def test_an_intake_starts_within_the_window(intake_start, problem):
    assert rules.intake_start_problem(programme_start=START, intake_start=intake_start) == problem


INTAKE = date(2027, 3, 1)  # onboarding from 7 December 2026 (12 weeks), delivery until 1 March 2028


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 12, 6), SiteStatus.PLANNED),
        (date(2026, 12, 7), SiteStatus.ONBOARDING),
        (date(2027, 2, 28), SiteStatus.ONBOARDING),
        (date(2027, 3, 1), SiteStatus.ACTIVE),
        (date(2028, 2, 29), SiteStatus.ACTIVE),
        (date(2028, 3, 1), SiteStatus.COMPLETED),
    ],
)
def test_a_sites_status_follows_its_intakes_dates(today, status):
    assert rules.onboarding_starts(INTAKE) == date(2026, 12, 7)
    assert rules.delivery_ends(INTAKE) == date(2028, 3, 1)
    assert rules.site_status(intake_start=INTAKE, today=today) is status


def test_a_site_in_no_intake_is_not_allocated():
    assert rules.site_status(intake_start=None, today=INTAKE) is SiteStatus.NOT_ALLOCATED
    assert SiteStatus.NOT_ALLOCATED.value == "not_allocated"


@pytest.mark.parametrize(
    ("allocated", "adding", "problem"),
    [
        (3, 2, None),
        (3, 3, "The intake has room for 2 more sites: you selected 3"),
        (4, 2, "The intake has room for 1 more site: you selected 2"),
        (5, 1, "The intake is full: it takes 5 sites"),
    ],
)
def test_capacity(allocated, adding, problem):
    assert rules.capacity_problem(capacity=5, allocated=allocated, adding=adding) == problem


def test_a_team_needs_every_role_and_one_holder_of_the_single_ones():
    everyone = [role.value for role in TeamRole]
    assert rules.missing_roles(everyone) == []
    assert rules.missing_roles(everyone[1:]) == [TeamRole.HEAD_OF_MIDWIFERY]
    assert len(rules.missing_roles([])) == 12
    assert rules.second_holder_problem(role=TeamRole.SPONSOR_EXECUTIVE, held=["sponsor_executive"]) == (
        "The team already has a sponsor executive: remove them from the team first"
    )
    assert rules.second_holder_problem(role=TeamRole.BOARD_SAFETY_CHAMPION, held=["board_safety_champion"]) is None
    quad = [role for role in TeamRole if role.group is rules.TeamGroup.QUAD]
    assert [role.label for role in quad] == [
        "Director or head of midwifery",
        "Clinical director for obstetrics",
        "Clinical director for neonatology",
        "Operational lead",
    ]


def test_the_five_elements_in_the_letters_order():
    assert [element.title for element in rules.ELEMENTS] == [
        "Tackling racism and discrimination",
        "Identifying local challenges",
        "Engaging leadership",
        "Empowering clinical leadership",
        "Creating and sustaining cultural change",
    ]
    assert "mnvp_findings" in rules.element(2).evidence_labels
    assert "board_report" in rules.element(5).evidence_labels
    with pytest.raises(KeyError):
        rules.element(6)


def _element(**changes):
    values = dict(
        status=ElementStatus.DONE,
        started_on=date(2026, 5, 1),
        completed_on=date(2026, 6, 30),
        evidence=["webinars_attended"],
        notes="",
        element_number=1,
        programme_start=START,
        today=date(2026, 11, 27),
    )
    values.update(changes)
    return rules.element_problems(**values)


def test_an_element_done_with_dates_and_evidence_is_accepted():
    assert _element() == []
    assert _element(evidence=[], notes="All took part") == []
    assert _element(status=ElementStatus.IN_PROGRESS, completed_on=None, evidence=[]) == []
    assert _element(status=ElementStatus.NOT_STARTED, started_on=None, completed_on=None, evidence=[]) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"completed_on": None}, "completed_on", "Enter the date the element was done"),
        ({"started_on": None}, "started_on", "Enter the date the team started this element"),
        ({"evidence": []}, "evidence", "Select the evidence, or describe it in the notes, to mark it done"),
        ({"completed_on": date(2026, 4, 30)}, "completed_on", "must be on or after the date started"),
        ({"completed_on": date(2026, 11, 28)}, "completed_on", "must be today or in the past"),
        ({"started_on": date(2026, 3, 31)}, "started_on", "on or after 1 April 2026, when the programme started"),
        ({"evidence": ["board_report"]}, "evidence", "Select evidence from the list for this element"),
        ({"status": ElementStatus.IN_PROGRESS}, "completed_on", "Leave the date done empty, or select Done"),
        ({"status": ElementStatus.NOT_STARTED, "completed_on": None}, "started_on", "Leave the start date empty"),
    ],
)
def test_an_element_update_names_what_is_wrong(changes, field, message):
    problems = _element(**changes)
    assert any(f == field and message in text for f, text in problems), problems


def _survey(**changes):
    values = dict(
        round_=SurveyRound.AFTER,
        held_on=date(2026, 11, 1),
        invited=14,
        responses=11,
        scores={"safe_to_speak_up": 60, "treated_fairly": 70, "confident_to_challenge": 55},
        other_round_held_on=date(2026, 4, 17),
        today=date(2026, 11, 27),
    )
    values.update(changes)
    return rules.survey_problems(**values)


def test_a_survey_round_is_checked_field_by_field():
    assert _survey() == []
    assert _survey(responses=0, scores={}) == []
    assert ("responses", "The number of responses must be no more than the 14 invited") in _survey(responses=15)
    assert ("invited", "The number invited must be 1 or more") in _survey(invited=0)
    assert ("treated_fairly", "The percentage must be between 0 and 100") in _survey(
        scores={"safe_to_speak_up": 60, "treated_fairly": 101, "confident_to_challenge": 55}
    )
    assert [field for field, _ in _survey(scores={})] == list(rules.HEADLINE_KEYS)
    assert _survey(held_on=date(2026, 4, 17))[0][0] == "held_on"  # after must close after before
    assert _survey(round_=SurveyRound.BEFORE, held_on=date(2026, 4, 17), other_round_held_on=date(2026, 4, 1))[0] == (
        "held_on",
        "The survey before must close before the survey after (1 April 2026)",
    )
