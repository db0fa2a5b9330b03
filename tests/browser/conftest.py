"""Browser tests: the real service, started as a user would start it, driven by chromium.

Each xdist worker prepares its own database with ``perinatal setup --demo --small`` (a
SQLite file, or a PostgreSQL database of its own when DATABASE_URL names PostgreSQL),
starts ``perinatal runserver`` and the background worker on a free port, and drives
Debian's chromium through Playwright. The service writes its emails to files that a journey
reads with ``Service.emails_to`` and ``Service.link_in_email``. Every page a test visits should be checked with
``assert_accessible``.
"""

from __future__ import annotations

import email
import re
import subprocess
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

from perinatal.accounts.totp_now import totp
from perinatal.demo.users import DEMO_PASSWORD, demo_totp_key
from tests import processes
from tests.conftest import CHROMIUM, REPO
from tests.processes import PERINATAL

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# The service under test runs on a fixed service clock, so its demo data (which ends with the
# month before "today") and every date the journeys type are the same on any real day: a
# journey that passed in November must not fail in December because the demo's random
# signals fell differently. Sign-in codes and sessions still run on real time.
SERVICE_NOW = "2026-11-27T09:00"


def service_today() -> date:
    """Today by the service's clock (the journeys type dates relative to it)."""
    return date.fromisoformat(SERVICE_NOW[:10])


# axe rule tags for WCAG 2.0/2.1/2.2 A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class Service:
    """A running instance of the platform: its URL, database, environment and mail folder."""

    def __init__(self, base_url: str, env: dict[str, str], mail_dir: Path | None = None):
        self.base_url = base_url
        self.env = env
        self.mail_dir = mail_dir
        self.used_steps: dict[str, int] = {}

    def emails_to(self, address: str) -> list[email.message.Message]:
        """The emails the service has sent to `address`, oldest first (Django's file email backend
        writes each message into the service's mail folder, ending with a line of dashes)."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if raw.strip():
                    message = email.message_from_bytes(raw.strip())
                    if address in (message["To"] or ""):
                        messages.append(message)
        return messages

    def link_in_email(self, address: str, kind: str) -> str:
        """The newest link of this kind ("setup", "reset-password", "new-authenticator") emailed to `address`."""
        pattern = re.compile(rf"https?://\S+?/account/{kind}/[\w-]+/")
        for message in reversed(self.emails_to(address)):
            found = pattern.findall(message.get_payload(decode=True).decode())
            if found:
                return self.url(urlparse(found[-1]).path)
        raise AssertionError(f"no {kind} link emailed to {address}")

    def url(self, path: str) -> str:
        return self.base_url + path

    def manage(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run a `perinatal` command against this service's database."""
        return subprocess.run(
            [str(PERINATAL), *args], env=self.env, input=input, capture_output=True, text=True, check=True, timeout=300
        )

    def totp_code(self, email: str) -> str:
        """A TOTP code the server has not seen yet for this user (django-otp refuses replays)."""
        from base64 import b32encode

        secret = b32encode(bytes.fromhex(demo_totp_key(email))).decode()
        last = self.used_steps.get(email)
        step = int(time.time() // 30)
        if last is not None and step <= last:
            step = last + 1
            # django-otp accepts a code at most one step ahead of the clock: wait until then.
            while step > int(time.time() // 30) + 1:
                time.sleep(max(0.2, (step - 1) * 30 - time.time() + 0.2))
        self.used_steps[email] = step
        return totp(secret, at=step * 30)


@pytest.fixture(scope="session")
def service(tmp_path_factory, request):
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "main")
    tmp_dir = tmp_path_factory.mktemp("service")
    port = processes.free_port()
    mail_dir = tmp_dir / "mail"
    env = processes.service_env(
        database_url=processes.fresh_database_url(tmp_dir, f"perinatal_browser_{worker_id}"),
        port=port,
        AXES_FAILURE_LIMIT="50",
        PERINATAL_NOW=SERVICE_NOW,
        # The service's emails go to files the journeys read (set-up and recovery links).
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    processes.manage(env, "setup", "--demo", "--small")
    log_path = tmp_dir / "server.log"
    log = open(log_path, "w")
    server = processes.start_server(env, port, log)
    worker = processes.start_worker(env, log)
    scheduler = processes.start_scheduler(env, log)  # as `make run` does: the nightly MOSS is on time
    base_url = f"http://127.0.0.1:{port}"
    processes.wait_until_healthy(base_url, log_path=log_path, processes=[server, worker, scheduler])
    processes.wait_for_log(log_path, "Queued moss-nightly")  # a fresh database: the latest night is due
    yield Service(base_url, env, mail_dir)
    processes.stop(server, worker, scheduler)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets the test inject axe; the service's own pages never need it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe (WCAG 2.2 A and AA) on the current page and fail on any violation."""
    # A click that navigates returns once the new page has started loading; axe must
    # see the whole of it, not the old page or half of the new one.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = result["violations"]
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in violations
        ]
        raise AssertionError(f"axe found {len(violations)} violation(s) on {page.url} {context}:\n" + "\n".join(lines))
    assert_no_sideways_scroll(page, context=context)


#: What makes a page wider than the window, for the failure message: the widest elements that
#: stick out of it (a wide table belongs in an `app-table-scroll` region of its own).
_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .slice(0, 5)
    .map(el => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)}px)`);
}"""


def assert_no_sideways_scroll(page, *, context: str = "") -> None:
    """WCAG 2.2 1.4.10 Reflow: the page itself never scrolls sideways at the window's width
    (wide tables scroll inside their own region). Run with every axe check, so every journey
    checks every page it visits, at whatever width it uses."""
    page.wait_for_load_state("load")  # measured before the styles apply, a page is as wide as its text
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        raise AssertionError(
            f"{page.url} {context} scrolls {overflow}px sideways at {page.viewport_size['width']}px: "
            f"{page.evaluate(_OVERFLOWING)}"
        )


def tab_to(page, selector: str, *, presses: int = 80) -> None:
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


def type_into(page, selector: str, text: str) -> None:
    """Reach the field with Tab and type into it, as someone with the keyboard alone."""
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def sign_in(page, service: Service, email: str) -> None:
    """Sign in through the real pages: email and password, then the TOTP code."""
    page.goto(service.url("/sign-in/"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Enter your security code").fill(service.totp_code(email))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(service.url("/"))
