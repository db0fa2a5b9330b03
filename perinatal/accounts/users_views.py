"""The local authoriser's users page (docs/rules/accounts.md §4, §5): the trust's users, their
roles and status; change roles, suspend or reinstate, remove a leaver, send a new invitation,
reset a lost authenticator. Thin: each action is one service call."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from perinatal.accounts import selectors
from perinatal.accounts.forms import RolesForm
from perinatal.accounts.permissions import require_role
from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import AUTHORISE_USERS, scope_for
from perinatal.accounts.services import invitations, users
from perinatal.kernel.refusals import Refused
from perinatal.organisations.selectors import UnknownOrganisation, get_trust

AUTHORISERS = (Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN)


def _trust(request, code: str):
    try:
        trust = get_trust(code)
    except UnknownOrganisation:
        raise Http404("No such trust") from None
    if not scope_for(request).can_read_trust(trust, AUTHORISE_USERS):
        raise Http404("No such trust in your organisations")
    return trust


def _member(request, code: str, user_id: int):
    trust = _trust(request, code)
    member = selectors.trust_user(trust, user_id)
    if member is None:
        raise Http404("No such person at this trust")
    return trust, member


def _detail_url(trust, member) -> str:
    return reverse("accounts:user", kwargs={"code": trust.code, "user_id": member.user.pk})


def _back_to(trust, member) -> dict:
    return {"href": _detail_url(trust, member), "text": f"Back to {member.user.display_name}"}


@require_role(*AUTHORISERS)
def trust_users(request, code: str):
    trust = _trust(request, code)
    return render(
        request,
        "accounts/users.jinja",
        {
            "page_title": f"Users at {trust.display_name}",
            "trust": trust,
            "members": selectors.trust_users(trust),
            "back_link": {"href": reverse("organisations:trust", kwargs={"code": trust.code}), "text": "Back to trust"},
        },
    )


@require_role(*AUTHORISERS)
def trust_user(request, code: str, user_id: int):
    trust, member = _member(request, code, user_id)
    return render(
        request,
        "accounts/user.jinja",
        {
            "page_title": member.user.display_name,
            "trust": trust,
            "member": member,
            "is_self": member.user.pk == request.user.pk,
            "may_reset_second_factor": users.may_reset_second_factor(user=member.user, by=request.user),
            "back_link": {"href": reverse("accounts:users", kwargs={"code": trust.code}), "text": "Back to users"},
        },
    )


def _run(request, trust, member, action, done: str):
    """Run a service; on success say so on the person's page, on refusal say why there."""
    try:
        action()
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect(_detail_url(trust, member))


@require_role(*AUTHORISERS)
@require_http_methods(["GET", "POST"])
def user_roles(request, code: str, user_id: int):
    trust, member = _member(request, code, user_id)
    form = RolesForm(
        request.POST if request.method == "POST" else None, initial={"roles": [role.value for role in member.roles]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            users.change_roles(
                user=member.user, trust=trust, roles=form.cleaned_data["roles"], by=request.user, request=request
            )
        except Refused as refusal:
            form.add_error("roles" if refusal.field == "roles" else None, refusal.message)
        else:
            messages.success(request, f"Roles of {member.user.display_name} changed.")
            return redirect(_detail_url(trust, member))
    return render(
        request,
        "accounts/user_roles.jinja",
        {
            "page_title": f"Change the roles of {member.user.display_name}",
            "trust": trust,
            "member": member,
            "form": form,
            "back_link": _back_to(trust, member),
        },
    )


CONFIRMATIONS = {
    "suspend": {
        "title": "Suspend {name}?",
        "lead": "They will be signed out at once and cannot use the service at {trust} until you reinstate them. "
        "API tokens they issued stop working.",
        "button": "Suspend",
    },
    "remove": {
        "title": "Remove {name} from {trust}?",
        "lead": "For someone who has left: their roles at {trust} end and they are signed out at once. "
        "API tokens they issued stop working. Their history stays in the audit trail.",
        "button": "Remove",
    },
    "reset-second-factor": {
        "title": "Reset the authenticator app of {name}?",
        "lead": "Their authenticator app and backup codes stop working and they are signed out at once. "
        "We will email them a link to set up a new authenticator app; they will need their password.",
        "button": "Reset authenticator app",
    },
}


def _confirm(request, trust, member, kind: str, action, done: str):
    if request.method == "POST":
        return _run(request, trust, member, action, done)
    words = {
        key: text.format(name=member.user.display_name, trust=trust.display_name)
        for key, text in CONFIRMATIONS[kind].items()
    }
    return render(
        request,
        "accounts/user_confirm.jinja",
        {
            "page_title": words["title"],
            "words": words,
            "trust": trust,
            "member": member,
            "back_link": _back_to(trust, member),
        },
    )


@require_role(*AUTHORISERS)
@require_http_methods(["GET", "POST"])
def user_suspend(request, code: str, user_id: int):
    trust, member = _member(request, code, user_id)
    return _confirm(
        request,
        trust,
        member,
        "suspend",
        lambda: users.suspend_user(user=member.user, trust=trust, by=request.user, request=request),
        f"{member.user.display_name} is suspended and has been signed out.",
    )


@require_role(*AUTHORISERS)
@require_POST
def user_reinstate(request, code: str, user_id: int):
    trust, member = _member(request, code, user_id)
    return _run(
        request,
        trust,
        member,
        lambda: users.reinstate_user(user=member.user, trust=trust, by=request.user, request=request),
        f"{member.user.display_name} is reinstated.",
    )


@require_role(*AUTHORISERS)
@require_http_methods(["GET", "POST"])
def user_remove(request, code: str, user_id: int):
    trust, member = _member(request, code, user_id)
    if request.method == "POST":
        try:
            users.remove_user(user=member.user, trust=trust, by=request.user, request=request)
        except Refused as refusal:
            messages.error(request, refusal.message)
            return redirect(_detail_url(trust, member))
        messages.success(
            request, f"{member.user.display_name} has been removed from {trust.display_name} and signed out."
        )
        return redirect("accounts:users", code=trust.code)
    return _confirm(request, trust, member, "remove", None, "")


@require_role(*AUTHORISERS)
@require_POST
def user_resend_invitation(request, code: str, user_id: int):
    trust, member = _member(request, code, user_id)
    return _run(
        request,
        trust,
        member,
        lambda: invitations.resend_invitation(user=member.user, trust=trust, by=request.user, request=request),
        f"A new set-up link has been emailed to {member.user.display_name}. The old link no longer works.",
    )


@require_role(*AUTHORISERS)
@require_http_methods(["GET", "POST"])
def user_reset_second_factor(request, code: str, user_id: int):
    trust, member = _member(request, code, user_id)
    return _confirm(
        request,
        trust,
        member,
        "reset-second-factor",
        lambda: users.reset_second_factor(user=member.user, trust=trust, by=request.user, request=request),
        f"The authenticator app of {member.user.display_name} has been reset and they have been signed out. "
        "We have emailed them a link to set up a new one.",
    )
