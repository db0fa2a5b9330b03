"""The test database holds the demo programme (perinatal setup --demo --small on the suite's clock,
27 November 2026): started 1 April 2026; intake 1 (North West and London) started 1 May 2026,
intake 2 (Midlands and South West) starts 1 January 2027, intake 3 (South East, East of England,
North East and Yorkshire) 1 June 2027 with RYR01 in it and RYR02 left out."""

import pytest

from perinatal.accounts.models import User
from perinatal.equity.models import Intake, Programme
from perinatal.organisations.models import Organisation, Site

PROGRAMME_ADMIN = "programme.admin@perinatal.example"
HOM_R0A = "hom.r0a@perinatal.example"


@pytest.fixture
def admin(db):
    return User.objects.get(email=PROGRAMME_ADMIN)


@pytest.fixture
def hom(db):
    return User.objects.get(email=HOM_R0A)


@pytest.fixture
def programme(db):
    return Programme.objects.get()


@pytest.fixture
def intakes(programme):
    return {intake.number: intake for intake in Intake.objects.filter(programme=programme)}


def site(code: str) -> Site:
    return Site.objects.get(code=code)


def region(code: str) -> Organisation:
    return Organisation.objects.get(code=code)
