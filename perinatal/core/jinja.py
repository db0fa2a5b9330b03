"""The Jinja2 environment's ground: NHS.UK frontend templates, URLs, static files and formats.

The web shell (`perinatal.web.jinja`) adds what needs to know who is signed in (the header
menu), so that core never imports accounts.
"""

from __future__ import annotations

from pathlib import Path

import nhsuk_frontend_jinja
from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader

from perinatal.core.formatting import date_and_time, decimal, long_date, month_and_year
from perinatal.core.markup import link, status_tag

NHSUK_TEMPLATES = Path(nhsuk_frontend_jinja.__file__).resolve().parent / "templates"


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    loader = options.pop("loader", None)
    loaders = [loader] if loader else []
    # The frontend package's own templates refer to each other both as
    # "nhsuk/components/..." and, for its page template, as "template.jinja".
    loaders += [FileSystemLoader([str(NHSUK_TEMPLATES), str(NHSUK_TEMPLATES / "nhsuk")])]
    # The NHS.UK macros read optional nested parameters (params.search.action) as Nunjucks
    # does, which needs chainable undefined values.
    options["undefined"] = ChainableUndefined
    env = Environment(loader=ChoiceLoader(loaders), **options)
    env.globals.update(
        url=url,
        static=static,
        service_name=settings.SERVICE_NAME,
        asset_path=settings.NHSUK_ASSET_PATH,
        get_messages=messages.get_messages,
        session_settings={
            "inactivity": settings.SESSION_INACTIVITY_SECONDS,
            "warning": settings.SESSION_WARNING_SECONDS,
        },
        oidc_enabled=getattr(settings, "OIDC_ENABLED", False),
        # Trusted HTML for the macros' `html` parameters (perinatal.core.markup says why).
        html_link=link,
        html_tag=status_tag,
    )
    env.filters.update(datetime=date_and_time, date=long_date, month_year=month_and_year, decimal=decimal)
    return env
