from django.apps import AppConfig


class FeaturesConfig(AppConfig):
    name = "tenant_apps.features"
    label = "features"
    verbose_name = "Fonctionnalités activées par la ville"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import hooks, signals  # noqa: F401 - signals: connected on import

        hooks.register()  # the city's feature switches, for tenants.features
