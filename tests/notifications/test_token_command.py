"""`perinatal issue-api-token` starts without loading what it does not use (issue 13: it took
6 s). Checked by what the process imports, not by timing it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from perinatal.notifications.models import ApiToken
from perinatal.notifications.services.api_tokens import hash_token


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


# What every process does on start-up: the web server and the worker load the settings, the
# models of every app and the URL configuration (with every view); a command imports its module.
STARTUP = """
import importlib, sys
import django
django.setup()
from django.apps import apps
from django.urls import URLResolver, get_resolver
import perinatal.urls

def walk(resolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            walk(pattern)
        else:
            pattern.callback

walk(get_resolver())
for config in apps.get_app_configs():
    config.import_models()  # the app's models module, when it has one
importlib.import_module("perinatal.notifications.management.commands.issue_api_token")
print("scipy" in sys.modules, "scipy.stats" in sys.modules)
"""


def test_starting_the_service_and_its_commands_does_not_import_scipy():
    # Issue 13: the dashboard's intervals imported scipy.stats at module level, so every process
    # loading the URLs or the models paid 2-3 s; they call perinatal.stats.lazy.scipy_stats() now.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "perinatal.settings"}
    result = subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["False", "False"]
