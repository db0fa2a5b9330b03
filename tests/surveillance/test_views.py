"""Outcome signals pages: who sees what, the safety-check journey, and every page's words.

Scenario (data to December 2025, seen on Monday 12 January 2026): R0A01 (trust R0A) has a
level-2 signal in December, RRK01 (trust RRK) level-1 signals from September; each site has
an open critical safety check due on 22 January 2026.
"""

from datetime import date, datetime

import pytest
from django.urls import reverse

from perinatal.accounts.models import User
from perinatal.accounts.roles import Role
from perinatal.core.models import AuditEvent
from perinatal.organisations.models import Organisation
from perinatal.surveillance.models import (
    CriticalSafetyCheck,
    MossRun,
    SafetyCheckAction,
    SafetyCheckFinding,
)
from perinatal.surveillance.services.runs import record_moss_run
from tests.helpers import make_user, sign_in
from tests.surveillance.platform import SITE_A, SITE_B, worked_example

pytestmark = pytest.mark.django_db

NOT_A_VERDICT = "A signal is a prompt for a safety check, not a verdict of unsafe care."
NOW = "2026-01-12T09:00"
AREAS = ("cases", "staffing", "escalation", "intrapartum_monitoring", "learning")

# Who reads R0A's check (trust R0A, ICB QOP, region Y62) and RRK's (trust RRK, ICB QHL, region Y60).
READERS_OF_A = [
    "hom.r0a@perinatal.example",
    "midwife.r0a@perinatal.example",
    "board.r0a@perinatal.example",
    "icb.qop@perinatal.example",
    "region.y62@perinatal.example",
    "ist@perinatal.example",
    "programme.admin@perinatal.example",
    "system.admin@perinatal.example",
]
NOT_READERS_OF_A = [
    "hom.rrk@perinatal.example",
    "midwife.rrk@perinatal.example",
    "hom.ryr@perinatal.example",
    "reviewer.mbrrace@perinatal.example",
]


@pytest.fixture
def checks(settings):
    settings.PERINATAL_NOW = NOW
    months = {(SITE_B, 2025, month): 1 for month in range(7, 13)}
    months[(SITE_A, 2025, 12)] = 4
    worked_example(extra_months=months)
    outcome = record_moss_run(trigger=MossRun.Trigger.COMMAND)
    by_site = {check.site.code: check for check in outcome.checks_opened}
    assert set(by_site) == {SITE_A, SITE_B}
    return by_site


def _client_for(client, email):
    sign_in(client, User.objects.get(email=email))
    return client


# --- the national signals page ---------------------------------------------------------------------


def test_everyone_signed_in_sees_the_signals_summary(client, checks):
    _client_for(client, "reviewer.mnsi@perinatal.example")
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert NOT_A_VERDICT in page
    assert "Sites in signal in December 2025" in page
    assert SITE_A in page and SITE_B in page
    assert "There are no open safety checks for your organisations" in page  # reviewers read no trust records


def test_the_menu_has_outcome_signals(client, checks):
    _client_for(client, "midwife.r0a@perinatal.example")
    page = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("surveillance:overview")}"' in page and "Outcome signals" in page


@pytest.mark.parametrize(
    "email, sees_a, sees_b",
    [
        ("hom.r0a@perinatal.example", True, False),
        ("board.r0a@perinatal.example", True, False),
        ("hom.rrk@perinatal.example", False, True),
        ("icb.qop@perinatal.example", True, False),
        ("region.y62@perinatal.example", True, False),
        ("ist@perinatal.example", True, True),
        ("programme.admin@perinatal.example", True, True),
        ("reviewer.mbrrace@perinatal.example", False, False),
    ],
)
def test_open_checks_on_the_signals_page_are_scoped(client, checks, email, sees_a, sees_b):
    _client_for(client, email)
    for page_name in ("surveillance:overview", "surveillance:checks"):
        page = client.get(reverse(page_name)).content.decode()
        assert (checks[SITE_A].reference + "<") in page if sees_a else (checks[SITE_A].reference + "<") not in page
        assert (checks[SITE_B].reference + "<") in page if sees_b else (checks[SITE_B].reference + "<") not in page


def test_overdue_checks_are_flagged(client, checks, settings):
    settings.PERINATAL_NOW = "2026-01-23T09:00"
    _client_for(client, "ist@perinatal.example")
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert "2 open, of which 2 overdue" in page and "Overdue" in page
    assert "Was due 22 January 2026 (1 day overdue)" in page


