"""The dashboard pages: England's tiles, an organisation over time, every trust for one
metric, the definitions, and uploads. Each view checks the request, calls its page's
builder (pages.builders) and renders; the builders read through perinatal.dashboard.selectors.

Aggregate figures are published statistics, shown to every signed-in user (dashboard.md
docs/rules/dashboard.md §5). Uploads are record-level: read only through `scope_for(request)` for
READ_DASHBOARD_UPLOADS; uploaded by UPLOAD_DASHBOARD_DATA (national programme admins: any dataset,
any trust) and by UPLOAD_OWN_TRUST_DATA (a trust's own staff: their trust's rows only).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from uuid import uuid4

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from perinatal.accounts.permissions import require_role
from perinatal.accounts.scoping import (
    READ_DASHBOARD_UPLOADS,
    UPLOAD_DASHBOARD_DATA,
    UPLOAD_OWN_TRUST_DATA,
    scope_for,
)
from perinatal.dashboard.metrics.definitions import CRUDE_RATES_NOTE
from perinatal.dashboard.selectors import births
from perinatal.organisations.models import Organisation

from .builders import uploads as upload_pages
from .builders.definitions import INTERVAL_WORDS, MBRRACE_URL, PERIOD_KIND_WORDS, definitions_page
from .builders.national import national_page
from .builders.organisation import MLU_DAYS, england_page, icb_page, region_page, trust_page
from .builders.trusts import trusts_page
from .downloads import DOWNLOAD_FORMATS, organisation_download, trusts_download
from .forms import UploadForm, dataset_hint
from .tasks import queue_upload, upload_dir


def _no_data(request, *, page_title: str):
    return render(
        request, "dashboard/no_data.jinja", {"page_title": page_title, "can_upload": _can_upload(request)}, status=200
    )


def _can_upload(request) -> bool:
    return upload_pages.upload_rights(scope_for(request)).may_upload


def _can_read_uploads(request) -> bool:
    return scope_for(request).has_role(*READ_DASHBOARD_UPLOADS)


def _download_format(request) -> str | None:
    wanted = request.GET.get("download")
    return wanted if wanted in DOWNLOAD_FORMATS else None


def _download_links(request) -> list[dict]:
    """CSV and XLSX of the page's table: the same address and query, plus `download`."""
    links = []
    for file_format in DOWNLOAD_FORMATS:
        params = request.GET.copy()
        params["download"] = file_format
        links.append({"href": f"?{params.urlencode()}", "text": f"Download {file_format.upper()}"})
    return links


def _own_trust(request) -> str | None:
    """The viewer's own trust, picked out in the funnel plot."""
    for organisation in scope_for(request).organisations:
        if organisation.kind == Organisation.Kind.TRUST:
            return organisation.code
    return None


@require_GET
def national(request):
    span = births.data_span()
    if span is None:
        return _no_data(request, page_title="Maternity and neonatal dashboard")
    page = national_page(span=span)
    return render(
        request,
        "dashboard/national.jinja",
        {
            "page_title": "Maternity and neonatal dashboard: England",
            "page": page,
            "crude_note": CRUDE_RATES_NOTE,
            "can_read_uploads": _can_read_uploads(request),
            "stillbirth_words": page.stillbirth_words,
        },
    )


def _organisation(request, *, build):
    """England's, a region's, an ICB's or a trust's page: `build(span=...)` is its builder."""
    span = births.data_span()
    if span is None:
        return _no_data(request, page_title="Maternity and neonatal dashboard")
    page = build(span=span)
    if page is None:
        raise Http404("No such organisation")
    file_format = _download_format(request)
    if file_format:
        return organisation_download(
            rows=page.rows,
            code=page.org.code,
            name=page.org.name,
            stillbirth_denominator=page.stillbirth_denominator,
            file_format=file_format,
        )
    context = {
        "page_title": f"{page.org.name}: maternity and neonatal dashboard",
        "page": page,
        "crude_note": CRUDE_RATES_NOTE,
        "stillbirth_words": page.stillbirth_words,
        "level_words": page.level_words,
        "download_links": _download_links(request),
    }
    if page.midwifery_led is not None:
        context["midwifery_led"] = page.midwifery_led
        context["mlu_days"] = MLU_DAYS
    return render(request, "dashboard/organisation.jinja", context)


@require_GET
def england(request):
    return _organisation(request, build=england_page)


@require_GET
def region(request, code: str):
    return _organisation(request, build=partial(region_page, code=code))


@require_GET
def icb(request, code: str):
    return _organisation(request, build=partial(icb_page, code=code))


@require_GET
def trust(request, code: str):
    return _organisation(request, build=partial(trust_page, code=code))


