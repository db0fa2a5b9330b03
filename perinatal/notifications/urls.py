from django.urls import path, register_converter

from perinatal.notifications import held_views, receiving, views
from perinatal.notifications.amending import views as amending


class ReferenceConverter:
    """A notification reference, like PEN-2026-000123: other paths under notifications/
    (the reporter's journey) never match it."""

    regex = "[A-Za-z]{3}-[0-9]{4}-[0-9]{1,12}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")

app_name = "notifications"

urlpatterns = [
    # The trust's notifications (the reporter's journey lives in notifications/journey/).
    path("notifications/", views.notification_list, name="list"),
    # Submissions held as possible duplicates (docs/rules/routing.md §7.2).
    path("notifications/held/", held_views.held_list, name="held_list"),
    path("notifications/<reference:reference>/held/", held_views.held_decision, name="held"),
    path("notifications/<reference:reference>/", views.notification_detail, name="detail"),
    # Amending through the journey's question pages, and withdrawing (docs/rules/routing.md §8–§10).
    path("notifications/<reference:reference>/amend/", amending.amend, name="amend"),
    path(
        "notifications/<reference:reference>/amend/where-this-will-now-go/",
        amending.preview,
        name="amend_preview",
    ),
    path("notifications/<reference:reference>/amend/start-again/", amending.start_again, name="amend_start_again"),
    path("notifications/<reference:reference>/amend/<slug:slug>/", amending.question, name="amend_question"),
    path("notifications/<reference:reference>/withdraw/", amending.withdraw, name="withdraw"),
    path("notifications/<reference:reference>/questions/<int:request_id>/", views.answer, name="answer"),
    path("notifications/<reference:reference>/deliveries/<int:delivery_id>/retry/", views.retry, name="retry"),
    # Each national body's inbox.
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<str:body>/download.csv", views.inbox_download, name="inbox_download"),
    path("inbox/<str:body>/<reference:reference>/", views.inbox_detail, name="inbox_detail"),
    # The system admin's API tokens.
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    # The JSON API is perinatal/api, at api/v1/.
    # Demo and tests: each body's receiving endpoint on this platform.
    path("receiving/<str:body>/", receiving.receive, name="receive"),
]
