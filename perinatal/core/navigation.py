"""The header menu, by role: each person sees the parts of the service they can use."""

from __future__ import annotations

from django.urls import reverse

from perinatal.accounts.roles import Role


def items_for(request) -> list[dict]:
    from perinatal.accounts.signed_in import is_signed_in

    if not is_signed_in(request):
        return []
    from perinatal.core.scoping import scope_for

    scope = scope_for(request)
    path = request.path
    items = [("Home", reverse("core:home"))]
    if scope.has_role(Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN):
        items.append(("Access requests", reverse("accounts:access_requests")))
    items.append(("Onboarding", reverse("organisations:onboarding")))
    items.append(("Organisations", reverse("organisations:register")))
    if scope.has_role(Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN):
        items.append(("Audit trail", reverse("core:audit")))
    return [
        {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
        for text, href in items
    ]
