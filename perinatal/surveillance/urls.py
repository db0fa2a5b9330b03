from django.urls import path

from perinatal.surveillance import reference_rate_views, views

app_name = "surveillance"

urlpatterns = [
    path("signals/", views.overview, name="overview"),
    path("signals/reference-rates/", reference_rate_views.reference_rates, name="reference_rates"),
    path("signals/reference-rates/<int:pk>/withdraw/", reference_rate_views.withdraw, name="withdraw_reference_rates"),
    path("signals/sites/", views.find_site, name="find_site"),
    path("signals/sites/<str:code>/", views.site, name="site"),
    path("signals/sites/<str:code>/moss.csv", views.site_csv, name="site_csv"),
    path("signals/checks/", views.checks, name="checks"),
    path("signals/checks/<int:pk>/", views.safety_check, name="check"),
    path("signals/checks/<int:pk>/owner/", views.check_owner, name="check_owner"),
    path("signals/checks/<int:pk>/findings/<str:area>/", views.check_finding, name="check_finding"),
    path("signals/checks/<int:pk>/actions/new/", views.check_action, name="check_action"),
    path("signals/checks/<int:pk>/actions/<int:action_pk>/", views.check_action_update, name="check_action_update"),
    path("signals/checks/<int:pk>/complete/", views.check_complete, name="check_complete"),
]
