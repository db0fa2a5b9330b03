"""`perinatal issue-api-token` starts without loading what it does not use (issue 13: it took
6 s). Checked by what the process imports, not by timing it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import call_command

from perinatal.notifications.management.commands.issue_api_token import Command
from perinatal.notifications.models import ApiToken
from perinatal.notifications.services.api_tokens import hash_token


def test_the_command_skips_only_the_url_checks():
    # Checking the URL configuration imports every view, the API and its schema.
    assert "urls" not in Command.requires_system_checks
    assert {"security", "models"} <= set(Command.requires_system_checks)


@pytest.mark.django_db
def test_the_command_issues_a_working_token(capsys):
    from perinatal.organisations.models import Organisation

    trust = Organisation.objects.create(code="RZZ", name="Test trust", kind=Organisation.Kind.TRUST)
    call_command("issue_api_token", "RZZ", "Maternity system")
    plaintext = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(token_hash=hash_token(plaintext)).trust == trust


def test_the_statistics_load_scipy_only_when_a_limit_is_computed():
    # scipy.stats takes seconds to import; every process loading the models imported it for funnels.
    code = (
        "import sys; import perinatal.stats, perinatal.charts; "
        "print('scipy.stats' in sys.modules); "
        "perinatal.stats.funnel.poisson_exact_limits(expected=4.0, alpha=0.05); "
        "print('scipy.stats' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
