"""The inactivity warning (WCAG 2.2.1): it appears before the timeout, the user can stay
signed in with the keyboard, and when time runs out they are signed out."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

USER = "board.r0a@perinatal.example"


def test_warning_lets_the_user_stay_signed_in_then_times_out(page, service):
    page.clock.install()
    sign_in(page, service, USER)
    dialog = page.locator("#session-timeout")
    expect(dialog).not_to_be_visible()

    page.clock.run_for("13:01")  # 15-minute timeout, warning 2 minutes before
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page, context="timeout warning")

    page.keyboard.press("Enter")  # keyboard alone
    expect(dialog).not_to_be_visible()

    page.clock.run_for("13:01")
    expect(dialog).to_be_visible()
    page.clock.run_for("02:01")
    expect(page).to_have_url(re.compile("/timed-out/"))
    expect(page.get_by_role("heading", name="You have been signed out")).to_be_visible()
    page.goto(service.url("/"))
    expect(page).to_have_url(re.compile("/sign-in/"))
