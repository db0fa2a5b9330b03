"""The NHS.UK frontend's stylesheet as the service serves it: without the fonts of another host.

The stylesheet in `nhsuk-frontend` declares Frutiger with `@font-face` rules that fetch it from
NHS England's asset host. The font is licensed to NHS services through that host and the npm
package does not ship it (`dist/nhsuk/assets` holds images only), so the service cannot serve it
with its own files; and a page must not wait on another host (issue 12: about 5 s where it could
not be reached). This finder gives `nhsuk/nhsuk-frontend.min.css` as the design system's own file
less those rules: text then takes the design system's fallback fonts (Arial, sans-serif), or
Frutiger where the computer has it. Pages (through WhiteNoise's finders) and `collectstatic`
both find the file here first (settings.STATICFILES_FINDERS); the copy is written under `var/`
and rewritten whenever the installed package's file changes.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

STYLESHEET = "nhsuk/nhsuk-frontend.min.css"
#: An @font-face rule whose source is on another host.
REMOTE_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*url\(\s*['\"]?(?:https?:)?//[^}]*\}")


def without_remote_fonts(css: str) -> str:
    return REMOTE_FONT_FACE.sub("", css)


class NhsukStylesheetFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = Path(settings.REPO_DIR) / "node_modules" / "nhsuk-frontend" / "dist" / STYLESHEET
        self.root = Path(settings.REPO_DIR) / "var" / "nhsuk-stylesheet"

    def check(self, **kwargs):
        return []

    def _written(self) -> Path | None:
        """The copy without remote fonts, (re)written when missing or older than the package's."""
        if not self.source.exists():
            return None
        target = self.root / STYLESHEET
        if not target.exists() or target.stat().st_mtime < self.source.stat().st_mtime:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".tmp")
            partial.write_text(without_remote_fonts(self.source.read_text(encoding="utf-8")), encoding="utf-8")
            partial.replace(target)
        return target

    def find(self, path, find_all=False, **kwargs):
        found = self._written() if path == STYLESHEET else None
        if find_all or kwargs.get("all"):
            return [str(found)] if found else []
        return str(found) if found else []

    def list(self, ignore_patterns):
        if self._written() is not None:
            yield STYLESHEET, FileSystemStorage(location=str(self.root))
