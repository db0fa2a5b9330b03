from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "perinatal.demo"
    label = "demo"
    verbose_name = "Demo data: synthetic sites, users, births, signals and notifications"
