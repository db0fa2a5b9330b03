"""Issue 12 journey, the account lifecycle (docs/rules/accounts.md): a Head of Midwifery nominates
two people; each reads the invitation email and sets up their account — one fails a code first
and still completes set-up; that person later resets a forgotten password by email; the Head of
Midwifery resets their lost authenticator (they set up a new one from the emailed link) and
removes the other, a leaver, whose session ends at once. Someone asking for access finds their
trust by name and is refused a personal email address. The forms are completed with the keyboard
alone; every page passes axe; at 375 px the users page never scrolls sideways.

Only people this journey creates are changed: the demo users other journeys sign in as stay as
they were.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from perinatal.accounts.totp_now import totp
from tests.browser.conftest import assert_accessible, sign_in, tab_to, type_into

HOM = "hom.r0a@perinatal.example"
STARTER = ("Nell Starter", "nell.starter@nhs.example")
LEAVER = ("Lee Leaver", "lee.leaver@nhs.example")
FIRST_PASSWORD = "first passphrase for the labour ward"
NEW_PASSWORD = "second passphrase after the holiday"


def _submit(page) -> None:
    tab_to(page, "main form button.nhsuk-button")
    page.keyboard.press("Enter")


def _new_page(browser, width: int = 1280):
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _set_up_from_email(page, service, email: str, *, fail_once: bool) -> tuple[str, str]:
    """Open the set-up link, choose a password, add the app (optionally typing a wrong code
    first). Returns the app's key and one backup code."""
    page.goto(service.link_in_email(email, "setup"))
    expect(page.get_by_role("heading", name="Create a password")).to_be_visible()
    assert_accessible(page, context="create a password")
    type_into(page, "input[name=password]", FIRST_PASSWORD)
    type_into(page, "input[name=confirm]", FIRST_PASSWORD)
    _submit(page)
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    assert_accessible(page, context="set up the app")
    secret = page.locator(".app-secret").inner_text().strip()
    if fail_once:
        type_into(page, "input[name=code]", totp(secret, at=time.time() - 600))  # ten minutes old: wrong
        _submit(page)
        expect(page).to_have_title(re.compile("^Error: Set up your authenticator app"))
        error = page.locator(".nhsuk-error-summary").get_by_role("link", name=re.compile("not the one your"))
        expect(error).to_have_attribute("href", "#id_code")
        assert_accessible(page, context="wrong code")
    type_into(page, "input[name=code]", totp(secret))  # straight after the wrong one: accepted
    _submit(page)
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    assert_accessible(page, context="backup codes")
    backup = page.locator("main .app-secret").first.inner_text().strip()
    tab_to(page, "main a.nhsuk-button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Signed in as", exact=False)).to_be_visible()
    return secret, backup


def _open_users_page(page, service):
    page.goto(service.url("/trusts/R0A/users/"))
    expect(page.get_by_role("heading", name=re.compile("^Users at"))).to_be_visible()


