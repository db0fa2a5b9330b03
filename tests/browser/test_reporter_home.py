"""Issue 12: a reporter's home page is their task list. A notification arrives through the
API; MBRRACE-UK's reviewer finds it in the inbox by its kind and asks a question; the
reporter starts a notification from home, leaves it as a draft, finds the draft and the
question on the home page, answers the question with the keyboard alone, and on a 375 px
phone reaches both "Continue" and "Delete" of the draft. Every page passes axe (which also
fails a page that scrolls sideways at the window's width)."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_notifications_inbox import api
from tests.notifications.factories import intrapartum_stillbirth

REPORTER = "midwife.r0a@perinatal.example"
MBRRACE_REVIEWER = "reviewer.mbrrace@perinatal.example"
QUESTION = "Was a post-mortem examination offered to the parents?"


def _reload_until(page, locator_of, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not locator_of(page).count():
        if time.monotonic() > deadline:
            raise AssertionError(f"not shown on {page.url} within {seconds} s")
        time.sleep(1)
        page.reload()


def _new_page(browser, width: int = 1280):
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _sign_out(page) -> None:
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def test_the_reporters_home_page_is_their_task_list(page, browser, service):
    token = service.manage("issue_api_token", "R0A", "Home page browser test").stdout.strip()
    document = intrapartum_stillbirth()
    # Their own mother and baby (test numbers), so no other test's notification is a duplicate.
    document["mother"]["nhs_number"] = "9990000190"
    document["baby"]["nhs_number"] = "9990000204"
    reference = api(service, token, "POST", "/api/v1/notifications", document)["reference"]

    # MBRRACE-UK's reviewer finds it by its kind and asks the trust a question.
    sign_in(page, service, MBRRACE_REVIEWER)
    page.get_by_role("link", name="Inbox").click()
    page.get_by_label("Kind of event").select_option("stillbirth")
    page.get_by_role("button", name="Search").click()
    _reload_until(page, lambda p: p.get_by_role("link", name=reference))  # the worker delivers it
    expect(page.get_by_text(re.compile(r"\d+ notifications? match"))).to_be_visible()
    assert_accessible(page, context="inbox filtered by kind")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Stillbirth", exact=True).first).to_be_visible()  # MBRRACE-UK's category
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text(re.compile("Question sent to"))).to_be_visible()
    _sign_out(page)

    # The reporter's home: notify an event, drafts, the question, recent notifications.
    sign_in(page, service, REPORTER)
    expect(page.get_by_role("heading", name="Notify an event", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Questions waiting for your answer")).to_be_visible()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    expect(page.get_by_role("heading", name="Recent notifications")).to_be_visible()
    assert_accessible(page, context="reporter's home")
    page.get_by_role("button", name="Start a notification").click()
    page.get_by_label("A stillbirth or late fetal loss", exact=True).check()
    page.get_by_role("button", name="Continue").click()  # the draft is saved
    page.goto(service.url("/"))
    draft = page.locator(".app-draft").first
    expect(draft.get_by_role("heading", name="A stillbirth or late fetal loss")).to_be_visible()
    expect(draft.get_by_role("link", name=re.compile("^Continue"))).to_be_visible()
    expect(draft.get_by_role("link", name=re.compile("^Delete"))).to_be_visible()
    assert_accessible(page, context="reporter's home with a draft")

    # The question, answered with the keyboard alone from the home page.
    answer_link = page.get_by_role("link", name=re.compile(f"^Answer the question.*{reference}"))
    answer_link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(QUESTION)).to_be_visible()
    assert_accessible(page, context="answer page")
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.tagName") != "TEXTAREA":
        page.keyboard.press("Tab")
    page.keyboard.type("Yes; the parents declined.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("Answer sent to MBRRACE-UK"))).to_be_visible()
    page.goto(service.url("/"))
    expect(page.get_by_text(QUESTION)).to_have_count(0)

    # The notifications list: its questions gone, found by its reference, the event in words.
    page.goto(service.url("/notifications/"))
    page.get_by_label("Reference or NHS number").fill("999 000 0190")
    page.get_by_role("button", name="Search").click()
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=reference))
    expect(row.get_by_text("Intrapartum stillbirth")).to_be_visible()
    assert_accessible(page, context="notifications list, searched by NHS number")


def test_a_draft_can_be_continued_or_deleted_on_a_375_pixel_phone(browser, service):
    phone = _new_page(browser, width=375)
    try:
        sign_in(phone, service, REPORTER)
        phone.get_by_role("button", name="Start a notification").click()
        phone.get_by_label("A baby died after being born alive", exact=True).check()
        phone.get_by_role("button", name="Continue").click()
        for path in ("/", "/notifications/new/"):
            phone.goto(service.url(path))
            assert_accessible(phone, context=f"drafts at 375px ({path})")
            draft = phone.locator(".app-draft").filter(has_text="A baby died after being born alive").first
            for name in ("^Continue", "^Delete"):
                link = draft.get_by_role("link", name=re.compile(name))
                link.scroll_into_view_if_needed()
                box = link.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, (path, name, box)
        phone.locator(".app-draft").filter(has_text="A baby died after being born alive").first.get_by_role(
            "link", name=re.compile("^Delete")
        ).click()
        assert_accessible(phone, context="delete draft at 375px")
        phone.get_by_role("button", name="Delete draft").click()
        expect(phone.get_by_text("Draft deleted")).to_be_visible()
    finally:
        phone.context.close()
