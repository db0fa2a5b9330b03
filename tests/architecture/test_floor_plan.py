"""The floor plan (docs/adr/0018-floor-plan.md) is held by import-linter: these tests show the
contracts pass on the code as it is and fail when a lower floor imports a higher one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed (make install)")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def copy_of_the_package(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("floor-plan")
    shutil.copytree(
        REPO / "perinatal",
        root / "perinatal",
        ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "*.csv"),
    )
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_code_keeps_every_contract(copy_of_the_package):
    result = _lint_imports(copy_of_the_package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "imports", "contract"),
    [
        ("perinatal/kernel/working_days.py", "import perinatal.dashboard.models", "Floor plan"),
        ("perinatal/core/clock.py", "import perinatal.accounts.roles", "Floor plan"),
        ("perinatal/dashboard/models.py", "import perinatal.surveillance.models", "Floor plan"),
        ("perinatal/notifications/services/submission.py", "import perinatal.demo.organisations", "Floor plan"),
        ("perinatal/stats/spc.py", "import django.db", "import no Django"),
    ],
)
def test_an_import_against_the_plan_breaks_a_contract(copy_of_the_package, module, imports, contract):
    target = copy_of_the_package / module
    original = target.read_text()
    try:
        target.write_text(original + f"\n{imports}  # against the floor plan\n")
        result = _lint_imports(copy_of_the_package)
    finally:
        target.write_text(original)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(contract in line for line in broken), result.stdout
