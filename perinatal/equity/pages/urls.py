"""The equity pages, under /dashboard/ beside each organisation's dashboard page
(perinatal/urls.py): /dashboard/trusts/R0A/equity/. Each URL is named by the organisation's
level (docs/rules/dashboard.md §4), so a dashboard page links to its own with
`url("equity_breakdowns:" ~ level, *args)`."""

from django.urls import path

from . import views

app_name = "equity_breakdowns"

urlpatterns = [
    path("england/equity/", views.national, name="national"),
    path("regions/<str:code>/equity/", views.region, name="region"),
    path("icbs/<str:code>/equity/", views.icb, name="icb"),
    path("trusts/<str:code>/equity/", views.trust, name="trust"),
]
