"""Issue 3, "Done when": a reporter of an onboarded demo trust records a term intrapartum
stillbirth, sees "MBRRACE-UK and MNSI" with reasons, submits; the worker delivers; the MNSI
reviewer acknowledges with a reference that the reporter then sees; an amendment changing
the gestation to 36+5 withdraws it from MNSI. Every page passes axe. The first pages of the
journey also work with a keyboard alone."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, service_today, sign_in

REPORTER = "midwife.r0a@perinatal.example"
MNSI_REVIEWER = "reviewer.mnsi@perinatal.example"
NOT_LIVE_REPORTER = "midwife.rrk@perinatal.example"
MNSI_REFERENCE = "MNSI-2026-00042"
SITE_ONE = "Manchester University NHS Foundation Trust site 1 (synthetic)"


def _birth_day():
    return service_today() - timedelta(days=3)


def _continue(page, context: str) -> None:
    assert_accessible(page, context=context)
    page.get_by_role("button", name="Continue").click()


def _choose(page, label: str, context: str) -> None:
    page.get_by_label(label, exact=True).check()
    _continue(page, context)


def _sign_out(page) -> None:
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def _reload_until(page, text: str, *, seconds: float = 60) -> None:
    """The worker delivers in the background: reload the page until `text` shows."""
    deadline = time.monotonic() + seconds
    while True:
        if page.get_by_text(text).count():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} did not appear on {page.url} within {seconds} s")
        time.sleep(1)
        page.reload()


def test_reporter_notifies_a_term_intrapartum_stillbirth_and_follows_it_to_mnsi(page, service):
    born = _birth_day()
    sign_in(page, service, REPORTER)
    page.get_by_role("link", name="Notify an event").click()
    expect(page.get_by_role("heading", name="Notify a perinatal event", exact=True)).to_be_visible()
    assert_accessible(page, context="start")
    page.get_by_role("button", name="Start a notification").click()

    _choose(page, "A stillbirth or late fetal loss", "what happened")
    _choose(page, "No", "signs of life")
    # A page with an error first: the error summary, the Error: title, the field named.
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error: When was the baby born?"))
    expect(page.locator(".nhsuk-error-summary").get_by_text("Enter the date the baby was born")).to_be_visible()
    assert_accessible(page, context="born at, with errors")
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_label("Time").fill("03:20")
    _continue(page, "born at")
    _choose(page, SITE_ONE, "place of birth")
    page.get_by_label("Weeks").fill("38")
    page.get_by_label("Days").fill("2")
    page.get_by_label("Sure", exact=True).check()
    _continue(page, "gestation")
    page.get_by_label("What was the baby's birth weight?").fill("3100")
    _continue(page, "birth weight")
    _choose(page, "No", "multiple birth")
    _choose(page, "No", "termination")
    _choose(page, "No", "congenital anomaly")
    _choose(page, "Yes, she was in labour", "labour")
    _choose(page, "Yes", "alive at onset of labour")
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("1991")
    page.get_by_label("Postcode").fill("M13 9WL")
    _continue(page, "mother's details")
    _continue(page, "baby's NHS number")  # a stillborn baby may have none
    _continue(page, "linked notification")

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("38+2 weeks (sure)")).to_be_visible()
    assert_accessible(page, context="check answers")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_text("This notification will go to MBRRACE-UK and MNSI.")).to_be_visible()
    expect(page.get_by_role("heading", name="MBRRACE-UK", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="MNSI", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("not born alive at 38\\+2 weeks.*a stillbirth")).first).to_be_visible()
    expect(page.get_by_text(re.compile("an intrapartum stillbirth")).first).to_be_visible()
    assert_accessible(page, context="where this will go")
    page.get_by_role("button", name="Submit notification").click()

    expect(page.get_by_role("heading", name="Notification submitted")).to_be_visible()
    reference = re.search(r"PEN-\d{4}-\d+", page.locator(".nhsuk-panel").inner_text()).group(0)
    assert_accessible(page, context="submitted")
    page.get_by_role("link", name=f"Follow the status of {reference}").click()
    expect(page.get_by_role("heading", name=f"Notification {reference}")).to_be_visible()
    _reload_until(page, "Notification: sent")  # the worker delivered it
    assert_accessible(page, context="status page")
    _sign_out(page)

    # The MNSI reviewer acknowledges it with MNSI's own reference.
    sign_in(page, service, MNSI_REVIEWER)
    page.get_by_role("link", name="Inbox").first.click()
    assert_accessible(page, context="MNSI inbox")
    page.get_by_role("link", name=reference).click()
    assert_accessible(page, context="MNSI inbox notification")
    page.get_by_label("MNSI reference").fill(MNSI_REFERENCE)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text(f"Notification {reference} acknowledged")).to_be_visible()
    _sign_out(page)

    # The reporter sees MNSI's reference, then amends the gestation to 36+5.
    sign_in(page, service, REPORTER)
    page.goto(service.url(f"/notifications/{reference}/"))
    expect(page.get_by_text(MNSI_REFERENCE, exact=True)).to_be_visible()
    page.get_by_role("link", name="Amend this notification").click()
    assert_accessible(page, context="amend")
    page.get_by_role("link", name=re.compile(r"^Change .*gestation at birth", re.I)).click()
    page.get_by_label("Weeks", exact=True).fill("36")
    page.get_by_label("Days", exact=True).fill("5")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    # Before sending: MNSI will be told the notification is withdrawn (below 37 weeks).
    expect(page.get_by_role("heading", name="Where this will now go and why")).to_be_visible()
    page.get_by_label("Why are you amending this notification?").fill(
        "The gestation was corrected from the dating scan"
    )
    page.get_by_role("button", name="Send amendment").click()
    expect(page.get_by_text(re.compile(f"Notification {reference} amended"))).to_be_visible()
    expect(page.get_by_role("heading", name="MNSI: withdrawn")).to_be_visible()
    _reload_until(page, "Withdrawal: sent")  # MNSI was told
    assert_accessible(page, context="status page after amendment")


def _fill_date(page, day) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_every_other_kind_of_page_passes_axe(page, service):
    """The pages the stillbirth does not visit: a cooled baby who died after a transfer, a
    twin, a mother's death notified twice (the duplicate page), the drafts list and delete."""
    born = _birth_day()
    sign_in(page, service, REPORTER)
    page.goto(service.url("/notifications/new/"))
    page.get_by_role("button", name="Start a notification").click()
    _choose(page, "A baby may have a severe brain injury", "what happened: brain injury")
    _fill_date(page, born)
    page.get_by_label("Time").fill("03:20")
    _continue(page, "born at")
    page.get_by_label("Yes", exact=True).check()
    _fill_date(page, born + timedelta(days=1))
    page.get_by_label("Time of death").fill("10:00")
    _continue(page, "has the baby died")
    page.get_by_label("Another hospital", exact=True).check()
    page.get_by_label("If another hospital, its ODS site code").fill("RRK01")
    _continue(page, "place of birth: another trust")
    _choose(page, "Manchester University NHS Foundation Trust site 2 (synthetic)", "place of death")
    page.get_by_label("Weeks").fill("40")
    page.get_by_label("Days").fill("1")
    page.get_by_label("Sure", exact=True).check()
    _continue(page, "gestation")
    _continue(page, "birth weight")
    _choose(page, "No", "multiple birth")
    _choose(page, "No", "congenital anomaly")
    _choose(page, "Yes, she was in labour", "labour")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error: Which of these signs"))
    assert_accessible(page, context="brain injury signs, with errors")
    page.get_by_label("Actively cooled (therapeutic hypothermia)").check()
    page.get_by_label("How old was the baby when these signs were first diagnosed?").fill("0")
    _continue(page, "brain injury signs")
    _choose(page, "Done or planned, not reported yet", "MRI")
    page.get_by_label("NHS number").fill("987 654 3210")
    _fill_date(page, born.replace(year=1991))
    _continue(page, "mother's details")
    page.get_by_label("What is the baby's NHS number?").fill("944 930 6060")
    _continue(page, "baby's NHS number")
    _continue(page, "linked notification")
    assert_accessible(page, context="check answers: brain injury")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("child death overview panel (CDOP)")).to_be_visible()
    assert_accessible(page, context="where this will go: neonatal death with onward CDOP")

    # A twin not born alive: the gestation at which the death in the womb was confirmed.
    page.goto(service.url("/notifications/new/"))
    page.get_by_role("button", name="Start a notification").click()
    _choose(page, "A stillbirth or late fetal loss", "what happened")
    _choose(page, "No", "signs of life")
    _fill_date(page, born)
    page.get_by_label("Time").fill("05:00")
    _continue(page, "born at")
    _choose(page, SITE_ONE, "place of birth")
    page.get_by_label("Weeks").fill("30")
    page.get_by_label("Days").fill("0")
    page.get_by_label("Sure", exact=True).check()
    _continue(page, "gestation")
    page.get_by_label("What was the baby's birth weight?").fill("900")
    _continue(page, "birth weight")
    _choose(page, "Yes", "multiple birth")
    expect(page.get_by_role("heading", name=re.compile("death in the womb confirmed"))).to_be_visible()
    assert_accessible(page, context="death confirmed gestation")

    # Your drafts, and deleting one.
    page.goto(service.url("/notifications/new/"))
    expect(page.get_by_role("heading", name="A stillbirth or late fetal loss").first).to_be_visible()
    assert_accessible(page, context="drafts list")
    page.get_by_role("link", name=re.compile("^Delete")).first.click()
    assert_accessible(page, context="delete draft")
    page.get_by_role("button", name="Delete draft").click()
    expect(page.get_by_text("Draft deleted")).to_be_visible()

    # A mother's death, notified twice: the second time the duplicate is shown.
    died = born + timedelta(days=1)
    for attempt in (1, 2):
        page.goto(service.url("/notifications/new/"))
        page.get_by_role("button", name="Start a notification").click()
        _choose(page, "A mother died", "what happened: mother")
        _fill_date(page, died)
        page.get_by_label("Time of death").fill("09:00")
        page.get_by_label("No", exact=True).check()
        _continue(page, "mother's death")
        page.get_by_label("A birth (live birth or stillbirth)").check()
        _fill_date(page, born)
        _continue(page, "end of pregnancy")
        _choose(page, SITE_ONE, "where the pregnancy ended")
        _choose(page, SITE_ONE, "where the mother died")
        page.get_by_label("NHS number").fill("943 476 5919")
        _fill_date(page, born.replace(year=1985))
        _continue(page, "mother's details")
        _continue(page, "linked notification")
        page.get_by_role("button", name="Continue").click()
        if attempt == 2:
            expect(page.get_by_role("heading", name="This may already have been notified")).to_be_visible()
            assert_accessible(page, context="possible duplicate")
            page.get_by_role("button", name="This is a different death").click()
        expect(page.get_by_text("This notification will go to MBRRACE-UK and MNSI.")).to_be_visible()
        assert_accessible(page, context="where this will go: maternal death")
        page.get_by_role("button", name="Submit notification").click()
        expect(page.get_by_role("heading", name="Notification submitted")).to_be_visible()