@require_GET
def trusts(request):
    span = births.data_span()
    if span is None:
        return _no_data(request, page_title="All trusts")
    table = trusts_page(
        metric_id=request.GET.get("metric"),
        period_key=request.GET.get("period"),
        region=request.GET.get("region") or None,
        icb=request.GET.get("icb") or None,
        sort=request.GET.get("sort"),
        order=request.GET.get("order"),
        span=span,
        highlight=_own_trust(request),
    )
    file_format = _download_format(request)
    if file_format and table.choice is not None:
        return trusts_download(table=table, file_format=file_format)
    return render(
        request,
        "dashboard/trusts.jinja",
        {
            "page_title": f"All trusts: {table.definition.title}",
            "table": table,
            "metric_choices": table.metric_choices,
            "query": request.GET,
            "crude_note": CRUDE_RATES_NOTE,
            "download_links": _download_links(request),
            "stillbirth_words": table.stillbirth_words,
        },
    )


@require_GET
def definitions(request):
    page = definitions_page()
    return render(
        request,
        "dashboard/definitions.jinja",
        {
            "page_title": "How the dashboard's measures are defined",
            "sections": page.sections,
            "crude_note": CRUDE_RATES_NOTE,
            "mbrrace_url": MBRRACE_URL,
            "stillbirth_words": page.stillbirth_words,
            "unit_phrases": page.unit_phrases,
            "period_words": PERIOD_KIND_WORDS,
            "interval_words": INTERVAL_WORDS,
        },
    )


# --- uploads (record-level) ---------------------------------------------------------------------


@require_GET
@require_role(*READ_DASHBOARD_UPLOADS)
def upload_list(request):
    page = upload_pages.uploads_page(scope=scope_for(request), page_number=request.GET.get("page"))
    return render(
        request,
        "dashboard/uploads.jinja",
        {
            "page_title": "Dashboard uploads" if page.national_view else "Your trust's dashboard uploads",
            "page": page.page,
            "national_view": page.national_view,
            "can_upload": _can_upload(request),
            "uploads": upload_pages,  # the list names each upload's dataset and status tag through it
        },
    )


@require_role(*UPLOAD_DASHBOARD_DATA, *UPLOAD_OWN_TRUST_DATA)
def upload_new(request):
    scope = scope_for(request)
    rights = upload_pages.upload_rights(scope)
    form = UploadForm(
        request.POST or None, request.FILES or None, trusts=None if rights.national else list(rights.trusts)
    )
    if request.method == "POST" and form.is_valid():
        trust_code = form.cleaned_data.get("trust")
        received = form.cleaned_data["file"]
        saved = upload_dir() / f"{uuid4().hex}.csv"
        with open(saved, "wb") as handle:
            for chunk in received.chunks():
                handle.write(chunk)
        try:
            upload = queue_upload(
                dataset=form.cleaned_data["dataset"],
                path=saved,
                filename=Path(received.name).name,
                # A trust's own upload is that trust's (its staff read it); a national one the admin's.
                organisation=scope.trusts_for(UPLOAD_OWN_TRUST_DATA).get(code=trust_code)
                if trust_code
                else scope.primary_organisation,
                uploaded_by=request.user,
                quintile_order=form.cleaned_data["quintile_order"],
                only_trust=trust_code,
            )
        except BaseException:
            saved.unlink(missing_ok=True)  # neither recorded nor queued: nothing owns the file
            raise
        return redirect("dashboard:upload", pk=upload.pk)
    return render(
        request,
        "dashboard/upload_new.jinja",
        {
            "page_title": "Upload a dataset file",
            "form": form,
            "rights": rights,
            "hints": {name: dataset_hint(name) for name, _ in form.fields["dataset"].choices},
            "back_link": {"href": reverse("dashboard:uploads"), "text": "Back to uploads"},
        },
    )


@require_GET
@require_role(*READ_DASHBOARD_UPLOADS)
def upload_detail(request, pk: int):
    page = upload_pages.upload_page(scope=scope_for(request), pk=pk)
    upload = page.upload
    return render(
        request,
        "dashboard/upload.jinja",
        {
            "page_title": f"Upload {upload.pk}: {upload.filename}",
            "upload": upload,
            "progress": page.progress,
            "errors": page.errors,
            "more_errors": page.more_errors,
            "notes": page.notes,
            "dataset_title": page.dataset_title,
            "nothing_kept": upload_pages.NOTHING_KEPT,
            "tag_class": page.tag_class,
            "back_link": {"href": reverse("dashboard:uploads"), "text": "Back to uploads"},
        },
    )


@require_GET
@require_role(*READ_DASHBOARD_UPLOADS)
def upload_status(request, pk: int):
    status = upload_pages.upload_status(scope=scope_for(request), pk=pk)
    return JsonResponse(status, headers={"Cache-Control": "no-store"})
