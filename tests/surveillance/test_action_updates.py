"""Safety-check actions marked done: append-only updates, who may make them, what the pages show.

Scenario as in test_views: data to December 2025, seen on Monday 12 January 2026; R0A01 (trust
R0A) and RRK01 (trust RRK) each have an open critical safety check due on 22 January 2026. Each
check gets one action, due on 30 January 2026.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from perinatal.accounts.models import User
from perinatal.core.models import AppendOnlyError, AuditEvent
from perinatal.surveillance import presenters
from perinatal.surveillance.models import (
    MossRun,
    SafetyCheckAction,
    SafetyCheckActionUpdate,
    SafetyCheckStatusRecord,
)
from perinatal.surveillance.selectors.safety_checks import actions_with_updates, open_actions
from perinatal.surveillance.services.runs import record_moss_run
from perinatal.surveillance.services.safety_checks import (
    SafetyCheckRefused,
    add_action,
    complete_check,
    record_finding,
    update_action,
)
from tests.helpers import sign_in
from tests.surveillance.platform import SITE_A, SITE_B, worked_example

pytestmark = pytest.mark.django_db

NOW = "2026-01-12T09:00"
ACTION_DUE = date(2026, 1, 30)
AREAS = ("cases", "staffing", "escalation", "intrapartum_monitoring", "learning")
HOM_A = "hom.r0a@perinatal.example"


@pytest.fixture
def checks(settings):
    settings.PERINATAL_NOW = NOW
    months = {(SITE_B, 2025, month): 1 for month in range(7, 13)}
    months[(SITE_A, 2025, 12)] = 4
    worked_example(extra_months=months)
    outcome = record_moss_run(trigger=MossRun.Trigger.COMMAND)
    return {check.site.code: check for check in outcome.checks_opened}


@pytest.fixture
def hom():
    return User.objects.get(email=HOM_A)


@pytest.fixture
def action(checks, hom):
    return add_action(
        check=checks[SITE_A], description="Refresh CTG training", owner="Labour ward manager", due_on=ACTION_DUE, by=hom
    )


@pytest.fixture
def action_b(checks):
    return add_action(
        check=checks[SITE_B],
        description="Audit escalation records",
        owner="Matron",
        due_on=ACTION_DUE,
        by=User.objects.get(email="hom.rrk@perinatal.example"),
    )


def _state(action, today=date(2026, 1, 12)):
    (state,) = [
        s
        for s in presenters.action_states(actions_with_updates(action.safety_check), today=today)
        if s.action.pk == action.pk
    ]
    return state


def _complete(check, hom):
    for area in AREAS:
        record_finding(check=check, area=area, findings=f"Reviewed {area}", by=hom)
    return complete_check(check=check, summary="Reviewed; actions agreed", by=hom)


# --- the service ---------------------------------------------------------------------------------------


def test_marking_an_action_done_appends_an_update_and_is_audited(action, hom):
    before = SafetyCheckAction.objects.filter(pk=action.pk).values().get()
    update = update_action(action=action, status="done", note="  Training refreshed for 42 midwives ", by=hom)
    assert (update.status, update.note, update.actor, update.actor_label) == (
        "done",
        "Training refreshed for 42 midwives",
        hom,
        HOM_A,
    )
    assert SafetyCheckAction.objects.filter(pk=action.pk).values().get() == before  # the action row is never edited
    assert _state(action).is_done and not _state(action).overdue
    assert open_actions(action.safety_check) == []
    event = AuditEvent.objects.get(summary__endswith=f"action {action.pk} marked done")
    assert (event.action, event.object_type, event.object_id, event.actor, event.organisation.code) == (
        "update",
        "surveillance.CriticalSafetyCheck",
        str(action.safety_check_id),
        hom,
        "R0A",
    )
    assert "42 midwives" not in event.summary  # notes stay out of the audit summary


@pytest.mark.parametrize(
    "status, note, field, message",
    [
        ("finished", "Done", "status", "Select whether the action is done or still open"),
        ("", "Done", "status", "Select whether the action is done or still open"),
        ("done", "   ", "note", "Enter what was done to complete the action"),
        ("open", "", "note", "Enter the progress on the action so far"),
        ("done", "x" * 1001, "note", "The note must be 1,000 characters or fewer"),
    ],
)
def test_bad_updates_are_refused_naming_the_field_and_store_nothing(action, hom, status, note, field, message):
    audited = AuditEvent.objects.count()
    with pytest.raises(SafetyCheckRefused) as refused:
        update_action(action=action, status=status, note=note, by=hom)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert not SafetyCheckActionUpdate.objects.exists() and AuditEvent.objects.count() == audited


def test_history_is_kept_and_the_latest_update_is_the_status(action, hom):
    update_action(action=action, status="open", note="Half the midwives trained", by=hom)
    assert not _state(action).is_done
    update_action(action=action, status="done", note="All trained", by=hom)
    with pytest.raises(SafetyCheckRefused) as refused:
        update_action(action=action, status="open", note="", by=hom)
    assert str(refused.value) == "Enter why the action is open again"
    update_action(action=action, status="open", note="Night staff were missed", by=hom)
    state = _state(action)
    assert not state.is_done
    assert [(update.note, words) for update, words in state.history] == [
        ("Half the midwives trained", "progress noted"),
        ("All trained", "marked done"),
        ("Night staff were missed", "opened again"),
    ]
    summaries = AuditEvent.objects.filter(summary__contains=f"action {action.pk} ").order_by("id")
    assert [s.rsplit(f"action {action.pk} ", 1)[1] for s in summaries.values_list("summary", flat=True)] == [
        "added, due 30 January 2026",
        "progress noted",
        "marked done",
        "opened again",
    ]
    update = SafetyCheckActionUpdate.objects.first()
    update.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()


def test_overdue_is_an_open_action_past_its_due_date(action, hom):
    assert not _state(action, today=ACTION_DUE).overdue  # the due date itself is still in time
    late = _state(action, today=date(2026, 1, 31))
    assert late.overdue and late.status.text == "Overdue"
    update_action(action=action, status="done", note="Done late", by=hom)
    assert not _state(action, today=date(2026, 1, 31)).overdue and _state(action).status.text == "Done"
    counts = presenters.action_counts([_state(action, today=date(2026, 1, 31))])
    assert (counts.total, counts.open, counts.overdue, counts.words) == (1, 0, 0, "All 1 done")


def test_open_actions_do_not_block_completion_and_can_be_done_afterwards(action, hom):
    check = _complete(action.safety_check, hom)
    assert check.status == "completed"
    record = SafetyCheckStatusRecord.objects.get(safety_check=check, status="completed")
    assert record.note == "completed by its due date; 1 action still open"
    update_action(action=action, status="done", note="Training refreshed", by=hom)
    assert _state(action).is_done
    with pytest.raises(SafetyCheckRefused):  # but no new actions on a completed check
        add_action(check=check, description="Another", owner="Someone", due_on=ACTION_DUE, by=hom)


# --- the pages -------------------------------------------------------------------------------------------


def _url(action):
    return reverse("surveillance:check_action_update", args=[action.safety_check_id, action.pk])


def _check_page(client, action):
    return client.get(reverse("surveillance:check", args=[action.safety_check_id])).content.decode()


def _tags(page) -> list[str]:
    """The words of the page's NHS.UK tags, in order."""
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'class="nhsuk-tag[^"]*"\s*>(.*?)</strong>', page, re.S)
    ]


