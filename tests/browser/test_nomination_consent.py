"""Issue 13 journey, nomination consent (docs/rules/accounts.md §1.1): a Head of Midwifery
uploads a nominated-users list naming someone who works for another trust only, and someone
new. The new person is given the role at once; the other is only asked, by email without a
link, and the list shows them waiting for them to agree. They sign in on a 375 px phone, see
the nomination on their home page and agree with the keyboard alone: the role is theirs, the
card is gone, and the trust's list shows they agreed. Every page passes axe.

Only people this journey creates are changed (its own trust, RYR, is no other journey's): the
demo users other journeys sign in as stay as they were.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from perinatal.demo.users import DEMO_PASSWORD, demo_totp_key
from tests.browser.conftest import assert_accessible, sign_in, tab_to

HOM = "hom.ryr@perinatal.example"
TRUST = "RYR"
ELSEWHERE = ("Dee Elsewhere", "dee.elsewhere@nhs.example")  # a reporter at RRK only
NEWCOMER = ("Ned Newcomer", "ned.newcomer@nhs.example")

# Someone already working at another trust, set up as the demo users are (the demo password
# and an authenticator whose key the journeys can compute).
MAKE_ELSEWHERE = f"""
from django_otp.plugins.otp_totp.models import TOTPDevice
from perinatal.accounts.roles import Role
from perinatal.accounts.services import get_or_create_user, grant_membership
from perinatal.core import clock
from perinatal.organisations.models import Organisation
user, _ = get_or_create_user(email="{ELSEWHERE[1]}", full_name="{ELSEWHERE[0]}")
user.set_password("{DEMO_PASSWORD}")
user.set_up_at = clock.now()
user.save()
grant_membership(user=user, organisation=Organisation.objects.get(code="RRK"), role=Role.REPORTER, granted_by=None)
TOTPDevice.objects.create(user=user, name="Phone", key="{demo_totp_key(ELSEWHERE[1])}", confirmed=True)
"""


def _new_page(browser, width: int = 1280):
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _row(page, name: str):
    return page.locator("main tbody tr", has_text=name)


def test_someone_of_another_trust_agrees_to_a_nomination_on_their_phone(browser, service, tmp_path):
    service.manage("shell", "--no-imports", "-c", MAKE_ELSEWHERE)

    # The Head of Midwifery uploads the list: the newcomer is given the role, the other asked.
    hom = _new_page(browser)
    sign_in(hom, service, HOM)
    hom.goto(service.url(f"/trusts/{TRUST}/"))
    hom.get_by_role("link", name="Upload nominated users").click()
    heading = hom.get_by_role("heading", name=re.compile("^Nominated users for "), level=1)
    trust_name = heading.inner_text().removeprefix("Nominated users for ").strip()
    csv = tmp_path / "nominated.csv"
    csv.write_text(f"name,email,role\n{ELSEWHERE[0]},{ELSEWHERE[1]},reporter\n{NEWCOMER[0]},{NEWCOMER[1]},reporter\n")
    hom.locator("input[type=file]").set_input_files(str(csv))  # a file chooser: the one step not typed
    tab_to(hom, "main form button.nhsuk-button")
    hom.keyboard.press("Enter")
    expect(hom.get_by_text("2 nominated users saved")).to_be_visible()
    expect(_row(hom, ELSEWHERE[0])).to_contain_text("Waiting for them to agree")
    expect(_row(hom, NEWCOMER[0])).to_contain_text("Given the role")
    assert_accessible(hom, context="nominated users: waiting for them to agree")
    (asked,) = service.emails_to(ELSEWHERE[1])
    assert asked["Subject"].startswith(f"{trust_name} has nominated you")
    assert "/account/" not in asked.get_payload(decode=True).decode()  # no set-up link: they sign in as usual

    # On their phone the nominee sees the nomination on their home page and agrees by keyboard.
    phone = _new_page(browser, width=375)
    sign_in(phone, service, ELSEWHERE[1])
    card = phone.locator("main .nhsuk-card", has=phone.get_by_role("heading", name=f"{trust_name} has nominated you"))
    expect(card).to_be_visible()
    assert_accessible(phone, context="home page with a nomination at 375px")
    tab_to(phone, "main button[name=decision][value=agree]")
    phone.keyboard.press("Enter")
    expect(phone.get_by_text(f"You are now reporter at {trust_name}")).to_be_visible()
    expect(phone.get_by_role("heading", name=re.compile("has nominated you"))).to_have_count(0)
    expect(phone.locator("main li", has_text=f"Reporter at {trust_name}")).to_be_visible()
    assert_accessible(phone, context="home page after agreeing at 375px")

    # The trust's list shows the nomination agreed.
    hom.reload()
    expect(_row(hom, ELSEWHERE[0])).to_contain_text("Agreed: given the role")
    expect(_row(hom, NEWCOMER[0])).to_contain_text("Given the role")
    assert_accessible(hom, context="nominated users: agreed")
