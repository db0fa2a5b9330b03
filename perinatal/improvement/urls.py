"""The improvement support pages, under /improvement/ (perinatal/urls.py)."""

from django.urls import path

from perinatal.improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("cases.csv", views.case_list_csv, name="cases_csv"),
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/new/", views.concern_new, name="concern_new"),
    path("concerns/suggested/", views.triage_suggestion, name="triage_suggestion"),
    path("concerns/<int:pk>/triage/", views.triage, name="triage"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/people/new/", views.person_new, name="person_new"),
    path("cases/<int:pk>/diagnostic/", views.diagnostic_dates, name="diagnostic"),
    path("cases/<int:pk>/diagnostic/<str:domain>/", views.diagnostic_finding, name="diagnostic_finding"),
    path("cases/<int:pk>/plan/agree/", views.plan_agree, name="plan_agree"),
    path("cases/<int:pk>/actions/<int:number>/", views.action_update, name="action_update"),
    path("cases/<int:pk>/feedback/new/", views.feedback_new, name="feedback_new"),
    path("cases/<int:pk>/feedback/<int:item_pk>/respond/", views.feedback_respond, name="feedback_respond"),
    path("cases/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("cases/<int:pk>/escalations/new/", views.escalation_new, name="escalation_new"),
    path(
        "cases/<int:pk>/escalations/<int:escalation_pk>/response/",
        views.escalation_response,
        name="escalation_response",
    ),
    path("cases/<int:pk>/escalations/<int:escalation_pk>/deescalate/", views.deescalation_new, name="deescalate"),
    path("cases/<int:pk>/exit/criteria/", views.exit_criteria, name="exit_criteria"),
    path("cases/<int:pk>/exit/assessment/", views.exit_assessment, name="exit_assessment"),
    path("cases/<int:pk>/exit/decision/", views.exit_decision, name="exit_decision"),
    path("cases/<int:pk>/exit/", views.exit_formal, name="exit_formal"),
]
