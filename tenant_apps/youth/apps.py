from django.apps import AppConfig


class YouthConfig(AppConfig):
    name = "tenant_apps.youth"
    label = "youth"
    verbose_name = "Jeunes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # exports registers the account's own export and erasure sections on import.
        from . import exports, hooks, signals  # noqa: F401 - signals: cached pages go stale

        hooks.register()  # a new city's neighbourhoods (tenants.hooks)
