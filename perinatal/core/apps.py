from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "perinatal.core"
    label = "core"
    verbose_name = "Core: audit, scoping, layout"

    def ready(self):
        from perinatal.core import checks  # noqa: F401 - registers the system checks
