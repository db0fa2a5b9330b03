from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "perinatal.surveillance"
    label = "surveillance"
    verbose_name = "Outcome signals (MOSS, SPC, funnel plots)"

    def ready(self) -> None:
        # MOSS runs after every births import (docs/rules/surveillance.md §1.4), through the
        # dashboard's after-import hook.
        from perinatal.core.task_recovery import on_lost, register_sweep
        from perinatal.dashboard.imports.hooks import register_after_import
        from perinatal.surveillance.tasks import (
            enqueue_after_births_import,
            moss_run_lost_with_worker,
            queue_run_for_changed_rates,
            run_moss_task,
        )

        register_after_import(dataset="births", hook=enqueue_after_births_import)
        # A run lost with a killed worker is queued again; so is one that changed rates still wait for.
        on_lost(run_moss_task, moss_run_lost_with_worker)
        register_sweep(queue_run_for_changed_rates)
