"""Board report tests run on the suite's demo fixtures (the clock is 27 November 2026, so the
latest whole month of data is October 2026): trust R0A, its Head of Midwifery, an executive lead."""

from __future__ import annotations

import pytest

from perinatal.accounts.models import User
from perinatal.accounts.roles import Role
from perinatal.organisations.models import Organisation
from perinatal.reports.rules import ReportMonth
from tests.helpers import make_user

TRUST = "R0A"
MONTH = ReportMonth(2026, 10)
HOM = "hom.r0a@perinatal.example"


@pytest.fixture
def trust(db):
    return Organisation.objects.get(code=TRUST)


@pytest.fixture
def author(db):
    return User.objects.get(email=HOM)


@pytest.fixture
def executive(db):
    return make_user(Role.EXECUTIVE_LEAD, TRUST)
