"""Issue 9 journey, the programme (docs/rules/equity.md §3): a national programme lead sees the
site the demo plan left out named, plans an intake for it (a start after 18 months refused,
naming the field) and allocates it; a trust's Head of Midwifery records a team member and marks
an element done. The forms are completed with the keyboard alone; every page passes axe.

The demo programme (perinatal setup --demo --small, on the service clock of 27 November 2026)
started 1 April 2026; RYR02 is in no intake, and R0A02 (intake 1, active) has its quad named
and element 1 in progress.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

NATIONAL = "programme.admin@perinatal.example"
HOM = "hom.r0a@perinatal.example"
LEFT_OUT = "RYR02"


def _tab_to(page, selector: str, *, presses: int = 80) -> None:
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


def _type_into(page, selector: str, text: str) -> None:
    _tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _type_date(page, name: str, day: int, month: int, year: int) -> None:
    _type_into(page, f"input[name={name}_day]", str(day))
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(str(month))
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(str(year))


def _submit(page) -> None:
    _tab_to(page, "main form button.nhsuk-button")
    page.keyboard.press("Enter")


def _sign_out(page):
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def test_a_national_lead_plans_an_intake_and_a_head_of_midwifery_records_the_team(page, service):
    sign_in(page, service, NATIONAL)
    page.get_by_role("link", name="Equity programme").first.click()
    expect(page.get_by_role("heading", name="Perinatal Equity and Anti-Discrimination Programme")).to_be_visible()
    left_out = page.locator("#not-allocated")
    expect(left_out).to_contain_text("1 site not allocated yet")
    expect(left_out).to_contain_text(f"({LEFT_OUT})")
    assert_accessible(page, context="programme overview")

    # Plan an intake for the South East, with the keyboard alone.
    page.get_by_role("button", name="Plan an intake").click()  # a link styled as a button
    expect(page.get_by_role("heading", name="Plan an intake")).to_be_visible()
    assert_accessible(page, context="plan an intake")
    _type_into(page, "input[name=name]", "South East second wave")
    _tab_to(page, "input[name=regions][value=Y59]")
    page.keyboard.press("Space")
    _type_date(page, "start_on", 1, 10, 2027)  # 18 months after 1 April 2026: too late
    _type_into(page, "input[name=capacity]", "1")
    _submit(page)
    expect(page).to_have_title(re.compile("^Error: Plan an intake"))
    error = page.locator(".nhsuk-error-summary").get_by_role("link", name=re.compile("within 18 months"))
    expect(error).to_have_attribute("href", "#id_start_on")
    expect(error).to_contain_text("on or before 30 September 2027")
    assert_accessible(page, context="intake refused")
    _type_date(page, "start_on", 1, 9, 2027)
    _submit(page)

    expect(page.get_by_role("heading", name="Add sites to intake 4")).to_be_visible()
    assert_accessible(page, context="add sites")
    _submit(page)  # nothing ticked
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select the sites to add to the intake")
    assert_accessible(page, context="add sites refused")
    _tab_to(page, f"input[name=sites][value={LEFT_OUT}]")
    page.keyboard.press("Space")
    _submit(page)
    expect(page.get_by_role("heading", name="Intake 4: South East second wave")).to_be_visible()
    expect(page.get_by_role("region", name="Sites in the intake")).to_contain_text(LEFT_OUT)
    expect(page.get_by_text("1 site added to intake 4")).to_be_visible()
    assert_accessible(page, context="intake page")
    page.get_by_role("link", name="Back to the equity programme").click()
    expect(page.get_by_text("Every site with an open obstetric unit is in an intake.")).to_be_visible()
    _sign_out(page)

    # The trust's Head of Midwifery records its team and marks an element done.
    sign_in(page, service, HOM)
    page.get_by_role("link", name="Equity programme").first.click()
    page.get_by_role("link", name=re.compile(r"\(R0A02\)")).click()
    expect(page.get_by_role("heading", name=re.compile(r"\(R0A02\)"), level=1)).to_be_visible()
    expect(page.get_by_text("Still to name:")).to_contain_text("sponsor executive")
    assert_accessible(page, context="site page")

    page.get_by_role("link", name="Add someone to the team").click()
    expect(page.get_by_role("heading", name="Add someone to the team")).to_be_visible()
    assert_accessible(page, context="add a team member")
    _tab_to(page, "input[name=role]")
    for _ in range(9):  # from the director or head of midwifery down to the sponsor executive
        page.keyboard.press("ArrowDown")
    assert page.get_by_label("Sponsor executive").is_checked()
    _type_into(page, "input[name=full_name]", "Grace Obi")
    _type_into(page, "input[name=job_title]", "Chief Nurse")
    _submit(page)
    expect(page.get_by_text("Sponsor executive added to the team.")).to_be_visible()
    expect(page.get_by_text("Grace Obi, Chief Nurse")).to_be_visible()

    page.get_by_role("link", name="Update element 1").click()
    expect(page.get_by_role("heading", name="Element 1: Tackling racism and discrimination")).to_be_visible()
    assert_accessible(page, context="element form")
    _tab_to(page, "input[name=status]:checked")  # In progress, as recorded
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Done", exact=True).is_checked()
    _submit(page)  # no date done, no evidence
    expect(page).to_have_title(re.compile("^Error:"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter the date the element was done")
    expect(summary).to_contain_text("Select the evidence, or describe it in the notes, to mark it done")
    assert_accessible(page, context="element refused")
    _type_date(page, "completed_on", 20, 11, 2026)
    _tab_to(page, "input[name=evidence]")
    page.keyboard.press("Space")
    _submit(page)
    expect(page.get_by_text("Element 1 marked done.")).to_be_visible()
    heading = page.locator("#element-1")
    expect(heading.locator(".nhsuk-tag")).to_have_text("Done")
    expect(page.get_by_text("R0A02: element 1 (tackling racism and discrimination) marked done")).to_be_visible()
    assert_accessible(page, context="site page after the element is done")
