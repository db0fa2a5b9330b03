"""Small pieces of trusted HTML built from untrusted words: a link, a status tag.

The NHS.UK macros take either `text` (escaped) or `html` (output as it is). A template that
builds `html` by joining strings with `~` goes wrong both ways: joined with an escaped part
(`name | e`) Jinja escapes the whole string, so the page shows "<a href=…>" as text; joined
without it, a name holding "<" reaches the page unescaped. These build the HTML once, with
every word escaped and the result marked safe, so a template passes it straight to `html`.
"""

from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["link", "status_tag"]


def link(href: str, text: object) -> Markup:
    """``<a href="…">text</a>``, both escaped."""
    return Markup('<a href="{}">{}</a>').format(href, text)


def status_tag(text: object, classes: str = "") -> Markup:
    """An NHS.UK tag (``<strong class="nhsuk-tag …">``) with its words escaped."""
    css = " ".join(["nhsuk-tag", *str(classes or "").split()])
    return Markup('<strong class="{}">{}</strong>').format(css, escape(text))
