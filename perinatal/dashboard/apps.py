from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "perinatal.dashboard"
    label = "dashboard"
    verbose_name = "Maternity and Neonatal Performance Dashboard"