def test_before_any_run_the_page_says_so(client):
    from tests.surveillance.platform import clear_births_and_signals

    clear_births_and_signals()
    _client_for(client, "ist@perinatal.example")
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert "MOSS has not run yet" in page and NOT_A_VERDICT in page


# --- a site's page ------------------------------------------------------------------------------------


def test_site_page_shows_the_cusum_chart_and_its_table(client, checks):
    _client_for(client, "midwife.rrk@perinatal.example")
    response = client.get(reverse("surveillance:site", args=[SITE_A]))
    page = response.content.decode()
    assert response.status_code == 200 and NOT_A_VERDICT in page
    assert "<svg" in page and 'class="chart chart-moss"' in page and 'class="chart chart-excess"' in page
    assert '<th scope="row" class="nhsuk-table__header">R0A01</th>' in page
    assert "December 2025" in page and "Level 2" in page
    # Another trust's user sees the aggregate chart, never the check or notified deaths.
    assert checks[SITE_A].reference not in page and "Notified deaths" not in page


def test_site_page_for_an_unknown_site_is_404(client, checks):
    _client_for(client, "ist@perinatal.example")
    assert client.get(reverse("surveillance:site", args=["ZZZ99"])).status_code == 404
    assert client.get(reverse("surveillance:find_site") + "?site=r0a01").url == reverse(
        "surveillance:site", args=[SITE_A]
    )


def _notify(*, reference, trust, born_at, born_alive=False, died_at=None, weeks=39, site=SITE_A):
    from perinatal.notifications.models import Notification, NotificationVersion

    moment = datetime.fromisoformat(born_at + "+00:00")
    notification = Notification.objects.create(
        reference=reference,
        trust=Organisation.objects.get(code=trust),
        event="baby",
        created_via="web",
        created_at=moment,
        updated_at=moment,
        born_at=moment,
    )
    version = NotificationVersion.objects.create(
        notification=notification,
        number=1,
        rules_version="test",
        created_via="web",
        created_at=moment,
        routing={},
        document={
            "trust": trust,
            "event": "baby",
            "place_of_birth": {"type": "hospital", "site": site},
            "baby": {
                "born_at": born_at,
                "gestation": {"weeks": weeks, "days": 0, "reliable": True},
                "born_alive": born_alive,
                "died_at": died_at,
                "termination_of_pregnancy": False,
            },
        },
    )
    notification.current_version = version
    notification.save(update_fields=["current_version"])


def test_notified_deaths_are_shown_beside_the_chart_and_missing_ones_flagged(client, checks):
    _notify(reference="PEN-IN-DATA", trust="R0A", born_at="2025-12-05T10:00")  # a stillbirth in the births data
    _notify(reference="PEN-MISSING", trust="R0A", born_at="2025-12-20T10:00")  # not in the births data
    _notify(reference="PEN-NND", trust="R0A", born_at="2025-12-21T10:00", born_alive=True, died_at="2026-01-02T09:00")
    _notify(reference="PEN-PRETERM", trust="R0A", born_at="2025-12-22T10:00", weeks=36)  # not term: not shown
    _notify(reference="PEN-ELSEWHERE", trust="R0A", born_at="2025-12-22T10:00", site="R0A02")  # another site
    _client_for(client, "hom.r0a@perinatal.example")
    page = client.get(reverse("surveillance:site", args=[SITE_A])).content.decode()
    assert "Notified deaths beside the births data" in page
    assert "<p>2 notified term deaths are not in the births data: PEN-MISSING, PEN-NND." in page
    assert "PEN-IN-DATA" not in page and "PEN-PRETERM" not in page and "PEN-ELSEWHERE" not in page
    assert AuditEvent.objects.filter(action="view", summary__contains="Notified deaths at R0A01").exists()
    _client_for(client, "hom.rrk@perinatal.example")
    assert "PEN-MISSING" not in client.get(reverse("surveillance:site", args=[SITE_A])).content.decode()


@pytest.mark.parametrize(
    "role, org",
    [
        (Role.REGIONAL_VIEWER, "Y62"),
        (Role.ICB_VIEWER, "QOP"),
        (Role.PERINATAL_LEADERSHIP, "R0A"),
        (Role.EXECUTIVE_LEAD, "R0A"),
    ],
)
def test_readers_of_signals_who_may_not_read_notifications_see_no_notification_reference(client, checks, role, org):
    """Issue 13: record-level notification references only for those who read the trust's notifications."""
    _notify(reference="PEN-MISSING", trust="R0A", born_at="2025-12-20T10:00")
    sign_in(client, make_user(role, org))
    page = client.get(reverse("surveillance:site", args=[SITE_A]))
    assert page.status_code == 200
    assert "PEN-MISSING" not in page.content.decode()


