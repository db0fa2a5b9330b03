"""The dashboard pages: England's tiles, an organisation over time, every trust for one
metric, the definitions, and uploads.

Aggregate figures are published statistics, shown to every signed-in user (dashboard.md
§5). Uploads are record-level: read only through `scope_for(request)` for
READ_DASHBOARD_UPLOADS, uploaded only by UPLOAD_DASHBOARD_DATA (national programme admins).
"""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from perinatal.core.permissions import require_role
from perinatal.core.scoping import READ_DASHBOARD_UPLOADS, UPLOAD_DASHBOARD_DATA, scope_for
from perinatal.dashboard.metrics.definitions import METRIC_IDS
from perinatal.dashboard.metrics.rows import LEVEL_ICB, LEVEL_NATIONAL, LEVEL_REGION, LEVEL_TRUST, NATIONAL_CODE
from perinatal.dashboard.models import Upload
from perinatal.dashboard.selectors import births, unit_suspensions
from perinatal.dashboard.selectors import uploads as upload_selectors
from perinatal.dashboard.services import start_upload
from perinatal.organisations.models import Organisation

from . import presenters, uploads
from .downloads import DOWNLOAD_FORMATS, organisation_download, trusts_download
from .forms import UploadForm, dataset_hint
from .tasks import import_upload_task, upload_dir

UPLOADS_PER_PAGE = 50


def _no_data(request, *, page_title: str):
    return render(request, "dashboard/no_data.jinja", {"page_title": page_title,
                                                        "can_upload": _can_upload(request)}, status=200)


def _can_upload(request) -> bool:
    return scope_for(request).has_role(*UPLOAD_DASHBOARD_DATA)


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
    page = presenters.national_page(span=span)
    return render(request, "dashboard/national.jinja", {
        "page_title": "Maternity and neonatal dashboard: England", "page": page,
        "crude_note": presenters.CRUDE_NOTE, "can_read_uploads": _can_read_uploads(request),
        "stillbirth_words": presenters.stillbirth_denominator_words(page.stillbirth_denominator),
    })


def _organisation(request, *, level: str, code: str):
    span = births.data_span()
    if span is None:
        return _no_data(request, page_title="Maternity and neonatal dashboard")
    page = presenters.organisation_page(level=level, code=code, span=span)
    if page is None:
        raise Http404("No such organisation")
    file_format = _download_format(request)
    if file_format:
        return organisation_download(rows=page.rows, code=page.org.code, name=page.org.name,
                                     stillbirth_denominator=page.stillbirth_denominator, file_format=file_format)
    context = {
        "page_title": f"{page.org.name}: maternity and neonatal dashboard", "page": page,
        "crude_note": presenters.CRUDE_NOTE,
        "stillbirth_words": presenters.stillbirth_denominator_words(page.stillbirth_denominator),
        "level_words": presenters.LEVEL_WORDS[level], "download_links": _download_links(request),
    }
    if level == LEVEL_TRUST:
        context["midwifery_led"] = unit_suspensions.midwifery_led_suspensions(
            trust_code=page.org.code, period=unit_suspensions.recent_period(as_of=span.as_of, days=presenters.MLU_DAYS))
        context["mlu_days"] = presenters.MLU_DAYS
    return render(request, "dashboard/organisation.jinja", context)


@require_GET
def england(request):
    return _organisation(request, level=LEVEL_NATIONAL, code=NATIONAL_CODE)


@require_GET
def region(request, code: str):
    return _organisation(request, level=LEVEL_REGION, code=code)


@require_GET
def icb(request, code: str):
    return _organisation(request, level=LEVEL_ICB, code=code)


@require_GET
def trust(request, code: str):
    return _organisation(request, level=LEVEL_TRUST, code=code)


