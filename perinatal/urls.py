from django.conf import settings
from django.urls import include, path, re_path
from django.utils.module_loading import import_string

urlpatterns = [
    path("", include("perinatal.web.urls")),
    path("", include("perinatal.accounts.urls")),
    path("", include("perinatal.web.organisations.urls")),
    path("notifications/", include("perinatal.notifications.journey.urls")),
    path("", include("perinatal.notifications.urls")),
    path("", include("perinatal.surveillance.urls")),
    path("dashboard/", include("perinatal.dashboard.pages.urls")),
    path("dashboard/", include("perinatal.equity.pages.urls")),
    path("equity/programme/", include("perinatal.equity.programme.urls")),
    path("improvement/", include("perinatal.improvement.urls")),
    path("board-reports/", include("perinatal.reports.urls")),
    # The JSON API (Bearer tokens, no session needed, no CSRF): perinatal/api, ADR 0017.
    path("api/v1/", include("perinatal.api.urls")),
    # Any other address under /api/ answers the API's JSON 404, not the web's page.
    re_path(r"^api/", include("perinatal.api.fallback_urls")),
]

if getattr(settings, "OIDC_ENABLED", False):
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))


def bad_request(request, exception=None):
    """Django's 400: the API's JSON body under /api/, the web's page elsewhere (each named by
    its dotted path, as the API's URLs are: nothing outside the api package imports it)."""
    if request.path_info.startswith("/api/"):
        return import_string("perinatal.api.errors.bad_request")(request, exception)
    return import_string("perinatal.web.views.bad_request")(request, exception)


def server_error(request):
    """Django's 500: the API's JSON body under /api/, the web's page elsewhere."""
    if request.path_info.startswith("/api/"):
        return import_string("perinatal.api.errors.server_error")(request)
    return import_string("perinatal.web.views.server_error")(request)


handler400 = bad_request
handler403 = "perinatal.web.views.forbidden"
handler404 = "perinatal.web.views.not_found"
handler500 = server_error
