"""The Jinja2 environment: NHS.UK frontend templates plus the project's helpers."""

from __future__ import annotations

from pathlib import Path

import nhsuk_frontend_jinja
from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader

from perinatal.accounts.signed_in import is_signed_in
from perinatal.core import clock, navigation

NHSUK_TEMPLATES = Path(nhsuk_frontend_jinja.__file__).resolve().parent / "templates"


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def format_datetime(value, fmt: str = "%-d %B %Y at %-I:%M%p") -> str:
    if value is None:
        return ""
    text = clock.london(value).strftime(fmt)
    return text.replace("AM", "am").replace("PM", "pm")


def format_date(value, fmt: str = "%-d %B %Y") -> str:
    return "" if value is None else value.strftime(fmt)


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
        navigation_for=navigation.items_for,
        signed_in=is_signed_in,
        session_settings={
            "inactivity": settings.SESSION_INACTIVITY_SECONDS,
            "warning": settings.SESSION_WARNING_SECONDS,
        },
        oidc_enabled=getattr(settings, "OIDC_ENABLED", False),
    )
    env.filters.update(datetime=format_datetime, date=format_date)
    return env
