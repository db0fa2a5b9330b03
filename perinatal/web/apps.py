from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "perinatal.web"
    label = "web"
    verbose_name = "Web shell: home, header menu, audit trail page, error pages, perinatal setup"
