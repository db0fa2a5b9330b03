from django.apps import AppConfig


class DashboardPagesConfig(AppConfig):
    name = "perinatal.dashboard.pages"
    label = "dashboard_pages"
    verbose_name = "Maternity and Neonatal Performance Dashboard pages"

    def ready(self) -> None:
        # After every load, England's rows are computed again in the background, so that the
        # engine's tally cache is full before anyone opens a page (tasks.warm_up_task).
        from perinatal.core.task_recovery import on_lost, register_sweep
        from perinatal.dashboard.datasets.schema import DATASET_NAMES
        from perinatal.dashboard.imports.hooks import register_after_import

        from .tasks import enqueue_warm_up, import_upload_task, remove_abandoned_files, upload_lost_with_worker

        for dataset in DATASET_NAMES:
            register_after_import(dataset=dataset, hook=enqueue_warm_up)
        # An upload whose worker died mid-check ends as failed, its files removed.
        on_lost(import_upload_task, upload_lost_with_worker)
        # A file saved by a web server killed before it was queued: removed once old (tasks.py).
        register_sweep(remove_abandoned_files)
