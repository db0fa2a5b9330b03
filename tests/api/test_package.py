"""The api package sits on top of the domain apps: it imports them, they never import it."""

from __future__ import annotations

import re
from pathlib import Path

PERINATAL = Path(__file__).resolve().parents[2] / "perinatal"
IMPORTS_API = re.compile(r"^\s*(from perinatal\.api\b|from perinatal import api\b|import perinatal\.api\b)", re.M)


def test_no_domain_app_imports_the_api_package():
    importers = [
        path.relative_to(PERINATAL)
        for path in PERINATAL.rglob("*.py")
        if IMPORTS_API.search(path.read_text()) and PERINATAL / "api" not in path.parents
    ]
    assert importers == []
    # The project's URLs include it by its dotted name, not by importing it.
    assert 'include("perinatal.api.urls")' in (PERINATAL / "urls.py").read_text()


def test_the_old_api_modules_are_gone():
    for old in ("notifications/api.py", "notifications/openapi.py", "dashboard/api.py"):
        assert not (PERINATAL / old).exists(), old
