"""The programme's pages: who sees what (docs/rules/equity.md §3), forms that name the field."""

import re

import pytest
from django.urls import reverse

from perinatal.accounts.models import User
from perinatal.accounts.roles import Role
from perinatal.core.models import AuditEvent
from perinatal.equity.models import ElementUpdate, Intake, TeamMember
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("equity_programme:overview")
R0A01 = reverse("equity_programme:site", args=["R0A01"])
NAME_ON_THE_TEAM = "Dr Priya Raman"  # the demo's clinical director for neonatology at R0A01


def _as(client, email):
    sign_in(client, User.objects.get(email=email))
    return client


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("programme.admin@perinatal.example", 200),
        ("hom.r0a@perinatal.example", 200),
        ("quad.r0a@perinatal.example", 200),
        ("board.r0a@perinatal.example", 200),
        ("icb.qop@perinatal.example", 200),
        ("region.y62@perinatal.example", 200),
        ("midwife.r0a@perinatal.example", 403),
        ("reviewer.mbrrace@perinatal.example", 403),
        ("ist@perinatal.example", 403),
        ("system.admin@perinatal.example", 403),
    ],
)
def test_who_may_open_the_programme(client, email, status):
    assert _as(client, email).get(OVERVIEW).status_code == status


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_national_page_names_the_site_left_out(client):
    page = _as(client, "programme.admin@perinatal.example").get(OVERVIEW).content.decode()
    assert "1 site not allocated yet" in page
    assert "(RYR02)" in page
    assert "Intake 3: South East, East of England, North East and Yorkshire" in page
    assert "Plan an intake" in page


def test_an_icb_sees_its_trusts_sites_only(client):
    page = _as(client, "icb.qop@perinatal.example").get(OVERVIEW).content.decode()
    assert "R0A01" in page and "R0A03" in page
    assert "RRK01" not in page and "RYR02" not in page
    assert "Plan an intake" not in page
    assert _as(client, "icb.qop@perinatal.example").get(reverse("equity_programme:intake", args=[2])).status_code == 404


@pytest.mark.parametrize(
    ("email", "status", "names"),
    [
        ("hom.r0a@perinatal.example", 200, True),
        ("board.r0a@perinatal.example", 200, True),
        ("programme.admin@perinatal.example", 200, True),
        ("icb.qop@perinatal.example", 200, False),
        ("region.y62@perinatal.example", 200, False),
        ("hom.rrk@perinatal.example", 404, False),
        ("midwife.r0a@perinatal.example", 403, False),
    ],
)
def test_names_are_shown_to_the_trust_and_the_programme_team_only(client, email, status, names):
    response = _as(client, email).get(R0A01)
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Clinical director for neonatology" in page
        assert (NAME_ON_THE_TEAM in page) is names
        if not names:
            assert "People's names are shown to the trust and the national programme team only" in page


def test_viewing_the_names_is_audited(client):
    _as(client, "board.r0a@perinatal.example").get(R0A01)
    assert AuditEvent.objects.filter(action="view", summary__startswith="Equity programme team of R0A01").exists()


def test_the_site_page_links_to_the_trusts_outcomes_before_and_during_the_intake(client):
    page = _as(client, "hom.r0a@perinatal.example").get(R0A01).content.decode()
    equity = reverse("equity_breakdowns:trust", args=["R0A"])
    assert f'href="{equity}"' in page
    # Intake 1 started on 1 May 2026: the year before it, and its delivery so far (to today).
    before = re.search(rf'href="({re.escape(equity)}\?[^"]+)">Before the intake: 1 May 2025 to 30 April 2026<', page)
    during = re.search(rf'href="({re.escape(equity)}\?[^"]+)">During the intake: 1 May 2026 to 27 November 2026<', page)
    assert before and during and ">After the intake:" not in page
    response = client.get(during.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and "Error:" not in response.content.decode()[:2000]


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("hom.r0a@perinatal.example", 200),
        ("board.r0a@perinatal.example", 403),
        ("icb.qop@perinatal.example", 403),
        ("programme.admin@perinatal.example", 403),
        ("hom.rrk@perinatal.example", 404),
    ],
)
def test_only_the_trusts_perinatal_leadership_records_its_team(client, email, status):
    url = reverse("equity_programme:team_member_new", args=["R0A01"])
    assert _as(client, email).get(url).status_code == status


