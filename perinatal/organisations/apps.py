from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "perinatal.organisations"
    label = "organisations"
    verbose_name = "Organisation register"
