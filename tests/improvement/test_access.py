"""Who reads and who changes improvement cases (docs/rules/improvement.md §1): the trust its own
(local authoriser, board and executives; not reporters), its ICB and region theirs, the
national team all; the team and the region change them."""

from __future__ import annotations

import pytest

from perinatal.accounts.scoping import MANAGE_IMPROVEMENT_CASES, UPDATE_IMPROVEMENT_ACTIONS, scope_for
from perinatal.improvement.selectors.cases import cases_visible_to
from tests.improvement.factories import opened_case, user

pytestmark = pytest.mark.django_db

READERS = [
    "hom.r0a@perinatal.example",
    "board.r0a@perinatal.example",
    "icb.qop@perinatal.example",
    "region.y62@perinatal.example",
    "ist@perinatal.example",
    "programme.admin@perinatal.example",
]
NOT_READERS = [
    "midwife.r0a@perinatal.example",  # a reporter
    "hom.rrk@perinatal.example",  # another trust
    "hom.ryr@perinatal.example",
    "reviewer.mnsi@perinatal.example",
]


@pytest.fixture
def case():
    return opened_case("R0A")


@pytest.mark.parametrize("email", READERS)
def test_readers(case, email):
    assert list(cases_visible_to(scope_for(user(email)))) == [case]


@pytest.mark.parametrize("email", NOT_READERS)
def test_not_readers(case, email):
    assert list(cases_visible_to(scope_for(user(email)))) == []


@pytest.mark.parametrize(
    ("email", "manages", "updates_actions"),
    [
        ("region.y62@perinatal.example", True, True),
        ("ist@perinatal.example", True, True),
        ("hom.r0a@perinatal.example", False, True),
        ("board.r0a@perinatal.example", False, True),
        ("icb.qop@perinatal.example", False, False),
        ("programme.admin@perinatal.example", False, False),
    ],
)
def test_who_changes_what(case, email, manages, updates_actions):
    scope = scope_for(user(email))
    assert scope.can_read_trust(case.trust, MANAGE_IMPROVEMENT_CASES) is manages
    assert scope.can_read_trust(case.trust, UPDATE_IMPROVEMENT_ACTIONS) is updates_actions
