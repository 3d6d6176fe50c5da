from django.apps import AppConfig


class BrandingConfig(AppConfig):
    name = "tenant_apps.branding"
    label = "branding"
    verbose_name = "Identité visuelle"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import hooks, signals  # noqa: F401 - signals: cached branding goes stale

        hooks.register()  # brand colour, first branding row, renames (tenants.hooks)
