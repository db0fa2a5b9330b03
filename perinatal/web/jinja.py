"""The Jinja2 environment the pages use: core's environment plus the signed-in header menu."""

from __future__ import annotations

from jinja2 import Environment

from perinatal.accounts.signed_in import is_signed_in
from perinatal.core.jinja import environment as core_environment
from perinatal.web import navigation


def environment(**options) -> Environment:
    env = core_environment(**options)
    env.globals.update(navigation_for=navigation.items_for, signed_in=is_signed_in)
    return env
