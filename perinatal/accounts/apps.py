from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "perinatal.accounts"
    label = "accounts"
    verbose_name = "Users, roles and access"
