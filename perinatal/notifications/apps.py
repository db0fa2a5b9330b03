from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "perinatal.notifications"
    label = "notifications"
    verbose_name = "Perinatal event notifications"

    def ready(self) -> None:
        # System checks: production endpoints must be HTTPS and carry a shared secret.
        from perinatal.notifications import checks  # noqa: F401
