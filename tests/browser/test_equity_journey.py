"""Issue 9 "Done when": a trust analyst reads the equity page and downloads it. The trust's
analyst (a trust viewer of R0A: the role that reads its board's figures) opens the trust's
dashboard page, follows the link to its outcomes by ethnicity and deprivation, changes the
dimension with the keyboard alone, reads the table and downloads the CSV, which is the
`perinatal equity` output for the trust, period and dimension. A bad date is refused naming
the field. Every page passes axe; at 375 px the page itself never scrolls sideways (the
tables scroll in their own regions)."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from perinatal.equity.breakdowns.rows import OUTPUT_COLUMNS
from tests.browser.conftest import assert_accessible, service_today, sign_in

TRUST_ANALYST = "board.r0a@perinatal.example"
TRUST = "Manchester University NHS Foundation Trust"
LAST_YEAR = service_today().year - 1  # the page's default: the last complete calendar year
QUINTILE_LINES = ["1 (most deprived)", "2", "3", "4", "5 (least deprived)", "Not stated", "All groups"]


def _tab_to(page, selector: str, *, presses: int = 120) -> None:
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


def _row_headers(table) -> list[str]:
    return [text.strip() for text in table.locator("tbody th").all_inner_texts()]


def test_trust_analyst_reads_the_equity_page_and_downloads_it(page, service):
    sign_in(page, service, TRUST_ANALYST)
    page.goto(service.url("/dashboard/trusts/R0A/"))
    expect(page.get_by_role("heading", name=TRUST, level=1)).to_be_visible()
    page.get_by_role("link", name="Outcomes by ethnicity and deprivation").click()

    expect(page.get_by_role("heading", name="Outcomes by ethnicity and deprivation", level=1)).to_be_visible()
    expect(page.get_by_text(f"by ethnic group, {LAST_YEAR}.")).to_be_visible()
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumbs.get_by_role("link", name=TRUST)).to_be_visible()
    stillbirths = page.locator("section[aria-labelledby=stillbirth-rate] table.app-equity-table")
    assert _row_headers(stillbirths) == ["White", "Black", "Asian", "Mixed", "Other", "Not stated", "All groups"]
    expect(page.locator("svg#equity-stillbirth-rate")).to_be_visible()
    expect(page.get_by_text("These are crude rates").first).to_be_visible()
    assert_accessible(page, context="equity page, by ethnic group")

    # The dimension, by keyboard alone: the radios are one stop; the arrow moves the choice.
    _tab_to(page, "input[name=by]:checked")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Deprivation quintile", exact=True).is_checked()
    _tab_to(page, "form.app-filters button")
    page.keyboard.press("Enter")

    expect(page.get_by_text(f"by deprivation quintile, {LAST_YEAR}.")).to_be_visible()
    stillbirths = page.locator("section[aria-labelledby=stillbirth-rate] table.app-equity-table")
    assert _row_headers(stillbirths) == QUINTILE_LINES
    reference = stillbirths.locator("tbody tr", has=page.locator("th", has_text="5 (least deprived)"))
    expect(reference.locator("td").nth(3)).to_have_text("Reference")
    first = stillbirths.locator("tbody tr").first.locator("td")
    assert re.fullmatch(r"[\d,]+", first.nth(0).inner_text().strip())  # stillbirths
    assert re.fullmatch(r"\d+\.\d\d \(\d+\.\d\d to \d+\.\d\d\)", first.nth(2).inner_text().strip())  # rate
    expect(page.get_by_text("Deprivation quintile is recorded for").first).to_be_visible()
    expect(page.get_by_text(re.compile("living in the least deprived areas")).first).to_be_visible()
    assert_accessible(page, context="equity page, by deprivation quintile")

    _tab_to(page, "a.app-download[href*='download=csv']")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == (
        f"r0a-outcomes-by-deprivation-quintile-{LAST_YEAR}-01-01-to-{LAST_YEAR}-12-31.csv"
    )
    with open(download.path(), encoding="utf-8-sig") as handle:
        downloaded = list(csv.reader(handle))
    printed = service.manage(
        "equity",
        "--from",
        f"{LAST_YEAR}-01-01",
        "--to",
        f"{LAST_YEAR}-12-31",
        "--level",
        "trust",
        "--by",
        "imd_quintile",
    ).stdout
    expected = list(csv.reader(io.StringIO(printed)))
    assert downloaded[0] == list(OUTPUT_COLUMNS)
    assert downloaded == [expected[0], *(row for row in expected[1:] if row[2] == "R0A")]
    assert len(downloaded) == 1 + 3 * len(QUINTILE_LINES)


def test_a_bad_date_is_refused_naming_the_field(page, service):
    sign_in(page, service, TRUST_ANALYST)
    page.goto(service.url("/dashboard/trusts/R0A/equity/"))
    page.locator("input[name=to_month]").fill("13")
    page.get_by_role("button", name="Show breakdowns").click()
    expect(page).to_have_title(re.compile("^Error:"))
    error = page.get_by_role("link", name="The end date must be a real date")
    expect(error).to_be_visible()
    expect(page.locator("table.app-equity-table")).to_have_count(0)
    assert_accessible(page, context="equity page with an error")
    error.click()
    assert page.evaluate("document.activeElement.name") == "to_day"


def test_at_375_pixels_the_page_does_not_scroll_sideways(browser, service):
    context = browser.new_context(bypass_csp=True, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, service, TRUST_ANALYST)
        for by in ("ethnic_group", "ethnic_group%2Cimd_quintile"):
            page.goto(service.url(f"/dashboard/trusts/R0A/equity/?by={by}&metric=stillbirth_rate"))
            expect(page.locator("table.app-equity-table")).to_have_count(1)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"the page scrolls {overflow}px sideways at 375px ({by})"
            # The table scrolls in its own focusable region instead.
            region = page.locator("section[aria-labelledby=stillbirth-rate] .app-table-scroll").first
            assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
            assert_accessible(page, context=f"equity page at 375px ({by})")
    finally:
        context.close()
