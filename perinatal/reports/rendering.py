"""A report document written as its files: the self-contained HTML and the PDF rendered from
it by WeasyPrint (A4, charts as vector graphics, tagged for screen readers: PDF/UA-1), and the
JSON (docs/rules/board_report.md §2, §3). The HTML, the PDF and the screen page are written by
the same template (`reports/_body.jinja`), so their figures are the same.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string
from markupsafe import Markup

from perinatal.reports.presenters import report_view

PRINT_CSS = Path(__file__).resolve().parents[1] / "templates" / "reports" / "print.css"
EDITION_LABELS = {"private": "Private board edition", "public": "Public board edition"}
PDF_VARIANT = "pdf/ua-1"


@lru_cache(maxsize=1)
def _print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def title_of(doc: dict) -> str:
    return f"Maternity and neonatal safety report to the board, {doc['month_label']}"


def version_words(doc: dict) -> str:
    version = doc.get("version")
    if not version:
        return f"Draft generated from the platform's data on {doc['generated_on_label']}."
    words = f"Version {version['number']}, {version['status']}"
    if version.get("approved_on"):
        words += f" on {version['approved_on_label']}"
    words += f"; generated from the platform's data on {doc['generated_on_label']}."
    if version.get("reason"):
        words += f" Correction: {version['reason']}"
    return words


def document_html(doc: dict) -> str:
    """The self-contained HTML file of the document."""
    return render_to_string(
        "reports/document.jinja",
        {
            "view": report_view(doc, id_prefix="file-"),
            "title": title_of(doc),
            "edition_label": EDITION_LABELS[doc["edition"]],
            "version_words": version_words(doc),
            "print_css": Markup(_print_css()),  # the package's own file, not input
        },
    )


def pdf_from_html(html: str) -> bytes:
    """The PDF of an HTML file written by `document_html` (WeasyPrint needs no network: the file
    holds everything it shows)."""
    from weasyprint import HTML  # loaded on first use: it pulls in Pango, which pages never need

    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)


def json_bytes(doc: dict) -> bytes:
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
