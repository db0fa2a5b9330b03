from django.urls import path

from perinatal.web.organisations import views

app_name = "organisations"

urlpatterns = [
    path("organisations/", views.register, name="register"),
    path("organisations/<str:code>/", views.organisation, name="organisation"),
    path("trusts/<str:code>/", views.trust, name="trust"),
    path("trusts/<str:code>/phase/", views.assign_phase, name="assign_phase"),
    path("trusts/<str:code>/account-details/", views.account_details, name="account_details"),
    path("onboarding/", views.onboarding, name="onboarding"),
]
