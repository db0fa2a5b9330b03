"""Register pages: organisations, a trust's onboarding and its account details."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import AUTHORISE_USERS, scope_for
from perinatal.core import audit, clock
from perinatal.organisations.models import AccountDetails, OnboardingPhase, Organisation
from perinatal.organisations.onboarding import assign_trust_to_phase
from perinatal.organisations.selectors import (
    UnknownOrganisation,
    get_trust,
    onboarding_for,
    onboarding_schedule,
    parent_on,
    sites_of,
    trusts_in,
)


def register(request):
    query = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") or "trust"
    queryset = (
        Organisation.objects.filter(kind=kind) if kind in Organisation.Kind.values else Organisation.objects.none()
    )
    if query:
        queryset = queryset.filter(Q(code__iexact=query) | Q(name__icontains=query))
    results = list(queryset.order_by("name")[:300])
    return render(
        request,
        "organisations/register.jinja",
        {
            "page_title": "Organisations",
            "results": results,
            "query": query,
            "kind": kind,
            "kinds": [
                (Organisation.Kind.TRUST, "Trusts"),
                (Organisation.Kind.ICB, "ICBs"),
                (Organisation.Kind.REGION, "Regions"),
            ],
        },
    )


def organisation(request, code: str):
    org = Organisation.objects.filter(code=code.upper()).first()
    if org is None:
        raise Http404(f"{code} is not an ODS code in the register")
    if org.kind == Organisation.Kind.TRUST:
        return redirect("organisations:trust", code=org.code)
    today = clock.today()
    members = (
        trusts_in(org, today).order_by("name") if org.kind in (Organisation.Kind.ICB, Organisation.Kind.REGION) else []
    )
    return render(
        request,
        "organisations/organisation.jinja",
        {
            "page_title": org.display_name,
            "org": org,
            "trusts": members,
            "icbs": org.icbs.order_by("name") if org.kind == Organisation.Kind.REGION else [],
        },
    )


def trust(request, code: str):
    try:
        trust = get_trust(code)
    except UnknownOrganisation as unknown:
        raise Http404(str(unknown)) from None
    scope = scope_for(request)
    today = clock.today()
    details = AccountDetails.objects.filter(trust=trust).first()
    return render(
        request,
        "organisations/trust.jinja",
        {
            "page_title": trust.display_name,
            "trust": trust,
            "onboarding": onboarding_for(trust),
            "parent": parent_on(trust, today),
            "history": trust.parents.select_related("icb", "region").order_by("valid_from"),
            "sites": sites_of(trust, today).order_by("code"),
            "details": details,
            "can_authorise": scope.can_read_trust(trust, AUTHORISE_USERS)
            and scope.has_role(Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN),
            "changes": trust.changes.order_by("-recorded_at")[:20],
            "can_assign_phase": scope.has_role(*ASSIGN_PHASES),
            "phases": OnboardingPhase.objects.order_by("go_live_on"),
        },
    )


ASSIGN_PHASES = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)


def assign_phase(request, code: str):
    if request.method != "POST":
        return redirect("organisations:trust", code=code)
    if not scope_for(request).has_role(*ASSIGN_PHASES):
        raise PermissionDenied("Only national programme admins assign onboarding phases")
    try:
        trust = get_trust(code)
    except UnknownOrganisation:
        raise Http404("No such trust") from None
    phase = OnboardingPhase.objects.filter(pk=request.POST.get("phase") or 0).first()
    if phase is None:
        messages.error(request, "Select the phase the trust joins")
        return redirect("organisations:trust", code=trust.code)
    assign_trust_to_phase(trust=trust, phase=phase, request=request)
    messages.success(request, f"{trust.display_name} is now in {phase.name}.")
    return redirect("organisations:trust", code=trust.code)


class AccountDetailsForm(forms.ModelForm):
    class Meta:
        model = AccountDetails
        fields = ["contact_name", "contact_role", "email", "phone", "out_of_hours_phone"]
        error_messages = {
            "email": {"invalid": "Enter an email address in the correct format, like maternity.safety@nhs.net"},
        }

    def clean(self):
        data = super().clean()
        if not (data.get("email") or data.get("phone")):
            self.add_error("email", "Enter an email address or a phone number for the service contact")
        for field in ("phone", "out_of_hours_phone"):
            value = (data.get(field) or "").replace(" ", "")
            if value and not value.lstrip("+").isdigit():
                self.add_error(field, "Enter a phone number, like 0161 276 1234")
        return data


def account_details(request, code: str):
    try:
        trust = get_trust(code)
    except UnknownOrganisation:
        raise Http404("No such trust") from None
    scope = scope_for(request)
    if not scope.can_read_trust(trust, AUTHORISE_USERS):
        raise Http404("No such trust in your organisations")
    if not scope.has_role(Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN):
        raise PermissionDenied("Only the trust's local authoriser keeps its account details")
    details, _ = AccountDetails.objects.get_or_create(trust=trust)
    form = AccountDetailsForm(request.POST or None, instance=details)
    if request.method == "POST" and form.is_valid():
        changed = ", ".join(form.changed_data) or "nothing"
        details = form.save(commit=False)
        details.updated_at = clock.now()
        details.updated_by = request.user
        details.save()
        audit.record(
            action=audit.Action.UPDATE,
            obj=details,
            organisation=trust,
            summary=f"Account details changed ({changed})",
            request=request,
        )
        messages.success(request, "Account details saved.")
        return redirect("organisations:trust", code=trust.code)
    return render(
        request,
        "organisations/account_details.jinja",
        {
            "page_title": f"Account details for {trust.display_name}",
            "trust": trust,
            "form": form,
            "back_link": {"href": reverse("organisations:trust", kwargs={"code": trust.code}), "text": "Back to trust"},
        },
    )


def onboarding(request):
    region = request.GET.get("region") or None
    regions = Organisation.objects.filter(kind=Organisation.Kind.REGION).order_by("name")
    if region and not regions.filter(code=region).exists():
        region = None
    schedule = onboarding_schedule(region_code=region)
    return render(
        request,
        "organisations/onboarding.jinja",
        {
            "page_title": "Onboarding schedule",
            "schedule": schedule,
            "phases": OnboardingPhase.objects.prefetch_related("regions", "trusts"),
            "regions": regions,
            "region": region,
            "now": clock.now(),
        },
    )