def test_site_csv_is_the_moss_table(client, checks):
    _client_for(client, "reviewer.nhsr@perinatal.example")
    response = client.get(reverse("surveillance:site_csv", args=[SITE_B]))
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv") and "moss-RRK01.csv" in response["Content-Disposition"]
    assert lines[0] == "site_code,month,events,expected,k,h1,h2,cusum,level,reset"
    assert lines[-1] == "RRK01,2025-12,1,0.42,0.6,1.6,3.4,2.8,1,0"


# --- a safety check: who may read it, who may record it ----------------------------------------------


@pytest.mark.parametrize("email", READERS_OF_A)
def test_readers_see_the_check_and_the_view_is_audited(client, checks, email):
    _client_for(client, email)
    check = checks[SITE_A]
    page = client.get(reverse("surveillance:check", args=[check.pk])).content.decode()
    assert f"Critical safety check {check.reference}" in page and NOT_A_VERDICT in page
    assert "Due 22 January 2026" in page and "December 2025" in page
    assert f'<a href="/signals/sites/{SITE_A}/">' in page and "opened by MOSS run" in page
    assert AuditEvent.objects.filter(
        action="view", object_type="surveillance.CriticalSafetyCheck", object_id=str(check.pk), actor__email=email
    ).exists()


RECORDING_PAGES = (
    ("surveillance:check_owner", ()),
    ("surveillance:check_finding", ("cases",)),
    ("surveillance:check_action", ()),
    ("surveillance:check_complete", ()),
)
ANY_FORM = {"findings": "x", "summary": "x", "description": "x", "owner": "x"}


@pytest.mark.parametrize("email", NOT_READERS_OF_A)
def test_another_trust_never_gets_the_check(client, checks, email):
    _client_for(client, email)
    check = checks[SITE_A]
    for name, extra in (("surveillance:check", ()), *RECORDING_PAGES):
        url = reverse(name, args=[check.pk, *extra])
        response = client.get(url)
        assert response.status_code == 404 and b"Not recorded yet" not in response.content, url
        assert client.post(url, ANY_FORM).status_code == 404, url
    assert not SafetyCheckFinding.objects.exists() and not SafetyCheckAction.objects.exists()


@pytest.mark.parametrize(
    "email",
    [
        "midwife.r0a@perinatal.example",
        "board.r0a@perinatal.example",
        "icb.qop@perinatal.example",
        "region.y62@perinatal.example",
        "ist@perinatal.example",
        "system.admin@perinatal.example",
    ],
)
def test_only_the_trusts_local_authoriser_records_the_check(client, checks, email):
    _client_for(client, email)
    check = checks[SITE_A]
    for name, extra in RECORDING_PAGES:
        url = reverse(name, args=[check.pk, *extra])
        assert client.get(url).status_code == 403, url
        assert client.post(url, ANY_FORM).status_code == 403, url
    page = client.get(reverse("surveillance:check", args=[check.pk])).content.decode()
    assert "Complete the safety check" not in page and "Add an action" not in page
    assert not SafetyCheckFinding.objects.exists() and not SafetyCheckAction.objects.exists()


def test_a_local_authoriser_of_another_trust_in_the_same_icb_cannot_record(client, checks):
    user = make_user(Role.LOCAL_AUTHORISER, "RRK", email="second.hom@test.example")
    _client_for(client, user.email)
    assert client.get(reverse("surveillance:check_action", args=[checks[SITE_A].pk])).status_code == 404
    assert client.get(reverse("surveillance:check_action", args=[checks[SITE_B].pk])).status_code == 200


