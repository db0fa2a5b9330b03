"""Setting up and recovering an account from an emailed link (docs/rules/accounts.md §2, §3, §5):
set-up (password, authenticator app, backup codes), a new authenticator after a reset, and
"Forgot your password?"."""

from __future__ import annotations

import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib.auth import authenticate, login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import login as otp_login

from perinatal.accounts.forms import AuthenticatorCodeForm, CurrentPasswordForm, ForgotPasswordForm, SetPasswordForm
from perinatal.accounts.models import AccountLink
from perinatal.accounts.services import recovery, setup
from perinatal.accounts.services.links import LIFETIMES, link_for_token, still_open
from perinatal.accounts.views import SETUP_LINK
from perinatal.core.client_address import client_address
from perinatal.kernel.refusals import WHOLE_FORM

Purpose = AccountLink.Purpose


def _lifetime_words(purpose: str) -> str:
    lifetime = LIFETIMES[Purpose(purpose)]
    if lifetime.days:
        return f"{lifetime.days} days"
    hours = int(lifetime.total_seconds() // 3600)
    return f"{hours} hour" + ("s" if hours != 1 else "")


def _link_stopped(request, purpose: str):
    return render(
        request,
        "accounts/setup_link_invalid.jinja",
        {
            "page_title": "This link has stopped working",
            "purpose": purpose,
            "lifetime": _lifetime_words(purpose),
        },
        status=400,
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    # Pages reached from a secret link, or showing a secret, are never kept by the browser. (The
    # service's Referrer-Policy, same-origin, already keeps the link from other sites; "no-referrer"
    # would make the browser send "Origin: null" and the form would fail its CSRF check.)
    response["Cache-Control"] = "no-store"
    return response


def _show_refusal(form, refusal) -> None:
    form.add_error(None if refusal.field == WHOLE_FORM else refusal.field, refusal.message)


def setup_account(request, token: str):
    """Set-up step 1: choose a password. The link keeps working until set-up completes."""
    link = link_for_token(token, Purpose.SET_UP)
    if link is None:
        return _no_store(_link_stopped(request, Purpose.SET_UP))
    form = SetPasswordForm(request.POST or None, user=link.user)
    if request.method == "POST" and form.is_valid():
        try:
            setup.choose_password(link=link, password=form.cleaned_data["password"], request=request)
        except setup.SetUpRefused as refusal:
            _show_refusal(form, refusal)
        else:
            request.session[SETUP_LINK] = link.pk
            return redirect("accounts:setup_authenticator")
    return _no_store(
        render(
            request,
            "accounts/setup_password.jinja",
            {"page_title": "Create a password", "form": form, "user": link.user},
        )
    )


def new_authenticator(request, token: str):
    """After a reset by the local authoriser: the person's password, then a new app."""
    link = link_for_token(token, Purpose.NEW_AUTHENTICATOR)
    if link is None:
        return _no_store(_link_stopped(request, Purpose.NEW_AUTHENTICATOR))
    form = CurrentPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Through the authentication backends, so wrong passwords count towards the lockout.
        user = authenticate(request, username=link.user.email, password=form.cleaned_data["password"])
        if isinstance(user, HttpResponse):  # axes lockout response
            return user
        if user is None or user.pk != link.user_id:
            form.add_error(
                "password",
                "The password is not right. If you have forgotten it, reset it first "
                "(Forgot your password? on the sign-in page), then open this link again",
            )
        else:
            request.session[SETUP_LINK] = link.pk
            return redirect("accounts:setup_authenticator")
    return _no_store(
        render(
            request,
            "accounts/new_authenticator.jinja",
            {"page_title": "Set up a new authenticator app", "form": form, "user": link.user},
        )
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def setup_authenticator(request):
    """Set-up step 2: add the app and type the code it shows. A wrong code is an error on the
    code and changes nothing; the right one afterwards completes set-up and signs the person in."""
    link = still_open(request.session.get(SETUP_LINK), setup.SET_UP_PURPOSES)
    if link is None:
        request.session.pop(SETUP_LINK, None)
        return redirect("accounts:sign_in")
    device = setup.device_being_set_up(link)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = setup.confirm_authenticator(link=link, code=form.cleaned_data["code"], request=request)
        except setup.SetUpRefused as refusal:
            _show_refusal(form, refusal)
        else:
            login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            request.session.pop(SETUP_LINK, None)
            return _no_store(
                render(request, "accounts/backup_codes.jinja", {"page_title": "Your backup codes", "codes": codes})
            )
    return _no_store(
        render(
            request,
            "accounts/setup_authenticator.jinja",
            {
                "page_title": "Set up your authenticator app",
                "form": form,
                "qr_svg": _qr_svg(device.config_url),
                "secret": b32encode(device.bin_key).decode(),
            },
        )
    )


def forgot_password(request):
    """ "Forgot your password?": the same answer whether or not the address has an account."""
    form = ForgotPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            recovery.request_password_reset(
                email=form.cleaned_data["email"], ip_address=client_address(request), request=request
            )
        except recovery.TooManyResetRequests as refusal:
            _show_refusal(form, refusal)
            status = 429
        else:
            return render(
                request,
                "accounts/check_email.jinja",
                {
                    "page_title": "Check your email",
                    "email": form.cleaned_data["email"],
                    "lifetime": _lifetime_words(Purpose.PASSWORD_RESET),
                },
            )
    return render(
        request,
        "accounts/forgot_password.jinja",
        {"page_title": "Reset your password", "form": form, "back_link": {"href": reverse("accounts:sign_in")}},
        status=status,
    )


def reset_password(request, token: str):
    link = link_for_token(token, Purpose.PASSWORD_RESET)
    if link is None:
        return _no_store(_link_stopped(request, Purpose.PASSWORD_RESET))
    form = SetPasswordForm(request.POST or None, user=link.user)
    if request.method == "POST" and form.is_valid():
        try:
            recovery.reset_password(link=link, password=form.cleaned_data["password"], request=request)
        except recovery.PasswordResetRefused as refusal:
            _show_refusal(form, refusal)
        else:
            return render(request, "accounts/password_changed.jinja", {"page_title": "Your password has been changed"})
    return _no_store(
        render(
            request,
            "accounts/reset_password.jinja",
            {"page_title": "Choose a new password", "form": form, "user": link.user},
        )
    )
