"""The dashboard pages, under /dashboard/ (perinatal/urls.py)."""

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.national, name="national"),
    path("england/", views.england, name="england"),
    path("regions/<str:code>/", views.region, name="region"),
    path("icbs/<str:code>/", views.icb, name="icb"),
    path("trusts/", views.trusts, name="trusts"),
    path("trusts/<str:code>/", views.trust, name="trust"),
    path("definitions/", views.definitions, name="definitions"),
    path("uploads/", views.upload_list, name="uploads"),
    path("uploads/new/", views.upload_new, name="upload_new"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload"),
    path("uploads/<int:pk>/status.json", views.upload_status, name="upload_status"),
]
