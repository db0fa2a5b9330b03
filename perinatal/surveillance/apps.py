from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "perinatal.surveillance"
    label = "surveillance"
    verbose_name = "Outcome signals (MOSS, SPC, funnel plots)"

    def ready(self) -> None:
        # MOSS runs after every births import (docs/rules/surveillance.md §1.4), through the
        # dashboard's after-import hook.
        from perinatal.dashboard.imports.hooks import register_after_import
        from perinatal.surveillance.tasks import enqueue_after_births_import

        register_after_import(dataset="births", hook=enqueue_after_births_import)
