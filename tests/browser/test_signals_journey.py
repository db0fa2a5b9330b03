"""Issue 5 journey: a national user sees the outcome signals page with a demo site in signal and
opens its CUSUM chart; the trust's Head of Midwifery completes that site's critical safety
check before its due date; the demo's overdue check shows as overdue; a national analyst loads and
withdraws site reference rates. Every page passes axe.

The demo MOSS run (perinatal setup --demo --small) finds real signals at R0A01, the demo
generator's signal site, and places one other site's check in the past so that it is overdue.
"""

import re
from datetime import date

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, service_today, sign_in, tab_to

NATIONAL = "programme.admin@perinatal.example"
HOM = "hom.r0a@perinatal.example"
SIGNAL_SITE = "R0A01"
NOT_A_VERDICT = "A signal is a prompt for a safety check, not a verdict of unsafe care."
AREAS = ("Cases", "Staffing", "Escalation", "Intrapartum monitoring", "Learning")


def _sign_out(page):
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def test_national_user_sees_signals_and_a_trust_completes_its_safety_check(page, service):
    sign_in(page, service, NATIONAL)
    page.get_by_role("link", name="Outcome signals").first.click()
    expect(page.get_by_role("heading", name="Outcome signals", level=1)).to_be_visible()
    expect(page.locator(".nhsuk-inset-text", has_text=NOT_A_VERDICT)).to_be_visible()
    # The scheduler runs beside the worker (as with `make run`): the nightly run is on time.
    expect(page.locator(".nhsuk-summary-list__row", has_text="Next nightly run")).to_contain_text("2:15am")
    expect(page.get_by_text("the nightly MOSS run did not happen")).to_have_count(0)
    in_signal = page.locator("h2:has-text('Sites in signal') + ul li")
    assert in_signal.count() >= 1
    assert_accessible(page, context="signals page")

    # The overdue check shows as overdue.
    checks = page.get_by_role("region", name="Open critical safety checks")
    overdue_row = checks.locator("tr", has=page.locator(".nhsuk-tag", has_text="Overdue")).first
    expect(overdue_row).to_be_visible()
    expect(overdue_row).to_contain_text("overdue")
    overdue_row.get_by_role("link", name=re.compile(r"^CSC-")).click()
    expect(page.get_by_text("This safety check is overdue")).to_be_visible()
    assert_accessible(page, context="overdue safety check")
    page.go_back()

    # The signal site's CUSUM chart.
    page.get_by_role("link", name=re.compile(SIGNAL_SITE)).first.click()
    expect(page.get_by_role("heading", name="CUSUM", exact=True)).to_be_visible()
    chart = page.locator("svg.chart-moss")
    expect(chart).to_be_visible()
    assert chart.locator(".chart-point--level-1, .chart-point--level-2").count() >= 1
    expect(page.locator("svg.chart-excess")).to_be_visible()
    table = page.get_by_role("region", name="MOSS CUSUM table")
    expect(table).to_contain_text(SIGNAL_SITE)
    expect(page.locator(".nhsuk-inset-text", has_text=NOT_A_VERDICT)).to_be_visible()
    assert_accessible(page, context="site CUSUM page")
    _sign_out(page)

    # The trust's Head of Midwifery completes the site's check before its due date.
    sign_in(page, service, HOM)
    page.get_by_role("link", name="Outcome signals").first.click()
    row = page.get_by_role("region", name="Open critical safety checks").locator("tr", has_text=SIGNAL_SITE).first
    expect(row.locator(".nhsuk-tag")).to_have_text("Open")
    row.get_by_role("link", name=re.compile(r"^CSC-")).click()
    check_url = page.url
    due_text = page.locator(".nhsuk-summary-list__row", has_text="Due").locator("dd").first.inner_text()
    due_on = date.fromisoformat(_iso(due_text))
    assert due_on >= service_today()
    assert_accessible(page, context="safety check")

    for area in AREAS:
        page.get_by_role("link", name=f"Record findings for {area.lower()}").click()
        if area == "Cases":
            page.get_by_role("button", name="Save findings").click()  # empty: refused, naming the area
            expect(page).to_have_title(re.compile("^Error:"))
            expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter what the review of cases found")
            assert_accessible(page, context="findings error")
        page.get_by_label(re.compile(f"What did the review of {area.lower()} find")).fill(
            f"{area}: reviewed, no common cause."
        )
        page.get_by_role("button", name="Save findings").click()
        page.wait_for_url(check_url)
    assert_accessible(page, context="check with findings")

    page.get_by_role("link", name="Change owner").click()
    page.get_by_label(re.compile("Amina Okafor")).check()
    assert_accessible(page, context="owner")
    page.get_by_role("button", name="Save owner").click()
    page.wait_for_url(check_url)

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What is the action?").fill("Refresh fetal monitoring training for the labour ward team")
    page.get_by_label("Who owns it?").fill("Labour ward manager")
    page.get_by_label("Day").fill(str(due_on.day))
    page.get_by_label("Month").fill(str(due_on.month))
    page.get_by_label("Year").fill(str(due_on.year + 1))
    assert_accessible(page, context="action")
    page.get_by_role("button", name="Add action").click()
    page.wait_for_url(check_url)
    expect(page.get_by_text("Refresh fetal monitoring training")).to_be_visible()

    # The action is done: a note of what was done is needed, and the update is kept.
    page.get_by_role("link", name="Update action 1").click()
    expect(page.get_by_role("heading", name="Update action 1")).to_be_visible()
    assert_accessible(page, context="update action")
    page.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save update").click()
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.get_by_role("link", name="Enter what was done to complete the action")).to_be_visible()
    assert_accessible(page, context="update action error")
    page.get_by_label("What was done, or the progress so far").fill("CTG training refreshed for the labour ward team")
    page.get_by_role("button", name="Save update").click()
    page.wait_for_url(re.compile(re.escape(check_url) + "#action-1$"))  # back at the action just updated
    expect(page.get_by_text("Action 1 marked done.")).to_be_visible()
    expect(page.get_by_text("CTG training refreshed for the labour ward team").first).to_be_visible()

    page.get_by_role("button", name="Complete the safety check").click()  # a link styled as a button
    page.get_by_label("Summary of the safety check's conclusions").fill("No common cause; training refreshed.")
    assert_accessible(page, context="complete")
    page.get_by_role("button", name="Complete the safety check").click()
    page.wait_for_url(check_url)
    expect(page.get_by_text("completed.", exact=False).first).to_be_visible()
    status = page.locator(".nhsuk-summary-list__row", has_text="Status").locator(".nhsuk-tag")
    expect(status).to_have_text("Completed")
    expect(page.get_by_text("completed by its due date")).to_be_visible()
    assert_accessible(page, context="completed check")


