"""The dashboard's selectors: organisations by code (the API's `org`), the span of the
loaded births, and scoped uploads."""

from __future__ import annotations

import pytest

from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import scope_for
from perinatal.dashboard.models import BirthRecord, Upload
from perinatal.dashboard.selectors import births, organisations, uploads
from perinatal.organisations.models import Organisation
from tests.dashboard.factories import birth
from tests.dashboard.import_helpers import clear_dashboard_data, import_records
from tests.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code, level",
    [("E92000001", "national"), ("Y62", "region"), ("QOP", "icb"), ("R0A", "trust"), ("MNSI", None), ("XYZ99", None)],
)
def test_organisations_by_code(code, level):
    found = organisations.organisation(code)
    assert (found.level if found else None) == level


def test_the_data_span_runs_from_the_first_birth_to_the_last():
    span = births.data_span()
    assert span.first == BirthRecord.objects.earliest("born_on").born_on
    assert span.last == BirthRecord.objects.latest("born_on").born_on
    BirthRecord.objects.all().delete()
    assert births.data_span() is None


def test_uploads_are_visible_to_their_trust_and_national_admins_only(tmp_path):
    clear_dashboard_data()
    r0a, rj1 = Organisation.objects.get(code="R0A"), Organisation.objects.get(code="RJ1")
    mine = import_records(tmp_path, "births", [birth("V1")], organisation=r0a)
    theirs = import_records(tmp_path, "births", [birth("V2", trust_code="RJ1", site_code=None)], organisation=rj1)

    def visible(role, code):
        return set(
            uploads.uploads_visible_to(scope_for(make_user(role, code)))
            .filter(pk__in=[mine.pk, theirs.pk])
            .values_list("pk", flat=True)
        )

    assert visible(Role.REPORTER, "R0A") == {mine.pk}
    assert visible(Role.TRUST_VIEWER, "RJ1") == {theirs.pk}
    assert visible(Role.ICB_VIEWER, "QOP") == set()
    assert visible(Role.REGIONAL_VIEWER, "Y62") == set()
    assert visible(Role.IMPROVEMENT_SUPPORT, "E92000001") == set()
    assert visible(Role.PROGRAMME_ADMIN, "E92000001") == {mine.pk, theirs.pk}
    assert Upload.objects.filter(pk__in=[mine.pk, theirs.pk], status="loaded").count() == 2
