from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "shared_apps.billing"
    label = "billing"
    verbose_name = "Facturation"

    def ready(self) -> None:
        from . import checks, hooks  # noqa: F401 - checks: registered on import

        hooks.register()  # a new city's plan (tenants.hooks)
