"""Sign-in with a second factor, sessions, access requests and nominations.

Setting up and recovering an account from an emailed link is in ``setup_views``; the local
authoriser's users page in ``users_views``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from perinatal.accounts import services
from perinatal.accounts.forms import (
    AccessRequestForm,
    DecisionForm,
    NominationsForm,
    SecurityCodeForm,
    SignInForm,
)
from perinatal.accounts.models import AccessRequest, User
from perinatal.accounts.permissions import require_role
from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import AUTHORISE_USERS, scope_for
from perinatal.accounts.services.access_requests import TooManyAccessRequests
from perinatal.accounts.services.second_factors import has_second_factor
from perinatal.accounts.services.setup import open_set_up_link
from perinatal.core import audit
from perinatal.core.client_address import client_address
from perinatal.organisations.selectors import get_trust

PENDING_USER = "pending_sign_in_user"
PENDING_NEXT = "pending_sign_in_next"
#: The set-up or new-authenticator link whose person has proved their password in this session.
SETUP_LINK = "account_setup_link"


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"]
        )
        if isinstance(user, HttpResponse):  # axes lockout response
            return user
        if user is None:
            form.add_error(
                "email",
                "The email address or password is not right. After 5 wrong attempts you will have to wait 30 minutes",
            )
        else:
            request.session.cycle_key()
            if not has_second_factor(user):
                # Never ask for a code from an authenticator that was never confirmed
                # (docs/rules/accounts.md §2): back to set-up while its link still works.
                return _continue_set_up(request, user)
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_NEXT] = _safe_next(request, reverse("web:home"))
            return redirect("accounts:verify")
    return render(
        request, "accounts/sign_in.jinja", {"form": form, "page_title": "Sign in", "next": request.GET.get("next", "")}
    )


def _continue_set_up(request, user: User):
    link = open_set_up_link(user)
    if link is not None:
        request.session[SETUP_LINK] = link.pk
        return redirect("accounts:setup_authenticator")
    return render(
        request,
        "accounts/set_up_not_finished.jinja",
        {"page_title": "You have not finished setting up your account"},
    )


def locked_out(request, credentials=None, *args, **kwargs):
    return render(request, "accounts/locked_out.jinja", {"page_title": "You cannot sign in for 30 minutes"}, status=429)


def verify(request):
    user = User.objects.filter(pk=request.session.get(PENDING_USER), is_active=True).first()
    if user is None:
        return redirect("accounts:sign_in")
    if not has_second_factor(user):  # reset by their authoriser since they typed their password
        request.session.pop(PENDING_USER, None)
        return _continue_set_up(request, user)
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        wait = services.second_factor_wait_seconds(user=user) if len(code) == services.TOTP_DIGITS else 0
        device = services.match_second_factor(user=user, code=code)
        if device is None and wait:
            audit.record(
                action=audit.Action.SIGN_IN_FAILED,
                obj=user,
                summary="Security code refused while waiting after a wrong one",
                request=request,
                actor=user,
            )
            # The code may be right but too soon, or simply wrong: say both, and how long to wait.
            form.add_error(
                "code",
                "The security code is wrong, or came too soon after a wrong one. "
                f"Wait {wait} {'second' if wait == 1 else 'seconds'}, then enter the code your authenticator app shows",
            )
        elif device is None:
            audit.record(
                action=audit.Action.SIGN_IN_FAILED,
                obj=user,
                summary="Wrong or expired security code",
                request=request,
                actor=user,
            )
            form.add_error(
                "code", "The security code is wrong or has expired. Enter the code your authenticator app shows now"
            )
        else:
            next_url = request.session.get(PENDING_NEXT) or reverse("web:home")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            request.session.pop(PENDING_USER, None)
            audit.record(action=audit.Action.SIGN_IN, obj=user, summary="Signed in with second factor", request=request)
            return redirect(next_url)
    return render(request, "accounts/verify.jinja", {"form": form, "page_title": "Enter your security code"})


def sign_out(request):
    if request.method == "POST":
        if request.user.is_authenticated:
            audit.record(action=audit.Action.SIGN_OUT, obj=request.user, summary="Signed out", request=request)
        logout(request)
        return render(request, "accounts/signed_out.jinja", {"page_title": "You have signed out", "timed_out": False})
    return render(request, "accounts/sign_out.jinja", {"page_title": "Sign out"})


def timed_out(request):
    """Where the timeout warning sends the browser. Only a POST (the warning's own form, with
    its CSRF token) ends the session: a GET must not, or any link or page elsewhere could sign
    a user out. A GET by a user still signed in (another tab kept the session alive) goes home."""
    if request.method == "POST":
        logout(request)
    elif request.user.is_authenticated:
        return redirect("web:home")
    return render(request, "accounts/signed_out.jinja", {"page_title": "You have been signed out", "timed_out": True})


@require_POST
def keep_alive(request):
    """Refreshes the session (SESSION_SAVE_EVERY_REQUEST restarts the inactivity clock)."""
    request.session.modified = True
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"inactivity_seconds": settings.SESSION_INACTIVITY_SECONDS})
    return redirect(_safe_next(request, reverse("web:home")))


def request_access(request):
    form = AccessRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            access_request = services.request_access(
                full_name=data["full_name"],
                email=data["email"],
                job_title=data["job_title"],
                trust=data["trust"],
                role=Role(data["role"]),
                reason=data["reason"],
                ip_address=client_address(request),
                request=request,
            )
        except services.AccessRequestRefused as refusal:
            form.add_error("trust_code" if refusal.field == "trust" else refusal.field, str(refusal))
            status = 429 if isinstance(refusal, TooManyAccessRequests) else 200
        else:
            if isinstance(access_request, services.AlreadyRequested):
                return render(
                    request,
                    "accounts/already_requested.jinja",
                    {"page_title": "You have already asked", "access_request": access_request.access_request},
                )
            return render(
                request,
                "accounts/access_requested.jinja",
                {"page_title": "Request sent", "access_request": access_request},
            )
    return render(
        request,
        "accounts/request_access.jinja",
        {"form": form, "page_title": "Request access", "matches": form.matches},
        status=status,
    )


@require_role(*AUTHORISE_USERS)
def access_requests(request):
    scope = scope_for(request)
    queryset = scope.restrict(AccessRequest.objects.select_related("trust"), purpose=AUTHORISE_USERS)
    pending = list(queryset.filter(status=AccessRequest.Status.PENDING).order_by("created_at"))
    decided = list(queryset.exclude(status=AccessRequest.Status.PENDING).prefetch_related("decisions__decided_by")[:50])
    return render(
        request,
        "accounts/access_requests.jinja",
        {"page_title": "Access requests", "pending": pending, "decided": decided},
    )


@require_role(*AUTHORISE_USERS)
def access_request_detail(request, pk: int):
    scope = scope_for(request)
    access_request = scope.get_or_404(AccessRequest.objects.select_related("trust"), purpose=AUTHORISE_USERS, pk=pk)
    audit.record(
        action=audit.Action.VIEW,
        obj=access_request,
        organisation=access_request.trust,
        summary=f"Access request {access_request.pk} viewed",
        request=request,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and access_request.status == AccessRequest.Status.PENDING and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_access_request(
                access_request=access_request,
                approve=approve,
                reason=form.cleaned_data["reason"],
                decided_by=request.user,
                request=request,
            )
        except services.AccessRequestRefused as refusal:
            form.add_error("reason" if refusal.field == "reason" else None, str(refusal))
        else:
            verb = "approved" if approve else "rejected"
            messages.success(request, f"Request from {access_request.full_name} {verb}. They have been told by email.")
            return redirect("accounts:access_requests")
    return render(
        request,
        "accounts/access_request_detail.jinja",
        {
            "page_title": f"Access request from {access_request.full_name}",
            "access_request": access_request,
            "form": form,
            "decisions": access_request.decisions.select_related("decided_by"),
            "back_link": {"href": reverse("accounts:access_requests"), "text": "Back to access requests"},
        },
    )


@require_role(Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN)
def nominations(request, code: str):
    scope = scope_for(request)
    trust = get_trust(code)
    if not scope.can_read_trust(trust, AUTHORISE_USERS):
        raise Http404("No such trust in your organisations")
    form = NominationsForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.upload_nominations(
                trust=trust, filename=upload.name, content=upload.read(), uploaded_by=request.user, request=request
            )
        except services.NominationFileInvalid as invalid:
            problems = invalid.problems
            form.add_error(
                "file",
                f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}: nothing was saved. "
                "Correct the lines listed below and upload it again",
            )
        else:
            messages.success(
                request,
                f"{result.nominees.count()} nominated users saved for {trust.display_name}. "
                "Everyone who has not set up an account has been emailed a link to set one up.",
            )
            return redirect("accounts:nominations", code=trust.code)
    uploads = trust.nomination_uploads.prefetch_related("nominees").select_related("uploaded_by")[:5]
    return render(
        request,
        "accounts/nominations.jinja",
        {
            "page_title": f"Nominated users for {trust.display_name}",
            "trust": trust,
            "form": form,
            "problems": problems,
            "uploads": uploads,
            "back_link": {"href": reverse("organisations:trust", kwargs={"code": trust.code}), "text": "Back to trust"},
        },
    )


@require_POST
def nomination_decision(request, pk: int):
    """The nominated person's answer, from their home page (docs/rules/accounts.md §1.1)."""
    agree = request.POST.get("decision")
    if agree not in {"agree", "decline"}:
        messages.error(request, "Choose whether to agree to the nomination or decline it")
        return redirect("web:home")
    try:
        nomination = services.decide_nomination(
            nomination_id=pk, user=request.user, agree=agree == "agree", request=request
        )
    except services.NominationRefused as refused:
        messages.error(request, refused.message)
        return redirect("web:home")
    trust = nomination.upload.trust.display_name
    if agree == "agree":
        messages.success(request, f"You are now {nomination.role_label.lower()} at {trust}")
    else:
        messages.success(request, f"You declined the nomination from {trust}. You have no role there")
    return redirect("web:home")
