from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("", include("perinatal.core.urls")),
    path("", include("perinatal.accounts.urls")),
    path("", include("perinatal.organisations.urls")),
    path("notifications/", include("perinatal.notifications.journey.urls")),
    path("", include("perinatal.notifications.urls")),
    path("", include("perinatal.surveillance.urls")),
    path("dashboard/", include("perinatal.dashboard.pages.urls")),
    path("", include("perinatal.dashboard.api")),
]

if getattr(settings, "OIDC_ENABLED", False):
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler403 = "perinatal.core.views.forbidden"
handler404 = "perinatal.core.views.not_found"
handler500 = "perinatal.core.views.server_error"
