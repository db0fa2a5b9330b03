from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "perinatal.reports"
    label = "reports"
    verbose_name = "The monthly maternity and neonatal safety report to the trust board"
