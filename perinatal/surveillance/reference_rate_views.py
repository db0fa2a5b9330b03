"""The reference rates pages: which MOSS reference rate applies, loading NHS England's file, withdrawing a load.

Rates are aggregate figures: every signed-in user who reads the signals pages reads them.
Loading and withdrawing change every site's thresholds, so only the national roles that load
the dashboard's data files do them (the same roles, ``UPLOAD_DASHBOARD_DATA``); anyone else
gets 403. Both go through the services the command uses, then queue a MOSS run as it does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from perinatal.accounts.permissions import require_role
from perinatal.accounts.scoping import UPLOAD_DASHBOARD_DATA, scope_for
from perinatal.surveillance import reference_rate_presenters as presenters
from perinatal.surveillance.analyst_files import InputFileError
from perinatal.surveillance.forms import ReferenceRatesForm, WithdrawReferenceRatesForm
from perinatal.surveillance.models import ReferenceRateUpload
from perinatal.surveillance.selectors.reference_rates import (
    current_loaded_rates,
    national_rates_used,
    rates_in_force_of,
    reference_rate_uploads,
)
from perinatal.surveillance.selectors.runs import latest_results_run
from perinatal.surveillance.selectors.sites import sites_by_code
from perinatal.surveillance.services.reference_rates import (
    ReferenceRatesLoaded,
    ReferenceRatesRefused,
    load_reference_rates,
    withdraw_reference_rates,
)
from perinatal.surveillance.tasks import enqueue_after_reference_rates

MANAGE_REFERENCE_RATES = UPLOAD_DASHBOARD_DATA
"""Who loads and withdraws reference rates: national programme and system admins, as for dashboard files."""


def _can_manage(request) -> bool:
    return scope_for(request).has_role(*MANAGE_REFERENCE_RATES)


def _back_to_page() -> dict:
    return {"href": reverse("surveillance:reference_rates"), "text": "Back to reference rates"}


def _load(request, form: ReferenceRatesForm) -> ReferenceRatesLoaded | None:
    """Load the uploaded file through the command's service; a bad file becomes an error on the file field."""
    received = form.cleaned_data["file"]
    name = Path(received.name).name
    with tempfile.TemporaryDirectory(prefix="reference-rates-") as directory:
        path = Path(directory) / "upload.csv"
        with open(path, "wb") as handle:
            for chunk in received.chunks():
                handle.write(chunk)
        try:
            return load_reference_rates(path=path, filename=name, by=request.user, request=request)
        except InputFileError as error:
            form.add_error("file", f"{error.naming(name)}. Nothing from the file was loaded")
            return None


@require_http_methods(["GET", "POST"])
def reference_rates(request):
    can_manage = _can_manage(request)
    form = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only national programme and system admins load reference rates")
        form = ReferenceRatesForm(request.POST, request.FILES)
        if form.is_valid():
            loaded = _load(request, form)
            if loaded is not None:
                enqueue_after_reference_rates()  # the load has committed
                upload = loaded.upload
                text = presenters.loaded_words(
                    rates_loaded=upload.rates_loaded,
                    site_rates=loaded.site_rates,
                    all_sites_rates=loaded.all_sites_rates,
                    replaced=loaded.replaced,
                    filename=upload.filename,
                )
                if loaded.unknown_sites:
                    text += (
                        f" {len(loaded.unknown_sites)} site code{'s are' if len(loaded.unknown_sites) != 1 else ' is'}"
                        f" not in the organisation register: {', '.join(loaded.unknown_sites[:20])}"
                        f"{', …' if len(loaded.unknown_sites) > 20 else ''}."
                    )
                messages.success(request, text + " A MOSS run is queued to use them.")
                return redirect("surveillance:reference_rates")
    elif can_manage:
        form = ReferenceRatesForm()
    in_force = list(current_loaded_rates())
    rows = presenters.rate_rows(in_force, sites_by_code(rate.site_code for rate in in_force if rate.site_code))
    run = latest_results_run()
    return render(
        request,
        "surveillance/reference_rates.jinja",
        {
            "page_title": "Reference rates",
            "back_link": {"href": reverse("surveillance:overview"), "text": "Back to outcome signals"},
            "rates": rows,
            "unknown_sites": presenters.unknown_site_codes(rows),
            "uploads": presenters.upload_rows(reference_rate_uploads()),
            "run": run,
            "national_rates": presenters.national_rate_words(national_rates_used(run)) if run else [],
            "can_manage": can_manage,
            "form": form,
            "loaded_by": presenters.loaded_by_words,
        },
    )


@require_http_methods(["GET", "POST"])
@require_role(*MANAGE_REFERENCE_RATES)
def withdraw(request, pk: int):
    upload = get_object_or_404(ReferenceRateUpload.objects.select_related("loaded_by"), pk=pk)
    if hasattr(upload, "withdrawal"):
        messages.info(request, f"The rates loaded from {upload.filename} have already been withdrawn.")
        return redirect("surveillance:reference_rates")
    leaving = list(rates_in_force_of(upload).select_related("upload"))
    if not leaving:
        messages.info(
            request, f"None of the rates loaded from {upload.filename} is in force: later loads replaced them."
        )
        return redirect("surveillance:reference_rates")
    form = WithdrawReferenceRatesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal = withdraw_reference_rates(
                upload=upload, reason=form.cleaned_data["reason"], by=request.user, request=request
            )
        except ReferenceRatesRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            enqueue_after_reference_rates(withdrawn=True)  # the withdrawal has committed
            count = withdrawal.rates_withdrawn
            messages.success(
                request,
                f"The rates loaded from {upload.filename} are withdrawn: {count} rate"
                f"{'s' if count != 1 else ''} no longer in force. A MOSS run is queued to use "
                "the rates that apply now.",
            )
            return redirect("surveillance:reference_rates")
    rows = presenters.rate_rows(leaving, sites_by_code(rate.site_code for rate in leaving if rate.site_code))
    return render(
        request,
        "surveillance/reference_rates_withdraw.jinja",
        {
            "page_title": f"Withdraw the rates loaded from {upload.filename}",
            "upload": upload,
            "form": form,
            "back_link": _back_to_page(),
            "loaded_by": presenters.loaded_by_words(upload),
            "leaving": presenters.after_withdrawal(withdrawn=rows, in_force=current_loaded_rates()),
        },
    )
