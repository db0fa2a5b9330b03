from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "perinatal.accounts"
    label = "accounts"
    verbose_name = "Users, roles and access"

    def ready(self):
        # Every sign-in (local, OpenID Connect, a test's force_login) records its session, so that
        # it can be ended at once (docs/rules/accounts.md §4).
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from perinatal.accounts import signals

        user_logged_in.connect(signals.signed_in, dispatch_uid="perinatal.accounts.signed_in")
        user_logged_out.connect(signals.signed_out, dispatch_uid="perinatal.accounts.signed_out")
