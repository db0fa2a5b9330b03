"""The reporter's journey, under /notifications/ (included before the notifications app's own
URLs so that "new" is never read as a reference)."""

from django.urls import path

from perinatal.notifications.journey import views

app_name = "journey"

urlpatterns = [
    path("new/", views.start, name="start"),
    path("drafts/<uuid:draft_id>/", views.resume, name="resume"),
    path("drafts/<uuid:draft_id>/delete/", views.delete, name="delete"),
    path("drafts/<uuid:draft_id>/check-answers/", views.check, name="check"),
    path("drafts/<uuid:draft_id>/possible-duplicates/", views.duplicates, name="duplicates"),
    path("drafts/<uuid:draft_id>/where-this-will-go/", views.destinations, name="destinations"),
    path("drafts/<uuid:draft_id>/submitted/", views.submitted, name="submitted"),
    path("drafts/<uuid:draft_id>/<slug:slug>/", views.question, name="question"),
]
