from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shared_apps.accounts"
    label = "accounts"
    verbose_name = "Comptes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from . import authentication, hooks, limits  # noqa: F401 - its signals

        hooks.register()  # a new city's first admin and invitation (tenants.hooks)
        user_login_failed.connect(limits.count_sign_in_failure, dispatch_uid="tremplin.limits")
