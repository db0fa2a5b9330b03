"""The board report's pages, under /board-reports/ (perinatal/urls.py)."""

from django.urls import path

from perinatal.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<str:code>/<str:month>/", views.report_page, name="report"),
    path("<str:code>/<str:month>/open/", views.open_month, name="open"),
    path("<str:code>/<str:month>/data/<str:item>/", views.mds_item, name="mds_item"),
    path("<str:code>/<str:month>/write/<str:part>/", views.part, name="part"),
    path("<str:code>/<str:month>/submit/", views.submit_view, name="submit"),
    path("<str:code>/<str:month>/decide/", views.decide, name="decide"),
    path("<str:code>/<str:month>/correct/", views.correct, name="correct"),
    path(
        "<str:code>/<str:month>/version-<int:number>/<str:edition>.<str:file_format>",
        views.download,
        name="download",
    ),
    path("<str:code>/<str:month>/draft/<str:edition>.<str:file_format>", views.draft_download, name="draft_download"),
]
