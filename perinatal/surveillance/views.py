"""Outcome signals pages: the national signals page, a site's MOSS charts, critical safety checks.

Signal summaries and CUSUM results are aggregate statistics, shown to every signed-in user.
Safety checks and notified deaths are record-level: read through ``scope_for(request)``, and
recorded only by the trust's local authoriser (``RECORD_SAFETY_CHECKS``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, F, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from perinatal.accounts.scoping import READ_NOTIFICATIONS, RECORD_SAFETY_CHECKS, scope_for
from perinatal.core import audit, clock
from perinatal.core.scheduler import daily_job_status
from perinatal.organisations.models import Site
from perinatal.organisations.selectors import site_trust_on
from perinatal.stats.months import YearMonth
from perinatal.stats.moss import SKIP_TOO_FEW_BIRTHS
from perinatal.surveillance import presenters
from perinatal.surveillance.filters import CheckFilterForm
from perinatal.surveillance.forms import (
    FINDINGS_HINTS,
    ActionForm,
    ActionUpdateForm,
    CompleteForm,
    FindingForm,
    OwnerForm,
)
from perinatal.surveillance.models import CriticalSafetyCheck, ReviewArea, SafetyCheckAction
from perinatal.surveillance.selectors.births import daily_term_events
from perinatal.surveillance.selectors.national_summary import site_signal_summaries
from perinatal.surveillance.selectors.notified_deaths import notified_term_deaths
from perinatal.surveillance.selectors.reference_rates import rates_changed_since, sites_on_rates_out_of_force
from perinatal.surveillance.selectors.runs import latest_results_run, latest_run, site_results
from perinatal.surveillance.selectors.safety_checks import (
    actions_with_updates,
    check_places,
    checks_for_site,
    checks_visible_to,
    filter_checks,
    latest_findings,
    open_checks_visible_to,
    signals_for_site,
)
from perinatal.surveillance.services.safety_checks import (
    SafetyCheckRefused,
    add_action,
    assign_owner,
    complete_check,
    eligible_owners,
    missing_areas,
    record_finding,
    update_action,
)
from perinatal.surveillance.tasks import NIGHTLY_JOB


def _site_label(site: Site) -> str:
    return f"{site.name} ({site.code})"


def overview(request):
    scope = scope_for(request)
    today = clock.today()
    run = latest_results_run()
    summaries = site_signal_summaries(run) if run is not None else []
    latest_year = run.latest_month.year if run is not None and run.latest_month else None
    too_few = sorted(
        {
            s["site_code"]
            for s in (run.skipped if run else [])
            if s["reason"] == SKIP_TOO_FEW_BIRTHS and s["year"] == latest_year
        }
    )
    not_monitored = sorted(
        {
            s["site_code"]
            for s in (run.skipped if run else [])
            if s["reason"] != SKIP_TOO_FEW_BIRTHS and s["year"] == latest_year
        }
    )
    checks = list(open_checks_visible_to(scope))
    return render(
        request,
        "surveillance/overview.jinja",
        {
            "page_title": "Outcome signals",
            "run": run,
            "last_run": latest_run(),
            "today": today,
            "in_signal": [s for s in summaries if s.in_signal],
            "recent": [s for s in summaries if s.signalled_in_12_months],
            "monitored": sorted(summaries, key=lambda s: s.site.code),
            "too_few": too_few,
            "not_monitored": not_monitored,
            "checks": presenters.check_rows(checks, today=today),
            "overdue_count": sum(1 for check in checks if check.is_overdue_on(today)),
            "is_national": scope.is_national(),
            "nightly": daily_job_status(NIGHTLY_JOB),
            **_rates_notice(run),
        },
    )


def _rates_notice(run, *, site: Site | None = None) -> dict:
    """Whether the signals shown use reference rates no longer in force (a run to use the new
    ones is queued, and queued again by the scheduler if its worker died)."""
    sites = sites_on_rates_out_of_force(run) if run is not None else []
    return {
        "rates_changed": rates_changed_since(latest_run()),
        "sites_on_old_rates": [code for code in sites if site is None or code == site.code],
    }


def find_site(request):
    code = (request.GET.get("site") or "").strip().upper()
    if not code:
        return redirect("surveillance:overview")
    return redirect("surveillance:site", code=code)


def _site_or_404(code: str) -> Site:
    return get_object_or_404(Site, code=code.upper())


def site(request, code: str):
    scope = scope_for(request)
    today = clock.today()
    site = _site_or_404(code)
    trust = site_trust_on(site, today)
    run = latest_results_run()
    results = site_results(run=run, site=site) if run is not None else []
    rows = [presenters.moss_row(result) for result in results]
    label = _site_label(site)
    context = {
        "page_title": f"Outcome signals: {site.name}",
        "site": site,
        "trust": trust,
        "run": run,
        "today": today,
        "back_link": {"href": reverse("surveillance:overview"), "text": "Back to outcome signals"},
        "results": results,
        "latest": results[-1] if results else None,
        "reference_words": presenters.reference_rate_words(results[-1]) if results else "",
        "skipped": [s for s in (run.skipped if run else []) if s["site_code"] == site.code],
        "signals": list(signals_for_site(site)),
        "readable_check_ids": set(checks_for_site(site=site, scope=scope).values_list("pk", flat=True)),
        **_rates_notice(run, site=site),
    }
    if results:
        first, last = results[0].month, results[-1].month
        last_day = YearMonth.of(last).dates()[-1]
        daily = daily_term_events(site=site, first=first, last=last_day)
        context.update(
            {
                "cusum_chart": presenters.cusum_chart(rows=rows, site_label=label),
                "excess_chart": presenters.excess_chart(
                    results=results,
                    daily_events={day: counts.events for day, counts in daily.items()},
                    site_label=label,
                ),
                "moss_table": presenters.moss_table(
                    rows=rows, caption=f"MOSS CUSUM for {label}, as perinatal moss prints it"
                ),
            }
        )
        # Notified deaths are record-level notifications: only for those who read the trust's
        # notifications (not regional, national or board-only readers of the signals; issue 13).
        can_read_records = trust is not None and scope.can_read_trust(trust, purpose=READ_NOTIFICATIONS)
        context["can_read_records"] = can_read_records
        if can_read_records:
            deaths = notified_term_deaths(site=site, first=first, last=last_day, scope=scope)
            context["notified"] = presenters.notified_by_month(results=results, deaths=deaths)
            context["missing"] = [death for death in deaths if not death.in_births_data]
            if deaths:
                audit.record(
                    action=audit.Action.VIEW,
                    object_type="notifications.Notification",
                    object_id="",
                    organisation=trust,
                    request=request,
                    summary=f"Notified deaths at {site.code} viewed beside the MOSS chart ({len(deaths)})",
                )
    checks = list(checks_for_site(site=site, scope=scope))
    context["checks"] = presenters.check_rows(checks, today=today)
    return render(request, "surveillance/site.jinja", context)


def site_csv(request, code: str):
    """The site's MOSS rows as ``perinatal moss`` prints them (the same function writes both)."""
    site = _site_or_404(code)
    run = latest_results_run()
    if run is None:
        raise Http404("MOSS has not run yet")
    rows = [presenters.moss_row(result) for result in site_results(run=run, site=site)]
    response = HttpResponse(presenters.moss_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="moss-{site.code}.csv"'
    return response


CHECKS_PER_PAGE = 50


def checks(request):
    """Every check the reader may see, open ones first (soonest due first), then completed ones
    (latest due first); filtered by status, trust, site and the days opened."""
    scope = scope_for(request)
    today = clock.today()
    visible = checks_visible_to(scope)
    trusts, sites = check_places(visible)
    form = CheckFilterForm(request.GET or None, trusts=trusts, sites=sites)
    wanted = form.value()
    matching = filter_checks(visible, wanted, today=today).order_by(
        "-status", Case(When(status=CriticalSafetyCheck.Status.OPEN, then=F("due_on"))), "-due_on", "-id"
    )
    page = Paginator(matching, CHECKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveillance/checks.jinja",
        {
            "page_title": "Critical safety checks",
            "back_link": {"href": reverse("surveillance:overview"), "text": "Back to outcome signals"},
            "checks": presenters.check_rows(list(page), today=today),
            "page": page,
            "form": form,
            "filter": wanted,
            "any_checks": bool(trusts),
        },
    )


def _readable_check(request, pk: int) -> CriticalSafetyCheck:
    return scope_for(request).get_or_404(
        CriticalSafetyCheck.objects.select_related("site", "trust", "owner", "completed_by"), pk=pk
    )


def _can_record(request, check: CriticalSafetyCheck) -> bool:
    return scope_for(request).can_read_trust(check.trust, RECORD_SAFETY_CHECKS)


def _editable_check(request, pk: int) -> CriticalSafetyCheck:
    check = _readable_check(request, pk)
    if not _can_record(request, check):
        raise PermissionDenied("Only the trust's local authoriser records its safety checks")
    return check


def safety_check(request, pk: int):
    check = _readable_check(request, pk)
    today = clock.today()
    audit.record(
        action=audit.Action.VIEW,
        obj=check,
        organisation=check.trust,
        request=request,
        summary=f"Safety check {check.reference} viewed",
    )
    latest = latest_findings(check)
    actions = presenters.action_states(actions_with_updates(check), today=today)
    can_record = _can_record(request, check)
    return render(
        request,
        "surveillance/check.jinja",
        {
            "page_title": f"Critical safety check {check.reference}",
            "check": check,
            "today": today,
            "back_link": {
                "href": reverse("surveillance:site", kwargs={"code": check.site.code}),
                "text": f"Back to {check.site.code}",
            },
            "status": presenters.check_status(check, today=today),
            "due": presenters.due_words(check, today=today),
            "can_record": can_record and check.is_open,
            # Actions outlive the check: the trust keeps updating them after completion (ADR 0013).
            "can_update_actions": can_record,
            "areas": presenters.areas_with_findings(latest),
            "missing_areas": missing_areas(check),
            "actions": actions,
            "action_counts": presenters.action_counts(actions),
            "signals": check.signals.order_by("month", "level"),
            "history": presenters.check_history(
                check=check,
                actions=actions,
                notices=check.notices.all(),
                findings=check.findings.select_related("recorded_by"),
            ),
        },
    )


def _closed(request, check: CriticalSafetyCheck):
    messages.info(request, "This safety check is completed: it can no longer be changed.")
    return redirect("surveillance:check", pk=check.pk)


def _back(check: CriticalSafetyCheck) -> dict:
    return {"href": reverse("surveillance:check", kwargs={"pk": check.pk}), "text": f"Back to {check.reference}"}


def _apply(form, change) -> bool:
    """Run a service call; a refusal becomes an error on the form's named field."""
    try:
        change()
    except SafetyCheckRefused as refused:
        field = refused.field if refused.field in form.fields else None
        form.add_error(field, str(refused))
        return False
    return True


def check_owner(request, pk: int):
    check = _editable_check(request, pk)
    if not check.is_open:
        return _closed(request, check)
    owners = eligible_owners(check.trust)
    form = OwnerForm(request.POST or None, owners=owners, initial={"owner": check.owner_id})
    if request.method == "POST" and form.is_valid():
        if _apply(
            form, lambda: assign_owner(check=check, owner=form.cleaned_data["owner"], by=request.user, request=request)
        ):
            messages.success(request, f"Owner of {check.reference} saved.")
            return redirect("surveillance:check", pk=check.pk)
    return render(
        request,
        "surveillance/owner.jinja",
        {
            "page_title": f"Who owns safety check {check.reference}?",
            "check": check,
            "form": form,
            "back_link": _back(check),
        },
    )


def check_finding(request, pk: int, area: str):
    check = _editable_check(request, pk)
    if not check.is_open:
        return _closed(request, check)
    if area not in ReviewArea.values:
        raise Http404("No such review area")
    review_area = ReviewArea(area)
    current = latest_findings(check).get(area)
    form = FindingForm(
        request.POST or None, area=review_area, initial={"findings": current.findings if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        if _apply(
            form,
            lambda: record_finding(
                check=check, area=area, findings=form.cleaned_data["findings"], by=request.user, request=request
            ),
        ):
            messages.success(request, f"Findings for {review_area.label.lower()} saved.")
            return redirect("surveillance:check", pk=check.pk)
    return render(
        request,
        "surveillance/finding.jinja",
        {
            "page_title": f"{review_area.label}: findings",
            "check": check,
            "form": form,
            "area": review_area,
            "hint": FINDINGS_HINTS[review_area],
            "back_link": _back(check),
        },
    )


def check_action(request, pk: int):
    check = _editable_check(request, pk)
    if not check.is_open:
        return _closed(request, check)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: add_action(
                check=check,
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
                by=request.user,
                request=request,
            ),
        ):
            messages.success(request, "Action added.")
            return redirect("surveillance:check", pk=check.pk)
    return render(
        request,
        "surveillance/action.jinja",
        {
            "page_title": "Add an action",
            "check": check,
            "form": form,
            "back_link": _back(check),
        },
    )


def check_action_update(request, pk: int, action_pk: int):
    """Mark an action done, note progress or open it again; also after the check is completed."""
    check = _editable_check(request, pk)
    action = get_object_or_404(SafetyCheckAction, pk=action_pk, safety_check=check)
    (state,) = [
        s
        for s in presenters.action_states(actions_with_updates(check), today=clock.today())
        if s.action.pk == action.pk
    ]
    form = ActionUpdateForm(request.POST or None, is_done=state.is_done)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: update_action(
                action=action, status=data["status"], note=data["note"], by=request.user, request=request
            ),
        ):
            done = data["status"] == "done"
            messages.success(request, f"Action {state.number} {'marked done' if done else 'updated'}.")
            return redirect(reverse("surveillance:check", kwargs={"pk": check.pk}) + f"#action-{state.number}")
    return render(
        request,
        "surveillance/action_update.jinja",
        {
            "page_title": f"Update action {state.number}",
            "check": check,
            "form": form,
            "state": state,
            "today": clock.today(),
            "back_link": _back(check),
        },
    )


def check_complete(request, pk: int):
    check = _editable_check(request, pk)
    if not check.is_open:
        return _closed(request, check)
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _apply(
            form,
            lambda: complete_check(check=check, summary=form.cleaned_data["summary"], by=request.user, request=request),
        ):
            messages.success(request, f"Safety check {check.reference} completed.")
            return redirect("surveillance:check", pk=check.pk)
    return render(
        request,
        "surveillance/complete.jinja",
        {
            "page_title": f"Complete safety check {check.reference}",
            "check": check,
            "form": form,
            "back_link": _back(check),
            "missing_areas": missing_areas(check),
            "today": clock.today(),
            "action_counts": presenters.action_counts(
                presenters.action_states(actions_with_updates(check), today=clock.today())
            ),
        },
    )
