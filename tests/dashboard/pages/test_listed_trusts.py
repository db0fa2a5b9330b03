"""issue 12: closed trusts, and mental health, community and ambulance trusts, showed on the
dashboard as empty rows and charts and in the onboarding list. The register marks both: a
trust's closed_on (from the ODS close date) and provides_births (the maternity reference file).
A trust is listed for a period when it has data in it, or provides maternity services and is
open during it; a trust with births data always stays."""

from datetime import date

import pytest
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.core import clock
from perinatal.dashboard.engine import OrganisationMap
from perinatal.dashboard.models import BirthRecord, SurveyResult, Upload
from perinatal.dashboard.pages.builders.trusts import trusts_page
from perinatal.dashboard.selectors import births
from perinatal.organisations.models import ENGLAND_CODE, Organisation
from perinatal.organisations.selectors import onboarding_schedule
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

CLOSED = "RA4"  # Yeovil District Hospital NHS Foundation Trust: provides births, closed 1 April 2023
COMMUNITY = "R1D"  # Shropshire Community Health NHS Trust: no maternity services
MATERNITY = "R0A"


def _upload() -> Upload:
    return Upload.objects.create(
        dataset="survey",
        filename="x.csv",
        source=Upload.Source.COMMAND,
        status=Upload.Status.LOADED,
        started_at=clock.now(),
        finished_at=clock.now(),
    )


@pytest.fixture
def stray_records():
    """What put such trusts on the pages: any stored record (here an old survey row)."""
    upload = _upload()
    for code in (CLOSED, COMMUNITY):
        SurveyResult.objects.create(
            trust=Organisation.objects.get(code=code),
            survey_year=2019,
            question="considered_complaint",
            responses=10,
            yes=1,
            upload=upload,
        )
    return upload


def test_the_register_marks_closed_and_non_maternity_trusts():
    orgs = OrganisationMap()
    assert CLOSED in orgs.maternity and orgs.trust_open[CLOSED][1] == date(2023, 4, 1)
    assert COMMUNITY not in orgs.maternity and MATERNITY in orgs.maternity
    day = date(2026, 6, 1)
    assert orgs.listed(MATERNITY, start=day, end=day, has_data=False)
    assert not orgs.listed(CLOSED, start=day, end=day, has_data=False)
    assert orgs.listed(CLOSED, start=date(2023, 3, 1), end=date(2023, 3, 31), has_data=False)  # still open then
    assert not orgs.listed(COMMUNITY, start=day, end=day, has_data=False)
    assert orgs.listed(COMMUNITY, start=day, end=day, has_data=True)  # a trust with data stays


def test_the_trusts_table_and_funnel_leave_them_out(stray_records):
    span = births.data_span()
    table = trusts_page(metric_id=None, period_key=None, region=None, icb=None, sort=None, order=None, span=span)
    codes = {line.row.org_code for line in table.lines}
    assert MATERNITY in codes
    assert CLOSED not in codes and COMMUNITY not in codes
    survey = trusts_page(
        metric_id="considered_complaint", period_key=None, region=None, icb=None, sort=None, order=None, span=span
    )
    assert {CLOSED, COMMUNITY}.isdisjoint(line.row.org_code for line in survey.lines)


def test_a_trust_with_births_data_stays(stray_records):
    span = births.data_span()
    trust = Organisation.objects.get(code=COMMUNITY)
    BirthRecord.objects.create(
        baby_id="LT-1",
        mother_id="LM-1",
        trust=trust,
        born_on=span.last.replace(day=1),
        gestation_days=280,
        birth_weight_g=3300,
        outcome="live",
        termination=False,
        upload=stray_records,
    )
    table = trusts_page(metric_id=None, period_key=None, region=None, icb=None, sort=None, order=None, span=span)
    line = next(line for line in table.lines if line.row.org_code == COMMUNITY)
    assert line.row.denominator == 1
    assert any(row[0] == line.row.org_name for row in table.funnel.table.rows)


def test_area_pages_do_not_list_them(client, stray_records):
    sign_in(client, make_user(Role.IMPROVEMENT_SUPPORT, ENGLAND_CODE))
    orgs = OrganisationMap()
    span = births.data_span()
    for code in (CLOSED, COMMUNITY):
        icb, _region = orgs.parent_on(code, span.as_of)
        page = client.get(reverse("dashboard:icb", args=[icb])).content.decode()
        assert reverse("dashboard:trust", args=[code]) not in page, code
    page = client.get(reverse("dashboard:icb", args=["QOP"])).content.decode()
    assert reverse("dashboard:trust", args=[MATERNITY]) in page
    trusts = client.get(reverse("dashboard:trusts"), {"metric": "considered_complaint"}).content.decode()
    assert reverse("dashboard:trust", args=[CLOSED]) not in trusts
    assert reverse("dashboard:trust", args=[COMMUNITY]) not in trusts


def test_the_onboarding_list_holds_open_maternity_trusts_only():
    listed = {item.trust.code for item in onboarding_schedule()}
    assert MATERNITY in listed
    assert COMMUNITY not in listed and CLOSED not in listed
    assert "G6V2S" not in listed  # North London NHS Foundation Trust, mental health
    named = {trust.code for trust in Organisation.objects.filter(named_in_phases__isnull=False)}
    assert named <= listed | {
        code for code, closed in Organisation.objects.filter(code__in=named).values_list("code", "closed_on") if closed
    }
