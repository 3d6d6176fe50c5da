from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tenant_apps.analytics"
    label = "analytics"
    verbose_name = "Diagnostic de la jeunesse"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import privacy  # noqa: F401 - registers the export and erasure hooks
