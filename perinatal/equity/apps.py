from django.apps import AppConfig


class EquityConfig(AppConfig):
    name = "perinatal.equity"
    label = "equity"
    verbose_name = "Equity: outcomes by ethnicity and deprivation, and the equity programme"