def _person(page, service, name: str):
    _open_users_page(page, service)
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def test_invitation_set_up_recovery_and_a_leaver(browser, service, tmp_path):
    hom = _new_page(browser)
    sign_in(hom, service, HOM)

    # The Head of Midwifery uploads the nominated users; each is invited by email.
    hom.goto(service.url("/trusts/R0A/"))
    hom.get_by_role("link", name="Upload nominated users").click()
    assert_accessible(hom, context="nominated users")
    csv = tmp_path / "nominated.csv"
    csv.write_text(f"name,email,role\n{STARTER[0]},{STARTER[1]},reporter\n{LEAVER[0]},{LEAVER[1]},trust viewer\n")
    hom.locator("input[type=file]").set_input_files(str(csv))  # a file chooser: the one step not typed
    _submit(hom)
    expect(hom.get_by_text("2 nominated users saved")).to_be_visible()
    for _name, address in (STARTER, LEAVER):
        (invitation,) = service.emails_to(address)
        assert invitation["Subject"] == "Set up your account for the Perinatal safety platform"
    _open_users_page(hom, service)
    for name, _address in (STARTER, LEAVER):
        expect(hom.get_by_role("row", name=re.compile(name))).to_contain_text("Invited")
    assert_accessible(hom, context="users page")

    # The starter sets up their account, failing one code first; the leaver sets up too.
    starter = _new_page(browser)
    starter_secret, starter_backup = _set_up_from_email(starter, service, STARTER[1], fail_once=True)
    leaver = _new_page(browser)
    _set_up_from_email(leaver, service, LEAVER[1], fail_once=False)
    _open_users_page(hom, service)
    expect(hom.get_by_role("row", name=re.compile(STARTER[0]))).to_contain_text("Active")

    # The starter forgets their password and resets it by email.
    starter.get_by_role("link", name="Sign out").click()
    starter.get_by_role("button", name="Sign out").click()
    starter.goto(service.url("/sign-in/"))
    tab_to(starter, "a[href='/sign-in/forgot-password/']")
    starter.keyboard.press("Enter")
    expect(starter.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(starter, context="forgot password")
    type_into(starter, "input[name=email]", STARTER[1])
    _submit(starter)
    expect(starter.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(starter, context="check your email")
    starter.goto(service.link_in_email(STARTER[1], "reset-password"))
    assert_accessible(starter, context="choose a new password")
    type_into(starter, "input[name=password]", NEW_PASSWORD)
    type_into(starter, "input[name=confirm]", NEW_PASSWORD)
    _submit(starter)
    expect(starter.get_by_role("heading", name="Your password has been changed")).to_be_visible()
    assert_accessible(starter, context="password changed")
    starter.goto(service.url("/sign-in/"))
    type_into(starter, "input[name=email]", STARTER[1])
    type_into(starter, "input[name=password]", NEW_PASSWORD)
    _submit(starter)
    expect(starter).to_have_url(re.compile("/sign-in/security-code/"))
    type_into(starter, "input[name=code]", starter_backup)  # the authenticator's code was used at set-up
    _submit(starter)
    expect(starter.get_by_text("Signed in as", exact=False)).to_be_visible()

    # The starter loses their phone: the Head of Midwifery resets their authenticator app.
    _person(hom, service, STARTER[0])
    assert_accessible(hom, context="a person")
    tab_to(hom, "a[href$='/reset-authenticator/']")
    hom.keyboard.press("Enter")
    expect(hom.get_by_role("heading", name=re.compile("Reset the authenticator app"))).to_be_visible()
    assert_accessible(hom, context="confirm reset")
    _submit(hom)
    expect(hom.get_by_text("has been reset and they have been signed out")).to_be_visible()
    starter.goto(service.url("/"))
    expect(starter).to_have_url(re.compile("/sign-in/"))  # their session ended
    starter.goto(service.link_in_email(STARTER[1], "new-authenticator"))
    expect(starter.get_by_role("heading", name="Set up a new authenticator app")).to_be_visible()
    assert_accessible(starter, context="new authenticator: password")
    type_into(starter, "input[name=password]", NEW_PASSWORD)
    _submit(starter)
    new_secret = starter.locator(".app-secret").inner_text().strip()
    assert new_secret != starter_secret
    type_into(starter, "input[name=code]", totp(new_secret))
    _submit(starter)
    expect(starter.get_by_role("heading", name="Your backup codes")).to_be_visible()

    # The leaver is removed while signed in: their session ends at once.
    leaver.goto(service.url("/"))
    expect(leaver.get_by_text("Signed in as", exact=False)).to_be_visible()
    _person(hom, service, LEAVER[0])
    tab_to(hom, "a[href$='/remove/']")
    hom.keyboard.press("Enter")
    expect(hom.get_by_role("heading", name=re.compile(f"Remove {LEAVER[0]}"))).to_be_visible()
    assert_accessible(hom, context="confirm removal")
    _submit(hom)
    expect(hom.get_by_text(f"{LEAVER[0]} has been removed")).to_be_visible()
    assert_accessible(hom, context="users page after removal")
    expect(hom.get_by_role("row", name=re.compile(LEAVER[0]))).to_have_count(0)
    leaver.reload()
    expect(leaver).to_have_url(re.compile("/sign-in/"))
    type_into(leaver, "input[name=email]", LEAVER[1])
    type_into(leaver, "input[name=password]", FIRST_PASSWORD)
    _submit(leaver)
    expect(leaver.get_by_text("The email address or password is not right").first).to_be_visible()

    # On a 375 px phone the users page fits the screen.
    phone = _new_page(browser, width=375)
    sign_in(phone, service, HOM)
    _open_users_page(phone, service)
    assert_accessible(phone, context="users page at 375px")  # checks sideways scroll too
    phone.get_by_role("link", name=STARTER[0]).click()
    # The click returns as the person's page starts loading: measured before its styles apply,
    # its tables are as wide as unstyled text (CI once saw 391 px this way).
    expect(phone.get_by_role("heading", name=re.compile(STARTER[0]))).to_be_visible()
    assert_accessible(phone, context="a person at 375px")


def test_asking_for_access_finds_the_trust_by_name_and_refuses_a_personal_address(page, service):
    page.goto(service.url("/request-access/"))
    assert_accessible(page, context="request access")
    type_into(page, "input[name=full_name]", "Ola Request")
    type_into(page, "input[name=email]", "ola.request@gmail.com")
    type_into(page, "input[name=job_title]", "Midwife")
    type_into(page, "input[name=trust_code]", "Manchester")
    tab_to(page, "input[name=role][value=reporter]")
    page.keyboard.press("Space")
    _submit(page)
    expect(page).to_have_title(re.compile("^Error: Request access"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link", name=re.compile("not a personal one"))).to_have_attribute("href", "#id_email")
    expect(summary.get_by_role("link", name=re.compile("More than one trust matches"))).to_have_attribute(
        "href", "#id_trust_code"
    )
    assert_accessible(page, context="request access: choose the trust")
    type_into(page, "input[name=email]", "ola.request@nhs.example")
    tab_to(page, "input[name=trust_choice]")
    for _ in range(12):  # the arrow keys move through the matches
        if page.locator("input[name=trust_choice][value=R0A]").is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("input[name=trust_choice][value=R0A]").is_checked()
    _submit(page)
    expect(page.get_by_text("Request sent")).to_be_visible()
    assert_accessible(page, context="request sent")
    # The same request again is answered politely, not stored twice.
    page.goto(service.url("/request-access/"))
    type_into(page, "input[name=full_name]", "Ola Request")
    type_into(page, "input[name=email]", "ola.request@nhs.example")
    type_into(page, "input[name=job_title]", "Midwife")
    type_into(page, "input[name=trust_code]", "R0A")
    tab_to(page, "input[name=role][value=reporter]")
    page.keyboard.press("Space")
    _submit(page)
    expect(page.get_by_role("heading", name="You have already asked for access")).to_be_visible()
    assert_accessible(page, context="already asked")