def test_the_trusts_local_authoriser_marks_an_action_done(client, action, hom):
    sign_in(client, hom)
    page = _check_page(client, action)
    assert 'id="action-1"' in page and _tags(page)[-1] == "Open" and "1 of 1 open" in page
    assert f'href="{_url(action)}"' in page
    form = client.get(_url(action)).content.decode()
    assert "Update action 1" in form and "Refresh CTG training" in form and "Still open: record progress" in form
    # Nothing chosen, nothing written: both fields named, nothing stored.
    page = client.post(_url(action), {"status": "", "note": ""}).content.decode()
    assert "<title>Error:" in page
    assert 'href="#id_status"' in page and "Select whether the action is done or still open" in page
    assert 'href="#id_note"' in page and "Enter what was done, or the progress so far" in page
    page = client.post(_url(action), {"status": "done", "note": " "}).content.decode()
    assert "<title>Error:" in page and "Enter what was done to complete the action" in page
    page = client.post(_url(action), {"status": "done", "note": "x" * 1001}).content.decode()
    assert "The note must be 1,000 characters or fewer" in page
    assert not SafetyCheckActionUpdate.objects.exists()
    response = client.post(_url(action), {"status": "done", "note": "Training refreshed for all midwives"})
    assert response.status_code == 302
    assert response.url == reverse("surveillance:check", args=[action.safety_check_id]) + "#action-1"
    page = _check_page(client, action)
    assert _tags(page)[-1] == "Done" and "Done, recorded 12 January 2026 at 9:00am by Amina Okafor" in page
    assert "Training refreshed for all midwives" in page and "History of action 1" in page
    assert "marked done by Amina Okafor" in page and "All 1 done" in page
    # Once done, the form offers to open it again.
    assert "Open again (it was marked done, but is not finished)" in client.get(_url(action)).content.decode()


