"""Django app config for the French communes reference."""

from django.apps import AppConfig


class GeoConfig(AppConfig):
    """Geographic reference app (no models, ships a static communes file)."""

    name = "shared_apps.geo"
    label = "geo"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Référentiel géographique"

    def ready(self) -> None:
        from . import hooks

        hooks.register()  # the commune behind a new city's INSEE code (tenants.hooks)