def _tab_to(page, selector: str, *, presses: int = 60) -> None:
    """Press Tab until the element matching `selector` has focus, and check the focus shows."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            visible = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; }"
            )
            assert visible, f"focus on {selector} is not visible"
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def test_the_first_pages_work_with_a_keyboard_alone(page, service):
    born = _birth_day()
    sign_in(page, service, REPORTER)
    page.goto(service.url("/notifications/new/"))
    _tab_to(page, "form button.nhsuk-button")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="What happened?")).to_be_visible()
    _tab_to(page, "input[type=radio]")
    page.keyboard.press("ArrowDown")  # the second choice: a stillbirth or late fetal loss
    assert page.get_by_label("A stillbirth or late fetal loss").is_checked()
    _tab_to(page, "button.nhsuk-button")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Did the baby show any signs of life after birth?")).to_be_visible()
    _tab_to(page, "input[type=radio]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # Yes, then No
    assert page.get_by_label("No", exact=True).is_checked()
    _tab_to(page, "button.nhsuk-button")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="When was the baby born?")).to_be_visible()
    _tab_to(page, "input[name=born_on_day]")
    page.keyboard.type(str(born.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(born.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(born.year))
    _tab_to(page, "input[name=born_time]")
    page.keyboard.type("03:20")
    _tab_to(page, "button.nhsuk-button")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Where was the baby born?")).to_be_visible()
    # The three answers were saved: going back shows them.
    page.go_back()
    expect(page.get_by_label("Day")).to_have_value(str(born.day))
    expect(page.get_by_label("Time")).to_have_value("03:20")


def test_a_trust_not_yet_live_sees_the_onboarding_gate(page, service):
    sign_in(page, service, NOT_LIVE_REPORTER)
    page.get_by_role("link", name="Notify an event").click()
    expect(page.get_by_role("heading", name=re.compile("cannot submit notifications yet"))).to_be_visible()
    expect(page.get_by_text(re.compile("Phase 6 \\(demo\\)"))).to_be_visible()
    expect(page.get_by_text(re.compile("keep notifying events through the existing portals"))).to_be_visible()
    assert page.get_by_role("button", name="Start a notification").count() == 0
    assert_accessible(page, context="onboarding gate")
