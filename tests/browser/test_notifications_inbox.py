"""Issue 3, after submission: the system admin issues an API token; a term intrapartum
stillbirth submitted through the API is delivered by the worker; the MNSI reviewer sees it
in the inbox with only MNSI's fields and acknowledges it with a reference, which the
reporter then sees; the reporter's amendment to 36+5 weeks withdraws it from MNSI.
Every page passes axe."""

from __future__ import annotations

import json
import re
import time
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.notifications.factories import intrapartum_stillbirth

ADMIN = "system.admin@perinatal.example"
REPORTER = "midwife.r0a@perinatal.example"
MNSI_REVIEWER = "reviewer.mnsi@perinatal.example"


def api(service, token: str, method: str, path: str, document: dict | None = None) -> dict:
    request = urllib.request.Request(
        service.url(path),
        method=method,
        data=json.dumps(document).encode() if document is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        return json.loads(response.read())


def wait_for_status(service, token: str, reference: str, body: str, kinds: list[str], timeout: float = 60) -> dict:
    """Until the body's deliveries (oldest first) have these kinds and are all delivered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = api(service, token, "GET", f"/api/v1/notifications/{reference}")
        rows = [row for row in status["destinations"] + status["withdrawn"] if row["body"] == body]
        deliveries = rows[0]["deliveries"] if rows else []
        if [d["kind"] for d in deliveries] == kinds and all(d["status"] != "queued" for d in deliveries):
            return status
        time.sleep(0.5)
    raise AssertionError(f"{body} did not receive {kinds} in time: {status}")


def new_page(browser):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_delivery_inbox_acknowledgement_and_withdrawal(page, browser, service):
    # The system admin issues an API token for R0A.
    sign_in(page, service, ADMIN)
    page.get_by_role("link", name="API tokens").click()
    assert_accessible(page, context="API tokens")
    page.get_by_role("button", name="Issue token").click()
    expect(page).to_have_title(re.compile("^Error:"))
    assert_accessible(page, context="API tokens error")
    page.get_by_label("Trust ODS code").fill("R0A")
    page.get_by_label("What the token is for").fill("Browser test system")
    page.get_by_role("button", name="Issue token").click()
    assert_accessible(page, context="token issued")
    token = page.locator("#api-token").inner_text().strip()

    created = api(service, token, "POST", "/api/v1/notifications", intrapartum_stillbirth())
    reference = created["reference"]
    assert [d["body"] for d in created["destinations"]] == ["MBRRACE_UK", "MNSI"]
    wait_for_status(service, token, reference, "MNSI", ["notify"])

    # The reporter follows it.
    reporter = new_page(browser)
    sign_in(reporter, service, REPORTER)
    reporter.get_by_role("link", name="Notifications").first.click()
    assert_accessible(reporter, context="notification list")
    reporter.get_by_role("link", name=reference).click()
    expect(reporter.get_by_role("heading", name="MNSI: Intrapartum stillbirth")).to_be_visible()
    expect(reporter.get_by_role("heading", name="MBRRACE-UK: Stillbirth")).to_be_visible()
    assert_accessible(reporter, context="status page")

    # The MNSI reviewer sees it, with MNSI's fields only, and acknowledges it.
    reviewer = new_page(browser)
    sign_in(reviewer, service, MNSI_REVIEWER)
    reviewer.get_by_role("link", name="Inbox").click()
    assert_accessible(reviewer, context="inbox")
    reviewer.get_by_role("link", name=reference).click()
    expect(reviewer.get_by_text("Mother's NHS number")).to_be_visible()
    expect(reviewer.get_by_text("Mother's postcode")).to_have_count(0)
    assert_accessible(reviewer, context="inbox notification")
    reviewer.get_by_role("button", name="Acknowledge").click()
    expect(reviewer).to_have_title(re.compile("^Error:"))
    assert_accessible(reviewer, context="acknowledge error")
    reviewer.get_by_label("MNSI reference").fill("MNSI-2026-0042")
    reviewer.get_by_role("button", name="Acknowledge").click()
    expect(reviewer.get_by_text(f"Notification {reference} acknowledged")).to_be_visible()

    # The reporter sees MNSI's reference, then amends the gestation to 36+5 weeks.
    reporter.reload()
    expect(reporter.get_by_text("MNSI-2026-0042").first).to_be_visible()
    reporter.get_by_role("link", name="Amend this notification").click()
    assert_accessible(reporter, context="amend")
    # The journey's own question page, then "where this will now go and why" before sending.
    reporter.get_by_role("link", name=re.compile(r"^Change .*gestation at birth", re.I)).click()
    reporter.get_by_label("Weeks", exact=True).fill("36")
    reporter.get_by_label("Days", exact=True).fill("5")
    reporter.get_by_role("button", name="Continue").click()
    reporter.get_by_role("button", name="Continue").click()
    expect(reporter.get_by_role("heading", name="Where this will now go and why")).to_be_visible()
    assert_accessible(reporter, context="where this will now go")
    reporter.get_by_role("button", name="Send amendment").click()
    expect(reporter).to_have_title(re.compile("^Error:"))
    assert_accessible(reporter, context="amend error")
    reporter.get_by_label("Why are you amending this notification?").fill("Gestation corrected from the dating scan")
    reporter.get_by_role("button", name="Send amendment").click()
    expect(reporter.get_by_role("heading", name="MNSI: withdrawn")).to_be_visible()
    assert_accessible(reporter, context="status page after amendment")

    wait_for_status(service, token, reference, "MNSI", ["notify", "withdraw"])
    reviewer.reload()
    expect(reviewer.get_by_role("heading", name=re.compile("Withdrawn"))).to_be_visible()
    assert_accessible(reviewer, context="withdrawn in the inbox")
    for extra in (reporter, reviewer):
        extra.context.close()