def test_perinatal_leadership_granted_by_the_head_of_midwifery_records_too(client):
    lead = make_user(Role.PERINATAL_LEADERSHIP, "R0A")
    sign_in(client, lead)
    url = reverse("equity_programme:element", args=["R0A03", 1])
    response = client.post(
        url,
        {"status": "in_progress", "started_on_day": "2", "started_on_month": "11", "started_on_year": "2026"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/sites/R0A03/#element-1")
    assert ElementUpdate.objects.filter(team__site__code="R0A03", element=1, recorded_by=lead).exists()


def test_planning_pages_are_for_the_programme_team(client):
    for email in ("hom.r0a@perinatal.example", "region.y62@perinatal.example"):
        _as(client, email)
        assert client.get(reverse("equity_programme:intake_new")).status_code == 403
        assert client.get(reverse("equity_programme:intake_sites", args=[3])).status_code == 403


def _intake_form(**changes):
    data = {
        "number": "4",
        "name": "South East second wave",
        "regions": ["Y59"],
        "start_on_day": "1",
        "start_on_month": "10",
        "start_on_year": "2027",
        "capacity": "1",
    }
    data.update(changes)
    return data


def test_an_intake_after_18_months_is_refused_on_the_page_naming_the_field(client):
    _as(client, "programme.admin@perinatal.example")
    response = client.post(reverse("equity_programme:intake_new"), _intake_form())
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: Plan an intake", page)
    assert 'href="#id_start_on"' in page
    assert "The intake&#39;s start date must be within 18 months of the programme&#39;s start" in page
    assert not Intake.objects.filter(number=4).exists()


def test_a_missing_field_is_named_in_the_error_summary(client):
    _as(client, "programme.admin@perinatal.example")
    page = client.post(reverse("equity_programme:intake_new"), _intake_form(name="", regions=[])).content.decode()
    assert "Enter the intake&#39;s name, like North West and London" in page
    assert "Select the intake&#39;s region or regions" in page
    assert 'href="#id_regions"' in page


def test_the_programme_team_plans_an_intake_and_allocates_the_site_left_out(client):
    _as(client, "programme.admin@perinatal.example")
    response = client.post(reverse("equity_programme:intake_new"), _intake_form(start_on_month="9"))
    assert response["Location"] == reverse("equity_programme:intake_sites", args=[4])
    page = client.get(response["Location"]).content.decode()
    assert "(RYR02)" in page and "(RYR01)" not in page
    empty = client.post(response["Location"], {}).content.decode()
    assert "Select the sites to add to the intake" in empty
    assert client.post(response["Location"], {"sites": ["RYR02"]}).status_code == 302
    assert "site not allocated yet" not in client.get(OVERVIEW).content.decode()


def test_an_element_marked_done_without_evidence_shows_every_problem(client):
    _as(client, "hom.r0a@perinatal.example")
    url = reverse("equity_programme:element", args=["R0A02", 1])
    page = client.post(url, {"status": "done"}).content.decode()
    assert "Enter the date the team started this element" in page
    assert "Enter the date the element was done" in page
    assert "Select the evidence, or describe it in the notes, to mark it done" in page


def test_a_team_member_is_added_from_the_page(client):
    _as(client, "hom.r0a@perinatal.example")
    url = reverse("equity_programme:team_member_new", args=["R0A02"])
    response = client.post(
        url, {"role": "culture_coach", "full_name": "Ola Bright", "job_title": "Culture coach", "work_email": ""}
    )
    assert response.status_code == 302
    assert TeamMember.objects.filter(team__site__code="R0A02", full_name="Ola Bright").exists()
    page = client.get(reverse("equity_programme:site", args=["R0A02"])).content.decode()
    assert "Ola Bright, Culture coach" in page
    assert "Culture coach added to the team" in page  # the history, with who and when


def test_the_plan_downloads_as_the_command_prints_it(client):
    _as(client, "icb.qop@perinatal.example")
    response = client.get(reverse("equity_programme:plan_download"))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "site_code,trust_code,region_code,intake,intake_start,status"
    assert lines[1:] == [
        "R0A01,R0A,Y62,1,2026-05-01,active",
        "R0A02,R0A,Y62,1,2026-05-01,active",
        "R0A03,R0A,Y62,1,2026-05-01,active",
    ]


def test_the_menu_and_home_link_the_programme_for_those_who_use_it(client):
    for email in ("programme.admin@perinatal.example", "icb.qop@perinatal.example"):
        home = _as(client, email).get(reverse("web:home")).content.decode()
        assert home.count(f'href="{OVERVIEW}"') == 2  # the menu and the home page's card
    # A Head of Midwifery's menu is full (seven items): the home page's card leads there.
    home = _as(client, "hom.r0a@perinatal.example").get(reverse("web:home")).content.decode()
    assert home.count(f'href="{OVERVIEW}"') == 1
    _as(client, "midwife.r0a@perinatal.example")
    assert f'href="{OVERVIEW}"' not in client.get(reverse("web:home")).content.decode()


def test_the_element_form_shows_what_is_recorded(client):
    _as(client, "hom.r0a@perinatal.example")
    page = client.get(reverse("equity_programme:element", args=["R0A01", 2])).content.decode()
    # Element 2 at R0A01 was started on 31 May 2026 (intake start + 30 days) in the demo.
    assert re.search(r'name="started_on_day"[^>]*value="31"', page)
    assert re.search(r'name="evidence"[^>]*value="mnvp_findings"[^>]*checked', page)
