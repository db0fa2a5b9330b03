"""Role checks for views. Signing in (with the second factor) is enforced by middleware."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import scope_for


def require_role(*roles: Role):
    """Allow the view only to users holding one of these roles (anywhere; data is scoped separately)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not scope_for(request).has_role(*roles):
                raise PermissionDenied("Your role does not give access to this page")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
