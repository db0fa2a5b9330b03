"""The equity page of England, a region, an ICB and a trust (docs/rules/equity.md §1), and its
CSV and XLSX downloads: the same rows as `perinatal equity` for that organisation, period and
dimension (perinatal.equity.exports).

Who sees what is the dashboard's rule (docs/rules/dashboard.md §5): the breakdowns are
aggregate figures, open to every signed-in user for every organisation, and every page needs
a signed-in user (accounts.middleware). Signed-in users see the true figures
(docs/rules/equity.md §2), so these pages never ask for `public=True`; a public page would.
"""

from __future__ import annotations

from dataclasses import replace

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from perinatal.core import clock
from perinatal.dashboard.exports import FORMATS, download_response
from perinatal.dashboard.metrics.rows import LEVEL_ICB, LEVEL_NATIONAL, LEVEL_REGION, LEVEL_TRUST
from perinatal.equity.exports import equity_table

from . import page as equity
from .forms import BY, FROM, METRIC, TO, EquityForm, form_data
from .reading import CRUDE_WORDS, MBRRACE_LINK_WORDS, MBRRACE_REPORTS_URL, MBRRACE_WORDS

PAGE_HEADING = "Outcomes by ethnicity and deprivation"


def _download_links(request) -> list[dict]:
    """CSV and XLSX of the page's tables: the same address and choices, plus `download`."""
    links = []
    for file_format in FORMATS:
        params = request.GET.copy()
        params["download"] = file_format
        links.append({"href": f"?{params.urlencode()}", "text": f"Download {file_format.upper()}"})
    return links


def _period_query(request, period) -> str:
    """The address's choices with the period replaced."""
    params = request.GET.copy()
    params.pop("download", None)
    for name, day in ((FROM, period.start), (TO, period.end)):
        params[f"{name}_day"], params[f"{name}_month"], params[f"{name}_year"] = day.day, day.month, day.year
    if METRIC not in params:
        params.setlist(METRIC, list(form_data(request.GET)[METRIC]))
    params.setdefault(BY, form_data(request.GET)[BY])
    return f"?{params.urlencode()}"


def _download(built, file_format: str):
    choice = built.choice
    by = ",".join(choice.by)
    title = f"{built.org.code} outcomes by {built.dimension_words} {choice.date_from} to {choice.date_to}"
    table = equity_table(built.rows, title=title, stillbirth_denominator=built.stillbirth_denominator)
    about = (
        f"{built.org.name} ({built.org.code}), {choice.date_from} to {choice.date_to}, by {by}. "
        "The same rows as: perinatal equity "
        f"--from {choice.date_from} --to {choice.date_to} --level {built.org.level} --by {by}"
        + ("" if choice.every_metric else "".join(f" --metric {metric}" for metric in choice.metric_ids))
        + f", the rows of {built.org.code}."
    )
    return download_response(replace(table, notes=(about, *table.notes)), file_format)


def _equity(request, *, level: str, code: str = ""):
    org = equity.find(level=level, code=code)
    if org is None:
        raise Http404("No such organisation")
    form = EquityForm(form_data(request.GET))
    context = {
        "page_title": f"{org.name}: {PAGE_HEADING.lower()}",
        "heading": PAGE_HEADING,
        "org": org,
        "form": form,
        "crude_words": CRUDE_WORDS,
        "mbrrace": {"url": MBRRACE_REPORTS_URL, "link_words": MBRRACE_LINK_WORDS, "words": MBRRACE_WORDS},
    }
    if not form.is_valid():
        # The organisation's place as the service clock has it today: the period is unknown.
        context["breadcrumbs"] = (*equity.place(org=org, day=clock.today()), org)
        return render(request, "equity/breakdowns/organisation.jinja", context)
    built = equity.equity_page(org=org, choice=form.choice())
    file_format = request.GET.get("download")
    if file_format in FORMATS:
        return _download(built, file_format)
    context.update(
        {
            "page": built,
            "breadcrumbs": (*built.breadcrumbs, org),
            "download_links": _download_links(request),
            "period_with_data_query": _period_query(request, built.period_with_data)
            if built.period_with_data
            else None,
        }
    )
    return render(request, "equity/breakdowns/organisation.jinja", context)


@require_GET
def national(request):
    return _equity(request, level=LEVEL_NATIONAL)


@require_GET
def region(request, code: str):
    return _equity(request, level=LEVEL_REGION, code=code)


@require_GET
def icb(request, code: str):
    return _equity(request, level=LEVEL_ICB, code=code)


@require_GET
def trust(request, code: str):
    return _equity(request, level=LEVEL_TRUST, code=code)
