from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tenant_apps.analytics"
    label = "analytics"
    verbose_name = "Diagnostic de la jeunesse"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenant_apps.interactions import recorder_register

        from . import privacy  # noqa: F401 - registers the export and erasure hooks
        from .recording import record

        recorder_register(record)  # catalogue and matching record through tenant_apps.interactions
