from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "shared_apps.billing"
    label = "billing"
    verbose_name = "Facturation"

    def ready(self) -> None:
        from . import hooks

        hooks.register()  # a new city's plan (tenants.hooks)