MONTHS = ("January February March April May June July August September October November December").split()


def _iso(due_text: str) -> str:
    """'Due 9 December 2026' or 'Due today, 9 December 2026' -> '2026-12-09'."""
    match = re.search(r"(\d{1,2}) (\w+) (\d{4})", due_text)
    assert match, due_text
    return f"{match.group(3)}-{MONTHS.index(match.group(2)) + 1:02d}-{int(match.group(1)):02d}"


def test_national_analyst_loads_and_withdraws_site_reference_rates(page, service, tmp_path):
    """The programme admin loads NHS England's MOSS_Ref_Rate.csv (a bad file first), sees the
    site's rate in force, then withdraws it; a trust user reads the page without the form."""
    sign_in(page, service, NATIONAL)
    page.get_by_role("link", name="Outcome signals").first.click()
    page.get_by_role("link", name="Which reference rates apply, and loaded rates").first.click()
    expect(page.get_by_role("heading", name="Reference rates", level=1)).to_be_visible()
    assert_accessible(page, context="reference rates")

    bad = tmp_path / "MOSS_Ref_Rate.csv"
    bad.write_text("Site_Code,Year,Events,Denom,Ref_Rate,Source\nR0A01,2024,10,4000,0.0025,NHSE\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Load the rates").click()
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("MOSS_Ref_Rate.csv, line 2, column Year")
    assert_accessible(page, context="reference rates error")

    good = tmp_path / "good" / "MOSS_Ref_Rate.csv"
    good.parent.mkdir()
    good.write_text("Site_Code,Year,Events,Denom,Ref_Rate,Source\nR0A01,2022-2024,10,4000,0.0025,NHS England MOSS\n")
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Load the rates").click()
    in_force = page.get_by_role("region", name="Loaded reference rates in force")
    expect(in_force).to_contain_text("R0A01")
    expect(in_force).to_contain_text("2022–2024")
    assert_accessible(page, context="rates loaded")

    page.get_by_role("link", name=re.compile("^Withdraw")).first.click()
    expect(page.get_by_role("heading", name="Withdraw the rates loaded from MOSS_Ref_Rate.csv")).to_be_visible()
    page.get_by_role("button", name="Withdraw these rates").click()
    expect(page).to_have_title(re.compile("^Error:"))
    assert_accessible(page, context="withdraw error")
    page.get_by_label("Why are you withdrawing these rates?").fill("Loaded for the wrong period")
    page.get_by_role("button", name="Withdraw these rates").click()
    expect(page.get_by_role("heading", name="Reference rates", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="History of reference rate loads")).to_contain_text(
        "Loaded for the wrong period"
    )
    assert_accessible(page, context="rates withdrawn")
    _sign_out(page)

    sign_in(page, service, HOM)
    page.goto(service.url("/signals/reference-rates/"))
    expect(page.get_by_role("heading", name="Reference rates", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Load the rates")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Withdraw"))).to_have_count(0)
    assert_accessible(page, context="reference rates, trust reader")