def test_the_trust_completes_its_check_through_the_pages(client, checks):
    _client_for(client, "hom.r0a@perinatal.example")
    check = checks[SITE_A]
    check_url = reverse("surveillance:check", args=[check.pk])
    # Completing too early names what is missing.
    page = client.post(reverse("surveillance:check_complete", args=[check.pk]), {"summary": "Done"}).content.decode()
    assert "<title>Error:" in page and "Record findings for cases, staffing" in page
    # An empty finding names the area.
    page = client.post(
        reverse("surveillance:check_finding", args=[check.pk, "staffing"]), {"findings": ""}
    ).content.decode()
    assert "Enter what the review of staffing found" in page and 'href="#id_findings"' in page
    for area in AREAS:
        response = client.post(
            reverse("surveillance:check_finding", args=[check.pk, area]), {"findings": f"Reviewed {area}"}
        )
        assert response.status_code == 302 and response.url == check_url
    # The owner.
    board = User.objects.get(email="board.r0a@perinatal.example")
    assert client.post(reverse("surveillance:check_owner", args=[check.pk]), {"owner": board.pk}).status_code == 302
    outsider = User.objects.get(email="hom.rrk@perinatal.example")
    page = client.post(reverse("surveillance:check_owner", args=[check.pk]), {"owner": outsider.pk}).content.decode()
    assert "Choose a local authoriser or trust viewer of this trust as the owner" in page
    # An action: a bad date first.
    action_url = reverse("surveillance:check_action", args=[check.pk])
    bad = {
        "description": "Refresh CTG training",
        "owner": "Labour ward manager",
        "due_on_day": "31",
        "due_on_month": "2",
        "due_on_year": "2026",
    }
    page = client.post(action_url, bad).content.decode()
    assert "The date the action is due must be a real date" in page and "<title>Error:" in page
    page = client.post(action_url, {**bad, "due_on_day": "1", "due_on_year": "2025"}).content.decode()
    assert "on or after 12 January 2026" in page
    assert client.post(action_url, {**bad, "due_on_day": "27"}).status_code == 302
    page = client.get(check_url).content.decode()
    assert "Refresh CTG training" in page and "27 February 2026" in page and "Carl Dunn" in page
    response = client.post(
        reverse("surveillance:check_complete", args=[check.pk]), {"summary": "No common cause found"}
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == "completed" and check.owner == board and not check.was_completed_late()
    page = client.get(check_url).content.decode()
    assert "No common cause found" in page and "Completed" in page and "Complete the safety check" not in page
    # A completed check can no longer be changed.
    assert client.get(reverse("surveillance:check_action", args=[check.pk])).url == check_url
    summaries = list(
        AuditEvent.objects.filter(object_type="surveillance.CriticalSafetyCheck", object_id=str(check.pk)).values_list(
            "summary", flat=True
        )
    )
    assert sum("findings recorded" in summary for summary in summaries) == 5
    assert any("owner set" in s for s in summaries) and any("action" in s for s in summaries)
    assert any(s.endswith("completed") for s in summaries)
    assert not any("Carl" in s or "Dunn" in s for s in summaries)  # no names in audit summaries


def test_an_unknown_review_area_is_404(client, checks):
    _client_for(client, "hom.r0a@perinatal.example")
    assert client.get(reverse("surveillance:check_finding", args=[checks[SITE_A].pk, "weather"])).status_code == 404


def test_a_withdrawn_signal_is_marked_on_its_check(client, checks, settings):
    from perinatal.dashboard.models import BirthRecord

    BirthRecord.objects.filter(site__code=SITE_A, born_on=date(2025, 12, 5)).delete()
    record_moss_run(trigger=MossRun.Trigger.COMMAND)
    _client_for(client, "hom.r0a@perinatal.example")
    page = client.get(reverse("surveillance:check", args=[checks[SITE_A].pk])).content.decode()
    assert "withdrawn after data revision" in page
    assert CriticalSafetyCheck.objects.get(pk=checks[SITE_A].pk).is_open


def _history(page: str) -> list[str]:
    import re

    section = page.split("<h2>History</h2>")[1].split("</ul>")[0]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", section, flags=re.S)]


def test_the_checks_history_is_in_time_order_newest_first(client, checks, settings):
    """Issue 12: the page listed openings, then notices, then actions, then findings (newest first),
    so a finding recorded before an action read after it."""
    from perinatal.surveillance.services.safety_checks import add_action, complete_check, record_finding, update_action

    check = checks[SITE_A]
    hom = User.objects.get(email="hom.r0a@perinatal.example")
    settings.PERINATAL_NOW = "2026-01-13T10:00"
    record_finding(check=check, area="cases", findings="Reviewed the cases", by=hom)
    settings.PERINATAL_NOW = "2026-01-14T10:00"
    action = add_action(
        check=check, description="Refresh CTG training", owner="Ward manager", due_on=date(2026, 2, 1), by=hom
    )
    settings.PERINATAL_NOW = "2026-01-15T10:00"
    for area in AREAS[1:]:
        record_finding(check=check, area=area, findings=f"Reviewed {area}", by=hom)
    settings.PERINATAL_NOW = "2026-01-16T10:00"
    update_action(action=action, status="done", note="Training done", by=hom)
    settings.PERINATAL_NOW = "2026-01-19T10:00"
    complete_check(check=check, summary="No common cause", by=hom)
    _client_for(client, "hom.r0a@perinatal.example")
    history = _history(client.get(reverse("surveillance:check", args=[check.pk])).content.decode())
    assert history[0].startswith("19 January 2026 at 10:00am: completed by Amina Okafor")
    assert history[1] == "16 January 2026 at 10:00am: action 1 marked done by Amina Okafor"
    assert history[2].startswith("15 January 2026 at 10:00am: findings for")
    assert history[6] == "14 January 2026 at 10:00am: action 1 added by Amina Okafor"
    assert history[7] == "13 January 2026 at 10:00am: findings for cases recorded by Amina Okafor"
    assert history[8].startswith("12 January 2026 at 9:00am: contacts told by email")
    assert history[9].startswith("12 January 2026 at 9:00am: opened by MOSS run")
    assert len(history) == 10


# --- the checks list's filters (issue 12) --------------------------------------------------------------


def _listed(client, **params) -> list[str]:
    import re

    page = client.get(reverse("surveillance:checks"), params).content.decode()
    return re.findall(r'<th scope="row"><a href="/signals/checks/\d+/">(CSC-\d+)</a></th>', page)


def test_the_checks_list_filters_by_status_trust_site_and_days_opened(client, checks, settings):
    from perinatal.surveillance.services.safety_checks import complete_check, record_finding

    a, b = checks[SITE_A], checks[SITE_B]
    hom = User.objects.get(email="hom.r0a@perinatal.example")
    for area in AREAS:
        record_finding(check=a, area=area, findings="Reviewed", by=hom)
    complete_check(check=a, summary="No common cause", by=hom)
    _client_for(client, "ist@perinatal.example")
    assert _listed(client) == [b.reference, a.reference]  # open first, then completed
    assert _listed(client, status="due") == [b.reference]
    assert _listed(client, status="overdue") == []
    assert _listed(client, status="completed") == [a.reference]
    settings.PERINATAL_NOW = "2026-01-23T09:00"  # the day after both were due
    assert _listed(client, status="overdue") == [b.reference] and _listed(client, status="due") == []
    assert _listed(client, trust="RRK") == [b.reference] and _listed(client, site=SITE_A) == [a.reference]
    assert _listed(client, trust="RRK", site=SITE_A) == []
    dates = {"opened_from_day": "12", "opened_from_month": "1", "opened_from_year": "2026"}
    assert _listed(client, **dates) == [b.reference, a.reference]
    assert _listed(client, **{**dates, "opened_from_day": "13"}) == []
    page = client.get(reverse("surveillance:checks"), {"status": "overdue"}).content.decode()
    assert "1 safety check matches the filters" in page and "Clear the filters" in page
    assert '<option value="overdue" selected>' in page
    assert '<label class="nhsuk-label" for="id_trust">Trust</label>' in page and "RRK01" in page
    # An unknown choice (an old bookmark) means any; a bad date is named and filters nothing.
    assert _listed(client, status="lost", trust="XXX") == [b.reference, a.reference]
    page = client.get(
        reverse("surveillance:checks"),
        {**dates, "opened_to_day": "1", "opened_to_month": "1", "opened_to_year": "2026"},
    ).content.decode()
    assert "<title>Error:" in page and "The last day opened must be the same as or after the first day" in page
    assert 'href="#id_opened_to"' in page
    page = client.get(
        reverse("surveillance:checks"), {"opened_from_day": "31", "opened_from_month": "2"}
    ).content.decode()
    assert "The first day opened must include a year" in page


def test_the_checks_filters_offer_and_reach_only_the_readers_own_checks(client, checks):
    a = checks[SITE_A]
    _client_for(client, "hom.r0a@perinatal.example")
    page = client.get(reverse("surveillance:checks")).content.decode()
    assert 'for="id_trust"' not in page and 'for="id_site"' not in page  # one trust, one site: nothing to choose
    assert "RRK" not in page
    assert _listed(client, trust="RRK") == [a.reference]  # another trust's code is no choice: ignored
    assert _listed(client, site=SITE_B) == [a.reference]
    _client_for(client, "reviewer.mbrrace@perinatal.example")
    page = client.get(reverse("surveillance:checks")).content.decode()
    assert "Filter the checks" not in page and "There are no safety checks for your organisations" in page
