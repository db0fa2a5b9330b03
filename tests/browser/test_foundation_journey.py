"""Issue 2 journey: a Head of Midwifery signs in with the second factor, approves an
access request, sees the trust's onboarding and edits its account details; a user of
another trust cannot see that trust's requests. Every page passes axe."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

HOM = "hom.r0a@perinatal.example"
OTHER_HOM = "hom.rrk@perinatal.example"


def test_head_of_midwifery_journey(page, service):
    page.goto(service.url("/"))
    assert "/sign-in/" in page.url
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page, context="sign-in")

    # A wrong password is refused with the error summary and the Error: title prefix.
    page.get_by_label("Email address").fill(HOM)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page, context="sign-in error")

    # A wrong second factor is refused too.
    page.get_by_label("Password").fill("demo-password-not-for-production")
    page.get_by_label("Email address").fill(HOM)
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, context="security code")
    page.get_by_label("Enter your security code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.get_by_text("The security code is wrong or has expired").first).to_be_visible()
    # After a wrong code the service refuses any code for a second (django-otp's
    # throttle); a person retyping takes longer than that, the test must wait for it.
    page.wait_for_timeout(1_100)

    sign_in(page, service, HOM)
    expect(page.get_by_text("Amina Okafor").first).to_be_visible()
    assert_accessible(page, context="home")

    # Approve a pending access request.
    page.get_by_role("link", name="Access requests").first.click()
    assert_accessible(page, context="access requests")
    page.get_by_role("link", name="Olu Adeyemi").click()
    request_url = page.url
    assert_accessible(page, context="access request")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Request from Olu Adeyemi approved")).to_be_visible()
    assert_accessible(page, context="after decision")

    # The trust's onboarding phase and go-live time.
    page.goto(service.url("/trusts/R0A/"))
    expect(page.get_by_text("Phase 5: North West, Midlands")).to_be_visible()
    expect(page.get_by_text("3 November 2025 at 8:00am")).to_be_visible()
    expect(page.get_by_text("Live", exact=True)).to_be_visible()
    assert_accessible(page, context="trust page")

    # Edit the account details: a bad email first, then a good one.
    page.get_by_role("link", name=re.compile("Change account details")).click()
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Save account details").click()
    expect(page).to_have_title(re.compile("^Error:"))
    assert_accessible(page, context="account details error")
    page.get_by_label("Email address").fill("maternity.safety@mft.example")
    page.get_by_role("button", name="Save account details").click()
    expect(page.get_by_text("Account details saved")).to_be_visible()
    expect(page.get_by_text("maternity.safety@mft.example")).to_be_visible()

    page.locator("footer").get_by_role("link", name="Onboarding schedule").click()
    assert_accessible(page, context="onboarding schedule")

    # The decision is found among every other event by filtering the trail (other
    # journeys sharing this service write R0A events too).
    page.get_by_role("link", name="Audit trail").click()
    page.get_by_label("What was done").select_option("decide")
    page.get_by_label("Kind of record").select_option("accounts.AccessRequest")
    page.get_by_role("button", name="Show events").click()
    expect(page.get_by_text(re.compile(r"Decided: Access request \d+ approved")).first).to_be_visible()
    assert_accessible(page, context="audit")

    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()

    # Another trust's authoriser: not yet live, and R0A's request is not theirs to see.
    sign_in(page, service, OTHER_HOM)
    page.goto(service.url("/trusts/RRK/"))
    expect(page.get_by_text("Phase 6 (demo)")).to_be_visible()
    expect(page.get_by_text("keep notifying events through the existing")).to_be_visible()
    response = page.goto(request_url)
    assert response.status == 404
    expect(page.get_by_text("Olu Adeyemi")).not_to_be_visible()
    assert_accessible(page, context="not found")
    page.goto(service.url("/access-requests/"))
    expect(page.get_by_text("Olu Adeyemi")).not_to_be_visible()
    expect(page.get_by_text("Rae Stone")).to_be_visible()


def test_sign_in_works_with_a_keyboard_alone(page, service):
    page.goto(service.url("/sign-in/"))
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # NHS logo / service name
    # Move forward until the email field has focus, as a keyboard user would.
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "id_email":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.keyboard.type("midwife.r0a@perinatal.example")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type("demo-password-not-for-production")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("security-code"))
    assert page.evaluate("document.activeElement.tagName") in ("BODY", "INPUT")
    page.get_by_label("Enter your security code").focus()
    page.keyboard.type(service.totp_code("midwife.r0a@perinatal.example"))
    page.keyboard.press("Enter")
    page.wait_for_url(service.url("/"))
    # The focused element is always visible (WCAG 2.4.11): tab once and check it is on screen.
    page.keyboard.press("Tab")
    box = page.evaluate(
        "(() => { const r = document.activeElement.getBoundingClientRect(); return [r.width, r.height]; })()"
    )
    assert box[0] > 0 and box[1] > 0
