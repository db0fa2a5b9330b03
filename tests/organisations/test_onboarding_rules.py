"""The onboarding rules of the letter: go-live at 08:00, nomination deadline, trust phase."""

from datetime import date, datetime

import pytest

from perinatal.organisations import onboarding_rules as rules

LONDON = rules.LONDON


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_go_live_is_eight_in_the_morning_london_time():
    assert rules.go_live_at(date(2025, 9, 22)) == at("2025-09-22T08:00")
    assert rules.go_live_at(date(2025, 9, 22)).utcoffset().total_seconds() == 3600  # BST


@pytest.mark.parametrize(
    "go_live, deadline",
    [
        # Phase 1: the Monday of the week before is the August bank holiday -> Friday before.
        (date(2025, 9, 1), "2025-08-22T12:00"),
        (date(2025, 9, 22), "2025-09-15T12:00"),
        (date(2025, 10, 6), "2025-09-29T12:00"),
        (date(2025, 10, 20), "2025-10-13T12:00"),
        (date(2025, 11, 3), "2025-10-27T12:00"),
        # A go-live on a Wednesday still counts back to the Monday of the week before.
        (date(2025, 11, 5), "2025-10-27T12:00"),
        # Easter Monday 2026 (6 April) -> Thursday 2 April (Good Friday is a bank holiday too).
        (date(2026, 4, 13), "2026-04-02T12:00"),
    ],
)
def test_nomination_deadline(go_live, deadline):
    assert rules.nomination_deadline(go_live) == at(deadline)


@pytest.mark.parametrize(
    "now, status",
    [
        ("2025-09-15T11:59", rules.OnboardingStatus.NOMINATIONS_OPEN),
        ("2025-09-15T12:00", rules.OnboardingStatus.PREPARING),
        ("2025-09-22T07:59", rules.OnboardingStatus.PREPARING),
        ("2025-09-22T08:00", rules.OnboardingStatus.LIVE),
    ],
)
def test_status_changes_at_the_deadline_and_at_eight(now, status):
    assert rules.onboarding_status(go_live_on=date(2025, 9, 22), now=at(now)) is status


def test_no_phase_means_not_scheduled():
    assert rules.onboarding_status(go_live_on=None, now=at("2026-01-01T00:00")) is rules.OnboardingStatus.NO_PHASE


PHASES = [
    rules.PhaseFacts(1, date(2025, 9, 1), frozenset({"RYR"}), frozenset()),
    rules.PhaseFacts(2, date(2025, 9, 22), frozenset(), frozenset({"Y56"})),
]


def test_a_named_trust_takes_its_phase_over_its_regions():
    assert (
        rules.phase_for_trust(trust_code="RYR", region_code="Y56", opened_on=date(2000, 1, 1), phases=PHASES).number
        == 1
    )


def test_otherwise_the_regions_phase():
    assert (
        rules.phase_for_trust(trust_code="RJ1", region_code="Y56", opened_on=date(2000, 1, 1), phases=PHASES).number
        == 2
    )


def test_a_trust_opened_after_its_phase_went_live_has_none():
    assert (
        rules.phase_for_trust(trust_code="K0N6A", region_code="Y56", opened_on=date(2026, 6, 1), phases=PHASES) is None
    )
    # Opening on the go-live day itself is in time.
    assert (
        rules.phase_for_trust(trust_code="NEW", region_code="Y56", opened_on=date(2025, 9, 22), phases=PHASES).number
        == 2
    )


def test_a_trust_in_no_phase_region_has_none():
    assert rules.phase_for_trust(trust_code="X", region_code="Y62", opened_on=None, phases=PHASES) is None
