"""Home, audit trail, static information pages and error pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from perinatal.accounts.models import AccessRequest
from perinatal.accounts.permissions import require_role
from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import (
    AUTHORISE_USERS,
    PLAN_EQUITY_PROGRAMME,
    READ_APPROVED_BOARD_REPORTS,
    READ_AUDIT,
    READ_EQUITY_PROGRAMME,
    READ_IMPROVEMENT_CASES,
    scope_for,
)
from perinatal.accounts.selectors import nominations_awaiting
from perinatal.core import audit, clock
from perinatal.core.exports import FORMAT_CSV, download_response
from perinatal.core.models import AuditEvent
from perinatal.core.selectors import audit_action_choices, audit_record_types, filtered_audit_events
from perinatal.notifications.task_list import task_list_for
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import onboarding_for
from perinatal.web.audit_trail import AUDIT_EXPORT_LIMIT, AuditFilterForm, audit_rows, audit_table, record_kind_choices


def home(request):
    """Each person's starting point; a reporter's is their task list (notifications.task_list)."""
    scope = scope_for(request)
    trusts = [org for org in scope.organisations if org.kind == Organisation.Kind.TRUST]
    pending = 0
    if scope.has_role(*AUTHORISE_USERS):
        pending = scope.restrict(
            AccessRequest.objects.filter(status=AccessRequest.Status.PENDING), purpose=AUTHORISE_USERS
        ).count()
    return render(
        request,
        "web/home.jinja",
        {
            "page_title": "Home",
            "scope": scope,
            "memberships": request.user.active_memberships(),
            "nominations": list(nominations_awaiting(user=request.user)),
            "onboardings": [onboarding_for(trust) for trust in trusts],
            "pending_requests": pending,
            "is_authoriser": scope.has_role(*AUTHORISE_USERS),
            "reads_equity_programme": scope.has_role(*READ_EQUITY_PROGRAMME),
            "plans_equity_programme": scope.has_role(*PLAN_EQUITY_PROGRAMME),
            "reads_improvement_cases": scope.has_role(*READ_IMPROVEMENT_CASES),
            "reads_board_reports": scope.has_role(*READ_APPROVED_BOARD_REPORTS),
            "tasks": task_list_for(scope, today=clock.today()),
        },
    )


def _readable_audit_events(scope):
    """The trail the reader's role may see: their trust's, or the whole service's for the system admin."""
    return scope.restrict(
        AuditEvent.objects.select_related("actor", "organisation", "actor_organisation"),
        trust_field="organisation",
        purpose=READ_AUDIT,
    )


def _audit_filter_form(request, events) -> AuditFilterForm:
    kinds = record_kind_choices(audit_record_types(events))
    return AuditFilterForm(request.GET or None, actions=audit_action_choices(events), kinds=kinds)


@require_role(*READ_AUDIT)
def audit_trail(request):
    scope = scope_for(request)
    events = _readable_audit_events(scope)
    form = _audit_filter_form(request, events)
    wanted = form.value()
    page = Paginator(filtered_audit_events(events, audit_filter=wanted), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/audit.jinja",
        {
            "page_title": "Audit trail",
            "page": page,
            "rows": audit_rows(page),
            "form": form,
            "filter": wanted,
            "download": reverse("web:audit_download") + form.query_string(),
            "is_system_admin": scope.has_role(Role.SYSTEM_ADMIN),
        },
    )


@require_role(*READ_AUDIT)
def audit_download(request):
    """The filtered trail as CSV, newest first: the page's rows, every page of them."""
    scope = scope_for(request)
    events = _readable_audit_events(scope)
    form = _audit_filter_form(request, events)
    matching = filtered_audit_events(events, audit_filter=form.value())
    rows = audit_rows(matching[:AUDIT_EXPORT_LIMIT])
    notes = (f"Newest first, at most {AUDIT_EXPORT_LIMIT:,} events: narrow the filter for older ones.",)
    table = audit_table(rows, title=f"Audit trail {clock.today().isoformat()}", notes=notes)
    audit.record(
        action=audit.Action.VIEW,
        object_type="core.AuditEvent",
        organisation=scope.primary_organisation,
        request=request,
        summary=f"Downloaded the audit trail ({len(rows)} events)",
    )
    return download_response(table, FORMAT_CSV)


def accessibility(request):
    return render(request, "web/accessibility.jinja", {"page_title": "Accessibility statement"})


def privacy(request):
    return render(request, "web/privacy.jinja", {"page_title": "Privacy and data"})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def forbidden(request, exception=None):
    return render(
        request,
        "web/error.jinja",
        {
            "page_title": "You do not have access to this page",
            "message": (
                "Your role does not give access to this page. "
                "If you think it should, ask your trust's local authoriser (Head of Midwifery)."
            ),
        },
        status=403,
    )


def not_found(request, exception=None):
    return render(
        request,
        "web/error.jinja",
        {
            "page_title": "Page not found",
            "message": (
                "If you typed the web address, check it is correct. "
                "If you followed a link, the record may not exist or may belong to another organisation."
            ),
        },
        status=404,
    )


def bad_request(request, exception=None):
    """400: a request no page can take (a control character in the address, too many query
    fields: perinatal.core.middleware.HostileAddressMiddleware)."""
    return render(
        request,
        "web/error.jinja",
        {
            "page_title": "There is a problem with the web address",
            "message": (
                "The web address holds characters the service cannot read. "
                "If you typed or pasted it, check it is correct. If you followed a link, go back and try again."
            ),
        },
        status=400,
    )


def server_error(request):
    return render(
        request,
        "web/error.jinja",
        {
            "page_title": "Sorry, there is a problem with the service",
            "message": "Try again later. Anything you saved has been kept.",
        },
        status=500,
    )
