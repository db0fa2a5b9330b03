"""Issue 11 journey (docs/rules/board_report.md §2): the Head of Midwifery opens October's board
report (drafted by the scheduler), fills the minimum data set (a bad value refused first), gives
the board meeting's date (a date that does not exist refused first), edits the summary written
from the data and submits, with the keyboard alone; the executive lead returns it once,
then approves it; the board's safety champion reads it; the ICB sees it approved; the approved
PDF opens (read back with pdftotext) and shows the page's figures. Every page passes axe.
"""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

HOM = "hom.r0a@perinatal.example"
EXECUTIVE = "exec.r0a@perinatal.example"
CHAMPION = "board.r0a@perinatal.example"
ICB = "icb.qop@perinatal.example"
REPORT = "/board-reports/R0A/2026-10/"
EDITED = "The fall in suspensions follows the new escalation rota."


def _tab_to(page, selector: str, *, presses: int = 400) -> None:
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


def _press(page, selector: str, *, timeout: int = 30_000) -> None:
    """Tab to a link or a form's button and press Enter: the next page loads."""
    _tab_to(page, selector)
    with page.expect_navigation(timeout=timeout):
        page.keyboard.press("Enter")


def _sign_out(page):
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def test_the_board_report_from_draft_to_approval(page, service):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils (.ci/run installs it)")
    sign_in(page, service, HOM)
    page.goto(service.url(REPORT))
    # The service's scheduler made October's draft on its first run (27 November is after the
    # 5th working day); without it, the Head of Midwifery starts it here.
    if page.get_by_role("button", name="Start the report").count():
        assert_accessible(page, context="no report yet")
        _press(page, "main form button.nhsuk-button")
    expect(page.get_by_role("heading", name="Complete the report")).to_be_visible()
    assert_accessible(page, context="draft")

    # The minimum data set: a percentage over 100 is refused, naming the field.
    _press(page, f"a[href='{REPORT}data/training/']")
    _type_into(page, "#id_midwives", "120")
    _press(page, "main form button.nhsuk-button")
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.get_by_role("link", name="Midwives must be a percentage from 0 to 100")).to_be_visible()
    assert_accessible(page, context="training refused")
    _type_into(page, "#id_midwives", "93.5")
    _press(page, "main form button.nhsuk-button")
    expect(page.get_by_text("Training compliance by staff group: saved").first).to_be_visible()

    # The cover: the board meeting's date, a date that does not exist refused first.
    _press(page, f"a[href='{REPORT}write/cover/']")
    for selector, value in (("#id_meeting_on", "31"), ("#id_meeting_on_month", "2"), ("#id_meeting_on_year", "2027")):
        _type_into(page, selector, value)
    _press(page, "main form button.nhsuk-button")
    expect(page.get_by_role("link", name="The date of the board meeting must be a real date")).to_be_visible()
    assert_accessible(page, context="cover refused")
    for selector, value in (("#id_meeting_on", "3"), ("#id_meeting_on_month", "12"), ("#id_meeting_on_year", "2026")):
        _type_into(page, selector, value)
    _press(page, "main form button.nhsuk-button")

    # The summary: what changed starts as the list written from the data; the author adds to it.
    _press(page, f"a[href='{REPORT}write/summary/']")
    assert_accessible(page, context="summary")
    generated = page.locator("#id_changed").input_value()
    assert generated.strip(), "what changed starts from the data"
    _tab_to(page, "#id_changed")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n" + EDITED)
    _type_into(page, "#id_board_asked", "Note the report for assurance")
    _press(page, "main form button.nhsuk-button")
    expect(page.get_by_text(EDITED).first).to_be_visible()
    expect(page.get_by_text("Written from the data, then edited by the author.").first).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, context="draft at 375 px")
    page.set_viewport_size({"width": 1280, "height": 900})
    _press(page, f"form[action='{REPORT}submit/'] button")
    expect(page.get_by_text("Submitted to the executive lead for approval").first).to_be_visible()
    _sign_out(page)

    # The executive lead returns it once, then approves.
    sign_in(page, service, EXECUTIVE)
    page.goto(service.url(REPORT))
    _press(page, f"a[href='{REPORT}decide/']")
    assert_accessible(page, context="decide")
    # Tab reaches a radio group once; the arrow keys choose within it.
    _tab_to(page, "input[name=decision]")
    page.keyboard.press("ArrowDown")
    expect(page.locator("input[value=return]")).to_be_checked()
    _type_into(page, "#id_reason", "Add the staffing figures")
    _press(page, "main form button.nhsuk-button")
    expect(page.get_by_text("Returned to the author").first).to_be_visible()
    _sign_out(page)

    sign_in(page, service, HOM)
    page.goto(service.url(REPORT))
    expect(page.get_by_text("Add the staffing figures").first).to_be_visible()
    assert_accessible(page, context="returned")
    _press(page, f"a[href='{REPORT}data/staffing/']")
    _type_into(page, "#id_midwives_planned_wte", "250")
    _type_into(page, "#id_midwives_actual_wte", "236.5")
    _press(page, "main form button.nhsuk-button")
    _press(page, f"form[action='{REPORT}submit/'] button")
    _sign_out(page)

    sign_in(page, service, EXECUTIVE)
    page.goto(service.url(REPORT + "decide/"))
    _tab_to(page, "input[name=decision]")
    page.keyboard.press("Space")
    expect(page.locator("input[value=approve]")).to_be_checked()
    _press(page, "main form button.nhsuk-button", timeout=180_000)  # both editions' PDFs are rendered
    expect(page.get_by_text("Approved: the report is frozen").first).to_be_visible()
    assert_accessible(page, context="approved")
    _sign_out(page)

    # The board's safety champion reads it; the ICB sees it approved.
    sign_in(page, service, CHAMPION)
    page.goto(service.url(REPORT))
    expect(page.get_by_text("236.5").first).to_be_visible()
    _sign_out(page)
    sign_in(page, service, ICB)
    page.goto(service.url("/board-reports/"))
    expect(page.get_by_role("link", name="October 2026")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="October 2026"))
    expect(row).to_contain_text("Version 1 approved")
    assert_accessible(page, context="ICB list")
    page.get_by_role("link", name="October 2026").click()
    expect(page.get_by_role("heading", name=re.compile("^Maternity and neonatal safety report"))).to_be_visible()
    figures = page.locator("#part-dashboard").locator("td").all_inner_texts()[:12]

    response = page.request.get(service.url(REPORT + "version-1/private.pdf"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.body(), capture_output=True, check=True, timeout=60
    ).stdout.decode()
    flat = " ".join(text.split())
    assert "93.5%" in flat and "236.5" in flat and "Note the report for assurance" in flat
    assert EDITED in flat and "3 December 2026" in flat  # the author's words and the meeting, as approved
    for figure in figures:
        if re.fullmatch(r"[0-9.,%]+", figure.strip()):
            assert figure.strip() in flat, figure
