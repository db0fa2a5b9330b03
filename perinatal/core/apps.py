from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "perinatal.core"
    label = "core"
    verbose_name = "Core: audit, scoping, layout"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save
        from django_tasks.signals import task_started
        from django_tasks_db.models import DBTaskResult

        from perinatal.core import checks  # noqa: F401 - registers the system checks
        from perinatal.core.logging import redact_stored_task_error
        from perinatal.core.middleware import record_sign_in
        from perinatal.core.task_recovery import heartbeat_on_task_started

        user_logged_in.connect(record_sign_in, dispatch_uid="perinatal-absolute-session-start")
        task_started.connect(heartbeat_on_task_started, dispatch_uid="perinatal-worker-heartbeat")
        # A failed task's traceback is stored in the task table: no NHS number may reach it.
        pre_save.connect(redact_stored_task_error, sender=DBTaskResult, dispatch_uid="perinatal-redact-task-error")
