"""The equity programme's pages, under /equity/programme/ (perinatal/urls.py)."""

from django.urls import path

from perinatal.equity.programme import views

app_name = "equity_programme"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("plan.csv", views.plan_download, name="plan_download"),
    path("start/", views.programme_start, name="start"),
    path("intakes/new/", views.intake_new, name="intake_new"),
    path("intakes/<int:number>/", views.intake, name="intake"),
    path("intakes/<int:number>/change/", views.intake_edit, name="intake_edit"),
    path("intakes/<int:number>/sites/", views.intake_sites, name="intake_sites"),
    path("intakes/<int:number>/sites/<str:code>/remove/", views.intake_site_remove, name="intake_site_remove"),
    path("intakes/<int:number>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sites/<str:code>/", views.site, name="site"),
    path("sites/<str:code>/team/new/", views.team_member_new, name="team_member_new"),
    path("sites/<str:code>/team/<int:pk>/remove/", views.team_member_remove, name="team_member_remove"),
    path("sites/<str:code>/backing/", views.backing, name="backing"),
    path("sites/<str:code>/elements/<int:number>/", views.element, name="element"),
    path("sites/<str:code>/surveys/<str:round_>/", views.survey, name="survey"),
]
