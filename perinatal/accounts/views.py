"""Sign-in with a second factor, sessions, access requests, nominations, account set-up."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from perinatal.accounts import services
from perinatal.accounts.forms import (
    AccessRequestForm,
    DecisionForm,
    NominationsForm,
    SecurityCodeForm,
    SetPasswordForm,
    SignInForm,
)
from perinatal.accounts.invitations import user_for_link
from perinatal.accounts.models import AccessRequest, User
from perinatal.accounts.permissions import require_role
from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import AUTHORISE_USERS, scope_for
from perinatal.core import audit
from perinatal.organisations.selectors import get_trust

PENDING_USER = "pending_sign_in_user"
PENDING_NEXT = "pending_sign_in_next"
SETUP_USER = "account_setup_user"


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
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_NEXT] = _safe_next(request, reverse("web:home"))
            return redirect("accounts:verify")
    return render(
        request, "accounts/sign_in.jinja", {"form": form, "page_title": "Sign in", "next": request.GET.get("next", "")}
    )


def locked_out(request, credentials=None, *args, **kwargs):
    return render(request, "accounts/locked_out.jinja", {"page_title": "You cannot sign in for 30 minutes"}, status=429)


def verify(request):
    user = User.objects.filter(pk=request.session.get(PENDING_USER), is_active=True).first()
    if user is None:
        return redirect("accounts:sign_in")
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            access_request = services.request_access(
                full_name=data["full_name"],
                email=data["email"],
                job_title=data["job_title"],
                trust=data["trust_code"],
                role=Role(data["role"]),
                reason=data["reason"],
                request=request,
            )
        except services.AccessRequestRefused as refusal:
            form.add_error("trust_code" if refusal.field == "trust" else refusal.field, str(refusal))
        else:
            return render(
                request,
                "accounts/access_requested.jinja",
                {"page_title": "Request sent", "access_request": access_request},
            )
    return render(request, "accounts/request_access.jinja", {"form": form, "page_title": "Request access"})


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
        from django.http import Http404

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
            messages.success(request, f"{result.nominees.count()} nominated users saved for {trust.display_name}.")
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


# Account set-up from an emailed link ----------------------------------------------------


def setup(request, uid: str, token: str):
    user = user_for_link(uid, token)
    if user is None:
        return render(request, "accounts/setup_link_invalid.jinja", {"page_title": "This link has expired"}, status=400)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        user.set_password(form.cleaned_data["password"])
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        services.create_totp_device(user=user, confirmed=False)
        request.session[SETUP_USER] = user.pk
        return redirect("accounts:setup_authenticator")
    return render(
        request, "accounts/setup_password.jinja", {"page_title": "Create a password", "form": form, "user": user}
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def setup_authenticator(request):
    user = User.objects.filter(pk=request.session.get(SETUP_USER)).first()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() if user else None
    if device is None:
        return redirect("accounts:sign_in")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = services.create_backup_codes(user=user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            request.session.pop(SETUP_USER, None)
            audit.record(action=audit.Action.UPDATE, obj=user, summary="Second factor set up", request=request)
            return render(request, "accounts/backup_codes.jinja", {"page_title": "Your backup codes", "codes": codes})
        form.add_error(
            "code", "The security code is wrong or has expired. Enter the code your authenticator app shows now"
        )
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/setup_authenticator.jinja",
        {
            "page_title": "Set up your authenticator app",
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": secret,
        },
    )