@require_GET
def trusts(request):
    span = births.data_span()
    if span is None:
        return _no_data(request, page_title="All trusts")
    metric_id = request.GET.get("metric") or presenters.DEFAULT_METRIC
    if metric_id not in METRIC_IDS:
        metric_id = presenters.DEFAULT_METRIC
    table = presenters.trust_table(
        metric_id=metric_id, period_key=request.GET.get("period"), region=request.GET.get("region") or None,
        icb=request.GET.get("icb") or None, sort=request.GET.get("sort"), order=request.GET.get("order"),
        span=span, highlight=_own_trust(request))
    file_format = _download_format(request)
    if file_format and table.choice is not None:
        return trusts_download(table=table, file_format=file_format)
    return render(request, "dashboard/trusts.jinja", {
        "page_title": f"All trusts: {table.definition.title}", "table": table,
        "metric_choices": presenters.metric_choices(stillbirth_denominator=table.stillbirth_denominator),
        "query": request.GET, "crude_note": presenters.CRUDE_NOTE, "download_links": _download_links(request),
        "stillbirth_words": presenters.stillbirth_denominator_words(table.stillbirth_denominator),
    })


@require_GET
def definitions(request):
    denominator = presenters.default_stillbirth_denominator()
    return render(request, "dashboard/definitions.jinja", {
        "page_title": "How the dashboard's measures are defined",
        "sections": presenters.definition_sections(stillbirth_denominator=denominator),
        "crude_note": presenters.CRUDE_NOTE, "mbrrace_url": presenters.MBRRACE_URL,
        "stillbirth_words": presenters.stillbirth_denominator_words(denominator),
        "unit_phrases": presenters.unit_phrases(stillbirth_denominator=denominator),
        "period_words": presenters.PERIOD_KIND_WORDS, "interval_words": presenters.INTERVAL_WORDS,
    })


# --- uploads (record-level) ---------------------------------------------------------------------


@require_GET
@require_role(*READ_DASHBOARD_UPLOADS)
def upload_list(request):
    scope = scope_for(request)
    visible = upload_selectors.uploads_visible_to(scope)
    page = Paginator(visible, UPLOADS_PER_PAGE).get_page(request.GET.get("page"))
    national_view = scope.is_national(READ_DASHBOARD_UPLOADS)
    return render(request, "dashboard/uploads.jinja", {
        "page_title": "Dashboard uploads" if national_view else "Your trust's dashboard uploads",
        "page": page, "national_view": national_view, "can_upload": _can_upload(request),
        "uploads": uploads,
    })


@require_role(*UPLOAD_DASHBOARD_DATA)
def upload_new(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        received = form.cleaned_data["file"]
        saved = upload_dir() / f"{uuid4().hex}.csv"
        with open(saved, "wb") as handle:
            for chunk in received.chunks():
                handle.write(chunk)
        upload = start_upload(dataset=form.cleaned_data["dataset"], path=saved, filename=Path(received.name).name,
                              organisation=scope_for(request).primary_organisation, uploaded_by=request.user,
                              source=Upload.Source.PAGE)
        import_upload_task.enqueue(upload_id=upload.pk, path=str(saved))
        return redirect("dashboard:upload", pk=upload.pk)
    return render(request, "dashboard/upload_new.jinja", {
        "page_title": "Upload a dataset file", "form": form,
        "hints": {name: dataset_hint(name) for name, _ in form.fields["dataset"].choices},
        "back_link": {"href": reverse("dashboard:uploads"), "text": "Back to uploads"},
    })


def _readable_upload(request, pk: int) -> Upload:
    return upload_selectors.upload_visible_to(scope_for(request), pk=pk)


@require_GET
@require_role(*READ_DASHBOARD_UPLOADS)
def upload_detail(request, pk: int):
    upload = _readable_upload(request, pk)
    return render(request, "dashboard/upload.jinja", {
        "page_title": f"Upload {upload.pk}: {upload.filename}", "upload": upload,
        "progress": uploads.upload_progress(upload), "errors": uploads.error_lines(upload),
        "more_errors": uploads.more_errors(upload), "notes": [uploads.note_text(n) for n in upload.notes],
        "dataset_title": uploads.dataset_title(upload), "nothing_kept": uploads.NOTHING_KEPT,
        "tag_class": uploads.tag_class(upload),
        "back_link": {"href": reverse("dashboard:uploads"), "text": "Back to uploads"},
    })


@require_GET
@require_role(*READ_DASHBOARD_UPLOADS)
def upload_status(request, pk: int):
    upload = _readable_upload(request, pk)
    return JsonResponse(uploads.status_json(upload), headers={"Cache-Control": "no-store"})

