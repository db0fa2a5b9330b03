"""Issue 10 journey (docs/rules/improvement.md §1–§2): a regional lead triages a suggested concern
into a case, records the diagnostic and agrees a plan (an empty tackling-inequalities section
refused first), records an executive meeting and an escalation; the trust's Head of Midwifery
reads the case and updates an action but cannot agree the plan (403); another trust's user
gets 404. Every page passes axe.

The small demo gives trust R0A (region Y62) dashboard series the platform suggests concerns
from; the journey takes the first suggestion about R0A, whichever it is.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, service_today, sign_in

REGION_LEAD = "region.y62@perinatal.example"
HOM = "hom.r0a@perinatal.example"
OTHER_TRUST = "hom.rrk@perinatal.example"


def _sign_out(page):
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def _date(page, name: str, day) -> None:
    page.locator(f"#id_{name}").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def test_a_region_triages_a_suggestion_and_the_trust_updates_its_action(page, service):
    today = service_today()
    sign_in(page, service, REGION_LEAD)
    page.get_by_role("link", name="Improvement support").first.click()
    expect(page.get_by_role("heading", name="Improvement support cases", level=1)).to_be_visible()
    assert_accessible(page, context="case list")

    # A suggested concern, triaged into a case.
    page.get_by_role("link", name="Concerns to triage").click()
    suggestions = page.locator("h2:has-text('Suggested by the platform') ~ ul").first
    first = suggestions.locator("li", has_text="(R0A)").first
    expect(first).to_be_visible()
    assert_accessible(page, context="concerns to triage")
    first.get_by_role("link", name=re.compile("^Triage")).click()
    expect(page.get_by_role("heading", name="Triage a suggested concern")).to_be_visible()
    assert_accessible(page, context="triage")
    page.get_by_role("button", name="Save the decision").click()  # nothing chosen: refused
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.get_by_role("link", name="Select whether to accept, monitor or decline the concern")).to_be_visible()
    assert_accessible(page, context="triage error")
    page.get_by_label("Accept: support the trust").check()
    page.get_by_label("Why?").fill("The trend is confirmed by the regional team")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Case IST-R0A-"))).to_be_visible()
    case_url = page.url
    assert_accessible(page, context="new case")

    # The diagnostic, completed today.
    page.get_by_role("link", name="Change the diagnostic's dates").first.click()
    _date(page, "started_on", today)
    _date(page, "completed_on", today)
    assert_accessible(page, context="diagnostic dates")
    page.get_by_role("button", name="Save the dates").click()
    page.wait_for_url(re.compile(re.escape(case_url) + "#diagnostic$"))

    # The plan: an empty tackling-inequalities section is refused first.
    page.get_by_role("button", name="Agree the plan").click()  # a link styled as a button
    expect(page.get_by_role("heading", name="Agree a version of the plan")).to_be_visible()
    _date(page, "agreed_on", today)
    page.get_by_label("Who agreed it for the trust board?").fill("Chair of the trust board")
    page.locator("#id_actions-0-description").fill("Review escalation in labour every week")
    page.locator("#id_actions-0-owner").fill("Director of Midwifery")
    _date(page, "actions-0-due_on", today.replace(year=today.year + 1))
    assert_accessible(page, context="plan")
    page.get_by_role("button", name="Agree this version").click()
    expect(page).to_have_title(re.compile("^Error:"))
    error = page.get_by_role("link", name="Enter how the plan tackles inequalities: this section cannot be empty")
    expect(error).to_be_visible()
    assert_accessible(page, context="plan refused")
    page.get_by_label("Tackling inequalities").fill("Continuity of carer first for the most deprived areas")
    page.get_by_role("button", name="Agree this version").click()
    page.wait_for_url(re.compile(re.escape(case_url) + "#plan$"))
    expect(page.get_by_text("Continuity of carer first for the most deprived areas")).to_be_visible()

    # An executive meeting and an escalation.
    page.get_by_role("link", name="Record an executive meeting").click()
    _date(page, "held_on", today)
    page.get_by_label("Who attended?").fill("Chief executive, Director of Midwifery, improvement advisor")
    page.get_by_label("Minutes", exact=True).fill("The plan was walked through action by action.")
    assert_accessible(page, context="meeting")
    page.get_by_role("button", name="Record the meeting").click()
    page.wait_for_url(re.compile(re.escape(case_url) + "#meetings$"))
    page.get_by_role("link", name="Escalate the case").click()
    page.get_by_label("Region", exact=True).check()
    _date(page, "escalated_on", today)
    page.get_by_label("Why?").fill("The board has not yet engaged with the plan")
    assert_accessible(page, context="escalation")
    page.get_by_role("button", name="Escalate").click()
    page.wait_for_url(re.compile(re.escape(case_url) + "#escalations$"))
    escalation_row = page.locator(".nhsuk-summary-list__row", has_text="Escalation").first
    expect(escalation_row).to_contain_text("Region")
    assert_accessible(page, context="case after escalation")
    _sign_out(page)

    # The trust's Head of Midwifery reads the case and updates an action, but not the plan.
    sign_in(page, service, HOM)
    page.goto(case_url)
    expect(page.get_by_role("heading", name=re.compile(r"^Case IST-R0A-"))).to_be_visible()
    expect(page.get_by_role("button", name="Agree a new version of the plan")).to_have_count(0)
    assert_accessible(page, context="case read by the trust")
    page.get_by_role("link", name="Update action 1").click()
    page.get_by_label("In progress", exact=True).check()
    page.get_by_label("Amber", exact=True).check()
    page.get_by_label("Progress", exact=True).fill("Weekly reviews started on the labour ward")
    assert_accessible(page, context="action update")
    page.get_by_role("button", name="Save the update").click()
    page.wait_for_url(re.compile(re.escape(case_url) + "#action-1$"))
    expect(page.get_by_text("Weekly reviews started on the labour ward").first).to_be_visible()
    response = page.goto(case_url + "plan/agree/")
    assert response.status == 403
    assert_accessible(page, context="403")
    _sign_out(page)

    # Another trust's user: the case is not found.
    sign_in(page, service, OTHER_TRUST)
    response = page.goto(case_url)
    assert response.status == 404
    assert_accessible(page, context="404")