def test_overdue_actions_are_tagged_on_the_check_page(client, action, settings):
    settings.PERINATAL_NOW = "2026-01-31T09:00"
    sign_in(client, User.objects.get(email="icb.qop@perinatal.example"))
    page = _check_page(client, action)
    assert _tags(page)[-1] == "Overdue" and "Open, overdue: it was due 30 January 2026" in page
    assert "1 of 1 open, 1 overdue" in page


@pytest.mark.parametrize(
    "email",
    [
        "midwife.r0a@perinatal.example",
        "board.r0a@perinatal.example",
        "icb.qop@perinatal.example",
        "region.y62@perinatal.example",
        "ist@perinatal.example",
        "programme.admin@perinatal.example",
        "system.admin@perinatal.example",
    ],
)
def test_readers_see_the_actions_but_cannot_update_them(client, action, email):
    sign_in(client, User.objects.get(email=email))
    page = _check_page(client, action)
    assert "Refresh CTG training" in page and _url(action) not in page
    assert client.get(_url(action)).status_code == 403
    assert client.post(_url(action), {"status": "done", "note": "Done"}).status_code == 403
    assert not SafetyCheckActionUpdate.objects.exists()


@pytest.mark.parametrize(
    "email", ["hom.rrk@perinatal.example", "midwife.rrk@perinatal.example", "reviewer.mbrrace@perinatal.example"]
)
def test_another_trust_gets_404(client, action, email):
    sign_in(client, User.objects.get(email=email))
    assert client.get(_url(action)).status_code == 404
    assert client.post(_url(action), {"status": "done", "note": "Done"}).status_code == 404
    assert not SafetyCheckActionUpdate.objects.exists()


def test_an_action_is_only_reached_through_its_own_check(client, action, action_b, hom):
    sign_in(client, hom)
    # R0A's check with RRK's action: not found, whoever asks.
    url = reverse("surveillance:check_action_update", args=[action.safety_check_id, action_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "done", "note": "Done"}).status_code == 404
    assert (
        client.get(reverse("surveillance:check_action_update", args=[action.safety_check_id, 999_999])).status_code
        == 404
    )
    assert not SafetyCheckActionUpdate.objects.exists()


def test_completion_says_how_many_actions_remain_open_and_they_are_updated_afterwards(client, action, hom, checks):
    add_action(
        check=checks[SITE_A],
        description="Review the escalation policy",
        owner="Consultant lead",
        due_on=ACTION_DUE,
        by=hom,
    )
    sign_in(client, hom)
    page = client.get(reverse("surveillance:check_complete", args=[action.safety_check_id])).content.decode()
    assert "2 of 2 actions remain open." in page and "Completing the check does not close them" in page
    _complete(checks[SITE_A], hom)
    page = _check_page(client, action)
    assert "Add an action" not in page and "Complete the safety check" not in page
    assert f'href="{_url(action)}"' in page  # actions outlive the check
    form = client.get(_url(action)).content.decode()
    assert "The safety check is completed" in form
    assert client.post(_url(action), {"status": "done", "note": "Training refreshed"}).status_code == 302
    assert _state(action).is_done
    assert "1 of 2 open" in _check_page(client, action)


def test_lists_of_checks_show_open_and_overdue_actions_also_once_completed(client, action, hom, settings):
    _complete(action.safety_check, hom)
    settings.PERINATAL_NOW = "2026-02-02T09:00"
    sign_in(client, User.objects.get(email="region.y62@perinatal.example"))
    page = client.get(reverse("surveillance:checks")).content.decode()
    row = re.search(rf"{action.safety_check.reference}</a></th>(.*?)</tr>", page, re.S).group(1)
    assert "Completed" in row and "<td>1 of 1 open, 1 overdue</td>" in row
    site_page = client.get(reverse("surveillance:site", args=[SITE_A])).content.decode()
    assert "<td>1 of 1 open, 1 overdue</td>" in site_page
    update_action(action=action, status="done", note="Done", by=hom)
    sign_in(client, User.objects.get(email="ist@perinatal.example"))  # national: both trusts' checks
    page = client.get(reverse("surveillance:checks")).content.decode()
    assert "<td>All 1 done</td>" in page and "<td>No actions</td>" in page
