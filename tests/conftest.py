"""Test set-up shared by the whole suite.

Markers: ``postgres`` tests need DATABASE_URL to name a PostgreSQL server; ``browser``
tests need Debian's chromium and Playwright. Where the machine lacks them they are
deselected, and the last lines of the run say so. With PERINATAL_REQUIRE_ALL=1 (CI) a
missing capability is an error instead, so CI can never pass by running less.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# The suite runs on a fixed service clock (a test may set its own with the PERINATAL_NOW
# setting). The shared demo fixtures are generated up to the month before "today", and their
# random signals fall differently each month: on the real date, a test that passed in
# November could fail in December. The processes the tests start inherit it. Sign-in codes,
# sessions and lockouts still run on real time. CI runs the suite under faketime as well, so
# production code that reads the real date instead of the service clock would show.
SUITE_NOW = "2026-11-27T09:00"
os.environ["PERINATAL_NOW"] = SUITE_NOW
REPO = Path(__file__).resolve().parents[1]


def _postgres_reason() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return None
    return "DATABASE_URL does not name PostgreSQL (e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test)"


def _browser_reason() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


CAPABILITIES = {"postgres": _postgres_reason, "browser": _browser_reason}


def pytest_configure(config):
    config._perinatal_missing = {name: check() for name, check in CAPABILITIES.items()}
    config._perinatal_deselected = {name: 0 for name in CAPABILITIES}
    if config.pluginmanager.hasplugin("xdist"):  # the hook exists only with pytest-xdist
        config.pluginmanager.register(_WorkerCounts(), "perinatal-worker-counts")
    missing = {k: v for k, v in config._perinatal_missing.items() if v}
    if os.environ.get("PERINATAL_REQUIRE_ALL") == "1" and missing:
        raise pytest.UsageError(
            "PERINATAL_REQUIRE_ALL=1 but tests would be deselected: "
            + "; ".join(f"{k}: {v}" for k, v in missing.items())
        )


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    browser_dir = REPO / "tests" / "browser"
    for item in items:
        if browser_dir in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
        lacking = [name for name in CAPABILITIES if item.get_closest_marker(name) and config._perinatal_missing[name]]
        if lacking:
            drop.append(item)
            for name in lacking:
                config._perinatal_deselected[name] += 1
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session, exitstatus):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the counts to the controller
        workeroutput["perinatal_deselected"] = json.dumps(session.config._perinatal_deselected)


class _WorkerCounts:
    """On the xdist controller: gather each worker's deselection counts."""

    def pytest_testnodedown(self, node, error):
        counts = json.loads(getattr(node, "workeroutput", {}).get("perinatal_deselected", "{}"))
        totals = node.config._perinatal_deselected
        for name, count in counts.items():
            totals[name] = max(totals[name], count)  # every worker collects the whole suite


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for name, reason in config._perinatal_missing.items():
        if reason:
            count = config._perinatal_deselected.get(name, 0)
            terminalreporter.write_line(f"DESELECTED {count} {name} test(s): {reason}", yellow=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the full organisation register and the small demo fixtures."""
    from perinatal.web import setup

    with django_db_blocker.unblock():
        setup.load_reference()
        setup.load_demo(small=True)


@pytest.fixture
def committed_register(transactional_db):
    """For tests whose threads need committed rows (`django_db(transaction=True)`): each such
    test empties every table when it ends, the register and the demo's users included, and
    pytest-django runs them after the others on the same worker. The second of them on a worker
    would find no trust: the register and the small demo are put back first when they are gone."""
    from perinatal.organisations.models import Organisation
    from perinatal.web import setup

    if not Organisation.objects.exists():
        setup.load_reference()
        setup.load_demo(small=True)
