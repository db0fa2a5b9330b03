from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "perinatal.improvement"
    label = "improvement"
    verbose_name = "Improvement support: the Maternity and Neonatal Improvement Support Team's cases"