def test_the_checks_list_is_filtered_with_the_keyboard_on_a_phone(page, service):
    """Issue 12: the list of checks had no filters. On a 375 px phone, with the keyboard alone,
    a national user keeps the overdue checks; the demo's overdue check's email says the due date
    its page says."""
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, service, NATIONAL)
    page.goto(service.url("/signals/checks/"))
    expect(page.get_by_role("heading", name="Critical safety checks", level=1)).to_be_visible()
    assert_accessible(page, context="checks list on a phone")
    tab_to(page, "#id_status")
    page.keyboard.press("ArrowDown")  # "Any status" -> "Overdue"
    expect(page.locator("#id_status")).to_have_value("overdue")
    tab_to(page, ".app-filters button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"status=overdue"))
    expect(page.get_by_role("status")).to_contain_text("1 safety check matches the filters")
    table = page.get_by_role("region", name="Critical safety checks of your organisations")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator(".nhsuk-tag")).to_have_text("Overdue")
    expect(page.locator("#id_status")).to_have_value("overdue")  # the choice stays shown
    assert_accessible(page, context="checks list filtered on a phone")

    table.get_by_role("link", name=re.compile(r"^CSC-")).click()
    due_row = page.locator(".nhsuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(r"^\s*Due\s*$"))
    )
    due_text = due_row.locator("dd").first.inner_text()
    due_on = re.search(r"\d{1,2} \w+ \d{4}", due_text).group(0)
    site = re.search(r"\(([A-Z0-9]+)\)", page.locator(".nhsuk-caption-l").inner_text()).group(1)
    notices = [
        message
        for path in service.mail_dir.glob("*.log")
        for message in [path.read_text()]
        if f"MOSS signal at {site}:" in message
    ]
    assert notices, f"no notice email for {site}"
    assert all(f"critical safety check due {due_on}" in message for message in notices)
    assert all(f"It is due by {due_on}" in message for message in notices)
