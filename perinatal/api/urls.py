"""The API's URL patterns, included at api/v1/ by `perinatal.urls` (namespace `api`).

They are ninja's, each view wrapped so that a method the route does not take is answered
405 with the project's error body (`errors.method_not_allowed`) rather than ninja's text.
"""

from __future__ import annotations

from django.urls import URLPattern

from perinatal.api import metrics, notifications
from perinatal.api.app import api
from perinatal.api.errors import method_not_allowed, not_found


def _actions() -> dict[str, str]:
    """Each URL name's action, from the summary of its operations ("Submit a notification")."""
    actions: dict[str, str] = {}
    for router in (api.default_router, notifications.router, metrics.router):
        for path_view in router.path_operations.values():
            action = " or ".join(op.summary[0].lower() + op.summary[1:] for op in path_view.operations)
            actions.update((op.url_name, action) for op in path_view.operations)
    return actions


def _patterns() -> list[URLPattern]:
    patterns, _app_name, _namespace = api.urls
    actions = _actions()
    for pattern in patterns:
        if pattern.name == "api-root":
            # ninja's root page is HTML (its docs are off); ninja reverses the name for the
            # document's prefix, so the route stays and answers the API's JSON 404.
            pattern.callback = not_found
        if pattern.name in actions:
            pattern.callback = method_not_allowed(pattern.callback, action=actions[pattern.name])
    return patterns


app_name = "api"
urlpatterns = _patterns()
